"""The click check on synthetic samples and clicks: the estimate, the clicks it ignores, and
when the drift rule fires."""

from __future__ import annotations

import numpy as np
import pytest

from eyetracker.core.types import GazePoint, GazeSample
from eyetracker.runtime.click_check import (
    BASELINE,
    CLICKS_KEPT,
    MIN_CLICKS,
    VALIDATED,
    ClickCheck,
)

FPS = 30.0


def sample(t: float, x: float, y: float, expected: float = 3.0, **changes) -> GazeSample:
    point = GazePoint(x, y)
    values = dict(
        point=point,
        raw_point=point,
        valid=True,
        capture_time=t,
        output_time=t + 0.03,
        frame_index=int(t * FPS),
        expected_error=expected,
    )
    values.update(changes)
    return GazeSample(**values)


def look_and_click(check, t, target, offset, expected=3.0, seconds=0.5):
    """Gaze `offset` away from `target` for `seconds`, then a click on `target`; the time after."""
    for i in range(int(seconds * FPS)):
        check.add_sample(
            sample(t + i / FPS, target[0] + offset[0], target[1] + offset[1], expected)
        )
    t += seconds
    return check.add_click(GazePoint(*target), t), t + 0.2


def clicks(check, n, offset, expected=3.0, seed=0, t=0.0):
    rng = np.random.default_rng(seed)
    results = []
    for _ in range(n):
        result, t = look_and_click(check, t, tuple(rng.uniform(0.1, 0.9, 2)), offset, expected)
        results.append(result)
    return results, t


def test_each_click_measures_the_gaze_before_it_against_the_pointer():
    check = ClickCheck()
    result, _ = look_and_click(check, 10.0, (0.5, 0.5), (0.03, 0.04))
    assert result is not None and result.error_pct == pytest.approx(5.0)
    assert (result.gaze.x, result.gaze.y) == pytest.approx((0.53, 0.54))
    assert 7 <= result.samples <= 10  # 300 ms at 30 fps
    estimate = check.estimate()
    assert estimate.error_pct == pytest.approx(5.0) and estimate.clicks == 1
    assert "5.0%" in estimate.text()


def test_the_eyes_arrive_first_gaze_at_the_moment_of_the_click_does_not_count():
    check = ClickCheck()
    for i in range(15):  # on the target until 50 ms before the click, then elsewhere
        check.add_sample(sample(i / FPS, 0.2, 0.2))
    check.add_sample(sample(0.49, 0.9, 0.9))
    result = check.add_click(GazePoint(0.2, 0.2), 0.5)
    assert result is not None and result.error_pct == pytest.approx(0.0)


def test_clicks_without_gaze_near_them_are_ignored():
    check = ClickCheck()
    assert check.add_click(GazePoint(0.5, 0.5), 1.0) is None  # no tracking at all
    for i in range(10):
        check.add_sample(sample(i / FPS, 0.5, 0.5))
    assert check.add_click(GazePoint(0.5, 0.5), 5.0) is None  # the gaze ended seconds ago
    for i in range(10):  # a face lost: samples without a point of their own
        check.add_sample(sample(6 + i / FPS, 0.5, 0.5, valid=False, reason="no face"))
        check.add_sample(sample(6 + i / FPS, 0.5, 0.5, reason="blink"))
    assert check.add_click(GazePoint(0.5, 0.5), 6.4) is None
    assert check.estimate().error_pct is None and check.estimate().clicks == 0


def test_only_the_last_clicks_are_kept():
    check = ClickCheck()
    clicks(check, CLICKS_KEPT + 7, (0.02, 0.0))
    assert check.estimate().clicks == CLICKS_KEPT


def test_a_click_made_while_looking_elsewhere_barely_moves_the_estimate():
    check = ClickCheck()
    _, t = clicks(check, 9, (0.04, 0.0))
    look_and_click(check, t, (0.1, 0.1), (0.7, 0.7))
    assert check.estimate().error_pct == pytest.approx(4.0)


def test_no_drift_while_the_error_stays_as_validated():
    check = ClickCheck(validated_pct=4.0)
    clicks(check, 15, (0.03, 0.03))  # 4.2%
    estimate = check.estimate()
    assert estimate.reference == VALIDATED and estimate.reference_pct == 4.0
    assert not estimate.drifted


def test_drift_is_said_when_the_error_rises_well_above_the_validated_one():
    check = ClickCheck(validated_pct=4.0)
    results, _ = clicks(check, MIN_CLICKS - 1, (0.08, 0.06))  # 10%
    assert not check.estimate().drifted  # too few clicks to say
    clicks(check, 1, (0.08, 0.06), t=100.0)
    assert check.estimate().drifted
    check.reset(validated_pct=4.5)  # recalibrated: the clicks before say nothing now
    assert check.estimate().clicks == 0 and not check.estimate().drifted


def test_without_validation_the_first_clicks_after_calibrating_are_the_reference():
    check = ClickCheck()
    clicks(check, MIN_CLICKS - 1, (0.03, 0.0), expected=3.5)
    assert check.estimate().reference_pct is None  # no baseline yet: no drift can be said
    clicks(check, 6, (0.03, 0.0), expected=3.5, t=50.0)
    estimate = check.estimate()
    # The lesser of the clicks' error (3%) and what the samples expected (3.5%).
    assert estimate.reference == BASELINE and estimate.reference_pct == pytest.approx(3.0)
    assert not estimate.drifted
    # Drift raises the samples' expected error too; the frozen baseline does not follow it.
    clicks(check, 10, (0.09, 0.0), expected=12.0, t=100.0)
    assert check.estimate().reference_pct == pytest.approx(3.0)
    assert check.estimate().drifted


def test_a_small_rise_over_a_tiny_error_is_not_drift():
    check = ClickCheck(validated_pct=1.0)
    clicks(check, 10, (0.02, 0.0))  # twice the validated error, but 1 point above it
    assert not check.estimate().drifted
