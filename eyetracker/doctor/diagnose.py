"""What `eyetracker doctor` checks, without Qt: each check says what it found and, when
something is wrong, the one thing to do about it.

The checks live beside this module: the Qt probe (qt_check), the model and its ONNX twin
(model_check); their findings are `Check`s gathered in a `Report` (report).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from eyetracker.doctor.model_check import check_model
from eyetracker.doctor.qt_check import check_qt, probe_qt
from eyetracker.doctor.report import OK, PROBLEM, WARNING, Check, Report


def check_cameras() -> Check:
    from eyetracker.capture.webcam import list_cameras

    cameras = list_cameras()
    details = {
        "cameras": [
            {"index": c.index, "path": c.path, "name": c.name, "resolution": c.resolution}
            for c in cameras
        ]
    }
    if not cameras:
        return Check(
            "cameras",
            WARNING,
            "no camera found",
            "No camera found: plug one in, or use the synthetic demo camera "
            "(eyetracker app --camera synthetic).",
            details,
        )
    silent = [c for c in cameras if c.resolution is None]
    summary = ", ".join(c.label for c in cameras)
    if silent:
        return Check(
            "cameras",
            WARNING,
            summary,
            f"Camera {silent[0].index} opens but reports no resolution: close other programs "
            "that use it and check its cable.",
            details,
        )
    return Check("cameras", OK, summary, details=details)


# --- libraries ---------------------------------------------------------------


def check_torch() -> list[Check]:
    try:
        import torch
    except ImportError as error:
        if getattr(sys, "frozen", False):  # left out of the packaged app on purpose
            note = "not in the packaged app: ONNX Runtime runs the model; training needs the full install (pip install eyetracker)"
            return [Check("torch", OK, note)]
        return [Check("torch", PROBLEM, f"not importable ({error})", "pip install torch==2.13.0.")]
    checks = [Check("torch", OK, torch.__version__, details={"version": torch.__version__})]
    if torch.cuda.is_available():
        name = torch.cuda.get_device_name(0)
        checks.append(Check("cuda", OK, f"available: {name}", details={"device": name}))
    else:
        build = torch.version.cuda
        summary = "not available" + ("" if build else " (a CPU build of torch)")
        checks.append(Check("cuda", OK, f"{summary}; tracking runs on the CPU"))
    return checks


def check_onnxruntime() -> Check:
    try:
        import onnxruntime as ort
    except ImportError as error:
        return Check(
            "onnxruntime",
            PROBLEM,
            f"not importable ({error})",
            "pip install 'onnxruntime>=1.17,<2'.",
        )
    providers = ort.get_available_providers()
    return Check(
        "onnxruntime",
        OK,
        f"{ort.__version__}, providers {', '.join(providers)}",
        details={"version": ort.__version__, "providers": providers},
    )


def check_streaming() -> list[Check]:
    checks = []
    for name, requirement in (("websockets", "websockets>=13,<18"), ("pylsl", "pylsl>=1.16,<2")):
        try:
            module = __import__(name)
            version = getattr(module, "__version__", "")
            if name == "pylsl":
                version += f" (liblsl {module.library_version()})"
            checks.append(Check(name, OK, version))
        except (ImportError, RuntimeError, OSError) as error:
            checks.append(
                Check(
                    name,
                    WARNING,
                    f"not usable ({error})",
                    f"Streaming needs it: pip install '{requirement}'.",
                )
            )
    return checks


# --- folders ------------------------------------------------------------------


def check_folders(paths: dict[str, str] | None) -> Check:
    """The app's data folder (profiles, dataset); from the Qt probe, else EYETRACKER_DATA_DIR."""
    if paths is None:
        override = os.environ.get("EYETRACKER_DATA_DIR")
        if not override:
            return Check("folders", WARNING, "unknown (Qt did not start)", "Fix Qt first.")
        paths = {"data": override, "profiles": str(Path(override) / "profiles")}
    data = Path(paths["data"])
    folders = {**paths, "dataset": str(data / "dataset")}
    existing = next((p for p in (data, *data.parents) if p.exists()), None)
    if existing is None or not os.access(existing, os.W_OK):
        return Check(
            "folders",
            PROBLEM,
            f"{data} cannot be written",
            "Set EYETRACKER_DATA_DIR to a folder you can write to.",
            folders,
        )
    profiles = Path(paths["profiles"])
    count = len(list(profiles.glob("*/*.npz"))) if profiles.is_dir() else 0
    state = "" if data.exists() else " (created on first use)"
    return Check("folders", OK, f"data {data}{state}, {count} profile(s)", details=folders)


def diagnose(qt_platform: str | None = None, model_path: Path | None = None) -> Report:
    """Every check, cheapest first."""
    probe = probe_qt(qt_platform)
    checks = [check_cameras(), *check_qt(probe), *check_torch(), check_onnxruntime()]
    checks += [*check_model(model_path), check_folders(probe["paths"]), *check_streaming()]
    return Report(checks)
