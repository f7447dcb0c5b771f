"""The image-folder source: order, damaged images, and truth from a measurement folder."""

from __future__ import annotations

import json
import logging
import struct
from pathlib import Path

import cv2
import numpy as np
import pytest

from eyetracker.capture.base import SourceOpenError
from eyetracker.capture.folder import ImageFolderSource
from eyetracker.core.types import GazePoint
from tests.helpers.capture_inputs import gradient_image, write_folder, write_measurement


def test_a_missing_folder_is_named(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(SourceOpenError) as error:
        ImageFolderSource(missing).open()
    assert str(error.value) == f"The image folder {missing} does not exist."


def test_a_file_is_not_a_folder(tmp_path):
    path = tmp_path / "a.png"
    cv2.imwrite(str(path), gradient_image(10))
    with pytest.raises(SourceOpenError, match="is a file, not a folder"):
        ImageFolderSource(path).open()


def test_a_folder_without_images_is_a_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("no images here")
    with pytest.raises(SourceOpenError, match=r"No \.jpg, \.png or \.bmp images match '\*'"):
        ImageFolderSource(tmp_path).open()


def test_images_come_in_natural_order_and_other_files_are_ignored(tmp_path):
    for number in (10, 2, 1):
        cv2.imwrite(str(tmp_path / f"img{number}.bmp"), gradient_image(number))
    (tmp_path / "readme.txt").write_text("ignored")
    with ImageFolderSource(tmp_path) as source:
        names = [Path(frame.meta["path"]).name for frame in source]
    assert names == ["img1.bmp", "img2.bmp", "img10.bmp"]


def test_pattern_selects_images(tmp_path):
    write_folder(tmp_path, count=3, suffix=".png")
    write_folder(tmp_path, count=2, suffix=".jpg")
    with ImageFolderSource(tmp_path, pattern="*.jpg") as source:
        assert len(list(source)) == 2


def test_corrupt_images_are_skipped_counted_and_logged(tmp_path, caplog):
    write_folder(tmp_path, count=3)
    (tmp_path / "img1.png").write_bytes(b"\x89PNG but not really")
    (tmp_path / "img2.png").write_bytes(b"")
    with caplog.at_level(logging.WARNING, logger="eyetracker.capture.folder"):
        with ImageFolderSource(tmp_path) as source:
            frames = list(source)
            assert source.skipped == 2
    assert [frame.index for frame in frames] == [0]
    assert frames[0].meta["path"].endswith("img0.png")
    skipped = [record.getMessage() for record in caplog.records]
    assert len(skipped) == 2 and all("not a readable image" in text for text in skipped)


def test_an_image_whose_header_claims_too_many_pixels_is_skipped_undecoded(tmp_path, caplog):
    write_folder(tmp_path, count=2)
    ihdr = struct.pack(">II5B", 25000, 25000, 8, 2, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\0\0\0\0"
    (tmp_path / "img1.png").write_bytes(bomb)
    with caplog.at_level(logging.WARNING, logger="eyetracker.capture.folder"):
        with ImageFolderSource(tmp_path) as source:
            assert len(list(source)) == 1 and source.skipped == 1
    [skipped] = [record.getMessage() for record in caplog.records]
    assert "img1.png: image is 25000 x 25000 pixels, more than the 8000 x 8000" in skipped


def test_gray_and_16_bit_images_become_bgr_uint8(tmp_path):
    cv2.imwrite(str(tmp_path / "a.png"), np.full((8, 10), 7, np.uint8))
    cv2.imwrite(str(tmp_path / "b.png"), np.full((8, 10, 3), 0x1234, np.uint16))
    with ImageFolderSource(tmp_path) as source:
        gray, deep = list(source)
    for frame in (gray, deep):
        assert frame.image.shape == (8, 10, 3) and frame.image.dtype == np.uint8
    assert int(deep.image[0, 0, 0]) == 0x12
    assert source.resolution == (10, 8)


def test_a_measurement_folder_gives_each_frame_its_truth(tmp_path):
    points = [(0.1, 0.2), (0.5, 0.5), (0.9, 0.8)]
    folder = write_measurement(tmp_path / "m", points)
    cv2.imwrite(str(folder / "extra.jpg"), gradient_image(99))  # an image no sample names
    with ImageFolderSource(folder) as source:
        frames = list(source)
    truths = {Path(frame.meta["path"]).name: frame.truth for frame in frames}
    assert truths == {
        "000000.jpg": GazePoint(0.1, 0.2),
        "000001.jpg": GazePoint(0.5, 0.5),
        "000002.jpg": GazePoint(0.9, 0.8),
        "extra.jpg": None,
    }


def test_samples_the_dataset_reader_would_skip_give_no_truth(tmp_path):
    folder = write_measurement(tmp_path / "m", [(0.1, 0.2), (0.3, 0.4), (0.5, 0.6)])
    manifest = json.loads((folder / "measurement.json").read_text())
    manifest["samples"][1]["x"] = "left"
    manifest["samples"][2]["y"] = 1.5
    (folder / "measurement.json").write_text(json.dumps(manifest))
    with ImageFolderSource(folder) as source:
        truths = [frame.truth for frame in source]
    assert truths == [GazePoint(0.1, 0.2), None, None]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda m: '{"samples": [', "is not valid JSON"),
        (lambda m: json.dumps({**m, "format": 3}), "reads formats 1 and 2 only"),
        (lambda m: json.dumps({**m, "samples": {}}), "samples must be a list"),
    ],
)
def test_a_manifest_the_dataset_reader_refuses_is_a_clear_error(tmp_path, damage, reason):
    folder = write_measurement(tmp_path / "m", [(0.1, 0.2)])
    manifest = json.loads((folder / "measurement.json").read_text())
    (folder / "measurement.json").write_text(damage(manifest))
    with pytest.raises(SourceOpenError) as error:
        ImageFolderSource(folder).open()
    message = str(error.value)
    assert reason in message and message.endswith("without their gaze targets.")


def test_realtime_paces_frames_at_the_given_rate(tmp_path):
    write_folder(tmp_path, count=4)
    with ImageFolderSource(tmp_path, realtime=True, fps=50.0) as source:
        frames = list(source)
    assert frames[-1].timestamp - frames[0].timestamp >= 3 / 50.0 - 0.005


def test_a_non_positive_rate_is_refused():
    with pytest.raises(SourceOpenError, match="must be positive"):
        ImageFolderSource(".", fps=0)
