"""ONNX export with every statistics mode in one graph.

The graph's inputs are the frames, the face boxes, one (mean, var) pair per normalisation
layer, and a switch `use_batch_statistics`; its outputs are the gaze points, the network's
last hidden layer (`features`, what a calibration's correction can re-read) and the moments
used. The moment inputs carry the model's running averages as defaults, so:

- running:  feed only `pixels` and `face`;
- session:  also feed `use_batch_statistics = True`; the graph normalises with the batch's own
  moments and returns them as outputs (``<layer>.mean_out``, ...), which are exactly the
  `captured` statistics of that batch;
- captured: feed the stored moments as the moment inputs.

The model's metadata (architecture, preprocessing, training) travels in the file's
metadata_props under "eyetracker", so the runtime needs nothing but the .onnx. Reading it
(`read_onnx_info`, `onnx_feed`, `SWITCH`) lives in the torch-free eyetracker.model.onnx_info.
"""

from __future__ import annotations

import io
import json
import os
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from eyetracker.core.atomic import atomic_write
from eyetracker.core.errors import UserError
from eyetracker.model.info import ModelInfo
from eyetracker.model.onnx_info import FEATURES, METADATA_KEY, MOMENT_OUT, SWITCH
from eyetracker.model.session_norm import session_norms


def moment_names(model: nn.Module) -> list[str]:
    return [f"{name}.{part}" for name, _ in session_norms(model) for part in ("mean", "var")]


class _AllModesGraph(nn.Module):
    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model
        self.norms = [norm for _, norm in session_norms(model)]

    def forward(self, pixels, face, use_batch, *moments):
        for i, norm in enumerate(self.norms):
            norm.mode = "external"
            norm.external = (moments[2 * i], moments[2 * i + 1], use_batch)
        gaze, features = self.model.forward_with_features(pixels, face)
        used = [tensor for norm in self.norms for tensor in norm.last_moments]
        return (gaze, features, *used)


# Opsets the graph exports to: `Where` (the statistics switch) needs 9; 20 is the newest the
# TorchScript exporter supports fully.
OPSETS = range(9, 21)


def export_onnx(
    model: nn.Module, info: ModelInfo, out: str | os.PathLike[str], opset: int = 17
) -> Path:
    import onnx
    from onnx import numpy_helper

    if opset not in OPSETS:
        raise UserError(
            f"ONNX opset {opset} cannot be exported; choose --opset from {OPSETS[0]} to "
            f"{OPSETS[-1]} (default 17)."
        )
    out = Path(out)
    model = model.cpu().eval()
    norms = session_norms(model)
    names = moment_names(model)
    running = [t for _, n in norms for t in (n.running_mean, n.running_var)]
    h, w = info.preprocessing.input_size
    example = (
        torch.rand(2, info.preprocessing.channels, h, w),
        torch.rand(2, info.preprocessing.geometry_size),
        torch.tensor([False]),
        *[t.clone() for t in running],
    )
    graph = _AllModesGraph(model)
    inputs = ["pixels", "face", SWITCH, *names]
    outputs = ["gaze", FEATURES, *[f"{n}{MOMENT_OUT}" for n in names]]
    out.parent.mkdir(parents=True, exist_ok=True)
    exported = io.BytesIO()  # written to `out` once, complete: never a half-exported model
    try:
        with warnings.catch_warnings():
            # The TorchScript exporter is chosen on purpose: it needs no onnxscript and traces the
            # moments handed to each layer as plain graph inputs.
            warnings.filterwarnings("ignore", message=".*legacy TorchScript-based ONNX export.*")
            torch.onnx.export(
                graph,
                example,
                exported,
                input_names=inputs,
                output_names=outputs,
                opset_version=opset,
                dynamic_axes={name: {0: "batch"} for name in ("pixels", "face", "gaze", FEATURES)},
                dynamo=False,
            )
    finally:
        for _, norm in norms:
            norm.mode, norm.external = "running", None

    # Give the switch and the moments default values: an input that is also an initializer
    # may be fed or left out (ONNX IR >= 4).
    proto = onnx.load_from_string(exported.getvalue())
    defaults = {SWITCH: np.array([False])}
    defaults.update({n: t.numpy().astype(np.float32) for n, t in zip(names, running, strict=True)})
    existing = {init.name for init in proto.graph.initializer}
    for name, value in defaults.items():
        if name not in existing:
            proto.graph.initializer.append(numpy_helper.from_array(value, name))
    entry = proto.metadata_props.add()
    entry.key, entry.value = METADATA_KEY, json.dumps(info.to_json())
    onnx.checker.check_model(proto)
    atomic_write(out, proto.SerializeToString(), durable=True)
    return out
