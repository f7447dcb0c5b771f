from __future__ import annotations

import errno
import json
import os

import numpy as np
import pytest

from eyetracker.core.dataset import load_dataset, load_measurement, save_measurement
from eyetracker.core.measurement import MeasurementError, MeasurementWriter, Screen

IMAGE = np.zeros((6, 8, 3), np.uint8)
SCREEN = Screen(1920, 1080, 344.0, 194.0)


def new_writer(root, **kwargs):
    kwargs.setdefault("measurement", "m1")
    return MeasurementWriter(root, "p01", SCREEN, **kwargs)


@pytest.mark.parametrize("image_format", ["jpg", "png"])
def test_round_trip_through_load_dataset(tmp_path, image_format):
    writer = new_writer(
        tmp_path,
        camera={"width": 8, "height": 6},
        extra={"app_version": "0.1.0"},
        image_format=image_format,
    )
    written = [writer.add(IMAGE, i / 4, 1 - i / 4, t=i * 0.5, dot={"r": 9}) for i in range(5)]

    dataset = load_dataset(tmp_path)

    assert dataset.problems == []
    [measurement] = dataset.measurements
    assert measurement.samples == written == writer.samples
    assert (measurement.person, measurement.name) == ("p01", "m1")
    assert measurement.screen == SCREEN
    assert measurement.camera == {"width": 8, "height": 6}
    assert measurement.extras == {"app_version": "0.1.0"}
    assert all(measurement.image_path(s).suffix == f".{image_format}" for s in measurement)
    assert list(dataset.people) == ["p01"]


def test_a_new_measurement_is_valid_before_its_first_sample(tmp_path):
    writer = new_writer(tmp_path)
    measurement = load_measurement(writer.folder)
    assert measurement.samples == [] and measurement.problems == []


def test_never_overwrites_an_existing_measurement(tmp_path):
    writer = new_writer(tmp_path)
    writer.add(IMAGE, 0.5, 0.5)
    with pytest.raises(MeasurementError, match="already exists"):
        new_writer(tmp_path)
    assert len(load_measurement(writer.folder)) == 1


def test_default_names_do_not_collide_within_one_second(tmp_path):
    first = MeasurementWriter(tmp_path, "p01", SCREEN)
    second = MeasurementWriter(tmp_path, "p01", SCREEN)
    assert first.folder != second.folder
    assert len(load_dataset(tmp_path)) == 2


def test_rejects_points_off_the_screen_and_non_json_extras(tmp_path):
    writer = new_writer(tmp_path)
    for x, y in [(1.5, 0.5), (0.5, -0.1), (float("nan"), 0.5), (True, 0.5), ("0.5", 0.5)]:
        with pytest.raises(ValueError):
            writer.add(IMAGE, x, y)
    with pytest.raises(ValueError, match="JSON"):
        writer.add(IMAGE, 0.5, 0.5, when=object())
    writer.add(IMAGE, np.float32(0.25), np.float64(0.75))
    measurement = load_measurement(writer.folder)
    assert [(s.x, s.y) for s in measurement] == [(0.25, 0.75)]
    assert sorted(p.name for p in writer.folder.iterdir()) == ["0000.jpg", "measurement.json"]


def test_drop_last_removes_sample_and_image(tmp_path):
    writer = new_writer(tmp_path)
    writer.add(IMAGE, 0.1, 0.1)
    last = writer.add(IMAGE, 0.2, 0.2)
    assert writer.drop_last() == last
    assert not (writer.folder / last.image).exists()
    assert [s.x for s in load_measurement(writer.folder)] == [0.1]


def test_resume_appends_and_keeps_unknown_keys(tmp_path):
    writer = new_writer(tmp_path, extra={"calibration": {"points": 9}}, image_format="png")
    writer.add(IMAGE, 0.1, 0.2, colour="red")
    # Another program added keys, including inside the screen object and a sample it broke.
    data = json.loads(writer.manifest_path.read_text())
    data["notes"] = "kept"
    data["screen"]["name"] = "DELL"
    data["samples"].append({"image": "gone.png", "x": 0.5, "y": 0.5, "why": "deleted"})
    writer.manifest_path.write_text(json.dumps(data))
    (writer.folder / ".measurement-5ca1ab1e.json").write_text("{")

    resumed = MeasurementWriter.resume(writer.folder)
    added = resumed.add(IMAGE, 0.9, 0.8, colour="blue")

    assert added.image.endswith(".png") and len(resumed) == 3
    assert not (writer.folder / ".measurement-5ca1ab1e.json").exists()
    data = json.loads(writer.manifest_path.read_text())
    assert data["calibration"] == {"points": 9} and data["notes"] == "kept"
    assert data["screen"]["name"] == "DELL"
    assert data["samples"][1] == {"image": "gone.png", "x": 0.5, "y": 0.5, "why": "deleted"}
    measurement = load_measurement(writer.folder)
    assert [s.extra["colour"] for s in measurement] == ["red", "blue"]
    assert len(measurement.problems) == 1 and "samples[1]" in str(measurement.problems[0])


def test_resume_never_overwrites_an_orphan_image(tmp_path):
    writer = new_writer(tmp_path)
    writer.add(IMAGE, 0.1, 0.1)
    orphan = writer.folder / "0001.jpg"  # a crash after the image, before the manifest
    orphan.write_bytes(b"orphan")
    added = MeasurementWriter.resume(writer.folder).add(IMAGE, 0.2, 0.2)
    assert added.image == "0002.jpg" and orphan.read_bytes() == b"orphan"


def test_resume_of_a_broken_manifest_is_a_measurement_error(tmp_path):
    writer = new_writer(tmp_path)
    writer.manifest_path.write_text('{"format": 3}')
    with pytest.raises(MeasurementError, match="format 3"):
        MeasurementWriter.resume(writer.folder)


def test_save_measurement_rewrites_and_keeps_unknown_keys(tmp_path):
    writer = new_writer(
        tmp_path, extra={"app": {"version": "0.1"}}, camera={"width": 8, "height": 6, "fps": 30}
    )
    for i in range(3):
        writer.add(IMAGE, i / 3, 0.5, t=i)
    data = json.loads(writer.manifest_path.read_text())
    data["samples"].append({"image": "0000.jpg", "x": 0.1, "y": 0.1})  # a duplicate
    data["screen"]["width_mm"] = "wide"
    writer.manifest_path.write_text(json.dumps(data))

    measurement = load_measurement(writer.folder)
    measurement.samples = [s for s in measurement.samples if s.extra["t"] != 1]
    save_measurement(measurement)

    again = load_measurement(writer.folder)
    assert [s.extra["t"] for s in again] == [0, 2]
    assert again.extras == {"app": {"version": "0.1"}}
    assert again.camera == {"width": 8, "height": 6, "fps": 30}
    assert again.screen.extra == {"width_mm": "wide"}
    assert len(again.skipped) == 1  # the duplicate is kept for a person to look at
    save_measurement(again, keep_skipped=False)
    assert load_measurement(writer.folder).problems[0].message.startswith("screen.width_mm")


def _fail_from(monkeypatch, name, calls_before_failure):
    real = getattr(os, name)
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > calls_before_failure:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, failing)


# One add() calls fsync on the image, fsync on the temporary manifest, os.replace, and
# fsync on the folder (best effort): a full disk may strike at any of the first three.
@pytest.mark.parametrize(
    ("name", "calls_before_failure"), [("fsync", 0), ("fsync", 1), ("replace", 0)]
)
def test_full_disk_is_a_clear_error_and_loses_nothing(
    tmp_path, monkeypatch, name, calls_before_failure
):
    writer = new_writer(tmp_path)
    kept = [writer.add(IMAGE, i / 10, 0.5) for i in range(4)]
    _fail_from(monkeypatch, name, calls_before_failure)

    with pytest.raises(MeasurementError) as caught:
        writer.add(IMAGE, 0.9, 0.9)

    message = str(caught.value)
    assert "disk is full" in message and "the 4 samples before it are safe" in message
    assert message.count(". ") == 0 and message.endswith(".")
    monkeypatch.undo()
    measurement = load_measurement(writer.folder)
    assert measurement.samples == kept and measurement.problems == []
    assert sorted(p.name for p in writer.folder.iterdir()) == [s.image for s in kept] + [
        "measurement.json"
    ]
    # Once space is free again the same writer carries on.
    writer.add(IMAGE, 0.9, 0.9)
    assert len(load_measurement(writer.folder)) == 5


def test_full_disk_when_starting_leaves_no_folder(tmp_path, monkeypatch):
    _fail_from(monkeypatch, "fsync", 0)
    with pytest.raises(MeasurementError, match="disk is full"):
        new_writer(tmp_path)
    monkeypatch.undo()
    assert not (tmp_path / "p01" / "m1").exists()


def test_non_json_header_is_refused_before_anything_is_created(tmp_path):
    with pytest.raises(ValueError, match="JSON"):
        new_writer(tmp_path, extra={"when": float("nan")})
    assert not (tmp_path / "p01" / "m1").exists()


def test_an_existing_file_is_never_removed_when_its_name_is_taken(tmp_path, monkeypatch):
    writer = new_writer(tmp_path)
    taken = writer.folder / "0000.jpg"
    # Another process creates the file between choosing the name and writing it.
    monkeypatch.setattr(writer, "_free_image_name", lambda: taken.write_bytes(b"x") and taken.name)
    with pytest.raises(MeasurementError):
        writer.add(IMAGE, 0.5, 0.5)
    assert taken.read_bytes() == b"x"
