"""The study's evaluation: mean distance between predicted and true points, per statistics mode.

- ``running``: the model's training-set statistics (plain eval mode);
- ``session``: each measurement normalised by its own usable frames (all of them);
- ``calibrated``: what the app's quick calibration does: statistics captured from K samples
  of each measurement spread over the screen (`spread_indices`, never capture order) and
  guarded, a correction fitted on those K samples' targets, then every other sample predicted
  one frame at a time with those frozen statistics and that correction. A dataset's images
  are each seen on their own (the front end's image mode), as the app calibrates and tracks
  a folder of images; a camera's frames it sees as a stream (inference.calibration).

Every sample counts: a frame the front end could not use (no face, eyes closed, too dark) has
no prediction and is scored as the screen centre; `face_found_pct` says how often that was.
Outputs pass through `metrics.on_screen`, as the live pipeline's do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from eyetracker.core import metrics
from eyetracker.core.correction import Correction, expected_error_pct
from eyetracker.core.errors import UserError
from eyetracker.core.sampling import spread_indices
from eyetracker.model.moments import guard_moments
from eyetracker.model.statistics import (
    Statistics,
    capture_statistics,
    predict,
    predict_with_features,
    running_statistics,
)
from eyetracker.training.data import PreparedMeasurement

MODES = ("running", "session", "calibrated")
NOT_FINITE = "model output not finite"
CENTRE = np.array([0.5, 0.5])


def to_tensors(
    m: PreparedMeasurement, device: torch.device | str = "cpu"
) -> tuple[torch.Tensor, torch.Tensor]:
    pixels = torch.from_numpy(m.pixels).to(device=device, dtype=torch.float32).div_(255.0)
    return pixels, torch.from_numpy(m.face).to(device)


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


def guarded(model: nn.Module, stats: Statistics) -> Statistics:
    """`stats` through the moments guard (eyetracker.model.moments), toward `model`'s own."""

    def numpy(s: Statistics) -> dict[str, np.ndarray]:
        return {k: v.float().numpy() for k, v in s.to_tensors().items()}

    moments = guard_moments(numpy(stats), stats.frames, numpy(running_statistics(model)))
    flat = {k: torch.from_numpy(v) for k, v in moments.items()}
    return Statistics.from_tensors(flat, stats.frames, stats.source)


@torch.no_grad()
def predict_measurement(
    model: nn.Module,
    m: PreparedMeasurement,
    mode: str,
    calibration_samples: int = 16,
    device: torch.device | str = "cpu",
) -> ScoredSamples:
    """Predictions for the samples `mode` scores, failed frames included (as no prediction)."""
    pixels, face = to_tensors(m, device)
    scored = np.arange(len(m))
    calibration: np.ndarray = np.zeros(0, int)
    correction = hidden = None  # without a calibration: an uncalibrated tracker's error
    if len(m) == 0:
        outputs = np.zeros((0, 2))
    elif mode == "running":
        outputs = predict(model, pixels, face, "running").float().cpu().numpy()
    elif mode == "session":
        stats = capture_statistics(model, pixels, face)
        outputs = predict(model, pixels, face, "captured", stats).float().cpu().numpy()
    elif mode == "calibrated":
        calibration, scored = calibration_split(m, calibration_samples)
        stats = capture_statistics(
            model, pixels[calibration], face[calibration], source="calibration"
        )
        stats = guarded(model, stats)  # as the app's calibration does: few frames are shrunk
        # Captured statistics make each frame independent: a batch equals frame-by-frame.
        outputs, hidden = (
            t.float().cpu().numpy()
            for t in predict_with_features(model, pixels, face, "captured", stats)
        )
        # Then the correction fitted on the calibration samples' targets, as the app does.
        correction = Correction.fit(
            outputs[calibration], m.face[calibration], m.targets[calibration], hidden[calibration]
        )
        outputs, hidden = outputs[scored], hidden[scored]
    else:
        raise ValueError(f"unknown mode {mode!r}; choose one of {MODES}")
    network = outputs
    if correction is not None:
        outputs = correction.apply(network, m.face[scored], hidden)
    predicted = metrics.on_screen(outputs)
    found = ~np.isnan(predicted).any(axis=1)
    expected = expected_error_pct(correction, network, m.face[scored], hidden)
    expected[~found] = np.nan
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
    device: torch.device | str = "cpu",
    on_scored=None,
) -> dict[str, ModeResult]:
    """Score every mode; `on_scored(mode, ScoredSamples)` sees each measurement's samples."""
    model.eval()
    results = {}
    for mode in modes:
        pct, found, px, mm, deg = [], [], [], [], []
        per_person: dict[str, list[np.ndarray]] = defaultdict(list)
        for m in measurements:
            scored = predict_measurement(model, m, mode, calibration_samples, device)
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
        results[mode] = ModeResult(
            error_pct=float(all_pct.mean()) if len(all_pct) else float("nan"),
            error_found_pct=float(all_pct[all_found].mean()) if all_found.any() else None,
            face_found_pct=100.0 * float(all_found.mean()) if len(all_found) else float("nan"),
            error_px=mean(px),
            error_mm=mean(mm),
            error_deg=mean(deg),
            samples=len(all_pct),
            per_person={p: float(np.concatenate(v).mean()) for p, v in sorted(per_person.items())},
        )
    return results
