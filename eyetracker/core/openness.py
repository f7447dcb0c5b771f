"""This person's eye openness as a function of where they look, learnt from the calibration.

    model = OpennessModel.fit(openness, predictors)   # (N, 2) lid gaps, (N, P) e.g. iris
    model.expected(predictors)                         # (N, 2): the gap expected there

When people look down their upper lids follow the eye: the gap between the lids narrows with
the eye's downward rotation and the head's pitch, by an amount that differs from person to
person. The calibration's dots, the lowest ones included, show how much for this person, so a
linear fit per eye on those frames tells what "open" looks like at any vertical gaze. Predictors
are held within the calibration's range: beyond it nothing was seen (and during a blink the
iris landmarks slide with the lid, which must not pull the expectation down with them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RIDGE = 1e-3  # keeps the fit defined when a predictor hardly varies


@dataclass(frozen=True)
class OpennessModel:
    weights: np.ndarray  # (P + 1, 2): per predictor, then the intercept; one column per eye
    low: np.ndarray  # (P,) the least value of each predictor in the calibration
    high: np.ndarray  # (P,) the greatest

    @classmethod
    def fit(cls, openness: np.ndarray, predictors: np.ndarray) -> OpennessModel | None:
        """The fit over calibration frames; None with fewer than 3 usable frames."""
        openness = np.asarray(openness, np.float64).reshape(-1, 2)
        predictors = np.asarray(predictors, np.float64).reshape(len(openness), -1)
        usable = np.isfinite(openness).all(1) & np.isfinite(predictors).all(1)
        openness, predictors = openness[usable], predictors[usable]
        if len(openness) < 3:
            return None
        design = np.concatenate([predictors, np.ones((len(predictors), 1))], axis=1)
        penalty = RIDGE * len(design) * np.eye(design.shape[1])
        penalty[-1, -1] = 0.0  # the intercept, the mean openness, is free
        weights = np.linalg.solve(design.T @ design + penalty, design.T @ openness)
        return cls(weights, predictors.min(0), predictors.max(0))

    def expected(self, predictors: np.ndarray) -> np.ndarray:
        """(N, 2) expected openness at these predictors, held within the calibration's range."""
        predictors = np.asarray(predictors, np.float64).reshape(-1, len(self.low))
        held = np.clip(predictors, self.low, self.high)
        return held @ self.weights[:-1] + self.weights[-1]

    def to_json(self) -> dict:
        return {
            "weights": self.weights.tolist(),
            "low": self.low.tolist(),
            "high": self.high.tolist(),
        }

    @classmethod
    def from_json(cls, data: dict) -> OpennessModel:
        weights = np.asarray(data["weights"], np.float64)
        low, high = np.asarray(data["low"], np.float64), np.asarray(data["high"], np.float64)
        if low.ndim != 1 or high.shape != low.shape or weights.shape != (len(low) + 1, 2):
            raise ValueError("an openness model needs P lows and highs and P+1 x 2 weights")
        if not all(np.isfinite(a).all() for a in (weights, low, high)):
            raise ValueError("an openness model must be finite")
        return cls(weights, low, high)
