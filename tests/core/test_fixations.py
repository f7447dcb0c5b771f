"""I-DT fixation detection on synthetic sample sequences."""

from __future__ import annotations

import numpy as np
import pytest

from eyetracker.core.fixations import detect_fixations

RATE = 30.0


def gaze(*segments, jitter: float = 0.003, seed: int = 0):
    """(t, x, y) from segments of (x, y, seconds); a point holds still with a little jitter."""
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for x, y, seconds in segments:
        n = round(seconds * RATE)
        xs.append(x + rng.uniform(-jitter, jitter, n))
        ys.append(y + rng.uniform(-jitter, jitter, n))
    x, y = np.concatenate(xs), np.concatenate(ys)
    return np.arange(len(x)) / RATE, x, y


def saccade(x0, y0, x1, y1, frames: int = 3):
    """Points on the way between two fixations: one segment per frame."""
    return [
        (x0 + (x1 - x0) * k / (frames + 1), y0 + (y1 - y0) * k / (frames + 1), 1 / RATE)
        for k in range(1, frames + 1)
    ]


def test_two_fixations_and_a_saccade_give_two_fixations():
    t, x, y = gaze((0.2, 0.3, 0.5), *saccade(0.2, 0.3, 0.8, 0.7), (0.8, 0.7, 0.4))
    fixations = detect_fixations(t, x, y)
    assert len(fixations) == 2
    assert fixations.x == pytest.approx([0.2, 0.8], abs=0.003)
    assert fixations.y == pytest.approx([0.3, 0.7], abs=0.003)
    # 15 and 12 samples at 30 Hz: first to last sample.
    assert fixations.samples.tolist() == [15, 12]
    assert fixations.duration == pytest.approx([14 / RATE, 11 / RATE])
    assert fixations.start[1] == pytest.approx(18 / RATE)


def test_a_fixation_shorter_than_the_minimum_duration_is_no_fixation():
    t, x, y = gaze((0.2, 0.3, 0.5), *saccade(0.2, 0.3, 0.8, 0.7), (0.8, 0.7, 0.06))
    assert len(detect_fixations(t, x, y, min_duration=0.1)) == 1


def test_invalid_samples_split_a_fixation_and_never_join_one():
    t, x, y = gaze((0.5, 0.5, 1.0))
    valid = np.ones(len(t), dtype=bool)
    valid[14:17] = False
    x[14:17] = np.nan  # what the gaze CSV gives for a frame without a face
    fixations = detect_fixations(t, x, y, valid)
    assert len(fixations) == 2
    assert fixations.end[0] < t[14] and fixations.start[1] > t[16]


def test_dispersion_is_measured_in_screen_widths():
    # A 4% of the height drift is 2.25% of the width on a 16:9 screen: within 2.5%.
    t = np.arange(15) / RATE
    x, y = np.full(15, 0.5), np.linspace(0.48, 0.52, 15)
    assert len(detect_fixations(t, x, y, aspect=9 / 16)) == 1
    assert len(detect_fixations(t, x, y, aspect=1.0)) == 2  # 4% of a square screen: split


def test_no_samples_no_fixations():
    fixations = detect_fixations(np.array([]), np.array([]), np.array([]))
    assert len(fixations) == 0 and fixations.duration.shape == (0,)
