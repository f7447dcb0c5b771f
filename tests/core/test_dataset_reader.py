from __future__ import annotations

import io
import json
import struct

import cv2
import numpy as np
import pytest

from eyetracker.core.dataset import NotADatasetError, load_dataset, load_measurement
from eyetracker.core.errors import UserError
from eyetracker.core.images import decode_image, header_size
from eyetracker.core.measurement import MeasurementError
from tests.helpers.measurement_manifests import manifest, png_bytes, write_measurement


def test_a_dataset_person_or_measurement_folder_loads(tmp_path):
    write_measurement(tmp_path / "p01" / "m1", 3)
    write_measurement(tmp_path / "p01" / "m2", 2)
    write_measurement(tmp_path / "p02" / "m1", 4, person="p02")

    assert load_dataset(tmp_path).sample_count == 9
    assert {p: len(m) for p, m in load_dataset(tmp_path).people.items()} == {"p01": 2, "p02": 1}
    assert load_dataset(tmp_path / "p01").sample_count == 5
    assert load_dataset(tmp_path / "p02" / "m1").sample_count == 4


@pytest.mark.parametrize("make", ["missing", "file", "empty", "no-manifest"])
def test_a_path_that_is_not_a_dataset_is_a_user_error(tmp_path, make):
    path = tmp_path / "data"
    if make == "file":
        path.write_text("hello")
    elif make == "empty":
        path.mkdir()
    elif make == "no-manifest":
        (path / "p01" / "m1").mkdir(parents=True)
        (path / "p01" / "m1" / "0000.png").write_bytes(png_bytes())
    with pytest.raises(NotADatasetError) as caught:
        load_dataset(path)
    assert isinstance(caught.value, UserError)
    message = str(caught.value)
    assert str(path) in message and message.endswith(".") and "\n" not in message


def test_stale_temporary_files_and_hidden_folders_are_ignored(tmp_path):
    folder = tmp_path / "p01" / "m1"
    write_measurement(folder, 2)
    (folder / ".measurement-abc123.json").write_text('{"format": 1, "samp')
    write_measurement(tmp_path / ".trash" / "m1", 5)
    dataset = load_dataset(tmp_path)
    assert dataset.sample_count == 2 and dataset.problems == []


def test_each_bad_sample_is_one_line_with_its_path(tmp_path):
    folder = tmp_path / "p01" / "m1"
    write_measurement(folder, 1)
    (folder / "bad.png").write_bytes(b"GIF89a....")
    (folder / "empty.png").write_bytes(b"")
    samples = [
        {"image": "0000.png", "x": 0.5, "y": 0.5, "colour": "red"},
        {"image": "0000.png", "x": 0.1, "y": 0.1},
        {"image": "missing.png", "x": 0.1, "y": 0.1},
        {"image": "bad.png", "x": 0.1, "y": 0.1},
        {"image": "empty.png", "x": 0.1, "y": 0.1},
        {"image": "0000.png", "x": 1.5, "y": 0.1},
        {"image": "0000.png", "x": "0.5", "y": 0.1},
        {"image": "0000.png", "x": True, "y": 0.1},
        {"image": "0000.png", "y": 0.1},
        {"image": 7, "x": 0.1, "y": 0.1},
        {"image": "../escape.png", "x": 0.1, "y": 0.1},
        "not an object",
    ]
    text = json.dumps(manifest(samples)).replace('"y": 0.1}]', '"y": NaN}]')
    (folder / "measurement.json").write_text(text)

    measurement = load_measurement(folder)

    assert [s.extra for s in measurement] == [{"colour": "red"}]
    lines = [str(p) for p in measurement.problems]
    assert len(lines) == len(samples) - 1
    for index, line in enumerate(lines, start=1):
        assert line.startswith(str(folder)) and f"samples[{index}]" in line and "\n" not in line
    expected = ["already used", "missing", "neither JPEG nor PNG", "empty", "outside [0, 1]"]
    for line, words in zip(lines, expected, strict=False):
        assert words in line
    assert str(folder / "missing.png") in lines[1]


def test_full_decode_is_optional(tmp_path):
    folder = tmp_path / "m1"
    write_measurement(folder, 1)
    (folder / "0000.png").write_bytes(png_bytes()[:20])  # a valid header, a damaged body
    assert load_measurement(folder).problems == []
    [problem] = load_measurement(folder, decode_images=True).problems
    assert "cannot be decoded" in str(problem)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "not valid JSON"),
        ('{"format": 1, "samples": [', "not valid JSON"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"person": "p"}', "no format version"),
        ('{"format": 3}', "format 3"),
        ('{"format": "1"}', 'format "1"'),
        ('{"format": 1, "person": "p"}', "lacks the required key(s) measurement, screen, samples"),
        ("[" * 100_000, "not valid JSON"),
    ],
)
def test_an_unusable_manifest_is_one_problem_and_others_still_load(tmp_path, text, words):
    write_measurement(tmp_path / "p01" / "good", 2)
    bad = tmp_path / "p01" / "bad"
    bad.mkdir()
    (bad / "measurement.json").write_text(text)

    with pytest.raises(MeasurementError, match="measurement.json"):
        load_measurement(bad)
    dataset = load_dataset(tmp_path)

    assert dataset.sample_count == 2 and dataset.unreadable == [bad]
    [problem] = dataset.problems
    assert problem.path == bad / "measurement.json" and words in problem.message


def test_bad_optional_fields_are_problems_but_samples_load(tmp_path):
    folder = tmp_path / "m1"
    write_measurement(folder, 2, camera={"width": "640"})
    data = json.loads((folder / "measurement.json").read_text())
    data["screen"]["height_mm"] = -3
    (folder / "measurement.json").write_text(json.dumps(data))
    measurement = load_measurement(folder)
    assert len(measurement) == 2 and measurement.camera is None
    assert sorted(p.message.split()[0] for p in measurement.problems) == [
        "camera.width",
        "screen.height_mm",
    ]


def test_capture_times_are_the_recorded_ones_or_a_second_apart(tmp_path):
    data = write_measurement(tmp_path / "timed", count=3)
    for sample, t in zip(data["samples"], (0.5, 2.25, 30.0), strict=True):
        sample["t"] = t
    (tmp_path / "timed" / "measurement.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_measurement(tmp_path / "timed").capture_times() == [0.5, 2.25, 30.0]

    data["samples"][1]["t"] = "soon"  # one sample without a usable time: none is trusted
    (tmp_path / "timed" / "measurement.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_measurement(tmp_path / "timed").capture_times() == [0.0, 1.0, 2.0]

    write_measurement(tmp_path / "untimed", count=2)
    assert load_measurement(tmp_path / "untimed").capture_times() == [0.0, 1.0]


@pytest.mark.parametrize("bad", ["x", float("nan"), -600, 0, True, [600]])
def test_an_optional_size_or_distance_that_is_not_a_positive_number_is_dropped(tmp_path, bad):
    folder = tmp_path / "m1"
    data = write_measurement(folder, 2, viewing_distance_mm=bad)
    data["screen"] |= {"width_mm": bad, "height_mm": 194}
    (folder / "measurement.json").write_text(json.dumps(data), encoding="utf-8")

    measurement = load_measurement(folder)

    assert len(measurement) == 2
    assert measurement.screen.width_mm is None and measurement.screen.height_mm == 194
    assert measurement.viewing_distance_mm is None
    assert sorted(p.message.split()[0] for p in measurement.problems) == [
        "screen.width_mm",
        "viewing_distance_mm",
    ]
    assert all("ignored" in p.message for p in measurement.problems)


def test_a_valid_viewing_distance_is_read(tmp_path):
    write_measurement(tmp_path / "m1", 1, viewing_distance_mm=600)
    measurement = load_measurement(tmp_path / "m1")
    assert measurement.viewing_distance_mm == 600.0 and measurement.problems == []


def png_header(width: int, height: int) -> bytes:
    """A PNG signature and an IHDR claiming `width` x `height`, with no image data after it."""
    ihdr = struct.pack(">II5B", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\0\0\0\0"


def jpeg_header(width: int, height: int) -> bytes:
    """A JPEG's SOI, an APP0 segment and a baseline SOF0 claiming `width` x `height`."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\1\1\0\0\1\0\1\0\0"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\1\x11\0"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


@pytest.mark.parametrize("header", [png_header, jpeg_header])
def test_an_image_whose_header_claims_too_many_pixels_is_skipped_before_decoding(tmp_path, header):
    folder = tmp_path / "m1"
    write_measurement(folder, 2)
    (folder / "0001.png").write_bytes(header(25000, 25000))

    for decode in (False, True):
        measurement = load_measurement(folder, decode_images=decode)
        assert [s.image for s in measurement] == ["0000.png"]
        [problem] = measurement.problems
        assert "samples[1] image is 25000 x 25000 pixels, more than the 8000 x 8000" in str(problem)


def test_image_sizes_are_read_from_headers_and_bombs_are_not_decoded():
    image = np.zeros((30, 50, 3), np.uint8)
    for suffix in (".png", ".jpg"):
        encoded = cv2.imencode(suffix, image)[1].tobytes()
        assert header_size(io.BytesIO(encoded)) == (50, 30)
        assert decode_image(encoded).shape == (30, 50, 3)
    assert header_size(io.BytesIO(jpeg_header(9000, 8000))) == (9000, 8000)
    assert header_size(io.BytesIO(b"GIF89a")) is None
    assert decode_image(png_header(8001, 8000)) is None


@pytest.mark.parametrize("link", ["image", "folder"])
def test_an_image_that_links_outside_the_measurement_is_a_problem(tmp_path, link):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.png").write_bytes(png_bytes())
    folder = tmp_path / "data" / "m1"
    data = write_measurement(folder, 2)
    if link == "image":
        (folder / "0002.png").symlink_to(outside / "secret.png")
        name = "0002.png"
    else:
        (folder / "sub").symlink_to(outside, target_is_directory=True)
        name = "sub/secret.png"
    (folder / "inside.png").symlink_to(folder / "0000.png")  # a link within the folder is fine
    data["samples"] += [
        {"image": name, "x": 0.5, "y": 0.5},
        {"image": "inside.png", "x": 0.5, "y": 0.5},
    ]
    (folder / "measurement.json").write_text(json.dumps(data), encoding="utf-8")

    measurement = load_measurement(folder)

    assert [s.image for s in measurement] == ["0000.png", "0001.png", "inside.png"]
    [problem] = measurement.problems
    assert f"samples[2] image {json.dumps(name)} leads outside the measurement folder" in str(
        problem
    )


def test_duplicate_image_names_are_compared_after_normalising(tmp_path):
    folder = tmp_path / "m1"
    data = write_measurement(folder, 2)
    data["samples"] += [
        {"image": "./0000.png", "x": 0.5, "y": 0.5},
        {"image": ".//0001.png", "x": 0.5, "y": 0.5},
    ]
    (folder / "measurement.json").write_text(json.dumps(data), encoding="utf-8")
    measurement = load_measurement(folder)
    assert len(measurement) == 2
    assert ["already used" in p.message for p in measurement.problems] == [True, True]


@pytest.mark.parametrize(
    "planned, note",
    [
        (2, None),
        (1, None),
        (5, "holds 2 of its 5 planned samples: it was cut short"),
        ("5", 'planned_samples "5" is not a positive integer; ignored'),
        (0, "planned_samples 0 is not a positive integer; ignored"),
    ],
)
def test_a_measurement_short_of_its_planned_samples_is_a_problem(tmp_path, planned, note):
    from eyetracker.core.dataset import load_measurement

    folder = tmp_path / "p01" / "m1"
    write_measurement(folder, 2, planned_samples=planned)
    notes = [problem.message for problem in load_measurement(folder).problems]
    assert notes == ([note] if note else [])
    assert len(load_measurement(folder).samples) == 2  # the samples taken still load
