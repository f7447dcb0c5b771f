"""The ONNX Runtime backend on the exported all-modes graph (see eyetracker.model.export).

Torch-free: the packaged app runs every model through it.
"""

from __future__ import annotations

import os

import numpy as np

from eyetracker.core.errors import UserError
from eyetracker.runtime.backends.protocol import Moments


class OnnxBackend:
    """ONNX Runtime with the moments as graph inputs (defaults: the running averages)."""

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

    def running_moments(self) -> Moments:
        # Fed no moments and not capturing, the graph's moment outputs are the moment inputs'
        # defaults: the running averages it was exported with.
        feed = {
            i.name: np.zeros([d if isinstance(d, int) else 1 for d in i.shape], np.float32)
            for i in self._session.get_inputs()
            if i.name in ("pixels", "face")
        }
        outputs = self._session.run(None, feed)
        return {
            k: np.asarray(v, np.float32)
            for k, v in zip(self._moment_names, outputs[1:], strict=True)
        }

    def set_statistics(self, moments: Moments | None) -> None:
        self._moments = {k: np.ascontiguousarray(v, np.float32) for k, v in (moments or {}).items()}
        self._moment_values = {
            k: self._ort.OrtValue.ortvalue_from_numpy(v)
            for k, v in self._moments.items()
            if k in self._declared
        }
