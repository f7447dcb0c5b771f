"""What `eyetracker doctor` checks, without Qt: each check says what it found and, when
something is wrong, the one thing to do about it.

Qt is probed in a child Python (`probe_qt`), so this module never imports PySide6 and a Qt
that aborts (no display, missing system library) cannot take the doctor down with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from eyetracker.doctor.qt_platform import library_advice, missing_libraries, xcb_plugin

OK, WARNING, PROBLEM = "ok", "warning", "problem"
QT_TIMEOUT_S = 8.0

# Qt's message -> what to do; the first that matches is the fix, the others follow it.
_QT_HINTS = (
    (
        "could not connect to display",
        "No display: start eyetracker from a desktop session (or under xvfb-run); "
        "the command-line tools work without one.",
    ),
    (
        "No module named 'PySide6'",
        "PySide6 is missing: pip install 'PySide6-Essentials>=6.6,<7'.",
    ),
    (
        "libEGL",
        "Qt needs libegl1 and libgl1: sudo apt install libegl1 libgl1 (see .ci/run).",
    ),
    ("libGL", "Qt needs libgl1: sudo apt install libgl1 (see .ci/run)."),
)


@dataclass
class Check:
    """One finding: `status` is ok, warning or problem; `fix` is set unless it is ok."""

    name: str
    status: str
    summary: str
    fix: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    checks: list[Check]

    @property
    def problems(self) -> list[Check]:
        return [c for c in self.checks if c.status == PROBLEM]

    @property
    def exit_code(self) -> int:
        """0 when nothing is broken (warnings allowed), 1 when a problem needs attention."""
        return 1 if self.problems else 0

    def to_json(self) -> dict[str, Any]:
        return {"ok": not self.problems, "checks": [asdict(c) for c in self.checks]}


# --- cameras ---------------------------------------------------------------------------------


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


# --- Qt --------------------------------------------------------------------------------------


def probe_qt(platform: str | None = None, timeout: float = QT_TIMEOUT_S) -> dict[str, Any]:
    """Start a QGuiApplication in a child Python: {"platform", "paths", "error", "hints"}.

    `platform` sets QT_QPA_PLATFORM for the child; None removes it, so the child picks the
    plugin the app would pick on this desktop.
    """
    result: dict[str, Any] = {
        "platform": None,
        "paths": None,
        "error": "",
        "hints": [],
        "missing_libraries": [],
    }
    if getattr(sys, "frozen", False):
        result["error"] = "not probed inside the bundled app"
        return result
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    # opencv-python, once imported here, points Qt at its own plugins; the app undoes that
    # (eyetracker.doctor.qt_platform.forget_opencv_qt_paths), so the probe must too.
    for name in ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR", "QT_PLUGIN_PATH"):
        if "cv2" in Path(env.get(name, "")).parts:
            del env[name]
    if platform is not None:
        env["QT_QPA_PLATFORM"] = platform
    try:
        done = subprocess.run(
            [sys.executable, "-m", "eyetracker.app.qt_probe"],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        stdout, stderr, failed = done.stdout, done.stderr, done.returncode != 0
    except subprocess.TimeoutExpired as expired:
        stdout = (expired.stdout or b"").decode(errors="replace") if expired.stdout else ""
        stderr, failed = f"Qt did not start within {timeout:g} s", True
    for line in stdout.splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if "platform" in data:
            result["platform"] = data["platform"]
        else:
            result["paths"] = data
    if failed or result["platform"] is None:
        lines = [line.strip() for line in stderr.splitlines() if line.strip()]
        result["error"] = next(
            (line for line in lines if "could not" in line.lower() or "Error" in line),
            lines[-1] if lines else "Qt exited without a word",
        )
        # Qt names xcb-cursor0 in every failure of its xcb plugin, even with no display at
        # all: the libraries really missing are the ones ldd cannot find.
        plugin = xcb_plugin()
        missing = missing_libraries(plugin) if plugin is not None else []
        result["missing_libraries"] = missing
        result["hints"] = [library_advice(missing) + "."] if missing else []
        result["hints"] += [hint for needle, hint in _QT_HINTS if needle in stderr]
    return result


def check_qt(probe: dict[str, Any]) -> list[Check]:
    if probe["platform"]:
        return [Check("qt", OK, f"platform {probe['platform']}", details=probe)]
    if probe["error"] == "not probed inside the bundled app":
        return [Check("qt", OK, probe["error"], details=probe)]
    hints = probe["hints"] or [
        "Qt cannot start: run `QT_DEBUG_PLUGINS=1 eyetracker` to see why, and install the "
        "libraries .ci/run lists."
    ]
    checks = [Check("qt", PROBLEM, f"the app cannot open a window ({probe['error']})", hints[0])]
    checks[0].details = probe
    checks += [
        Check("qt libraries", PROBLEM, "a library Qt needs is missing", h) for h in hints[1:]
    ]
    return checks


# --- libraries -------------------------------------------------------------------------------


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


# --- model and folders -----------------------------------------------------------------------


def model_facts(info: Any) -> dict[str, Any]:
    """What a model says about itself: fingerprint, architecture, training data, error.

    The training data's folder is given by its name only: its full path is a place on the
    machine the model was trained on, which means nothing (and tells too much) elsewhere."""
    data = dict(info.data or {})
    if data.get("path"):
        data["path"] = Path(str(data["path"])).name
    return {
        "fingerprint": info.fingerprint,
        "architecture": info.architecture,
        "trained_on": trained_on(info),
        "data": data,
        "metrics": {k: v for k, v in info.metrics.items() if isinstance(v, int | float | str)},
    }


def trained_on(info: Any) -> str:
    """`synthetic-30 (24 people, 96 measurements, 30720 samples)`, or "unknown"."""
    data = info.data or {}
    path = data.get("path")
    counts = data.get("train") if isinstance(data.get("train"), dict) else {}
    parts = [f"{counts[k]} {k}" for k in ("people", "measurements", "samples") if k in counts]
    if not path:
        return "unknown"
    return f"{Path(path).name}" + (f" ({', '.join(parts)})" if parts else "")


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
    import onnxruntime as ort

    from eyetracker.core.errors import UserError
    from eyetracker.model.onnx_info import read_onnx_info

    options = ort.SessionOptions()
    options.log_severity_level = 3
    try:
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        return read_onnx_info(session)
    except Exception:  # onnxruntime's own errors, or no eyetracker metadata
        raise UserError(
            f"{path} is not an ONNX model exported by `eyetracker export`; export it again."
        ) from None


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
