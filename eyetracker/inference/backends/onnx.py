"""The ONNX Runtime backend on the exported all-modes graph (see eyetracker.model.export).

Torch-free: the packaged app runs every model through it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from eyetracker.core.errors import UserError
from eyetracker.inference.backends.protocol import Moments


class OnnxBackend:
    """ONNX Runtime with the moments as graph inputs (defaults: the running averages)."""

    name = "onnxruntime"

    def __init__(self, onnx_path: str | os.PathLike[str], device: str = "auto") -> None:
        import onnxruntime as ort

        from eyetracker.model.onnx_info import (
            FEATURES,
            MAX_INPUT_BYTES,
            MOMENT_OUT,
            SWITCH,
            declared_input_bytes,
            read_onnx_info,
        )

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
        self._path = onnx_path
        self._failures = _runtime_failures()
        not_exported = UserError(
            f"{onnx_path} is not an ONNX model exported by `eyetracker export`; export it again."
        )
        try:
            with self._as_user_error("loaded"):
                self._session = ort.InferenceSession(str(onnx_path), options, providers=providers)
        except UserError:
            raise
        except Exception:  # not a model file at all
            raise not_exported from None
        try:
            self.info = read_onnx_info(self._session)
        except Exception:
            raise not_exported from None
        needed = declared_input_bytes(self._session)
        if needed > MAX_INPUT_BYTES:  # refused before a run allocates it
            raise UserError(
                f"{onnx_path} declares inputs that need {needed / 2**30:.1f} GiB for a single "
                f"frame (at most {MAX_INPUT_BYTES / 2**30:.0f} GiB is allowed); export the model "
                "again with `eyetracker export`."
            )
        self.device = device
        self._ort = ort
        self._switch = SWITCH
        self._declared = {i.name for i in self._session.get_inputs()}
        self._declared |= {i.name for i in self._session.get_overridable_initializers()}
        outputs = [o.name for o in self._session.get_outputs()]
        self._moment_outputs = [name for name in outputs if name.endswith(MOMENT_OUT)]
        self._moment_names = [name[: -len(MOMENT_OUT)] for name in self._moment_outputs]
        self._features = FEATURES if FEATURES in outputs else None
        self.set_statistics(None)

    @contextmanager
    def _as_user_error(self, doing: str) -> Iterator[None]:
        """ONNX Runtime's failures (out of memory, a shape it cannot run) as one sentence."""
        try:
            yield
        except self._failures as error:
            raise UserError(
                f"{self._path} could not be {doing} by ONNX Runtime ({_reason(error)}); "
                "export the model again with `eyetracker export`."
            ) from None

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
        with self._as_user_error("run"):
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
        feed = self._feed(pixels, face, {self._switch: np.array([True])})
        with self._as_user_error("run"):
            outputs = self._session.run(self._moment_outputs, feed)
        return dict(zip(self._moment_names, outputs, strict=True))

    def running_moments(self) -> Moments:
        # Fed no moments and not capturing, the graph's moment outputs are the moment inputs'
        # defaults: the running averages it was exported with.
        with self._as_user_error("run"):
            feed = {
                i.name: np.zeros([d if isinstance(d, int) else 1 for d in i.shape], np.float32)
                for i in self._session.get_inputs()
                if i.name in ("pixels", "face")
            }
        with self._as_user_error("run"):
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


# ONNX Runtime's own exception types (onnxruntime_pybind11_state; the set varies by version).
_ORT_ERRORS = (
    "Fail",
    "InvalidArgument",
    "NoSuchFile",
    "NoModel",
    "EngineError",
    "RuntimeException",
    "InvalidProtobuf",
    "ModelLoaded",
    "NotImplemented",
    "InvalidGraph",
    "EPFail",
    "ModelLoadCanceled",
    "ModelRequiresCompilation",
    "NotFound",
    "DeviceReset",
)
_NOT_A_MODEL = ("InvalidProtobuf", "NoSuchFile")  # left to the "not an exported model" sentence


def _runtime_failures() -> tuple[type[BaseException], ...]:
    from onnxruntime.capi import onnxruntime_pybind11_state as state

    found = [getattr(state, name, None) for name in _ORT_ERRORS if name not in _NOT_A_MODEL]
    # MemoryError: a buffer numpy or ONNX Runtime could not get; ValueError: ONNX Runtime's
    # Python layer refusing a feed (a required input the graph declares but we do not give).
    return (MemoryError, ValueError, *(e for e in found if isinstance(e, type)))


def _reason(error: BaseException) -> str:
    """ONNX Runtime's message on one line, without its "[ONNXRuntimeError] : 6 : ..." prefix."""
    text = re.sub(r"^\[ONNXRuntimeError\] : \d+ : \w+ : ", "", str(error).strip())
    text = " ".join(text.split()) or type(error).__name__
    # "/onnxruntime_src/.../reshape_helper.h:91 onnxruntime::ReshapeHelper::ReshapeHelper(...) "
    text = re.sub(r"/\S+\.(?:h|cc|cpp):\d+ \S+?\(.*?\) ", "", text)
    return text if len(text) <= 300 else text[:297] + "..."
