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

        from eyetracker.model.onnx_info import FEATURES, MOMENT_OUT, SWITCH, read_onnx_info

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
        outputs = [o.name for o in self._session.get_outputs()]
        self._moment_outputs = [name for name in outputs if name.endswith(MOMENT_OUT)]
        self._moment_names = [name[: -len(MOMENT_OUT)] for name in self._moment_outputs]
        self._features = FEATURES if FEATURES in outputs else None
        self._path = onnx_path
        self.set_statistics(None)

    def _feed(self, pixels: np.ndarray, face: np.ndarray, extra: dict) -> dict:
        feed = {
            "pixels": np.ascontiguousarray(pixels, np.float32),
            "face": np.ascontiguousarray(face, np.float32),
            **extra,
        }
        return {k: v for k, v in feed.items() if k in self._declared}

    def _run(self, outputs: list[str], pixels: np.ndarray, face: np.ndarray) -> list[np.ndarray]:
        # The moments are kept as ready-made OrtValues (see set_statistics): only the frame is
        # converted here, so a frame costs one forward pass, not ~30 input conversions besides.
        feed = {
            k: self._ort.OrtValue.ortvalue_from_numpy(v)
            for k, v in self._feed(pixels, face, {}).items()
        }
        values = self._session.run_with_ort_values(outputs, {**self._moment_values, **feed})
        return [value.numpy() for value in values]

    def predict(self, pixels: np.ndarray, face: np.ndarray) -> np.ndarray:
        return self._run(["gaze"], pixels, face)[0]

    def predict_with_features(
        self, pixels: np.ndarray, face: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        if self._features is None:
            raise UserError(
                f"{self._path} was exported without the network's hidden layer that calibration "
                "reads; export it again with `eyetracker export`."
            )
        points, features = self._run(["gaze", self._features], pixels, face)
        return points, features

    def capture(self, pixels: np.ndarray, face: np.ndarray) -> Moments:
        outputs = self._session.run(
            self._moment_outputs, self._feed(pixels, face, {self._switch: np.array([True])})
        )
        return dict(zip(self._moment_names, outputs, strict=True))

    def running_moments(self) -> Moments:
        # Fed no moments and not capturing, the graph's moment outputs are the moment inputs'
        # defaults: the running averages it was exported with.
        feed = {
            i.name: np.zeros([d if isinstance(d, int) else 1 for d in i.shape], np.float32)
            for i in self._session.get_inputs()
            if i.name in ("pixels", "face")
        }
        outputs = self._session.run(self._moment_outputs, feed)
        return {
            k: np.asarray(v, np.float32) for k, v in zip(self._moment_names, outputs, strict=True)
        }

    def set_statistics(self, moments: Moments | None) -> None:
        self._moments = {k: np.ascontiguousarray(v, np.float32) for k, v in (moments or {}).items()}
        self._moment_values = {
            k: self._ort.OrtValue.ortvalue_from_numpy(v)
            for k, v in self._moments.items()
            if k in self._declared
        }
