"""Inference backends behind one small protocol: torch (CUDA fp16 or CPU) and ONNX Runtime.

A backend runs the network on prepared inputs with the statistics it was last given:

    backend = create_backend("model.pt")     # "auto": the faster of the two on this machine
    backend.set_statistics(moments)          # None: the model's running averages
    points = backend.predict(pixels, face)   # (N, 2), one forward pass
    moments = backend.capture(pixels, face)  # exact moments of these frames as one session

- protocol.py: `Backend`, `Moments` (plain float32 numpy, so profiles need no torch);
- onnx.py: `OnnxBackend`, torch-free;
- torch.py: `TorchBackend`, imported only where torch is installed;
- twin.py: the ONNX twin of a .pt model (shipped, or exported into the cache), torch-side;
- factory.py: `create_backend`, its timing, and which ONNX file a model runs as.

Without torch (the packaged app leaves it out) `auto` means ONNX Runtime on the `.onnx` twin
shipped next to a `.pt` model. Importing this package imports neither torch nor onnx.
"""

from eyetracker.inference.backends.factory import (
    BACKENDS,
    create_backend,
    onnx_path_for,
    preload_backend,
    seconds_per_frame,
)
from eyetracker.inference.backends.protocol import Backend, Moments, torch_available

__all__ = [
    "BACKENDS",
    "Backend",
    "Moments",
    "create_backend",
    "onnx_path_for",
    "preload_backend",
    "seconds_per_frame",
    "torch_available",
]
