"""The doctor's look at the model: the bundled one or --model, and its ONNX twin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eyetracker.doctor.report import OK, PROBLEM, WARNING, Check
from eyetracker.model.facts import model_facts


def _error_summary(metrics: dict[str, Any]) -> str:
    errors = {k: v for k, v in metrics.items() if "pct" in k and "loss" not in k}
    return ", ".join(f"{k} {v:.1f}%" for k, v in errors.items() if isinstance(v, int | float))


def check_model(model_path: Path | None = None) -> list[Check]:
    from eyetracker.model.resources import DEFAULT_MODEL, ResourceMissingError, resource_roots

    bundled = model_path is None
    try:
        if model_path is None:
            from eyetracker.model.resources import default_model_path

            model_path = default_model_path()
    except ResourceMissingError:
        looked = resource_roots()[0].joinpath(*DEFAULT_MODEL)
        return [
            Check(
                "model",
                PROBLEM,
                f"the bundled model {looked} is missing",
                "Reinstall eyetracker, or train one (eyetracker train) and pass it with --model.",
            )
        ]
    from eyetracker.core.errors import UserError

    try:
        info = read_model_info(model_path)
    except (UserError, KeyError, ValueError) as error:
        fix = (
            "Reinstall eyetracker to restore the model."
            if bundled
            else "Pass a model trained by `eyetracker train`, or leave --model out for the bundled one."
        )
        return [Check("model", PROBLEM, str(error), fix)]
    facts = {"path": str(model_path), **model_facts(info)}
    error = _error_summary(info.metrics)
    summary = f"{model_path.name}: {info.architecture} {info.fingerprint}, trained on {facts['trained_on']}"
    checks = [Check("model", OK, summary + (f"; error {error}" if error else ""), details=facts)]
    return checks + [check_onnx_twin(model_path, info.fingerprint)]


def read_model_info(model_path: Path):
    """The model's metadata: from the checkpoint, or from its ONNX twin where torch is absent."""
    from eyetracker.inference.backends import onnx_path_for, torch_available

    if model_path.suffix == ".onnx" or not torch_available():
        return _onnx_info(onnx_path_for(model_path))
    from eyetracker.model.checkpoint import read_checkpoint
    from eyetracker.model.info import ModelInfo

    return ModelInfo.from_json(json.loads(read_checkpoint(model_path)["info"]))


def _onnx_info(path: Path):
    """The metadata of an exported model, loaded as the house loads it (ONNX Runtime, CPU)."""
    from eyetracker.inference.backends.onnx import OnnxBackend

    return OnnxBackend(path, device="cpu").info


def check_onnx_twin(model_path: Path, fingerprint: str) -> Check:
    twin = model_path.with_suffix(".onnx")
    export = f"eyetracker export {model_path} --out {twin}"
    if not twin.is_file():
        return Check(
            "onnx model",
            WARNING,
            f"{twin.name} is missing (exported into the cache on first use)",
            f"To ship it: {export}.",
        )
    try:
        twin_fingerprint = _onnx_info(twin).fingerprint
    except Exception as error:  # any load failure means the same thing: export it again
        return Check("onnx model", WARNING, f"{twin.name} is unreadable ({error})"[:200], export)
    if twin_fingerprint != fingerprint:
        return Check(
            "onnx model",
            WARNING,
            f"{twin.name} is of another model ({twin_fingerprint}, not {fingerprint})",
            f"Export it again: {export}.",
        )
    return Check("onnx model", OK, f"{twin.name}: {twin_fingerprint}", details={"path": str(twin)})
