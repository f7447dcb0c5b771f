"""After quick calibration: each point's residual on the screen, a verdict, and what next."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from eyetracker.app.screens.calibration import CalibrationScreen
from eyetracker.app.screens.calibration_feedback import CalibrationFeedback
from eyetracker.app.screens.validation import ValidationScreen
from eyetracker.inference.backends.torch import TorchBackend
from eyetracker.inference.calibration import grid_points, serpentine
from eyetracker.inference.calibration_quality import assess
from tests.helpers.app_feeds import FeedingProvider, synthetic_faces
from tests.helpers.app_window import action, use_model
from tests.helpers.models import face_model

GRID = serpentine(grid_points(9))


def quality_with(offsets: dict[int, float], default: float = 0.03):
    return assess(
        GRID, [np.tile([p.x + offsets.get(i, default), p.y], (5, 1)) for i, p in enumerate(GRID)]
    )


@pytest.fixture
def panel(qtbot):
    parent = QWidget()
    parent.resize(1200, 800)
    qtbot.addWidget(parent)
    parent.show()
    yield CalibrationFeedback(parent)
    parent.close()


def test_a_good_calibration_offers_to_validate(qtbot, panel):
    panel.show_quality(quality_with({}), "Calibrated from 45 frames.")
    assert panel.isVisible()
    assert "Good calibration: mean residual 3.0% of the screen." in panel.verdict.text()
    assert panel.label.text() == "Calibrated from 45 frames."
    assert panel.validate.isDefault() and panel.redo.text() == "Calibrate again"
    with qtbot.waitSignal(panel.validate_requested, timeout=1000):
        panel.validate.click()
    with qtbot.waitSignal(panel.redo_requested, timeout=1000) as redo:
        panel.redo.click()
    assert redo.args == [None]  # the whole calibration
    with qtbot.waitSignal(panel.done_requested, timeout=1000):
        panel.done.click()
    # under the centre dot, not over it
    assert panel.geometry().top() > 400


def test_a_point_far_off_is_named_and_redone(qtbot, panel):
    panel.show_quality(quality_with({2: -0.3}))
    assert "Point 3 (top right) is off by 30%: redo it." in panel.verdict.text()
    assert panel.redo.text() == "Redo point 3" and panel.redo.isDefault()
    assert not panel.label.isVisible()
    with qtbot.waitSignal(panel.redo_requested, timeout=1000) as redo:
        panel.redo.click()
    assert redo.args == [2]


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    return TorchBackend(face_model(tmp_path_factory.mktemp("model") / "model.pt"), "cpu")


@pytest.fixture(scope="module")
def faces():
    return synthetic_faces(3)


def calibrated_screen(qtbot, backend, faces, tmp_path):
    provider = FeedingProvider(lambda i: faces[i % len(faces)])
    screen = CalibrationScreen(
        provider, backend, tmp_path / "profiles", "Ada",
        frames_per_point=2, dwell_s=0.02, settle_s=0.0,
    )  # fmt: skip
    qtbot.addWidget(screen)
    screen.start()
    qtbot.waitExposed(screen)
    with qtbot.waitSignal(screen.profile_ready, timeout=20000):
        qtbot.keyClick(screen, Qt.Key.Key_Space)
    return screen, provider


def test_the_calibration_screen_shows_residuals_and_redoes_one_point(
    qtbot, backend, faces, tmp_path
):
    screen, provider = calibrated_screen(qtbot, backend, faces, tmp_path)
    quality = screen.quality
    assert quality is not None and len(quality.points) == 9
    assert all(p.frames == 2 for p in quality.points)  # every frame predicted
    assert [p.target for p in quality.points] == screen.points
    assert screen.feedback.isVisible()
    assert quality.verdict in screen.feedback.verdict.text()
    blank = QWidget().grab().toImage()  # the screen paints its residuals over the background
    assert screen.grab().toImage() != blank

    first = screen.profile
    screen.redo(4)
    assert not screen.feedback.isVisible() and screen.running
    assert screen.progress == "1 / 1" and screen.index == 4
    assert screen.collector.points[4].frames == []
    with qtbot.waitSignal(screen.profile_ready, timeout=20000):
        pass  # the one dot, then the fit of all nine again
    provider.stop()
    assert len(screen.collector.points[4].frames) == 2
    assert screen.profile is not first and screen.profile.frames == 18
    assert screen.feedback.isVisible()
    with qtbot.waitSignal(screen.closed, timeout=5000):
        screen.feedback.done.click()


def test_validate_now_closes_the_calibration_and_opens_validation(make_window, qtbot, model_file):
    window = make_window()
    use_model(window, model_file)
    window.controls.user.setCurrentText("Ada")
    action(window, "Quick calibration").trigger()
    qtbot.waitUntil(lambda: bool(window.tools.open_screens), timeout=20000)
    [calibration] = window.tools.open_screens
    assert isinstance(calibration, CalibrationScreen)
    with qtbot.waitSignal(calibration.validate_requested, timeout=1000):
        calibration.feedback.validate.click()
    assert not calibration.isVisible()

    def validation_open():
        return [s for s in window.tools.open_screens if isinstance(s, ValidationScreen)]

    qtbot.waitUntil(lambda: bool(validation_open()), timeout=20000)
    [validation] = validation_open()
    assert validation.gaze_target is window.live.gaze_target
    assert not window.live.tracking
    validation.close()
