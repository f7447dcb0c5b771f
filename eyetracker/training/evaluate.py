"""The study's evaluation: mean distance between predicted and true points, per statistics mode.

- ``running``: the model's training-set statistics (plain eval mode);
- ``session``: each measurement normalised by its own frames (all of them);
- ``calibrated``: statistics captured from the first K samples of each measurement, then the
  remaining samples predicted one frame at a time with those frozen statistics.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from eyetracker.core import metrics
from eyetracker.model.statistics import capture_statistics, predict
from eyetracker.training.data import PreparedMeasurement

MODES = ("running", "session", "calibrated")


def to_tensors(
    m: PreparedMeasurement, device: torch.device | str = "cpu"
) -> tuple[torch.Tensor, torch.Tensor]:
    pixels = torch.from_numpy(m.pixels).to(device=device, dtype=torch.float32).div_(255.0)
    return pixels, torch.from_numpy(m.face).to(device)


@torch.no_grad()
def predict_measurement(
    model: nn.Module,
    m: PreparedMeasurement,
    mode: str,
    calibration_samples: int = 16,
    device: torch.device | str = "cpu",
) -> tuple[np.ndarray, np.ndarray]:
    """(predicted, truth) for the samples `mode` scores."""
    pixels, face = to_tensors(m, device)
    if mode == "running":
        return predict(model, pixels, face, "running").cpu().numpy(), m.targets
    if mode == "session":
        stats = capture_statistics(model, pixels, face)
        return predict(model, pixels, face, "captured", stats).cpu().numpy(), m.targets
    if mode == "calibrated":
        k = min(calibration_samples, len(m) - 1)
        stats = capture_statistics(model, pixels[:k], face[:k], source="calibration")
        # Captured statistics make each frame independent: a batch equals frame-by-frame.
        return predict(model, pixels[k:], face[k:], "captured", stats).cpu().numpy(), m.targets[k:]
    raise ValueError(f"unknown mode {mode!r}; choose one of {MODES}")


@dataclass
class ModeResult:
    error_pct: float
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
) -> dict[str, ModeResult]:
    model.eval()
    results = {}
    for mode in modes:
        pct, px, mm, deg = [], [], [], []
        per_person: dict[str, list[np.ndarray]] = defaultdict(list)
        for m in measurements:
            if mode == "calibrated" and len(m) < 2:
                continue
            predicted, truth = predict_measurement(model, m, mode, calibration_samples, device)
            e = metrics.error_pct(predicted, truth)
            pct.append(e)
            per_person[m.person].append(e)
            if m.screen.get("width_px"):
                px.append(
                    metrics.error_px(predicted, truth, m.screen["width_px"], m.screen["height_px"])
                )
            if m.screen.get("width_mm") and m.screen.get("height_mm"):
                e_mm = metrics.error_mm(
                    predicted, truth, m.screen["width_mm"], m.screen["height_mm"]
                )
                mm.append(e_mm)
                if m.viewing_distance_mm:
                    deg.append(metrics.mm_to_degrees(e_mm, m.viewing_distance_mm))

        def mean(parts):
            return float(np.concatenate(parts).mean()) if parts else None

        results[mode] = ModeResult(
            error_pct=mean(pct) if pct else float("nan"),
            error_px=mean(px),
            error_mm=mean(mm),
            error_deg=mean(deg),
            samples=int(sum(len(p) for p in pct)),
            per_person={p: float(np.concatenate(v).mean()) for p, v in sorted(per_person.items())},
        )
    return results
