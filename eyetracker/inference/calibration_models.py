"""Calibration models: what the calibration fits on its targets, behind one protocol.

A calibration model is fitted on the calibration frames' network points, geometry and hidden
layer against the dots' true points, and corrects every later point; the profile stores it
with its kind, and the frame pipeline applies it. The ridge correction
(eyetracker.core.correction) is the first. A new model is one module with a class that
follows `CalibrationModel` and one registration line below (or, outside the package,
`register_calibration_model("name")` on the class).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, Self

import numpy as np

from eyetracker.core.correction import Correction
from eyetracker.core.openness import OpennessModel

# Profiles written before models had a kind hold the ridge correction.
DEFAULT_KIND = "ridge"

# Without a calibration that can judge itself (none, or too few dots), a point is expected to
# err as much as the bundled model does on real faces with session statistics alone
# (docs/benchmarks.md, "Expected error").
UNCALIBRATED_ERROR_PCT = 25.0


class CalibrationModel(Protocol):
    """Fitted on calibration frames, then applied to every later frame of the person.

    A frozen dataclass: the calibration adds the person's lid model (`openness`, used to
    judge blinks) with `dataclasses.replace`. `kind` is set by the registration.
    """

    kind: str
    reads_hidden: bool  # apply needs the network's last hidden layer beside each point
    openness: OpennessModel | None

    @classmethod
    def fit(
        cls,
        points: np.ndarray,
        geometry: np.ndarray,
        truth: np.ndarray,
        hidden: np.ndarray | None = None,
        axes: tuple[float, float] = (1.0, 1.0),
    ) -> Self:
        """From K frames: network points (K, 2), geometry (K, G), hidden layer (K, H) and
        true points (K, 2); `axes` (x, y) of 0/1: which axes the targets tell about."""
        ...

    def apply(
        self, points: np.ndarray, geometry: np.ndarray, hidden: np.ndarray | None = None
    ) -> np.ndarray:
        """(N, 2) network points -> corrected points; NaN rows stay NaN."""
        ...

    def expected_error(
        self, points: np.ndarray, geometry: np.ndarray, hidden: np.ndarray | None = None
    ) -> np.ndarray:
        """(N,) the mean error expected of each corrected point, in screen fractions; NaN
        where the model cannot tell."""
        ...

    def to_json(self) -> dict: ...

    @classmethod
    def from_json(cls, data: dict) -> Self: ...


_MODELS: dict[str, type] = {}


def register_calibration_model(kind: str) -> Callable[[type], type]:
    """Class decorator: a calibration model the profile can store and load as `kind`."""

    def register(cls: type) -> type:
        cls.kind = kind  # type: ignore[attr-defined]
        _MODELS[kind] = cls
        return cls

    return register


def calibration_model(kind: str = DEFAULT_KIND) -> type:
    """The registered class of `kind`; a ValueError for an unknown kind."""
    if kind not in _MODELS:
        raise ValueError(f"unknown calibration model {kind!r}; known: {', '.join(_MODELS)}")
    return _MODELS[kind]


def model_to_json(model: CalibrationModel) -> dict:
    """The model's JSON with its kind, as the profile stores it."""
    return {"kind": model.kind, **model.to_json()}


def model_from_json(data: dict) -> CalibrationModel:
    """A stored model back; without a kind, the ridge correction (older profiles)."""
    data = dict(data)
    return calibration_model(str(data.pop("kind", DEFAULT_KIND))).from_json(data)


def expected_error_pct(
    model: CalibrationModel | None,
    points: np.ndarray,
    geometry: np.ndarray,
    hidden: np.ndarray | None = None,
) -> np.ndarray:
    """(N,) the error expected of each point, in % of the screen: the calibration model's own
    where it can tell, else what an uncalibrated tracker errs on real faces. At most the
    screen's diagonal, the farthest any on-screen point can be."""
    points = np.asarray(points, np.float64).reshape(-1, 2)
    error = np.full(len(points), np.nan)
    if model is not None:
        error = 100.0 * model.expected_error(points, geometry, hidden)
    error[~np.isfinite(error)] = UNCALIBRATED_ERROR_PCT
    return np.minimum(error, 100.0 * np.sqrt(2.0))


# The built-in models, one line each.
register_calibration_model("ridge")(Correction)
