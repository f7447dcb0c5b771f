"""Inference backends behind one small protocol: torch (CUDA fp16 or CPU) and ONNX Runtime.

A backend runs the network on prepared inputs with the statistics it was last given:

    backend.set_statistics(stats)            # None: the model's running averages
    points = backend.predict(pixels, face)   # (N, 2), one forward pass
    stats = backend.capture(pixels, face)    # exact moments of these frames as one session

Statistics cross the boundary as a plain {"<layer>.mean": array, "<layer>.var": array} dict
of float32 numpy arrays, so profiles and backends need no torch.

Without torch (the packaged app leaves it out) `auto` means ONNX Runtime on the `.onnx` twin
shipped next to a `.pt` model.
"""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path
from typing import Protocol

import numpy as np

from eyetracker.core.errors import UserError

Moments = dict[str, np.ndarray]


class Backend(Protocol):
    name: str  # "torch" or "onnxruntime"
    device: str  # "cpu" or "cuda"
    info: object  # eyetracker.model.info.ModelInfo

    def predict(self, pixels: np.ndarray, face: np.ndarray) -> np.ndarray: ...

    def capture(self, pixels: np.ndarray, face: np.ndarray) -> Moments: ...

    def set_statistics(self, moments: Moments | None) -> None: ...


FULL_INSTALL = "pip install eyetracker"


def torch_available() -> bool:
    """Whether torch can be imported here (not in the packaged app, which leaves it out)."""
    return importlib.util.find_spec("torch") is not None


class TorchBackend:
    """The PyTorch network; on CUDA it runs in float16 with the moments kept in float32."""

    name = "torch"

    def __init__(self, model_path: str | os.PathLike[str], device: str = "auto") -> None:
        if not torch_available():
            raise UserError(
                f"The torch backend needs PyTorch, which this installation leaves out; choose the onnxruntime backend, or use the full install ({FULL_INSTALL})."
            )
        import torch

        from eyetracker.model.checkpoint import load_checkpoint

        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise UserError(
                "CUDA is not available here; choose the CPU device (or install a CUDA build of torch)."
            )
        loaded = load_checkpoint(model_path)
        self.info = loaded.info
        self.device = device
        self._torch = torch
        self._half = device.startswith("cuda")
        self._model = loaded.model.to(device).eval()
        if self._half:
            self._model.half()
            # Normalisation runs in float16 too, but its moments are kept exact in float32.
        self._moments: Moments | None = None

    def _tensors(self, pixels: np.ndarray, face: np.ndarray):
        torch = self._torch
        dtype = torch.float16 if self._half else torch.float32
        return (
            torch.from_numpy(np.ascontiguousarray(pixels)).to(self.device, dtype),
            torch.from_numpy(np.ascontiguousarray(face)).to(self.device, dtype),
        )

    def predict(self, pixels: np.ndarray, face: np.ndarray) -> np.ndarray:
        from eyetracker.model.statistics import Statistics, predict

        pixels_t, face_t = self._tensors(pixels, face)
        if self._moments is None:
            out = predict(self._model, pixels_t, face_t, "running")
        else:
            stats = Statistics.from_tensors(self._moment_tensors, 0, "given")
            out = predict(self._model, pixels_t, face_t, "captured", stats)
        return out.float().cpu().numpy()

    def capture(self, pixels: np.ndarray, face: np.ndarray) -> Moments:
        from eyetracker.model.statistics import capture_statistics

        stats = capture_statistics(self._model, *self._tensors(pixels, face))
        return {k: v.float().numpy() for k, v in stats.to_tensors().items()}

    def set_statistics(self, moments: Moments | None) -> None:
        self._moments = moments
        if moments is not None:
            dtype = self._torch.float16 if self._half else self._torch.float32
            self._moment_tensors = {
                k: self._torch.from_numpy(v).to(self.device, dtype) for k, v in moments.items()
            }


class OnnxBackend:
    """ONNX Runtime on the exported all-modes graph (see eyetracker.model.export)."""

    name = "onnxruntime"

    def __init__(self, onnx_path: str | os.PathLike[str], device: str = "auto") -> None:
        import onnxruntime as ort

        from eyetracker.model.onnx_info import SWITCH, read_onnx_info

        available = ort.get_available_providers()
        if device == "auto":
            device = "cuda" if "CUDAExecutionProvider" in available else "cpu"
        if device == "cuda" and "CUDAExecutionProvider" not in available:
            raise UserError(
                "ONNX Runtime here has no CUDA provider; choose the CPU device or install onnxruntime-gpu."
            )
        providers = (
            ["CUDAExecutionProvider", "CPUExecutionProvider"]
            if device == "cuda"
            else ["CPUExecutionProvider"]
        )
        options = ort.SessionOptions()
        options.log_severity_level = 3  # the moment inputs with defaults make ORT chatty
        try:
            self._session = ort.InferenceSession(str(onnx_path), options, providers=providers)
            self.info = read_onnx_info(self._session)
        except Exception:
            raise UserError(
                f"{onnx_path} is not an ONNX model exported by `eyetracker export`; export it again."
            ) from None
        self.device = device
        self._ort = ort
        self._switch = SWITCH
        self._declared = {i.name for i in self._session.get_inputs()}
        self._declared |= {i.name for i in self._session.get_overridable_initializers()}
        self._moment_names = [o.name[: -len("_out")] for o in self._session.get_outputs()[1:]]
        self.set_statistics(None)

    def _feed(self, pixels: np.ndarray, face: np.ndarray, extra: dict) -> dict:
        feed = {
            "pixels": np.ascontiguousarray(pixels, np.float32),
            "face": np.ascontiguousarray(face, np.float32),
            **extra,
        }
        return {k: v for k, v in feed.items() if k in self._declared}

    def predict(self, pixels: np.ndarray, face: np.ndarray) -> np.ndarray:
        # The moments are kept as ready-made OrtValues (see set_statistics): only the frame is
        # converted here, so a frame costs one forward pass, not ~30 input conversions besides.
        feed = {
            k: self._ort.OrtValue.ortvalue_from_numpy(v)
            for k, v in self._feed(pixels, face, {}).items()
        }
        return self._session.run_with_ort_values(["gaze"], {**self._moment_values, **feed})[
            0
        ].numpy()

    def capture(self, pixels: np.ndarray, face: np.ndarray) -> Moments:
        outputs = self._session.run(
            None, self._feed(pixels, face, {self._switch: np.array([True])})
        )
        return dict(zip(self._moment_names, outputs[1:], strict=True))

    def set_statistics(self, moments: Moments | None) -> None:
        self._moments = {k: np.ascontiguousarray(v, np.float32) for k, v in (moments or {}).items()}
        self._moment_values = {
            k: self._ort.OrtValue.ortvalue_from_numpy(v)
            for k, v in self._moments.items()
            if k in self._declared
        }


def onnx_path_for(model_path: Path) -> Path:
    """The ONNX twin of a .pt model: next to it when shipped, else exported into the cache.

    Without torch (the packaged app) the twin next to the model is used as it is: neither
    reading the .pt's fingerprint nor exporting a new twin is possible there."""
    if model_path.suffix == ".onnx":
        return model_path
    twin = model_path.with_suffix(".onnx")
    if twin.exists() and (not torch_available() or _same_weights(model_path, twin)):
        return twin
    if not torch_available():
        raise UserError(
            f"{model_path} has no ONNX twin {twin.name} next to it, and exporting one needs PyTorch; choose an .onnx model (`eyetracker export` in the full install: {FULL_INSTALL})."
        )
    from eyetracker.model.checkpoint import load_checkpoint
    from eyetracker.model.export import export_onnx

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
    import json

    import onnx

    from eyetracker.model.checkpoint import read_checkpoint
    from eyetracker.model.onnx_info import METADATA_KEY

    expected = json.loads(read_checkpoint(model_path)["info"]).get("fingerprint")
    try:
        meta = {
            p.key: p.value for p in onnx.load(str(twin), load_external_data=False).metadata_props
        }
        found = json.loads(meta[METADATA_KEY]).get("fingerprint")
    except Exception:
        return False
    return bool(expected) and expected == found


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
        return TorchBackend(model_path, device)
    if kind == "onnxruntime":
        return OnnxBackend(onnx_path_for(model_path), device)
    if kind != "auto":
        raise UserError(f"Unknown backend {kind!r}; choose one of {', '.join(BACKENDS)}.")
    if model_path.suffix == ".onnx" or not torch_available():
        return OnnxBackend(onnx_path_for(model_path), device)
    candidates: list[Backend] = [
        TorchBackend(model_path, device),
        OnnxBackend(onnx_path_for(model_path), device),
    ]
    return min(candidates, key=seconds_per_frame)


def seconds_per_frame(backend: Backend, repeats: int = 20) -> float:
    """Median time of one single-frame forward pass (after a warm-up)."""
    h, w = backend.info.preprocessing.input_size
    pixels = np.random.default_rng(0).random((1, 1, h, w), np.float32)
    face = np.array([[0.5, 0.5, 0.25]], np.float32)
    backend.predict(pixels, face)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        backend.predict(pixels, face)
        times.append(time.perf_counter() - start)
    return float(np.median(times))
