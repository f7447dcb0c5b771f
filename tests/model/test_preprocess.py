from __future__ import annotations

import cv2
import numpy as np
import pytest

from eyetracker.capture.synthetic import SyntheticCamera
from eyetracker.model.haar import FaceDetector, FaceTracker
from eyetracker.model.preprocess import Preprocessing


@pytest.fixture(scope="module")
def video():
    with SyntheticCamera(realtime=False, duration=1.0, seed=3) as camera:
        return [frame.image for frame in camera]


def test_tracked_faces_match_full_frame_detection(video):
    detector, tracker = FaceDetector(), FaceTracker()
    for image in video:
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        full, tracked = detector.find(gray), tracker.find(gray)
        assert full is not None and tracked is not None
        assert np.abs(np.subtract(full, tracked)).max() <= 0.1 * full[2]


def test_tracker_falls_back_to_the_whole_frame_when_the_face_moves(video):
    tracker = FaceTracker()
    gray = cv2.cvtColor(video[0], cv2.COLOR_BGR2GRAY)
    first = tracker.find(gray)
    shifted = np.roll(gray, 200, axis=1)  # the face jumps far outside the search region
    moved = tracker.find(shifted)
    assert moved is not None and abs(moved[0] - first[0] - 200) <= 0.1 * first[2]


def test_face_crop_has_the_configured_size_and_reports_a_missing_face(video):
    front_end = Preprocessing("face", 96, 48).front_end(video=False)
    prepared = front_end.prepare(video[0])
    assert prepared.found and prepared.pixels.shape == (1, 48, 96) and prepared.reason == ""
    assert 0 < prepared.geometry[2] < 1 and prepared.box is not None
    blank = front_end.prepare(np.full((480, 640, 3), 128, np.uint8))
    assert not blank.found and blank.reason == "no face"
    assert blank.pixels.shape == (1, 48, 96)


@pytest.mark.parametrize("kind", ["square", "face"])
def test_a_dark_frame_is_too_dark_for_every_front_end(video, kind):
    size = (32, 32) if kind == "square" else (96, 48)
    front_end = Preprocessing(kind, *size).front_end(video=True)
    dark = (video[0] * 0.05).astype(np.uint8)
    prepared = front_end.prepare(dark)
    assert not prepared.found and prepared.reason == "too dark"


def test_square_crop_keeps_the_centre_square():
    image = np.zeros((480, 640, 3), np.uint8)
    image[:, :80] = 255  # the sides are cut off
    image[:, 80:] = 60  # lit enough to be usable
    prepared = Preprocessing("square", 32, 32).front_end().prepare(image)
    assert prepared.found and prepared.pixels.max() == pytest.approx(60 / 255)
