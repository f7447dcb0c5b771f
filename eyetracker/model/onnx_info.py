"""Reading an exported all-modes graph (see eyetracker.model.export) without torch or onnx:
the input names it shares with the exporter and the metadata it carries."""

from __future__ import annotations

import json

import numpy as np

from eyetracker.model.info import ModelInfo

SWITCH = "use_batch_statistics"  # True: normalise with the batch's own moments, return them
METADATA_KEY = "eyetracker"  # metadata_props entry holding ModelInfo as JSON
FEATURES = "features"  # output: the network's last hidden layer, beside the gaze points
MOMENT_OUT = "_out"  # "<layer>.mean_out", "<layer>.var_out": the moments a pass used


def read_onnx_info(session) -> ModelInfo:
    """The ModelInfo an exported file carries (from an onnxruntime.InferenceSession)."""
    meta = session.get_modelmeta().custom_metadata_map
    if METADATA_KEY not in meta:
        raise ValueError("this ONNX file was not exported by eyetracker")
    return ModelInfo.from_json(json.loads(meta[METADATA_KEY]))


def onnx_feed(session, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Only the inputs the graph declares (a network that ignores the face box has no `face`)."""
    # Inputs with defaults are listed by ONNX Runtime as overridable initializers, not inputs.
    declared = {i.name for i in session.get_inputs()}
    declared |= {i.name for i in session.get_overridable_initializers()}
    return {k: v for k, v in values.items() if k in declared}


MAX_INPUT_BYTES = 1 << 30  # what a batch of one may ask for in declared inputs: 1 GiB
_ELEMENT_BYTES = {
    "tensor(bool)": 1,
    "tensor(int8)": 1,
    "tensor(uint8)": 1,
    "tensor(int16)": 2,
    "tensor(uint16)": 2,
    "tensor(float16)": 2,
    "tensor(bfloat16)": 2,
    "tensor(int32)": 4,
    "tensor(uint32)": 4,
    "tensor(float)": 4,
    "tensor(int64)": 8,
    "tensor(uint64)": 8,
    "tensor(double)": 8,
}


def declared_input_bytes(session) -> int:
    """Bytes the graph's declared inputs and overridable initializers take for a batch of one
    (from an onnxruntime.InferenceSession): fixed dims as declared, named ones as 1."""
    total = 0
    for node in [*session.get_inputs(), *session.get_overridable_initializers()]:
        count = 1
        for dim in node.shape or []:
            count *= dim if isinstance(dim, int) and dim >= 0 else 1
        total += count * _ELEMENT_BYTES.get(node.type, 8)
    return total
