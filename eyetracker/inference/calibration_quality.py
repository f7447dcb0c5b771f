"""How well a quick calibration fits its own points, and a one-line verdict on it (no Qt).

After the fit, each calibration point's frames are predicted again with the new profile; the
*residual* of a point is the distance from its dot to the mean of those predictions, in % of
the screen (the validation's error vector, on the calibration's own frames). One bad point
(the person blinked or looked away at that dot) is worth redoing alone; a poor fit overall
(bad light, a face half out of view) needs the whole calibration again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from eyetracker.core.metrics import error_pct
from eyetracker.core.types import GazePoint
from eyetracker.inference.calibration import CalibrationCollector
from eyetracker.inference.pipeline import FramePipeline
from eyetracker.inference.profile import Profile

# A point whose mean estimate is this far (% of the screen) from its dot is redone. The bundled
# model's error per frame on people it has never seen is well under it (docs/benchmarks.md,
# "The bundled default model"), and the mean of a dot's frames errs less; 20% is also half the
# 40% between neighbouring dots of the 3x3 grid, so such an estimate is nearer another dot than
# its own: far more likely the person looked elsewhere or blinked than the model erring.
REDO_PCT = 20.0
# A mean residual above this (the model's typical per-frame error on new people, plus a little)
# means the fit as a whole did not work: calibrate again rather than redo one point.
POOR_PCT = 15.0


@dataclass(frozen=True)
class PointResidual:
    """One calibration point: its dot, the mean estimate of its frames, and the distance."""

    number: int  # 1-based, in the order the dots were shown
    target: GazePoint
    estimate: GazePoint | None  # None: no frame of this point gave a gaze estimate
    frames: int  # frames that gave an estimate
    residual_pct: float | None

    @property
    def where(self) -> str:
        return screen_region(self.target)


@dataclass(frozen=True)
class CalibrationQuality:
    points: tuple[PointResidual, ...]
    mean_pct: float | None  # over the points with an estimate
    redo: int | None  # index into `points` of the one point worth redoing, or None
    good: bool
    verdict: str

    def to_json(self) -> dict:
        return {
            "mean_residual_pct": self.mean_pct,
            "good": self.good,
            "redo": self.redo,
            "verdict": self.verdict,
            "points": [
                {
                    "number": p.number,
                    "target": [p.target.x, p.target.y],
                    "estimate": None if p.estimate is None else [p.estimate.x, p.estimate.y],
                    "frames": p.frames,
                    "residual_pct": p.residual_pct,
                }
                for p in self.points
            ],
        }


def screen_region(point: GazePoint) -> str:
    """ "top right", "centre", "bottom" ...: where a normalized point is, in thirds."""
    rows, columns = ("top", "", "bottom"), ("left", "", "right")
    row = rows[min(int(point.y * 3), 2)]
    column = columns[min(int(point.x * 3), 2)]
    return " ".join(part for part in (row, column) if part) or "centre"


def assess(
    targets: list[GazePoint], estimates: list[np.ndarray | list[tuple[float, float]]]
) -> CalibrationQuality:
    """The quality of a calibration from each point's estimates ((N, 2), N may be 0)."""
    points = []
    for number, (target, found) in enumerate(zip(targets, estimates, strict=True), start=1):
        found = np.asarray(found, np.float64).reshape(-1, 2)
        found = found[np.isfinite(found).all(axis=1)]
        if not len(found):
            points.append(PointResidual(number, target, None, 0, None))
            continue
        mean = found.mean(axis=0)
        residual = float(error_pct(mean, np.array([target.x, target.y])))
        estimate = GazePoint(float(mean[0]), float(mean[1]))
        points.append(PointResidual(number, target, estimate, len(found), residual))
    residuals = [p.residual_pct for p in points if p.residual_pct is not None]
    mean_pct = float(np.mean(residuals)) if residuals else None
    redo, good, verdict = _verdict(points, mean_pct)
    return CalibrationQuality(tuple(points), mean_pct, redo, good, verdict)


def _verdict(points: list[PointResidual], mean_pct: float | None) -> tuple[int | None, bool, str]:
    missing = [i for i, p in enumerate(points) if p.residual_pct is None]
    again = "check the light and that your face is in view, then calibrate again."
    if mean_pct is None or len(missing) > 1:
        return None, False, f"{len(missing)} of {len(points)} points gave no gaze estimate: {again}"
    if mean_pct > POOR_PCT:
        return (
            None,
            False,
            f"Poor calibration: mean residual {mean_pct:.1f}% of the screen; {again}",
        )
    if missing:
        p = points[missing[0]]
        return missing[0], False, f"Point {p.number} ({p.where}) gave no gaze estimate: redo it."
    worst = max(range(len(points)), key=lambda i: points[i].residual_pct)
    p = points[worst]
    if p.residual_pct > REDO_PCT:
        return (
            worst,
            False,
            f"Point {p.number} ({p.where}) is off by {p.residual_pct:.0f}%: redo it.",
        )
    return None, True, f"Good calibration: mean residual {mean_pct:.1f}% of the screen."


def calibration_quality(
    collector: CalibrationCollector, backend, profile: Profile
) -> CalibrationQuality:
    """Predict every calibration frame with `profile` and assess the residuals.

    Uses `backend` with the profile's statistics (left in place: they are what tracking uses
    next); runs where the fit ran, in a worker thread. The frames are seen as the fit saw
    them (`CalibrationCollector.streams`)."""
    backend.set_statistics(profile.moments)
    estimates: list[list[tuple[float, float]]] = [[] for _ in collector.points]
    for stream in collector.streams():
        pipeline = FramePipeline(backend, video=collector.video, correction=profile.correction)
        try:
            for index, frame in stream:
                if (point := pipeline.raw(frame).point) is not None:
                    estimates[index].append((point.x, point.y))
        finally:
            pipeline.close()
    return assess([entry.point for entry in collector.points], estimates)
