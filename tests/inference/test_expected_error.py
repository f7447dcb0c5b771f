"""The expected error with every sample, checked against the error made, on a synthetic
scenario: calibrate on nine dots, then follow dots anywhere on the screen (the bottom edge with
its lowered lids included) with a blink in between, as one camera stream."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from eyetracker.core.types import Frame, GazePoint
from eyetracker.inference.backends import create_backend
from eyetracker.inference.blinks import BLINK
from eyetracker.inference.calibration import CalibrationCollector, grid_points
from eyetracker.inference.pipeline import FramePipeline
from eyetracker.inference.session_statistics import SessionStatistics
from eyetracker.model.landmarks import EYES_CLOSED
from eyetracker.model.resources import default_model_path
from eyetracker.synth.dataset import person_for, sitting_for
from eyetracker.synth.render import render_frame

SEED, FPS = 11, 30.0


def spearman(a, b):
    rank = lambda v: np.argsort(np.argsort(v))  # noqa: E731
    return np.corrcoef(rank(a), rank(b))[0, 1]


@pytest.fixture(scope="module")
def calibrated():
    """(backend with the profile's statistics, the statistics, person, sitting, rng, time): a
    synthetic person calibrated on nine dots, three frames each."""
    backend = create_backend(default_model_path(), "torch", "cpu")
    person = person_for(SEED, 1)
    sitting = sitting_for(SEED, person, 1, 0)
    rng = np.random.default_rng(SEED)
    points = grid_points(9)
    collector = CalibrationCollector(points)
    t = 0.0
    for index, point in enumerate(points):
        for _ in range(3):
            image = render_frame(person, sitting, point, rng, blink=0.0)[0]
            collector.add(index, Frame(image, timestamp=t, index=0))
            t += 1 / FPS
        t += 1.0  # the next dot
    statistics = SessionStatistics.of_profile(backend, collector.fit(backend, user="test"))
    return backend, statistics, person, sitting, rng, t


@pytest.fixture(scope="module")
def tracked(calibrated):
    """(samples, truths, closure per frame, the blink's first frame) of the calibrated person
    following dots, one stream."""
    backend, statistics, person, sitting, rng, t = calibrated
    pipeline = FramePipeline(backend, video=True, statistics=statistics)
    # Dots anywhere, then a row along the bottom edge; 4 frames at each; a 200 ms blink (both
    # lids fully down) in the middle of a fixation at the bottom.
    targets = [tuple(p) for p in rng.random((24, 2))] + [
        (x, 0.97) for x in np.linspace(0.05, 0.95, 8)
    ]
    truths, closures, samples = [], [], []
    for target in targets:
        for _ in range(4):
            truths.append(target)
            closures.append(0.0)
    blink_at = len(truths) - 10
    closures[blink_at : blink_at + 6] = [1.0] * 6
    truths[blink_at : blink_at + 6] = [truths[blink_at]] * 6
    t0 = t + 5.0
    try:
        for i, (target, closure) in enumerate(zip(truths, closures, strict=True)):
            image = render_frame(person, sitting, GazePoint(*target), rng, blink=closure)[0]
            samples.append(pipeline.sample(Frame(image, timestamp=t0 + i / FPS, index=i)))
    finally:
        pipeline.close()
    return samples, np.array(truths), np.array(closures), blink_at


def test_every_point_comes_with_an_expected_error_close_to_the_error_made(tracked):
    samples, truths, closures, _ = tracked
    assert all(s.valid for s in samples)  # the bottom edge and the blink included
    open_eyes = np.array([s.reason == "" for s in samples]) & (closures == 0)
    expected = np.array([s.expected_error for s in samples], float)[open_eyes]
    found = np.array([(s.raw_point.x, s.raw_point.y) for s in samples])[open_eyes]
    actual = 100 * np.linalg.norm(found - truths[open_eyes], axis=1)
    assert open_eyes.sum() > 100 and np.isfinite(expected).all() and (expected > 0).all()
    assert 0.6 < expected.mean() / actual.mean() < 1.6
    assert spearman(expected, actual) > 0.0


def test_a_blink_holds_the_point_before_it_with_its_reason(tracked):
    samples, _, _, blink_at = tracked
    # The landmarks follow the lids a frame late: the blink's first frame may still be read.
    during = samples[blink_at + 1 : blink_at + 6]
    assert all(s.reason in (BLINK, EYES_CLOSED) for s in during)
    before = next(s for s in reversed(samples[: blink_at + 1]) if s.reason == "")
    assert all(s.raw_point == before.raw_point for s in during)
    assert all(s.reason == "" for s in samples[blink_at + 8 :])


def test_a_turned_head_or_half_shut_eyes_still_give_points_with_a_larger_expected_error(
    calibrated,
):
    """Beyond what the calibration saw, the point is its own evidence that it is less sure."""
    backend, statistics, person, sitting, rng, _ = calibrated
    targets = [(0.3, 0.4), (0.7, 0.6), (0.5, 0.5)]

    def expected(sitting, closure=0.0):
        pipeline = FramePipeline(backend, video=False, statistics=statistics)
        try:
            raws = [
                pipeline.raw(
                    Frame(
                        render_frame(person, sitting, GazePoint(*target), rng, blink=closure)[0],
                        0.0,
                        0,
                    )
                )
                for target in targets
            ]
        finally:
            pipeline.close()
        assert all(raw.point is not None for raw in raws)
        return np.mean([raw.expected_error for raw in raws])

    frontal = expected(sitting)
    assert expected(replace(sitting, head_yaw_deg=sitting.head_yaw_deg + 30)) > 1.2 * frontal
    assert expected(sitting, closure=0.5) > frontal
