"""The PyTorch backend: CUDA in float16, or CPU in float32. Torch-side: imported only once
`torch_available()` says torch is installed (see factory.py)."""

from __future__ import annotations

import os

import numpy as np
import torch
from torch import nn

from eyetracker.core.errors import UserError
from eyetracker.inference.backends.protocol import Moments
from eyetracker.model.checkpoint import load_checkpoint
from eyetracker.model.info import ModelInfo
from eyetracker.model.session_norm import session_norms
from eyetracker.model.statistics import Statistics, bake_statistics, capture_statistics


class TorchBackend:
    """The network with the statistics in use baked into its normalisation layers.

    `set_statistics` writes the moments into the layers once per change, so `predict` is one
    plain forward pass. On CUDA the whole network runs in float16, the normalisation too; the
    moments cross the boundary as float32 either way.
    """

    name = "torch"

    def __init__(self, model_path: str | os.PathLike[str], device: str = "auto") -> None:
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise UserError(
                "CUDA is not available here; choose the CPU device (or install a CUDA build of torch)."
            )
        loaded = load_checkpoint(model_path)
        dtype = torch.float16 if device.startswith("cuda") else torch.float32
        self._use(loaded.model.to(device, dtype), loaded.info, device, dtype)

    @classmethod
    def of_model(cls, model: nn.Module, info: ModelInfo | None = None) -> TorchBackend:
        """A backend over a network in memory (one in training, or being evaluated), on its
        own device and in float32. It bakes statistics into `model`'s layers as any torch
        backend does: the caller restores them (`statistics_mode`). `info` None: a network
        whose frames come prepared (a `FramePipeline(video=None)`)."""
        backend = cls.__new__(cls)
        device = str(next(model.parameters()).device)
        backend._use(model, info, device, torch.float32)
        return backend

    def _use(self, model: nn.Module, info, device: str, dtype: torch.dtype) -> None:
        self.info = info
        self.device = device
        self._dtype = dtype
        self._model = model.eval()
        self.set_statistics(None)

    def _tensors(self, pixels: np.ndarray, face: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        return (
            torch.from_numpy(np.ascontiguousarray(pixels)).to(self.device, self._dtype),
            torch.from_numpy(np.ascontiguousarray(face)).to(self.device, self._dtype),
        )

    @torch.inference_mode()
    def predict(self, pixels: np.ndarray, face: np.ndarray) -> np.ndarray:
        return self._model(*self._tensors(pixels, face)).float().cpu().numpy()

    @torch.inference_mode()
    def predict_with_features(
        self, pixels: np.ndarray, face: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        points, features = self._model.forward_with_features(*self._tensors(pixels, face))
        return points.float().cpu().numpy(), features.float().cpu().numpy()

    def capture(self, pixels: np.ndarray, face: np.ndarray) -> Moments:
        # capture_statistics leaves every layer as it found it: the baked statistics stay.
        stats = capture_statistics(self._model, *self._tensors(pixels, face))
        return {k: v.float().numpy() for k, v in stats.to_tensors().items()}

    def running_moments(self) -> Moments:
        return {
            f"{name}.{part}": getattr(norm, f"running_{part}").detach().float().cpu().numpy()
            for name, norm in session_norms(self._model)
            for part in ("mean", "var")
        }

    def set_statistics(self, moments: Moments | None) -> None:
        statistics = None
        if moments is not None:
            flat = {k: torch.from_numpy(np.asarray(v, np.float32)) for k, v in moments.items()}
            statistics = Statistics.from_tensors(flat, frames=0, source="given")
        # Raises ValueError here, not on the next frame, when the moments fit another model.
        bake_statistics(self._model, statistics)
