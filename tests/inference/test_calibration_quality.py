"""Calibration residuals: each point's mean estimate against its dot, and the verdict."""

from __future__ import annotations

import numpy as np
import pytest

from eyetracker.core.types import Frame, GazePoint
from eyetracker.inference.backends.torch import TorchBackend
from eyetracker.inference.calibration import CalibrationCollector, grid_points, serpentine
from eyetracker.inference.calibration_quality import (
    POOR_PCT,
    REDO_PCT,
    assess,
    calibration_quality,
    screen_region,
)
from eyetracker.inference.pipeline import FramePipeline
from eyetracker.inference.profile import Profile
from tests.helpers.models import save_tiny_model
from tests.helpers.runtime_fakes import drawn_image

GRID = serpentine(grid_points(9))


def near(points: list[GazePoint], offset: float, count: int = 5) -> list[np.ndarray]:
    """`count` estimates per point, all `offset` to the right of it (mean: exactly that)."""
    return [np.tile([p.x + offset, p.y], (count, 1)) for p in points]


def test_a_good_fit_says_so_with_its_mean_residual():
    quality = assess(GRID, near(GRID, 0.04))
    assert [p.residual_pct for p in quality.points] == pytest.approx([4.0] * 9)
    assert quality.mean_pct == pytest.approx(4.0)
    assert quality.good and quality.redo is None
    assert quality.verdict == "Good calibration: mean residual 4.0% of the screen."
    assert [p.number for p in quality.points] == list(range(1, 10))
    assert quality.points[0].estimate == GazePoint(pytest.approx(0.14), pytest.approx(0.1))


def test_one_point_far_off_is_the_one_to_redo():
    estimates = near(GRID, 0.03)
    worst = 2  # the third dot shown: the top right one
    estimates[worst] = np.tile([GRID[worst].x - 0.25, GRID[worst].y], (5, 1))
    quality = assess(GRID, estimates)
    assert quality.points[worst].residual_pct == pytest.approx(25.0)
    assert quality.points[worst].residual_pct > REDO_PCT
    assert not quality.good and quality.redo == worst
    assert quality.verdict == "Point 3 (top right) is off by 25%: redo it."


def test_a_poor_fit_everywhere_asks_for_the_whole_calibration_again():
    quality = assess(GRID, near(GRID, (POOR_PCT + 3) / 100))
    assert not quality.good and quality.redo is None
    assert quality.verdict.startswith("Poor calibration: mean residual 18.0% of the screen;")
    assert quality.verdict.endswith("calibrate again.")


def test_points_without_estimates():
    estimates = near(GRID, 0.02)
    estimates[4] = np.zeros((0, 2))
    estimates[5] = np.array([[np.nan, np.nan]])  # a non-finite output is no estimate either
    quality = assess(GRID, estimates)
    assert quality.points[4].estimate is None and quality.points[4].residual_pct is None
    assert not quality.good and quality.redo is None
    assert quality.verdict.startswith("2 of 9 points gave no gaze estimate:")
    estimates[5] = near(GRID, 0.02)[5]
    one = assess(GRID, estimates)
    assert one.redo == 4 and one.mean_pct == pytest.approx(2.0)
    assert one.verdict == "Point 5 (centre) gave no gaze estimate: redo it."
    assert one.to_json()["points"][4] == {
        "number": 5, "target": [0.5, 0.5], "estimate": None, "frames": 0, "residual_pct": None
    }  # fmt: skip


def test_regions_of_the_screen_in_thirds():
    names = [screen_region(p) for p in grid_points(9)]
    assert names == [
        "top left", "top", "top right", "left", "centre", "right",
        "bottom left", "bottom", "bottom right",
    ]  # fmt: skip
    assert screen_region(GazePoint(1.0, 1.0)) == "bottom right"


def test_residuals_are_the_profiles_predictions_of_the_calibration_frames(tmp_path):
    backend = TorchBackend(save_tiny_model(tmp_path / "tiny.pt"), "cpu")
    collector = CalibrationCollector(grid_points(4), video=False)
    points = collector.points
    for k, entry in enumerate(points):
        entry.frames = [
            Frame(drawn_image(3 * k + i), 3 * k + i, i, truth=entry.point) for i in range(3)
        ]
    pipeline = FramePipeline(backend, video=False)
    prepared = [pipeline.prepare(f) for e in points for f in e.frames]
    moments = backend.capture(
        np.stack([p.pixels for p in prepared]), np.stack([p.geometry for p in prepared])
    )
    profile = Profile("ada", backend.info.fingerprint, moments, len(prepared), "test")

    quality = calibration_quality(collector, backend, profile)

    # The same frames predicted one by one with the profile's statistics, averaged per point.
    backend.set_statistics(profile.moments)
    for entry, residual in zip(points, quality.points, strict=True):
        raw = np.array([(q.x, q.y) for f in entry.frames if (q := pipeline.raw(f).point)])
        mean = raw.mean(axis=0)
        assert residual.frames == 3 and residual.target == entry.point
        assert (residual.estimate.x, residual.estimate.y) == pytest.approx(tuple(mean))
        target = np.array([entry.point.x, entry.point.y])
        assert residual.residual_pct == pytest.approx(100 * np.linalg.norm(mean - target))
    # ... not with the model's running statistics
    backend.set_statistics(None)
    running = pipeline.raw(points[0].frames[0]).point
    backend.set_statistics(profile.moments)
    with_profile = pipeline.raw(points[0].frames[0]).point
    assert running != with_profile
    pipeline.close()
