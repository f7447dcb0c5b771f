"""What a model file says about itself: architecture, preprocessing, training, data, metrics.

Torch-free on purpose: the ONNX Runtime path (and the packaged app, which ships without
torch) reads the same metadata from an exported file's properties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eyetracker.model.preprocess import Preprocessing


@dataclass
class ModelInfo:
    architecture: str
    preprocessing: Preprocessing
    training: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    notes: str = ""
    fingerprint: str = ""  # hash of the weights: user profiles are tied to it

    def unfinished_warning(self, name: str) -> str | None:
        """One line for a model whose training run did not finish (stopped by Ctrl+C, killed,
        a full disk): `training.complete` is false until the run's end. None otherwise, and
        for models written before the flag existed."""
        if self.training.get("complete") is not False:
            return None
        epoch, epochs = self.metrics.get("epoch"), self.training.get("epochs")
        saved = f" (saved after epoch {epoch} of {epochs})" if epoch and epochs else ""
        return (
            f"warning: {name} is from a training run that did not finish{saved}; it may be "
            "less accurate than a finished one: continue it with the same `eyetracker train` "
            "command plus --resume."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "architecture": self.architecture,
            "preprocessing": self.preprocessing.to_json(),
            "training": self.training,
            "data": self.data,
            "metrics": self.metrics,
            "notes": self.notes,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModelInfo:
        return cls(
            architecture=str(data["architecture"]),
            preprocessing=Preprocessing.from_json(data["preprocessing"]),
            training=dict(data.get("training", {})),
            data=dict(data.get("data", {})),
            metrics=dict(data.get("metrics", {})),
            notes=str(data.get("notes", "")),
            fingerprint=str(data.get("fingerprint", "")),
        )
