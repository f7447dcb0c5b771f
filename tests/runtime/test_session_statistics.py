"""The statistics manager under concentrated gaze: it must not collapse onto one region."""

from __future__ import annotations

import numpy as np
import pytest

from eyetracker.model.checkpoint import save_checkpoint
from eyetracker.model.info import ModelInfo
from eyetracker.model.preprocess import Preprocessing
from eyetracker.runtime.backends import TorchBackend
from eyetracker.runtime.session_statistics import Calibration, SessionStatistics
from tests.model.test_statistics import trained_a_little


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    path = tmp_path_factory.mktemp("m") / "model.pt"
    save_checkpoint(
        path, trained_a_little("gazenet"), ModelInfo("gazenet", Preprocessing("face", 96, 48))
    )
    return TorchBackend(path, "cpu")


def calibration(n_side=3, brightness=0.4) -> Calibration:
    rng = np.random.default_rng(0)
    grid = (np.arange(n_side) + 0.5) / n_side
    points = np.array([(x, y) for y in grid for x in grid], np.float32)
    pixels = (rng.random((len(points), 1, 48, 96)) * 0.3 + brightness).astype(np.float32)
    face = np.tile(np.array([0.5, 0.5, 0.25], np.float32), (len(points), 1))
    return Calibration(pixels, face, points)


def corner_frames(n, brightness=0.9):
    rng = np.random.default_rng(1)
    return [
        (
            (rng.random((1, 48, 96)) * 0.3 + brightness).astype(np.float32),
            np.array([0.5, 0.5, 0.25], np.float32),
        )
        for _ in range(n)
    ]


def first_layer_mean(backend) -> float:
    return float(backend._moments["features.0.1.mean"].mean())


def feed(stats, frames, point=(0.05, 0.05), fps=30.0):
    for i, (p, f) in enumerate(frames):
        stats.observe(p, f, point, now=i / fps)


def test_balanced_statistics_do_not_follow_a_dwell_in_one_corner(backend):
    cal = calibration()
    stats = SessionStatistics(backend, "balanced", cal, refresh_seconds=1.0)
    before = first_layer_mean(backend)
    feed(stats, corner_frames(300))
    after = first_layer_mean(backend)
    naive = SessionStatistics(backend, "recent", cal, refresh_seconds=1.0)
    feed(naive, corner_frames(300))
    collapsed = first_layer_mean(backend)
    # The naive buffer moves all the way to the corner frames' statistics; the balanced one
    # sees that recent gaze covers one cell of nine and keeps the calibration statistics.
    assert naive.refreshes > 0 and stats.refreshes == 0
    assert after == before != collapsed


def test_balanced_statistics_follow_a_change_seen_all_over_the_screen(backend):
    cal = calibration()
    stats = SessionStatistics(backend, "balanced", cal, refresh_seconds=1.0, per_cell=4)
    before = first_layer_mean(backend)
    frames = corner_frames(90)
    points = [((i % 3 + 0.5) / 3, (i // 3 % 3 + 0.5) / 3) for i in range(90)]
    for i, ((p, f), point) in enumerate(zip(frames, points, strict=True)):
        stats.observe(p, f, point, now=i / 30)
    stats.refresh()
    target = backend.capture(np.stack([p for p, _ in frames]), np.stack([f for _, f in frames]))
    assert abs(first_layer_mean(backend) - float(target["features.0.1.mean"].mean())) < 0.1 * abs(
        before - float(target["features.0.1.mean"].mean())
    )


def test_calibration_policy_never_changes(backend):
    stats = SessionStatistics(backend, "calibration", calibration(), refresh_seconds=0.1)
    before = first_layer_mean(backend)
    feed(stats, corner_frames(60))
    assert stats.refreshes == 0 and first_layer_mean(backend) == before


def test_without_calibration_it_starts_from_running_statistics_and_says_so(backend):
    stats = SessionStatistics(backend, "balanced", None, refresh_seconds=1.0)
    assert "no calibration" in stats.source
    assert backend._moments is None
    feed(stats, corner_frames(60))
    assert stats.refreshes > 0 and backend._moments is not None


def test_auto_policy_freezes_a_calibration_and_samples_the_session_without_one(backend):
    assert SessionStatistics(backend, calibration=calibration()).policy == "calibration"
    assert SessionStatistics(backend, moments=backend.capture(*frames_of(calibration()))).policy == "calibration"
    assert SessionStatistics(backend).policy == "balanced"


def frames_of(cal: Calibration):
    return cal.pixels, cal.face
