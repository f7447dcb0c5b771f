"""Validation without Qt: gaze estimates per target, accuracy and precision, a JSON report.

- **Accuracy** of a target is the mean distance of its estimates from the target (the
  study's per-frame error, averaged); the overall figure is the mean over targets that got
  estimates, so every part of the screen weighs the same.
- **Precision** is the RMS of successive sample-to-sample distances within each target,
  pooled over all targets (jitter, independent of any offset).
- **Expected against measured**: each estimate's expected error (what the tracker said of
  it) is averaged like the accuracy, so the report shows whether the tracker's own estimate
  of its error holds for this person.
- Units: % of the screen (distance between normalized points, the study's metric), screen
  pixels, and degrees of visual angle when the screen's size in mm and the viewing
  distance are known (the on-screen distance seen straight ahead from that distance).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from eyetracker.core.atomic import atomic_write
from eyetracker.core.manifest import Screen
from eyetracker.core.metrics import error_mm, error_pct, error_px, mm_to_degrees
from eyetracker.core.types import GazePoint

REPORT_FORMAT = "eyetracker-validation"


@dataclass(frozen=True)
class Units:
    """Converts normalized offsets to % of the screen, pixels and (if possible) degrees."""

    screen: Screen
    viewing_distance_mm: float | None = None

    @property
    def has_degrees(self) -> bool:
        s = self.screen
        return bool(s.width_mm and s.height_mm and self.viewing_distance_mm)

    def pct(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return error_pct(a, b)

    def px(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return error_px(a, b, self.screen.width_px, self.screen.height_px)

    def deg(self, a: np.ndarray, b: np.ndarray) -> np.ndarray | None:
        if not self.has_degrees:
            return None
        mm = error_mm(a, b, self.screen.width_mm, self.screen.height_mm)
        return mm_to_degrees(mm, self.viewing_distance_mm)


def _rms_steps(values: list[np.ndarray]) -> float | None:
    """RMS of pooled step lengths (each array: one target's successive distances)."""
    steps = np.concatenate([np.zeros(0), *values])
    return float(np.sqrt(np.mean(steps**2))) if len(steps) else None


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


class ValidationCollector:
    """Accumulates estimates (normalized points) for each target, then reports on them."""

    def __init__(self, targets: list[GazePoint], units: Units) -> None:
        self.targets = list(targets)
        self.units = units
        self._samples: list[list[tuple[float, float]]] = [[] for _ in self.targets]
        self._expected: list[list[float]] = [[] for _ in self.targets]

    def add(
        self,
        index: int,
        estimate: GazePoint | tuple[float, float],
        expected_error: float | None = None,
    ) -> None:
        """One estimate for target `index`, with the error the tracker expected of it (% of
        the screen), when it said."""
        x, y = (estimate.x, estimate.y) if isinstance(estimate, GazePoint) else estimate
        self._samples[index].append((float(x), float(y)))
        if expected_error is not None and math.isfinite(expected_error):
            self._expected[index].append(float(expected_error))

    def samples(self, index: int) -> np.ndarray:
        return np.array(self._samples[index], dtype=np.float64).reshape(-1, 2)

    def report(self, **context: Any) -> dict[str, Any]:
        """The report as plain JSON values; `context` (model, user, ...) is stored with it."""
        units = self.units
        measures = {"pct": units.pct, "px": units.px, "deg": units.deg}
        accuracy: dict[str, list[float]] = {unit: [] for unit in measures}
        steps: dict[str, list[np.ndarray]] = {unit: [] for unit in measures}
        per_target = []
        expected: list[float] = []
        for index, target in enumerate(self.targets):
            points = self.samples(index)
            truth = np.array([target.x, target.y])
            entry: dict[str, Any] = {"target": [target.x, target.y], "samples": len(points)}
            if self._expected[index]:
                entry["expected_error_pct"] = float(np.mean(self._expected[index]))
                expected.append(entry["expected_error_pct"])
            if len(points):
                mean = points.mean(axis=0)
                entry["mean_estimate"] = [float(mean[0]), float(mean[1])]
                entry["estimates"] = points.round(5).tolist()
            for unit, measure in measures.items():
                errors = measure(points, truth) if len(points) else None
                if errors is None:
                    continue
                entry[f"accuracy_{unit}"] = float(np.mean(errors))
                accuracy[unit].append(entry[f"accuracy_{unit}"])
                step = measure(points[1:], points[:-1])  # successive samples
                entry[f"precision_{unit}"] = float(np.sqrt(np.mean(step**2))) if len(step) else None
                steps[unit].append(step)
            per_target.append(entry)
        summary = {
            f"{kind}_{unit}": value
            for unit in ("pct", "px", "deg")
            for kind, value in (
                ("accuracy", _mean(accuracy[unit])),
                ("precision", _rms_steps(steps[unit])),
            )
        }
        return {
            "format": REPORT_FORMAT,
            "version": 1,
            "created": datetime.now().isoformat(timespec="seconds"),
            "screen": units.screen.to_json(),
            "viewing_distance_mm": units.viewing_distance_mm,
            "targets_with_samples": sum(1 for e in per_target if e["samples"]),
            "targets_total": len(per_target),
            **summary,
            "expected_error_pct": _mean(expected),
            **context,
            "targets": per_target,
        }


def save_report(report: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write the report as JSON (NaN-free), replacing the file atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, json.dumps(report, indent=1, allow_nan=False), durable=True)


def summary_line(report: dict[str, Any]) -> str:
    """ "Accuracy 4.2% of the screen (81 px, 2.1°), expected 4.5%, precision 0.6% RMS" for a
    result screen."""
    acc = report.get("accuracy_pct")
    if acc is None or (isinstance(acc, float) and math.isnan(acc)):
        return "No gaze estimates: no face was found while the targets were shown."
    parts = [f"{report['accuracy_px']:.0f} px"]
    if report.get("accuracy_deg") is not None:
        parts.append(f"{report['accuracy_deg']:.1f}°")
    text = f"Accuracy {acc:.1f}% of the screen ({', '.join(parts)})"
    if report.get("expected_error_pct") is not None:
        text += f", expected {report['expected_error_pct']:.1f}%"
    if report.get("precision_pct") is not None:
        text += f", precision {report['precision_pct']:.2f}% RMS"
    missing = report["targets_total"] - report["targets_with_samples"]
    if missing:
        text += f"; {missing} of {report['targets_total']} targets had no face"
    return text
