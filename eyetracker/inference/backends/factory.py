"""Choosing a backend for a model file, and the ONNX model to give ONNX Runtime.

This module is torch-free. It reaches torch on two import lines only, each behind
`torch_available()`: the torch backend and the twin cache (pyproject's import-linter contract
names them; tests/inference/test_backends_without_torch.py runs the factory without torch).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from eyetracker.core.errors import UserError
from eyetracker.inference.backends.onnx import OnnxBackend
from eyetracker.inference.backends.protocol import FULL_INSTALL, Backend, torch_available

BACKENDS = ("auto", "torch", "onnxruntime")


def create_backend(
    model_path: str | os.PathLike[str], kind: str = "auto", device: str = "auto"
) -> Backend:
    """Build a backend. `auto` times both on a few frames and keeps the faster one."""
    model_path = Path(model_path)
    if not model_path.is_file():
        raise UserError(
            f"Model file {model_path} does not exist; choose a model file or the bundled default."
        )
    if kind == "torch":
        if model_path.suffix == ".onnx":
            raise UserError(f"{model_path} is an ONNX file; choose the onnxruntime backend for it.")
        return _torch_backend(model_path, device)
    if kind == "onnxruntime":
        return OnnxBackend(onnx_path_for(model_path), device)
    if kind != "auto":
        raise UserError(f"Unknown backend {kind!r}; choose one of {', '.join(BACKENDS)}.")
    if model_path.suffix == ".onnx" or not torch_available():
        return OnnxBackend(onnx_path_for(model_path), device)
    candidates: list[Backend] = [
        _torch_backend(model_path, device),
        OnnxBackend(onnx_path_for(model_path), device),
    ]
    return min(candidates, key=seconds_per_frame)


def _torch_backend(model_path: Path, device: str) -> Backend:
    if not torch_available():
        raise UserError(
            f"The torch backend needs PyTorch, which this installation leaves out; choose the onnxruntime backend, or use the full install ({FULL_INSTALL})."
        )
    from eyetracker.inference.backends.torch import TorchBackend

    return TorchBackend(model_path, device)


def onnx_path_for(model_path: Path) -> Path:
    """The ONNX twin of a .pt model: next to it when shipped, else exported into the cache.

    Without torch (the packaged app) the twin next to the model is used as it is: neither
    reading the .pt's fingerprint nor exporting a new twin is possible there."""
    if model_path.suffix == ".onnx":
        return model_path
    if torch_available():
        from eyetracker.inference.backends.twin import twin_of

        return twin_of(model_path)
    shipped = model_path.with_suffix(".onnx")
    if shipped.exists():
        return shipped
    raise UserError(
        f"{model_path} has no ONNX twin {shipped.name} next to it, and exporting one needs PyTorch; choose an .onnx model (`eyetracker export` in the full install: {FULL_INSTALL})."
    )


def preload_backend(kind: str) -> None:
    """Import now what `create_backend(..., kind)` will import (the app calls this in its GUI
    thread: importing in a worker thread runs PySide6's import hook there, which crashed)."""
    import eyetracker.model.onnx_info  # noqa: F401

    if kind in ("auto", "onnxruntime"):
        import onnxruntime  # noqa: F401
    if not torch_available():  # the packaged app: ONNX Runtime only
        return
    import eyetracker.inference.backends.torch  # noqa: F401

    if kind in ("auto", "onnxruntime"):
        import eyetracker.inference.backends.twin  # noqa: F401


def seconds_per_frame(backend: Backend, repeats: int = 20) -> float:
    """Median time of one single-frame forward pass (after a warm-up)."""
    h, w = backend.info.preprocessing.input_size
    preprocessing = backend.info.preprocessing
    rng = np.random.default_rng(0)
    pixels = rng.random((1, preprocessing.channels, h, w), np.float32)
    face = rng.random((1, preprocessing.geometry_size), np.float32)
    backend.predict(pixels, face)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        backend.predict(pixels, face)
        times.append(time.perf_counter() - start)
    return float(np.median(times))
