"""The calibration's use of its targets: a small ridge regression on top of the network.

Session statistics remove what is constant to a person and setup; what they cannot remove is
what depends on the person's own geometry (a kappa angle, a head turned toward what they look
at, a camera beside the screen), and on real faces a network trained on synthetic ones reads
the eyes only partly. The K calibration frames come with their true points, so fit

    truth  ~  W^T [z(point, geometry), 1]

by ridge regression, where `point` is the network's output, `geometry` the front end's vector
(head pose, face position, iris offsets, eye openness) and z standardises each feature over
the calibration frames. Given the network's last hidden layer (of which the point is one
linear readout), the correction reads it too, more firmly held than the geometry: the
calibration can weigh what the network saw of this person's real eyes differently from what
synthetic training taught it (docs/benchmarks.md, "The network's last hidden layer, read
from 9 dots").
The intercept is not penalised; every weight is pulled toward zero, so with little evidence
the answer leans toward the calibration's mean point rather than running away. Features
constant over the calibration frames carry no evidence and get no weight. Geometry outside
the range the calibration saw carries no evidence either (leaning back after calibrating
moves the face's size and position past anything fitted): `apply` holds each geometry feature
(and hidden unit) at the calibration's edge, so the fitted weights interpolate and never
extrapolate; the network's point is not held. Why these choices (the point and the geometry
together, the geometry held, the truth regressed rather than the network's residual):
docs/benchmarks.md, "Calibration correction".

The fit also says how far off its points are (`expected_error`): a ridge regression's
predictive error, from its held-out dots and each frame's distance from the frames it was
fitted on; and, given the front end's openness (`openness`), how this person's lids narrow as
they look down, against which a blink is judged (eyetracker.inference.blinks). Follows Pupil's
gazer model: `fit`, `apply`, parameters that serialise to JSON; it is the calibration model
registered as "ridge" (eyetracker.inference.calibration_models).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from eyetracker.core.openness import OpennessModel

# Ridge strengths in units of calibration frames (lam = strength * K on standardised
# features): light on the network's point (a good network keeps most of its own signal),
# firmer on the geometry (9 dots against 15 numbers) and firmer still on the hidden layer's
# 128 numbers, each of which says little alone. Chosen on a grid, on real frames tracked as
# the app tracks them (9, 30, 50 and 100 dots, 3-4 choices of the dots per sitting) and on
# synthetic unseen people (docs/benchmarks.md, "The network's last hidden layer, read from 9
# dots").
POINT_RIDGE = 0.03
GEOMETRY_RIDGE = 0.5
HIDDEN_RIDGE = 3.0
# The strengths hold for a calibration of this many dots. With more dots the evidence grows
# and the prior stays what 9 dots needed: the strengths shrink by REFERENCE_DOTS / dots
# (measured when the correction read no hidden layer: docs/benchmarks.md, "Calibration
# correction"). Frames of one dot add no new target, so a 9-dot calibration keeps its
# strengths however many frames each dot has.
REFERENCE_DOTS = 9
# The mean length of a 2-D error with equal, independent normal spread in x and y is
# sqrt(pi / 4) of its RMS length (a Rayleigh distribution).
MEAN_OF_RMS = float(np.sqrt(np.pi / 4))
# How far beyond the calibration's range a geometry feature still adds to the expected error,
# in units of that range (docs/benchmarks.md, "Expected error").
GEOMETRY_REACH = 1.0
# Holding one dot out needs this many dots: with fewer the fit has nothing left to learn from.
MIN_DOTS_TO_HOLD_OUT = 4


def _features(
    points: np.ndarray, geometry: np.ndarray, hidden: np.ndarray | None = None
) -> np.ndarray:
    """[point, geometry, hidden layer] per frame: what the correction reads."""
    points = np.asarray(points, np.float64).reshape(-1, 2)
    parts = [points, np.asarray(geometry, np.float64).reshape(len(points), -1)]
    if hidden is not None:
        parts.append(np.asarray(hidden, np.float64).reshape(len(points), -1))
    return np.concatenate(parts, axis=1)


def _held_out_rms(
    design: np.ndarray, precision: np.ndarray, residual: np.ndarray, truth: np.ndarray
) -> float:
    """sigma, the RMS error of a frame's target from the fit, from leaving out each dot in turn.

    Ridge regression's leave-out residuals come in closed form: with the hat matrix
    H = D (D^T D + P)^-1 D^T, the residuals of dot g's frames, refitted without them, are
    (I - H_gg)^-1 r_g, and with independent noise of variance sigma^2 per frame each has
    variance sigma^2 [(I - H_gg)^-1]_ii; so sigma^2 is the mean of |r_held_out|^2 divided by
    that. (A lone frame's is 1 / (1 - h_ii), the classic leave-one-out.) Frames of one dot are
    held out together: they share the dot's error (where the person really looked), which a
    frame of the same dot left in would hide. NaN with too few dots."""
    dots = np.unique(truth.round(4), axis=0, return_inverse=True)[1].ravel()
    if dots.max(initial=-1) + 1 < MIN_DOTS_TO_HOLD_OUT:
        return float("nan")
    hat = design @ precision @ design.T
    spread = np.empty(len(residual))
    for dot in np.unique(dots):
        rows = np.flatnonzero(dots == dot)
        inverse = np.linalg.pinv(np.eye(len(rows)) - hat[np.ix_(rows, rows)])
        held_out = inverse @ residual[rows]
        spread[rows] = np.sum(held_out**2, axis=1) / np.maximum(np.diag(inverse), 1.0)
    return float(np.sqrt(np.mean(spread)))


@dataclass(frozen=True)
class Correction:
    mean: np.ndarray  # (F,) feature means over the calibration frames
    scale: np.ndarray  # (F,) their standard deviations (0: the feature is not used)
    weights: np.ndarray  # (F + 1, 2): per feature, then the intercept
    low: np.ndarray  # (F,) the least standardised value of each feature in the calibration
    high: np.ndarray  # (F,) the greatest; geometry features are held within [low, high]
    reads_hidden: bool = False  # features beyond the geometry: the network's hidden layer
    # What the calibration says of its own error (`expected_error`): the RMS distance of a
    # frame's target from the fit, estimated from held-out dots, in screen fractions (NaN:
    # unknown); and the ridge's inverse regularised Gram matrix over [features, 1], which grows
    # the error away from the frames it was fitted on. `hidden_count` of the features are the
    # hidden layer's.
    held_out_rms: float = float("nan")
    precision: np.ndarray | None = None
    hidden_count: int = 0
    openness: OpennessModel | None = None  # this person's lid gap by vertical gaze

    @classmethod
    def identity(cls, features: int, reads_hidden: bool = False) -> Correction:
        """The correction that returns the network's point unchanged (`features` counts the
        hidden layer's when it `reads_hidden`)."""
        weights = np.zeros((features + 1, 2))
        weights[:2] = np.eye(2)
        zeros = np.zeros(features)
        return cls(zeros, np.ones(features), weights, zeros, zeros, reads_hidden)

    @classmethod
    def fit(
        cls,
        points: np.ndarray,
        geometry: np.ndarray,
        truth: np.ndarray,
        hidden: np.ndarray | None = None,
        axes: tuple[float, float] = (1.0, 1.0),
        point_ridge: float = POINT_RIDGE,
        geometry_ridge: float = GEOMETRY_RIDGE,
        hidden_ridge: float | None = HIDDEN_RIDGE,
    ) -> Correction:
        """The correction from K calibration frames: their points, geometry, the network's
        hidden layer (None, or `hidden_ridge` None: the correction reads the point and the
        geometry only) and true points.

        `axes` (x, y) of 0/1: which axes the targets tell about. Targets along one row say
        nothing about height (eyetracker.core.sampling.informative_axes): fitted there, the
        correction would hold every later point at the row. An axis marked 0 keeps the
        network's own point, and that point is no evidence for the other axis either (over
        one row its spread is the network's noise)."""
        hidden = None if hidden_ridge is None else hidden
        x = _features(points, geometry, hidden)
        truth = np.asarray(truth, np.float64).reshape(-1, 2)
        usable = np.isfinite(x).all(axis=1) & np.isfinite(truth).all(axis=1)
        dots = len(np.unique(truth[usable].round(4), axis=0))
        x, truth = x[usable], truth[usable]
        if len(x) < 2:
            return cls.identity(x.shape[1], hidden is not None)
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale < 1e-6] = 0.0  # constant over the calibration: no evidence, no weight
        unswept = [axis for axis in range(2) if not axes[axis]]
        scale[unswept] = 0.0  # the point of an unswept axis: no evidence either
        z = np.divide(x - mean, scale, out=np.zeros_like(x), where=scale > 0)
        design = np.concatenate([z, np.ones((len(z), 1))], axis=1)
        evidence = min(1.0, REFERENCE_DOTS / dots)
        geometry_count = np.asarray(geometry).reshape(len(usable), -1).shape[1]
        hidden_count = x.shape[1] - 2 - geometry_count
        strengths = (
            [point_ridge] * 2
            + [geometry_ridge] * geometry_count
            + [hidden_ridge] * hidden_count
            + [0.0]  # the intercept, the mean point, is free
        )
        penalty = len(z) * evidence * np.diag(strengths)
        precision = np.linalg.inv(design.T @ design + penalty)
        weights = precision @ design.T @ truth
        held_out = _held_out_rms(design, precision, truth - design @ weights, truth)
        for axis in unswept:  # the network's point itself, read raw: p = 1 * (p - 0)
            mean[axis], scale[axis] = 0.0, 1.0
            weights[:, axis] = 0.0
            weights[axis, axis] = 1.0
        return cls(
            mean,
            scale,
            weights,
            z.min(axis=0),
            z.max(axis=0),
            hidden is not None,
            held_out,
            precision,
            hidden_count,
        )

    def apply(
        self, points: np.ndarray, geometry: np.ndarray, hidden: np.ndarray | None = None
    ) -> np.ndarray:
        """(N, 2) network points -> corrected points; NaN rows stay NaN. `hidden` is needed
        when the correction reads it (`reads_hidden`) and ignored otherwise."""
        z = self._standardised(points, geometry, hidden)
        z[:, 2:] = np.clip(z[:, 2:], self.low[2:], self.high[2:])  # NaN stays NaN
        return z @ self.weights[:-1] + self.weights[-1]

    def expected_error(
        self, points: np.ndarray, geometry: np.ndarray, hidden: np.ndarray | None = None
    ) -> np.ndarray:
        """(N,) the mean error expected of each corrected point, in screen fractions; NaN
        where the calibration could not tell (fewer dots than it needs to hold one out).

        A ridge regression's prediction at features d errs with variance sigma^2 (1 + h),
        h = d^T (D^T D + P)^-1 d: the noise the calibration's frames showed, plus the
        uncertainty of the weights there, which grows with the distance from those frames.
        sigma^2 comes from the calibration's held-out dots (`_held_out_rms`), and for a 2-D
        error of equal spread in x and y the mean distance is sqrt(pi/4) of its RMS. The
        features are held as `apply` holds them, except that the geometry may reach
        GEOMETRY_REACH of its calibrated span beyond that: a face turned further than ever
        calibrated, or an eye half shut, is the point's own evidence that it is less sure,
        but `apply` holds such a feature at the edge, so the error it adds is bounded."""
        z = self._standardised(points, geometry, hidden)
        if self.precision is None or not np.isfinite(self.held_out_rms):
            return np.full(len(z), np.nan)
        features = len(self.mean) - self.hidden_count
        reach = GEOMETRY_REACH * (self.high[2:features] - self.low[2:features])
        z[:, 2:features] = np.clip(
            z[:, 2:features], self.low[2:features] - reach, self.high[2:features] + reach
        )
        z[:, features:] = np.clip(z[:, features:], self.low[features:], self.high[features:])
        d = np.concatenate([z, np.ones((len(z), 1))], axis=1)
        leverage = np.einsum("ij,jk,ik->i", d, self.precision, d)
        return MEAN_OF_RMS * self.held_out_rms * np.sqrt(1.0 + np.maximum(leverage, 0.0))

    def _standardised(self, points, geometry, hidden) -> np.ndarray:
        if self.reads_hidden and hidden is None:
            raise ValueError("this correction reads the network's hidden layer; pass it")
        x = _features(points, geometry, hidden if self.reads_hidden else None)
        return np.divide(x - self.mean, self.scale, out=np.zeros_like(x), where=self.scale > 0)

    def to_json(self) -> dict:
        return {
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "weights": self.weights.tolist(),
            "low": self.low.tolist(),
            "high": self.high.tolist(),
            "reads_hidden": self.reads_hidden,
            # JSON has no NaN: an unknown error is null.
            "held_out_rms": self.held_out_rms if np.isfinite(self.held_out_rms) else None,
            "precision": None if self.precision is None else self.precision.tolist(),
            "hidden_count": self.hidden_count,
            "openness": None if self.openness is None else self.openness.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict) -> Correction:
        mean = np.asarray(data["mean"], np.float64)
        scale = np.asarray(data["scale"], np.float64)
        weights = np.asarray(data["weights"], np.float64)
        low = np.asarray(data["low"], np.float64)
        high = np.asarray(data["high"], np.float64)
        n = len(mean)
        if (
            mean.ndim != 1
            or not scale.shape == low.shape == high.shape == (n,)
            or weights.shape != (n + 1, 2)
        ):
            raise ValueError(
                "a calibration correction needs F means, scales, lows and highs and F+1 x 2 weights"
            )
        if not all(np.isfinite(a).all() for a in (mean, scale, weights, low, high)):
            raise ValueError("a calibration correction must be finite")
        # A profile written before the correction knew its error has none of these: its
        # points come with the error expected of an uncalibrated tracker.
        held_out_rms = data.get("held_out_rms")
        held_out_rms = float("nan") if held_out_rms is None else float(held_out_rms)
        precision = data.get("precision")
        if precision is not None:
            precision = np.asarray(precision, np.float64)
            if precision.shape != (n + 1, n + 1) or not np.isfinite(precision).all():
                raise ValueError("a calibration correction's precision must be finite, F+1 x F+1")
        hidden_count = int(data.get("hidden_count", 0))
        if not 0 <= hidden_count <= n:
            raise ValueError("a calibration correction reads at most F hidden features")
        openness = data.get("openness")
        openness = None if openness is None else OpennessModel.from_json(openness)
        return cls(
            mean,
            scale,
            weights,
            low,
            high,
            bool(data["reads_hidden"]),
            held_out_rms,
            precision,
            hidden_count,
            openness,
        )
