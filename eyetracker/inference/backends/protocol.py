"""What every inference backend offers, and how statistics cross the boundary (no torch)."""

from __future__ import annotations

import importlib.util
from typing import Protocol

import numpy as np

# {"<layer>.mean": array, "<layer>.var": array} of float32 arrays: profiles and backends
# exchange statistics as plain numpy, so neither needs torch.
Moments = dict[str, np.ndarray]

FULL_INSTALL = "pip install eyetracker"


class Backend(Protocol):
    name: str  # "torch" or "onnxruntime"
    device: str  # "cpu" or "cuda"
    info: object  # eyetracker.model.info.ModelInfo

    def predict(self, pixels: np.ndarray, face: np.ndarray) -> np.ndarray:
        """Gaze points (N, 2) with the statistics last given: one forward pass."""
        ...

    def predict_with_features(
        self, pixels: np.ndarray, face: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """`predict`'s points and the network's last hidden layer (N, F) of the same pass."""
        ...

    def capture(self, pixels: np.ndarray, face: np.ndarray) -> Moments:
        """Exact moments of these frames as one session; the statistics in use stay as they are."""
        ...

    def set_statistics(self, moments: Moments | None) -> None:
        """Use `moments` for every later `predict`; None: the model's running averages."""
        ...

    def running_moments(self) -> Moments:
        """The model's own (training-set) moments: what statistics from few frames shrink to."""
        ...


def torch_available() -> bool:
    """Whether torch can be imported here (not in the packaged app, which leaves it out)."""
    return importlib.util.find_spec("torch") is not None
