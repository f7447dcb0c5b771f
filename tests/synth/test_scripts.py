from __future__ import annotations

import numpy as np

from eyetracker.synth.scripts import (
    CALIBRATION_GRID,
    SCRIPTS,
    BlinkSchedule,
    make_script,
    reading_region,
)


def _trace(name: str, seconds: float, seed: int = 0, fps: float = 30.0):
    script = make_script(name, np.random.default_rng(seed))
    return [script(k / fps) for k in range(int(seconds * fps))]


def test_every_script_stays_on_screen_and_is_a_function_of_time():
    for name in SCRIPTS:
        script = make_script(name, np.random.default_rng(1))
        late = script(20.0)
        early = [script(t) for t in np.arange(0, 20, 0.05)]
        assert script(20.0) == late  # asking for earlier times does not change the plan
        assert all(0 <= p.point.x <= 1 and 0 <= p.point.y <= 1 for p in early)
        again = make_script(name, np.random.default_rng(1))
        assert [again(t) for t in np.arange(0, 20, 0.05)] == early


def test_fixations_spread_over_the_screen_with_fixation_and_saccade_phases():
    trace = _trace("fixations", 30)
    xs = [p.point.x for p in trace]
    ys = [p.point.y for p in trace]
    assert max(xs) - min(xs) > 0.6 and max(ys) - min(ys) > 0.6
    assert {p.phase for p in trace} == {"fixation", "saccade"}


def test_reading_is_confined_to_its_paragraph_and_moves_left_to_right():
    trace = _trace("reading", 60, seed=3)
    x0, y0, x1, y1 = reading_region(np.random.default_rng(3))
    assert all(
        x0 - 1e-9 <= p.point.x <= x1 + 1e-9 and y0 - 1e-9 <= p.point.y <= y1 + 1e-9 for p in trace
    )
    steps = np.diff([p.point.x for p in trace if p.phase == "reading"])
    assert (steps > 0).sum() > 5 * (steps < 0).sum()
    assert any(p.phase == "return-sweep" for p in trace)


def test_dwell_stays_in_one_region_for_a_minute():
    trace = _trace("dwell", 60, fps=10)
    points = np.array([(p.point.x, p.point.y) for p in trace[20:]])
    assert np.ptp(points, axis=0).max() < 0.2


def test_calibration_visits_the_nine_grid_points():
    trace = _trace("calibration", 9.0)
    held = {p.phase: (p.point.x, p.point.y) for p in trace if p.phase.startswith("calibration:")}
    assert len(held) == 9
    assert sorted(held.values()) == sorted(CALIBRATION_GRID)


def test_pursuit_moves_smoothly():
    trace = _trace("pursuit", 10)
    steps = np.hypot(*np.diff([(p.point.x, p.point.y) for p in trace], axis=0).T)
    assert steps.max() < 0.02 and steps.mean() > 0.001


def test_blinks_happen_at_roughly_the_asked_rate():
    blinks = BlinkSchedule(np.random.default_rng(0), rate_per_min=20)
    closed = np.array([blinks(t) >= 0.5 for t in np.arange(0, 120, 1 / 30)])
    onsets = np.count_nonzero(np.diff(closed.astype(int)) == 1)
    assert 20 <= onsets <= 60
