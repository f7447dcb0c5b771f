"""The ONNX twin of a .pt model: the shipped one while it holds the same weights, else one
exported into the user's cache. Torch-side: it reads checkpoints and exports."""

from __future__ import annotations

import json
import os
from pathlib import Path

import onnx
import torch.onnx  # noqa: F401  (export_onnx needs it; loaded now, not in a worker thread)

from eyetracker.model.checkpoint import load_checkpoint, read_checkpoint
from eyetracker.model.export import export_onnx
from eyetracker.model.onnx_info import METADATA_KEY


def twin_of(model_path: Path) -> Path:
    """The twin next to `model_path` if it was exported from these weights, else the cache's."""
    shipped = model_path.with_suffix(".onnx")
    if shipped.exists() and _same_weights(model_path, shipped):
        return shipped
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "eyetracker" / "onnx"
    stat = model_path.stat()
    target = cache / f"{model_path.stem}-{stat.st_size}-{stat.st_mtime_ns}.onnx"
    if not target.exists():
        loaded = load_checkpoint(model_path)
        export_onnx(loaded.model, loaded.info, target)
    return target


def _same_weights(model_path: Path, twin: Path) -> bool:
    """Whether the twin was exported from these weights: their fingerprints agree.

    (Modification times cannot tell: a fresh clone or a copy sets them in any order.)"""
    expected = json.loads(read_checkpoint(model_path)["info"]).get("fingerprint")
    try:
        meta = {
            p.key: p.value for p in onnx.load(str(twin), load_external_data=False).metadata_props
        }
        found = json.loads(meta[METADATA_KEY]).get("fingerprint")
    except Exception:
        return False
    return bool(expected) and expected == found
