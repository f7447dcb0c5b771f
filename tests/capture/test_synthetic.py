from __future__ import annotations

import time

import numpy as np
import pytest

from eyetracker.capture.base import EndOfStream, SourceOpenError, available_sources, create_source
from eyetracker.capture.synthetic import SyntheticCamera


def test_registered_as_synthetic():
    assert "synthetic" in available_sources()
    assert isinstance(create_source("synthetic", realtime=False), SyntheticCamera)


def test_reads_frames_with_truth_and_meta_until_the_end():
    with SyntheticCamera(script="calibration", realtime=False, fps=10, duration=1.0) as camera:
        frames = list(camera)
        with pytest.raises(EndOfStream):
            camera.read()
    assert len(frames) == 10
    assert [f.index for f in frames] == list(range(10))
    first = frames[0]
    assert first.image.shape == (480, 640, 3) and first.image.dtype == np.uint8
    assert first.truth is not None and 0 <= first.truth.x <= 1
    assert first.meta["person"] == camera.person.id and first.meta["sitting"] == camera.sitting.id
    assert {"time", "phase", "blink", "eyes_px", "face_box"} <= set(first.meta)
    assert camera.fps == 10 and camera.resolution == (640, 480)


def test_read_before_open_is_a_clear_error_and_close_is_idempotent():
    camera = SyntheticCamera(realtime=False)
    with pytest.raises(SourceOpenError, match="open"):
        camera.read()
    camera.open()
    camera.read()
    camera.close()
    camera.close()
    with pytest.raises(SourceOpenError):
        camera.read()


def test_same_seed_same_frames():
    def frames(seed):
        with SyntheticCamera(seed=seed, realtime=False, duration=0.2) as camera:
            return [f.image for f in camera]

    a, b, c = frames(3), frames(3), frames(4)
    assert all(x.tobytes() == y.tobytes() for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[0], c[0])


def test_realtime_paces_frames_on_the_monotonic_clock():
    with SyntheticCamera(realtime=True, fps=50, compress=False) as camera:
        opened = time.monotonic()
        frames = [camera.read() for _ in range(6)]
    # Scene time follows the frame slot; no frame is delivered before its slot is due
    # (under load frames may come late and slots be skipped, never early).
    for frame in frames:
        assert frame.meta["time"] == pytest.approx(frame.index / 50)
        assert frame.timestamp >= opened + frame.index / 50 - 0.001
    assert np.all(np.diff([f.index for f in frames]) >= 1)


def test_events_dim_the_light_and_move_the_head_back():
    camera = SyntheticCamera(realtime=False, fps=5, events=("dim@1", "lean_back@1"), compress=False)
    with camera:
        frames = [camera.read() for _ in range(20)]
    before, after = frames[0], frames[-1]
    assert before.meta["light"] == 1.0 and after.meta["light"] < 0.5
    assert after.meta["face_box"][2] < 0.9 * before.meta["face_box"][2]  # farther away: smaller


@pytest.mark.parametrize(
    "options",
    [{"script": "juggling"}, {"events": ("earthquake@3",)}, {"events": ("dim",)}, {"fps": 0}],
)
def test_bad_options_are_one_clear_sentence(options):
    with pytest.raises(SourceOpenError) as error:
        SyntheticCamera(**options)
    assert str(error.value).endswith(".")
