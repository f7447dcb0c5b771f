"""Fixations from gaze samples with I-DT, the dispersion-threshold identification of Salvucci
& Goldberg ("Identifying fixations and saccades in eye-tracking protocols", ETRA 2000).

    fixations = detect_fixations(t, x, y, valid, aspect=1080 / 1920)
    fixations.x, fixations.y, fixations.duration     # NumPy arrays, one entry per fixation

A window of samples spanning at least `min_duration` whose dispersion
D = (max x - min x) + (max y - min y) stays within `max_dispersion` is a fixation; it grows
sample by sample until D would exceed the threshold, and its centroid is the fixation's point.
Otherwise the window slides on by one sample. Invalid samples (no face, a blink) and gaps in
time end a fixation: one never spans data we do not have.

Why our own code: the maintained Python implementation (pymovements) brings pandas, polars,
pyarrow, matplotlib and scikit-learn into a desktop app for a loop of forty lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The usual laboratory thresholds are ~1 degree of visual angle and 100 ms. Points here are
# fractions of the screen, measured along its width: 1 degree at 60 cm from a 53 cm wide
# (24") screen is 1.05 cm, about 0.02 screen widths. A webcam tracker's noise is a few times a
# lab tracker's, so the default allows 2.5% of the width (~1.2 degrees there).
DEFAULT_MAX_DISPERSION = 0.025  # screen widths
DEFAULT_MIN_DURATION = 0.1  # seconds
# A longer step between two samples than this (dropped frames, a pause) ends a fixation.
DEFAULT_MAX_GAP = 0.25  # seconds


@dataclass(frozen=True, eq=False)
class Fixations:
    """Detected fixations as arrays of equal length, in time order.

    `start` / `end` are the times of the first and last sample in the fixation; `x`, `y` the
    centroid (0..1 of the screen, as the gaze CSV); `samples` how many samples it holds.
    """

    start: np.ndarray
    end: np.ndarray
    x: np.ndarray
    y: np.ndarray
    samples: np.ndarray

    @property
    def duration(self) -> np.ndarray:
        return self.end - self.start

    def __len__(self) -> int:
        return len(self.start)

    def between(self, start: float, end: float) -> Fixations:
        """The fixations that begin within [start, end]."""
        keep = (self.start >= start) & (self.start <= end)
        return Fixations(*(getattr(self, name)[keep] for name in _FIELDS))


_FIELDS = ("start", "end", "x", "y", "samples")


def detect_fixations(
    t: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    valid: np.ndarray | None = None,
    *,
    max_dispersion: float = DEFAULT_MAX_DISPERSION,
    min_duration: float = DEFAULT_MIN_DURATION,
    max_gap: float = DEFAULT_MAX_GAP,
    aspect: float = 9 / 16,
) -> Fixations:
    """I-DT over samples at times `t` (seconds, increasing) and points `x`, `y` (0..1 of the
    screen). `aspect` is the screen's height / width: y is scaled by it so that dispersion is
    measured in screen widths in both directions. NaN points count as invalid."""
    t = np.asarray(t, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64) * float(aspect)
    usable = np.isfinite(t) & np.isfinite(x) & np.isfinite(y)
    if valid is not None:
        usable &= np.asarray(valid, dtype=bool)
    found: list[tuple[float, float, float, float, int]] = []
    for first, stop in _runs(t, usable, max_gap):
        found.extend(
            _idt(t[first:stop], x[first:stop], y[first:stop], max_dispersion, min_duration)
        )
    columns = list(zip(*found, strict=True)) if found else [[]] * len(_FIELDS)
    start, end, fx, fy, count = (np.asarray(c, dtype=np.float64) for c in columns)
    return Fixations(start, end, fx, fy / float(aspect), count.astype(np.int64))


def _runs(t: np.ndarray, usable: np.ndarray, max_gap: float) -> list[tuple[int, int]]:
    """[first, stop) index ranges of usable samples with no step in time over `max_gap`."""
    runs, first = [], None
    for i in range(len(t)):
        if not usable[i]:
            if first is not None:
                runs.append((first, i))
            first = None
            continue
        if first is not None and t[i] - t[i - 1] > max_gap:
            runs.append((first, i))
            first = None
        if first is None:
            first = i
    if first is not None:
        runs.append((first, len(t)))
    return runs


def _idt(t, x, y, max_dispersion: float, min_duration: float):
    """Salvucci & Goldberg's loop over one run of usable samples."""
    n, i = len(t), 0
    while i < n:
        # The smallest window from sample i that spans min_duration.
        j = int(np.searchsorted(t, t[i] + min_duration - 1e-9, side="left"))
        if j >= n:
            return
        x_low, x_high = float(x[i : j + 1].min()), float(x[i : j + 1].max())
        y_low, y_high = float(y[i : j + 1].min()), float(y[i : j + 1].max())
        if (x_high - x_low) + (y_high - y_low) > max_dispersion:
            i += 1
            continue
        # Grow the window while the dispersion stays within the threshold (running extremes).
        while j + 1 < n:
            nx, ny = float(x[j + 1]), float(y[j + 1])
            wider = (max(x_high, nx) - min(x_low, nx)) + (max(y_high, ny) - min(y_low, ny))
            if wider > max_dispersion:
                break
            x_low, x_high = min(x_low, nx), max(x_high, nx)
            y_low, y_high = min(y_low, ny), max(y_high, ny)
            j += 1
        yield (
            float(t[i]),
            float(t[j]),
            float(x[i : j + 1].mean()),
            float(y[i : j + 1].mean()),
            j - i + 1,
        )
        i = j + 1
