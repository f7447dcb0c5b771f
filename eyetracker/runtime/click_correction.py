"""A correction learnt from clicks: an affine map of the tracked point toward the pointer,
held by a ridge prior at the calibration (the identity), so that a few clicks nudge it and
many clicks move it.

    update = ClickCorrection.fit(gaze, pointers)     # (N, 2) window means and pointers
    point = update.apply(point)                      # (2,) or (N, 2), normalized

    learnt = LearntCorrection()                      # the app's, while tracking (opt-in)
    correction = learnt.add(shown_gaze, pointer)     # refitted on the last clicks

The map is fitted about the screen's centre, truth - c ~ A (gaze - c) + b, minimising
|X W - Y|^2 + SPREAD SLOPE_RIDGE |A - I|^2 + OFFSET_RIDGE |b|^2: with no clicks it is the
identity. The strengths count clicks: a click anywhere on the screen says SPREAD (the variance
of a uniform coordinate over 90% of the screen) about the slope and 1 about the offset, so a
strength of 5 weighs the calibration as much as 5 such clicks. The strengths were chosen on
the synthetic leaning-back scenario (benchmarks/click_drift.py; docs/benchmarks.md).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from eyetracker.runtime.click_check import CLICKS_KEPT

CENTRE = 0.5
SPREAD = 0.9**2 / 12
SLOPE_RIDGE = 5.0
OFFSET_RIDGE = 2.0


@dataclass(frozen=True)
class ClickCorrection:
    """truth = CENTRE + A (point - CENTRE) + b; `weights` is [A^T; b^T] (3 x 2)."""

    weights: np.ndarray

    @classmethod
    def identity(cls) -> ClickCorrection:
        return cls(np.vstack([np.eye(2), np.zeros((1, 2))]))

    @classmethod
    def fit(
        cls,
        gaze: np.ndarray,
        pointers: np.ndarray,
        slope_ridge: float = SLOPE_RIDGE,
        offset_ridge: float = OFFSET_RIDGE,
    ) -> ClickCorrection:
        gaze, pointers = np.asarray(gaze, float).reshape(-1, 2), np.asarray(pointers, float)
        x = np.hstack([gaze - CENTRE, np.ones((len(gaze), 1))])
        y = pointers.reshape(-1, 2) - CENTRE
        prior = cls.identity().weights
        penalty = np.diag([SPREAD * slope_ridge, SPREAD * slope_ridge, offset_ridge])
        weights = np.linalg.solve(x.T @ x + penalty, x.T @ y + penalty @ prior)
        return cls(weights)

    def apply(self, points: np.ndarray) -> np.ndarray:
        points = np.asarray(points, float)
        flat = points.reshape(-1, 2)
        x = np.hstack([flat - CENTRE, np.ones((len(flat), 1))])
        return np.clip(x @ self.weights + CENTRE, 0.0, 1.0).reshape(points.shape)

    def unapply(self, points: np.ndarray) -> np.ndarray:
        """The points `apply` maps to `points` (up to its clipping at the screen's edges)."""
        points = np.asarray(points, float)
        flat = points.reshape(-1, 2) - CENTRE - self.weights[2]
        return (np.linalg.solve(self.weights[:2].T, flat.T).T + CENTRE).reshape(points.shape)


@dataclass
class LearntCorrection:
    """The correction learnt from the last CLICKS_KEPT clicks since a calibration.

    The tracker shows points already corrected, so each click's gaze is taken back through
    the correction in force to the calibration's own point before the refit: the fit is
    always of the calibration's points, as measured (benchmarks/click_drift.py)."""

    current: ClickCorrection = field(default_factory=ClickCorrection.identity)
    _pairs: deque = field(default_factory=lambda: deque(maxlen=CLICKS_KEPT))

    def add(self, shown_gaze: np.ndarray, pointer: np.ndarray) -> ClickCorrection:
        """A click: the mean gaze shown before it and the pointer (normalized); the refit."""
        self._pairs.append((self.current.unapply(shown_gaze), np.asarray(pointer, float)))
        gaze = np.array([raw for raw, _ in self._pairs])
        pointers = np.array([pointer for _, pointer in self._pairs])
        self.current = ClickCorrection.fit(gaze, pointers)
        return self.current

    def reset(self) -> None:
        """A new calibration: back to it (the identity), every click forgotten."""
        self.current = ClickCorrection.identity()
        self._pairs.clear()
