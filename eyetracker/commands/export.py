"""`eyetracker export MODEL --out model.onnx`: ONNX with every statistics mode in one graph."""

from __future__ import annotations

import argparse

from eyetracker.commands._output import add_force_option

HELP = "export a model to ONNX (running, session and captured statistics in one graph)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="model file (.pt)")
    parser.add_argument("--out", required=True, help="ONNX file to write")
    parser.add_argument(
        "--opset", type=int, default=17, help="ONNX opset version, 9 to 20 (default: 17)"
    )
    add_force_option(parser)


def run(args: argparse.Namespace) -> int:
    from eyetracker.commands._output import cannot_write, writable_file
    from eyetracker.model.checkpoint import load_checkpoint
    from eyetracker.model.export import export_onnx

    # Before the slow export; written whole (atomic_write) or not at all.
    out = writable_file(args.out, "--out", "model.onnx", replace=args.force)
    loaded = load_checkpoint(args.model)
    try:
        path = export_onnx(loaded.model, loaded.info, out, opset=args.opset)
    except OSError as error:
        raise cannot_write(out, error, "--out") from None
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0
