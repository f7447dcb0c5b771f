from __future__ import annotations

import numpy as np
import pytest

from eyetracker.core.smoothing import GazeSmoother, SmoothingSettings
from eyetracker.core.types import GazePoint

FPS = 30.0


def jitter(points: np.ndarray) -> float:
    """RMS sample-to-sample distance."""
    return float(np.sqrt(np.mean(np.sum(np.diff(points, axis=0) ** 2, axis=1))))


def run(smoother, points, start=0.0):
    out = [smoother(GazePoint(*p), start + i / FPS) for i, p in enumerate(points)]
    return np.array([(q.x, q.y) for q in out])


def test_defaults_are_valid_and_checked():
    settings = SmoothingSettings()
    assert settings.min_cutoff > 0 and settings.beta >= 0 and settings.max_gap == 0.5
    with pytest.raises(ValueError):
        SmoothingSettings(min_cutoff=0)
    assert GazeSmoother(beta=0.5).settings.beta == 0.5


def test_smoothing_reduces_the_jitter_of_a_noisy_fixation():
    rng = np.random.default_rng(0)
    raw = np.array([0.3, 0.6]) + rng.normal(0, 0.02, (300, 2))
    smoothed = run(GazeSmoother(), raw)
    assert jitter(smoothed[30:]) < jitter(raw[30:]) / 3
    # and it stays where the person looks
    assert np.linalg.norm(smoothed[30:].mean(axis=0) - [0.3, 0.6]) < 0.01


def test_follows_a_saccade_within_a_few_samples():
    smoother = GazeSmoother()
    run(smoother, np.tile([0.2, 0.5], (30, 1)))
    after = run(smoother, np.tile([0.8, 0.5], (30, 1)), start=1.0)
    within = np.flatnonzero(np.abs(after[:, 0] - 0.8) < 0.05)
    assert within.size and within[0] < 6
    assert np.all(np.abs(after[within[0] :, 0] - 0.8) < 0.05)  # and stays there


def test_first_point_after_a_gap_is_not_smeared():
    smoother = GazeSmoother()
    run(smoother, np.tile([0.1, 0.1], (30, 1)))
    # 0.6 s without a valid sample (a blink, a look away), then the gaze is elsewhere
    point = smoother(GazePoint(0.9, 0.9), 29 / FPS + 0.6)
    assert (point.x, point.y) == pytest.approx((0.9, 0.9))
    assert smoother.resets == 1


def test_short_gaps_keep_smoothing_and_reset_forgets():
    smoother = GazeSmoother()
    run(smoother, np.tile([0.1, 0.1], (30, 1)))
    point = smoother(GazePoint(0.9, 0.9), 29 / FPS + 0.2)
    assert point.x < 0.9 and smoother.resets == 0
    smoother.reset()
    assert smoother(GazePoint(0.4, 0.4), 5.0) == GazePoint(0.4, 0.4)


def test_a_clock_starting_at_zero_and_repeated_timestamps_are_fine():
    smoother = GazeSmoother()
    points = [smoother(GazePoint(0.5, 0.5), t) for t in (0.0, 0.0, 1 / FPS, 2 / FPS)]
    assert all(p == pytest.approx(GazePoint(0.5, 0.5)) for p in points)
