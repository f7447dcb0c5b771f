"""The click update: the identity without evidence, toward the pointers with it."""

from __future__ import annotations

import numpy as np
import pytest

from eyetracker.core.metrics import error_pct
from eyetracker.runtime.click_check import CLICKS_KEPT
from eyetracker.runtime.click_correction import ClickCorrection, LearntCorrection


def leaned_back(points: np.ndarray) -> np.ndarray:
    """Gaze read from further away: shrunk toward the centre and shifted up."""
    return 0.5 + 0.7 * (points - 0.5) + np.array([0.0, -0.05])


def test_no_clicks_leave_the_points_as_they_are():
    points = np.random.default_rng(0).uniform(0.1, 0.9, (10, 2))
    update = ClickCorrection.fit(np.empty((0, 2)), np.empty((0, 2)))
    assert np.allclose(update.apply(points), points)
    assert np.allclose(ClickCorrection.identity().apply(points), points)


def test_clicks_pull_the_points_toward_the_pointers_more_as_they_add_up():
    rng = np.random.default_rng(1)
    test = rng.uniform(0.1, 0.9, (200, 2))
    before = error_pct(leaned_back(test), test).mean()
    errors = []
    for n in (3, 20):
        pointers = rng.uniform(0.05, 0.95, (n, 2))
        update = ClickCorrection.fit(leaned_back(pointers), pointers)
        errors.append(error_pct(update.apply(leaned_back(test)), test).mean())
    assert errors[1] < errors[0] < before
    assert errors[1] < 0.5 * before


def test_points_stay_on_the_screen():
    update = ClickCorrection(np.array([[2.0, 0.0], [0.0, 2.0], [0.0, 0.0]]))
    assert update.apply(np.array([0.95, 0.02])) == pytest.approx([1.0, 0.0])


def test_unapply_takes_a_point_back_through_the_correction():
    points = np.random.default_rng(2).uniform(0.2, 0.8, (10, 2))
    update = ClickCorrection.fit(leaned_back(points), points)
    assert np.allclose(update.unapply(update.apply(points)), points)


def test_learnt_from_corrected_points_it_fits_the_calibrations_own_points():
    """The tracker shows corrected points; refitted at each click on them, the correction is
    the one fitted on the calibration's points, and it starts again at a reset."""
    rng = np.random.default_rng(3)
    pointers = rng.uniform(0.1, 0.9, (25, 2))
    learnt = LearntCorrection()
    for pointer in pointers:
        shown = learnt.current.apply(leaned_back(pointer))
        learnt.add(shown, pointer)
    kept = pointers[-CLICKS_KEPT:]  # the last clicks only
    direct = ClickCorrection.fit(leaned_back(kept), kept)
    assert np.allclose(learnt.current.weights, direct.weights)
    test = rng.uniform(0.1, 0.9, (100, 2))
    assert error_pct(learnt.current.apply(leaned_back(test)), test).mean() < 0.5 * (
        error_pct(leaned_back(test), test).mean()
    )
    learnt.reset()
    assert np.allclose(learnt.current.weights, ClickCorrection.identity().weights)
