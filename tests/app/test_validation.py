"""Validation measures a predictor with a known error and saves the numbers and a picture."""

from __future__ import annotations

import json
import math
import threading
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from eyetracker.app.screens.validation import ValidationScreen
from eyetracker.model.preprocess import Preprocessing
from tests.helpers.app_feeds import FeedingProvider

OFFSET_X, JITTER_Y = 0.05, 0.01


class EncodedBackend:
    """A backend whose 'network' reads the gaze point written into the image.

    The top half of a square frame holds x (grey level x * 255), the bottom half y; the
    `square` preprocessing keeps both, so predictions are exactly what the test encoded.
    """

    name, device = "encoded", "cpu"

    def __init__(self) -> None:
        self.info = SimpleNamespace(preprocessing=Preprocessing("square", 32, 32), fingerprint="e")
        self.threads: set[threading.Thread] = set()

    def predict(self, pixels: np.ndarray, face: np.ndarray) -> np.ndarray:
        self.threads.add(threading.current_thread())
        return np.stack([pixels[:, 0, 0, 0], pixels[:, 0, -1, 0]], axis=1)

    def predict_with_features(self, pixels: np.ndarray, face: np.ndarray):
        return self.predict(pixels, face), np.zeros((len(pixels), 0))  # no hidden layer

    def capture(self, pixels, face):
        return {}

    def set_statistics(self, moments) -> None:
        pass


def encode(x: float, y: float) -> np.ndarray:
    image = np.empty((64, 64, 3), np.uint8)
    image[:32], image[32:] = round(255 * x), round(255 * y)
    return image


@pytest.fixture
def validation(qtbot, tmp_path):
    shown: list[ValidationScreen] = []

    def image_for(index: int) -> np.ndarray:
        target = shown[0].target if shown else None
        if target is None:
            return encode(0.5, 0.5)
        # a constant offset to the right, and a jitter up and down from frame to frame
        return encode(target.x + OFFSET_X, target.y + (JITTER_Y if index % 2 else -JITTER_Y))

    provider = FeedingProvider(image_for)
    screen = ValidationScreen(
        provider,
        EncodedBackend(),
        tmp_path / "reports",
        dwell_s=0.02,
        settle_s=0.0,
        collect_s=0.12,
        viewing_distance_mm=600,
        context={"model": "encoded"},
        seed=3,
    )
    shown.append(screen)
    qtbot.addWidget(screen)
    yield screen
    provider.stop()


def test_validation_reports_the_predictors_error(qtbot, validation, tmp_path):
    validation.start()
    qtbot.waitExposed(validation)
    with qtbot.waitSignal(validation.report_ready, timeout=10000) as ready:
        qtbot.keyClick(validation, Qt.Key.Key_Space)
    report, json_path = ready.args
    assert json.loads(json_path.read_text()) == json.loads(json.dumps(report))
    assert report["model"] == "encoded" and report["targets_with_samples"] == 9
    expected = 100 * math.hypot(OFFSET_X, JITTER_Y)
    assert report["accuracy_pct"] == pytest.approx(expected, abs=0.4)
    assert report["precision_pct"] == pytest.approx(100 * 2 * JITTER_Y, abs=0.4)
    screen = validation.collector.units.screen
    expected_px = math.hypot(OFFSET_X * screen.width_px, JITTER_Y * screen.height_px)
    assert report["accuracy_px"] == pytest.approx(expected_px, rel=0.1)
    if screen.width_mm:
        assert report["accuracy_deg"] > 0
    for entry in report["targets"]:
        mean = np.array(entry["mean_estimate"]) - np.array(entry["target"])
        assert mean[0] == pytest.approx(OFFSET_X, abs=0.005)
        assert abs(mean[1]) < JITTER_Y + 0.005
    png = QImage(str(json_path.with_suffix(".png")))
    assert not png.isNull() and png.width() == validation.result.grab().width()
    assert validation.saved == (json_path, json_path.with_suffix(".png"))
    # every frame was predicted in the prediction thread, which has ended with the report
    assert validation.backend.threads and threading.main_thread() not in validation.backend.threads
    assert not validation.predicting.running
    with qtbot.waitSignal(validation.closed, timeout=1000):
        qtbot.keyClick(validation, Qt.Key.Key_Space)


def test_esc_cancels_without_a_report(qtbot, validation, tmp_path):
    validation.start()
    qtbot.waitExposed(validation)
    qtbot.keyClick(validation, Qt.Key.Key_Space)
    with qtbot.waitSignal(validation.predicting.ended, timeout=5000):
        with qtbot.waitSignal(validation.closed, timeout=1000):
            qtbot.keyClick(validation, Qt.Key.Key_Escape)
    assert validation.report is None and not (tmp_path / "reports").exists()
