"""Model files: tensors plus JSON metadata, loaded without executing anything from the file.

A checkpoint is a `torch.save`d dict of plain tensors and strings, read back with
`torch.load(weights_only=True)`, which refuses pickled code. Metadata says which network,
which preprocessing, how it was trained, on what data, and how well it did.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from eyetracker.core.atomic import atomic_write
from eyetracker.core.errors import UserError
from eyetracker.model.info import ModelInfo
from eyetracker.model.networks import build_network

MAGIC = "eyetracker-model"
VERSION = 1


class ModelFileError(UserError):
    """A model file is missing, foreign, truncated or from an incompatible version."""


def create_model(info: ModelInfo) -> nn.Module:
    p = info.preprocessing
    return build_network(info.architecture, p.channels, p.input_size, p.geometry_size)


def save_checkpoint(
    path: str | os.PathLike[str],
    model: nn.Module,
    info: ModelInfo,
    extra_tensors: dict[str, torch.Tensor] | None = None,
) -> None:
    """Write atomically: an interrupted save leaves the previous file intact."""
    path = Path(path)
    info.fingerprint = weights_fingerprint(model)
    payload = {
        "magic": MAGIC,
        "version": VERSION,
        "info": json.dumps(info.to_json()),
        "state": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "extra": {k: v.detach().cpu() for k, v in (extra_tensors or {}).items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda handle: torch.save(payload, handle), durable=True)


def mark_complete(path: str | os.PathLike[str]) -> None:
    """Set `training.complete` in a saved model's metadata, atomically: the training run that
    wrote it has finished. The weights, and so the fingerprint, stay as they are."""
    payload = read_checkpoint(path)
    info = json.loads(payload["info"])
    info["training"] = {**info.get("training", {}), "complete": True}
    payload["info"] = json.dumps(info)
    atomic_write(path, lambda handle: torch.save(payload, handle), durable=True)


def weights_fingerprint(model: nn.Module) -> str:
    """A short hash of every tensor in the state dict: equal weights, equal fingerprint."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


@dataclass
class LoadedModel:
    model: nn.Module
    info: ModelInfo
    extra: dict[str, torch.Tensor]
    path: Path


def read_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The raw payload, validated; one clear sentence for anything that is not our model."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"Model file {path} does not exist; pass the path of a .pt model.")
    if path.suffix.lower() == ".onnx":
        raise ModelFileError(
            f"{path} is an ONNX model; this needs the .pt model it was exported from."
        )
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:
        raise ModelFileError(
            f"{path} is not a readable eyetracker model (foreign, truncated or corrupt); "
            "re-export or re-download it, or use the bundled default."
        ) from None
    if not isinstance(payload, dict) or payload.get("magic") != MAGIC:
        raise ModelFileError(
            f"{path} is not an eyetracker model; train one with `eyetracker train`."
        )
    if payload.get("version") != VERSION:
        raise ModelFileError(
            f"{path} is a model of format {payload.get('version')}, this program reads format "
            f"{VERSION}; update eyetracker."
        )
    return payload


def load_checkpoint(path: str | os.PathLike[str]) -> LoadedModel:
    payload = read_checkpoint(path)
    try:
        info = ModelInfo.from_json(json.loads(payload["info"]))
        model = create_model(info)
        model.load_state_dict(payload["state"])
    except (KeyError, ValueError, TypeError, RuntimeError) as error:
        raise ModelFileError(f"{path} is damaged or incompatible ({str(error)[:120]}).") from None
    model.eval()
    return LoadedModel(model, info, dict(payload.get("extra", {})), Path(path))
