"""The study's evaluation: mean distance between predicted and true points, per statistics mode.

- ``running``: the model's training-set statistics (plain eval mode);
- ``session``: each measurement normalised by its own usable frames (all of them);
- ``calibrated``: what the app's quick calibration does: statistics captured from K samples
  of each measurement spread over the screen (`spread_indices`, never capture order), then
  the app's calibration fit on those K samples (`inference.calibration.fit_calibration`:
  guarded statistics and the calibration model), then every other sample predicted with
  those frozen statistics and that model. A dataset's images are each seen on their own (the
  front end's image mode), as the app calibrates and tracks a folder of images; a camera's
  frames it sees as a stream (inference.calibration).

Every mode scores through the frame pipeline the app tracks with (`FramePipeline`, from the
inputs the dataset's front end prepared once), its statistics set as the tracker's are
(`SessionStatistics`). Every sample counts: a frame the front end could not use (no face,
eyes closed, too dark) has no prediction and is scored as the screen centre;
`face_found_pct` says how often that was.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from torch import nn

from eyetracker.core import metrics
from eyetracker.core.errors import UserError
from eyetracker.core.sampling import spread_indices
from eyetracker.inference.backends.torch import TorchBackend
from eyetracker.inference.calibration import fit_calibration
from eyetracker.inference.pipeline import FramePipeline
from eyetracker.inference.session_statistics import SessionStatistics
from eyetracker.model.statistics import statistics_mode
from eyetracker.training.data import PreparedMeasurement

MODES = ("running", "session", "calibrated")
NOT_FINITE = "model output not finite"
CENTRE = np.array([0.5, 0.5])


def network_inputs(m: PreparedMeasurement) -> tuple[np.ndarray, np.ndarray]:
    """The measurement's usable frames as the network reads them: pixels (N, C, H, W) in
    [0, 1] as float32, and the geometry (N, G)."""
    return m.pixels.astype(np.float32) / np.float32(255.0), m.face


@dataclass
class ScoredSamples:
    """One measurement's scored samples in one mode: usable frames first, then failed ones.

    `predicted` is NaN where there is no prediction (no usable face, output not finite), and
    `reasons` says why ("" where there is one); `expected_error` is the error expected of each
    prediction, % of the screen (NaN without one).
    """

    person: str
    measurement: str
    images: list[str]
    truth: np.ndarray  # (N, 2)
    predicted: np.ndarray  # (N, 2), NaN rows: no prediction
    calibration_images: list[str]
    calibration_truth: np.ndarray  # (K, 2)
    expected_error: np.ndarray  # (N,)
    reasons: list[str]

    @property
    def found(self) -> np.ndarray:
        return ~np.isnan(self.predicted).any(axis=1)

    @property
    def errors_pct(self) -> np.ndarray:
        """Error of every sample; one without a prediction counts as the screen centre."""
        scored = np.where(self.found[:, None], self.predicted, CENTRE)
        return metrics.error_pct(scored, self.truth)


def calibration_split(m: PreparedMeasurement, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(calibration, test) indices of the usable frames: K spread over the screen, the rest."""
    if len(m) < k + 1:
        raise UserError(
            f"{m.key} has {len(m)} usable samples, too few to calibrate on {k} and test on the rest; lower --calibration-samples or leave it out."
        )
    chosen = spread_indices(m.targets, k)
    rest = np.setdiff1d(np.arange(len(m)), chosen)
    return chosen, rest


def predict_measurement(
    backend: TorchBackend, m: PreparedMeasurement, mode: str, calibration_samples: int = 16
) -> ScoredSamples:
    """Predictions for the samples `mode` scores, failed frames included (as no prediction),
    through the frame pipeline with the statistics (and calibration) of `mode`."""
    pixels, geometry = network_inputs(m)
    scored = np.arange(len(m))
    calibration: np.ndarray = np.zeros(0, int)
    if mode == "running" or len(m) == 0:
        statistics = SessionStatistics(backend)
    elif mode == "session":
        statistics = SessionStatistics(backend, moments=backend.capture(pixels, geometry))
    elif mode == "calibrated":
        calibration, scored = calibration_split(m, calibration_samples)
        moments, correction = fit_calibration(
            backend, pixels[calibration], geometry[calibration], m.targets[calibration]
        )
        statistics = SessionStatistics(backend, moments, correction)
    else:
        raise ValueError(f"unknown mode {mode!r}; choose one of {MODES}")
    predicted, expected = np.zeros((0, 2)), np.zeros(0)
    if len(scored):
        pipeline = FramePipeline(backend, video=None, statistics=statistics)
        predicted, expected = pipeline.predict_batch(pixels[scored], geometry[scored])
    found = ~np.isnan(predicted).any(axis=1)
    failed_truth = np.array([f.target for f in m.failed], np.float64).reshape(-1, 2)
    return ScoredSamples(
        person=m.person,
        measurement=m.measurement,
        images=[m.images[i] for i in scored] + [f.image for f in m.failed],
        truth=np.concatenate([m.targets[scored].astype(np.float64), failed_truth]),
        predicted=np.concatenate([predicted, np.full_like(failed_truth, np.nan)]),
        calibration_images=[m.images[i] for i in calibration],
        calibration_truth=m.targets[calibration].astype(np.float64).reshape(-1, 2),
        expected_error=np.concatenate([expected, np.full(len(m.failed), np.nan)]),
        reasons=["" if ok else NOT_FINITE for ok in found] + [f.reason for f in m.failed],
    )


@dataclass
class ModeResult:
    error_pct: float  # every sample; no prediction counts as the screen centre
    error_found_pct: float | None  # samples with a prediction only
    face_found_pct: float
    error_px: float | None
    error_mm: float | None
    error_deg: float | None
    samples: int
    per_person: dict[str, float]

    def to_json(self) -> dict:
        return {
            k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()
        } | {"per_person": {p: round(e, 4) for p, e in self.per_person.items()}}


def evaluate(
    model: nn.Module,
    measurements: list[PreparedMeasurement],
    modes=MODES,
    calibration_samples: int = 16,
    on_scored=None,
) -> dict[str, ModeResult]:
    """Score every mode with `model` on its own device; `on_scored(mode, ScoredSamples)` sees
    each measurement's samples. The model's layers are left as they were."""
    with statistics_mode(model, "running"):  # restores what the backend bakes into them
        backend = TorchBackend.of_model(model)
        return {
            mode: _score_mode(backend, measurements, mode, calibration_samples, on_scored)
            for mode in modes
        }


def _score_mode(backend, measurements, mode, calibration_samples, on_scored) -> ModeResult:
    """One mode's figures over every measurement."""
    pct, found, px, mm, deg = [], [], [], [], []
    per_person: dict[str, list[np.ndarray]] = defaultdict(list)
    for m in measurements:
        scored = predict_measurement(backend, m, mode, calibration_samples)
        if on_scored is not None:
            on_scored(mode, scored)
        e = scored.errors_pct
        pct.append(e)
        found.append(scored.found)
        per_person[m.person].append(e)
        predicted = np.where(scored.found[:, None], scored.predicted, CENTRE)
        if m.screen.get("width_px"):
            px.append(
                metrics.error_px(
                    predicted, scored.truth, m.screen["width_px"], m.screen["height_px"]
                )
            )
        if m.screen.get("width_mm") and m.screen.get("height_mm"):
            e_mm = metrics.error_mm(
                predicted, scored.truth, m.screen["width_mm"], m.screen["height_mm"]
            )
            mm.append(e_mm)
            if m.viewing_distance_mm:
                deg.append(metrics.mm_to_degrees(e_mm, m.viewing_distance_mm))

    def mean(parts):
        return float(np.concatenate(parts).mean()) if parts else None

    all_found = np.concatenate(found) if found else np.zeros(0, bool)
    all_pct = np.concatenate(pct) if pct else np.zeros(0)
    return ModeResult(
        error_pct=float(all_pct.mean()) if len(all_pct) else float("nan"),
        error_found_pct=float(all_pct[all_found].mean()) if all_found.any() else None,
        face_found_pct=100.0 * float(all_found.mean()) if len(all_found) else float("nan"),
        error_px=mean(px),
        error_mm=mean(mm),
        error_deg=mean(deg),
        samples=len(all_pct),
        per_person={p: float(np.concatenate(v).mean()) for p, v in sorted(per_person.items())},
    )
