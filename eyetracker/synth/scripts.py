"""Gaze behaviour over time for the live synthetic camera.

`make_script(name, rng)` returns a script: a pure function of scene time t (s) to where the
person looks and what they are doing. Randomness comes from `rng` once, as a plan that is
drawn lazily in time order, so evaluating the same script at the same t always agrees.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from eyetracker.core.types import GazePoint


@dataclass(frozen=True)
class ScriptPoint:
    """Where the person looks at one moment, and the script's phase ("fixation", ...)."""

    point: GazePoint
    phase: str


@dataclass(frozen=True)
class _Segment:
    start: float
    end: float
    origin: tuple[float, float]
    target: tuple[float, float]
    move_s: float  # the saccade from origin to target takes this long, then the eyes hold
    move_phase: str
    hold_phase: str


class _Plan:
    """Segments drawn from a generator, extended lazily as later times are asked for."""

    def __init__(self, segments: Iterator[_Segment]) -> None:
        self._source = segments
        self._segments: list[_Segment] = []
        self._starts: list[float] = []

    def __call__(self, t: float) -> ScriptPoint:
        t = max(float(t), 0.0)
        while not self._segments or self._segments[-1].end <= t:
            segment = next(self._source)
            self._segments.append(segment)
            self._starts.append(segment.start)
        s = self._segments[bisect.bisect_right(self._starts, t) - 1]
        if t - s.start < s.move_s:
            # A saccade: a smooth step (velocity peaks mid-way).
            u = (t - s.start) / s.move_s
            w = u * u * (3 - 2 * u)
            x = s.origin[0] + w * (s.target[0] - s.origin[0])
            y = s.origin[1] + w * (s.target[1] - s.origin[1])
            return ScriptPoint(_clamp(x, y), s.move_phase)
        return ScriptPoint(_clamp(*s.target), s.hold_phase)


def _clamp(x: float, y: float) -> GazePoint:
    return GazePoint(float(min(max(x, 0.0), 1.0)), float(min(max(y, 0.0), 1.0)))


def _saccade_s(a: tuple[float, float], b: tuple[float, float]) -> float:
    # Main sequence: ~20 ms + ~2.5 ms per degree; a screen width is ~30 degrees.
    return 0.02 + 0.075 * float(np.hypot(b[0] - a[0], b[1] - a[1]))


def _fixations(rng: np.random.Generator) -> Iterator[_Segment]:
    t, here = 0.0, (0.5, 0.5)
    while True:
        there = (float(rng.uniform(0.05, 0.95)), float(rng.uniform(0.05, 0.95)))
        move = _saccade_s(here, there)
        end = t + move + float(rng.uniform(0.2, 0.6))
        yield _Segment(t, end, here, there, move, "saccade", "fixation")
        t, here = end, there


def reading_region(rng: np.random.Generator) -> tuple[float, float, float, float]:
    """The paragraph's box (x0, y0, x1, y1) for a reading script drawn from `rng`."""
    x0, y0 = float(rng.uniform(0.08, 0.3)), float(rng.uniform(0.15, 0.5))
    return x0, y0, x0 + float(rng.uniform(0.45, 0.6)), y0 + 0.3


def _reading(rng: np.random.Generator) -> Iterator[_Segment]:
    x0, y0, x1, y1 = reading_region(rng)
    lines = 8
    spacing = (y1 - y0) / (lines - 1)
    t, here = 0.0, (x0, y0)
    while True:
        for line in range(lines):
            y = y0 + line * spacing
            x = x0 + float(rng.uniform(0.0, 0.02))
            there = (x, y)
            move = _saccade_s(here, there)
            phase = "return-sweep" if line or here != (x0, y0) else "reading"
            end = t + move + float(rng.uniform(0.2, 0.3))
            yield _Segment(t, end, here, there, move, phase, "reading")
            t, here = end, there
            while x < x1 - 0.04:
                step = -0.03 if rng.random() < 0.1 else float(rng.uniform(0.025, 0.05))
                x = min(max(x + step, x0), x1)
                there = (x, y)
                move = _saccade_s(here, there)
                end = t + move + float(rng.uniform(0.18, 0.3))
                yield _Segment(t, end, here, there, move, "reading", "reading")
                t, here = end, there


def _dwell(
    rng: np.random.Generator, minutes: float = 1.0, radius: float = 0.07
) -> Iterator[_Segment]:
    t, here = 0.0, (0.5, 0.5)
    while True:
        centre = (float(rng.uniform(0.15, 0.85)), float(rng.uniform(0.15, 0.85)))
        stop = t + 60.0 * minutes
        while t < stop:
            angle, r = float(rng.uniform(0, 2 * np.pi)), radius * float(np.sqrt(rng.uniform()))
            there = (centre[0] + r * np.cos(angle), centre[1] + r * np.sin(angle))
            move = _saccade_s(here, there)
            end = t + move + float(rng.uniform(0.2, 0.8))
            yield _Segment(t, end, here, there, move, "saccade", "dwell")
            t, here = end, there


CALIBRATION_GRID = tuple((x, y) for y in (0.1, 0.5, 0.9) for x in (0.1, 0.5, 0.9))


def _calibration(rng: np.random.Generator, seconds_per_point: float = 1.0) -> Iterator[_Segment]:
    t, here = 0.0, (0.5, 0.5)
    while True:
        for k, there in enumerate(CALIBRATION_GRID):
            move = _saccade_s(here, there) + float(rng.uniform(0.1, 0.2))  # reaction time
            end = t + seconds_per_point
            yield _Segment(t, end, here, there, move, f"calibration-move:{k}", f"calibration:{k}")
            t, here = end, there


def _pursuit(rng: np.random.Generator) -> Callable[[float], ScriptPoint]:
    fx, fy = rng.uniform(0.06, 0.12), rng.uniform(0.05, 0.1)
    px, py = rng.uniform(0, 2 * np.pi, 2)

    def script(t: float) -> ScriptPoint:
        x = 0.5 + 0.4 * np.sin(2 * np.pi * fx * t + px)
        y = 0.5 + 0.38 * np.sin(2 * np.pi * fy * t + py)
        return ScriptPoint(_clamp(x, y), "pursuit")

    return script


SCRIPTS = ("fixations", "reading", "dwell", "pursuit", "calibration")


def make_script(name: str, rng: np.random.Generator) -> Callable[[float], ScriptPoint]:
    """The script `name` (one of SCRIPTS) as a function of scene time in seconds."""
    if name == "pursuit":
        return _pursuit(rng)
    plans = {
        "fixations": _fixations,
        "reading": _reading,
        "dwell": _dwell,
        "calibration": _calibration,
    }
    if name not in plans:
        raise ValueError(f"unknown script {name!r}; choose one of {', '.join(SCRIPTS)}")
    return _Plan(plans[name](rng))


# A person needs this long to notice a new dot before the eyes start to move (s).
REACTION_S = (0.15, 0.25)


class TargetFollower:
    """Gaze that turns to the dot an app shows, and back to its own script when there is none.

    `follower(t, target, script_point)`: with a `target`, the eyes stay where they were for a
    reaction time, then make one saccade (the main sequence, as the scripts) and hold on it;
    with None, one saccade takes them back to wherever the script looks. Call with increasing
    `t`. The renderer adds the person's own fixation error on top, as for any script.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._target: tuple[float, float] | None = None
        self._origin = (0.5, 0.5)
        self._start = 0.0  # when the current saccade starts (after the reaction time)
        self._last = (0.5, 0.5)
        self._following = False  # has a target been given since the last release

    def __call__(self, t: float, target: GazePoint | None, script: ScriptPoint) -> ScriptPoint:
        wanted = (target.x, target.y) if target is not None else None
        if wanted != self._target:
            self._origin, self._target = self._last, wanted
            if wanted is not None:
                self._following = True
                self._start = t + float(self._rng.uniform(*REACTION_S))
            else:
                self._start = t
        if wanted is None and not self._following:
            return self._remember(script)
        end = wanted if wanted is not None else (script.point.x, script.point.y)
        if t < self._start:
            return self._remember(ScriptPoint(_clamp(*self._origin), "target-reaction"))
        move = _saccade_s(self._origin, end)
        if t - self._start < move:
            u = (t - self._start) / move
            w = u * u * (3 - 2 * u)
            x = self._origin[0] + w * (end[0] - self._origin[0])
            y = self._origin[1] + w * (end[1] - self._origin[1])
            phase = "target-saccade" if wanted is not None else "saccade"
            return self._remember(ScriptPoint(_clamp(x, y), phase))
        if wanted is None:
            self._following = False  # back on the script
            return self._remember(script)
        return self._remember(ScriptPoint(_clamp(*wanted), "target"))

    def _remember(self, where: ScriptPoint) -> ScriptPoint:
        self._last = (where.point.x, where.point.y)
        return where


class BlinkSchedule:
    """Eyelid closure in [0, 1] over time: blinks at `rate_per_min`, 100-300 ms each."""

    def __init__(self, rng: np.random.Generator, rate_per_min: float) -> None:
        self._rng = rng
        self._rate = rate_per_min / 60.0
        self._blinks: list[tuple[float, float]] = []
        self._next = float(rng.exponential(1 / self._rate))

    def __call__(self, t: float) -> float:
        while self._next <= t + 1.0:
            self._blinks.append((self._next, float(self._rng.uniform(0.1, 0.3))))
            self._next += float(self._rng.exponential(1 / self._rate)) + 0.3
        i = bisect.bisect_right(self._blinks, (t, np.inf)) - 1
        if i < 0:
            return 0.0
        start, length = self._blinks[i]
        u = (t - start) / length
        return float(max(0.0, 1.0 - abs(2 * u - 1))) if 0 <= u <= 1 else 0.0
