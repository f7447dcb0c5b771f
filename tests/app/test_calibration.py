"""Quick calibration saves a profile for the model that load_profile reads back."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from eyetracker.app.screens.calibration import CalibrationScreen
from eyetracker.core.dataset import load_dataset
from eyetracker.inference.backends.torch import TorchBackend
from eyetracker.inference.calibration import grid_points
from eyetracker.inference.profile import load_profile, profile_path
from tests.helpers.app_feeds import FeedingProvider, synthetic_faces
from tests.helpers.models import face_model


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    return TorchBackend(face_model(tmp_path_factory.mktemp("model") / "model.pt"), "cpu")


@pytest.fixture(scope="module")
def faces():
    return synthetic_faces(3)


def calibrate(qtbot, provider, backend, tmp_path, **options):
    screen = CalibrationScreen(
        provider,
        backend,
        tmp_path / "profiles",
        "Ada",
        frames_per_point=2,
        dwell_s=0.02,
        settle_s=0.0,
        **options,
    )
    qtbot.addWidget(screen)
    screen.start()
    qtbot.waitExposed(screen)
    assert screen.intro.isVisible()
    return screen


def test_calibration_writes_a_profile_for_the_model(qtbot, backend, faces, tmp_path):
    provider = FeedingProvider(lambda i: faces[i % len(faces)])
    screen = calibrate(qtbot, provider, backend, tmp_path, dataset_dir=tmp_path / "data")
    screen.keep.setChecked(True)
    with qtbot.waitSignal(screen.profile_ready, timeout=10000) as ready:
        qtbot.keyClick(screen, Qt.Key.Key_Space)
    provider.stop()
    profile, path = ready.args
    assert path == profile_path(tmp_path / "profiles", "Ada", backend.info.fingerprint)
    loaded = load_profile(path, backend.info.fingerprint)
    assert loaded.user == "Ada" and loaded.frames == 18
    assert loaded.source == "calibration, 9 of 9 points"
    assert set(loaded.moments) == set(profile.moments)
    for name, value in profile.moments.items():
        assert np.allclose(loaded.moments[name], value)
    # the statistics are those of these frames: they change what the model predicts
    prepared = backend.info.preprocessing.front_end(video=False).prepare(faces[0])
    pixels, face = prepared.pixels[None], prepared.geometry[None]
    backend.set_statistics(None)
    running = backend.predict(pixels, face)
    backend.set_statistics(loaded.moments)
    assert not np.allclose(backend.predict(pixels, face), running)
    backend.set_statistics(None)
    # kept as a measurement too: every frame with its grid point
    [measurement] = load_dataset(tmp_path / "data").measurements
    assert len(measurement) == 18 and measurement.extras["mode"] == "calibration"
    assert {(s.x, s.y) for s in measurement} == {(p.x, p.y) for p in grid_points(9)}
    # with the seconds from the first frame at which each was captured
    times = [s.extra["t"] for s in measurement]
    assert measurement.capture_times() == times and min(times) == 0.0
    by_frame = [
        t for _, t in sorted(zip((s.extra["frame_index"] for s in measurement), times, strict=True))
    ]
    assert by_frame == sorted(times)
    # the screen stays with the residuals until the person says what next
    assert screen.isVisible() and screen.feedback.isVisible()
    with qtbot.waitSignal(screen.closed, timeout=5000):
        screen.feedback.done.click()


def test_no_face_means_no_profile_and_a_clear_message(qtbot, backend, tmp_path):
    provider = FeedingProvider(lambda i: np.full((480, 640, 3), 80, np.uint8))
    screen = calibrate(qtbot, provider, backend, tmp_path)
    assert not screen.keep.isEnabled()  # no dataset folder given
    with qtbot.waitSignal(screen.failed, timeout=10000) as failed:
        qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    provider.stop()
    assert failed.args[0].startswith("Only 0 of 9 calibration points had a face")
    assert failed.args[0] in screen.message
    assert not (tmp_path / "profiles").exists()
    with qtbot.waitSignal(screen.closed, timeout=1000):
        qtbot.keyClick(screen, Qt.Key.Key_Escape)


def test_sixteen_points_in_a_snake_order(qtbot, backend, tmp_path):
    provider = FeedingProvider(lambda i: np.zeros((48, 64, 3), np.uint8))
    screen = calibrate(qtbot, provider, backend, tmp_path, points=16)
    provider.stop()
    points = screen.points
    assert len(points) == 16
    steps = [np.hypot(a.x - b.x, a.y - b.y) for a, b in zip(points, points[1:], strict=False)]
    assert max(steps) < 0.3  # each dot is next to the previous one
    screen.close()
