"""Networks, preprocessing, BatchNorm statistics modes, checkpoints and ONNX export."""
