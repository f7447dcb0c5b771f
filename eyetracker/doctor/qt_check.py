"""Whether the app can open a window, asked of a child Python so that a Qt that aborts (no
display, a missing system library) cannot take the doctor down with it, and this process
never imports PySide6."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from eyetracker.doctor.qt_platform import library_advice, missing_libraries, xcb_plugin
from eyetracker.doctor.report import OK, PROBLEM, Check

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
