"""Can Qt open a window here? Asked before the app creates its QApplication, without Qt.

Qt's own failure is an abort that names the wrong library ("xcb-cursor0 ... is needed" even
when other libraries, or the display itself, are missing). So before Qt starts: is there a
display, and does `ldd` find every shared library of the xcb platform plugin (its
dependencies included)? Missing ones are named with the Debian/Ubuntu packages that hold them.
And opencv's own Qt paths are taken out of the environment before Qt reads them.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

# Library file -> Debian/Ubuntu package: every system library Qt's xcb plugin links to.
LIBRARY_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}

# What the README and .ci/run install: the complete line for a bare Debian/Ubuntu machine.
APT_PACKAGES = (
    "libgl1 libglib2.0-0 libegl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 "
    "libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 "
    "libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0"
)

Ldd = Callable[[Path], str]


def run_ldd(library: Path) -> str:
    """`ldd library`'s output ("" when ldd itself is unavailable: nothing can be said)."""
    try:
        return subprocess.run(
            ["ldd", str(library)], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def xcb_plugin() -> Path | None:
    """PySide6's xcb platform plugin, found without importing PySide6 (None if absent)."""
    if getattr(sys, "frozen", False):
        roots = [Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "PySide6"]
    else:
        spec = importlib.util.find_spec("PySide6")
        roots = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    for root in roots:
        plugin = root / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def missing_libraries(plugin: Path, ldd: Ldd | None = None) -> list[str]:
    """The plugin's shared libraries, its dependencies' included, that `ldd` cannot find."""
    missing = []
    for line in (ldd or run_ldd)(plugin).splitlines():
        name, arrow, where = line.strip().partition("=>")
        if arrow and where.strip().startswith("not found") and name.strip() not in missing:
            missing.append(name.strip())
    return missing


def packages_for(libraries: list[str]) -> list[str]:
    """The Debian/Ubuntu packages that hold `libraries` (known ones only, in order, once)."""
    packages = [LIBRARY_PACKAGES[name] for name in libraries if name in LIBRARY_PACKAGES]
    return list(dict.fromkeys(packages))


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def library_advice(libraries: list[str]) -> str:
    """`libxcb-icccm.so.4 and libxcb-keysyms.so.1 are missing: sudo apt-get install ...`."""
    verb = "is" if len(libraries) == 1 else "are"
    packages = packages_for(libraries)
    if any(name.startswith("libQt6") for name in libraries):
        fix = "reinstall PySide6 (pip install --force-reinstall 'PySide6-Essentials<6.12')"
    elif packages:
        fix = f"install {'it' if len(libraries) == 1 else 'them'} with: sudo apt-get install {' '.join(packages)}"
        unknown = [name for name in libraries if name not in LIBRARY_PACKAGES]
        if unknown:
            fix += f" (and the package that provides {_and(unknown)})"
    else:
        fix = "install the package that provides " + ("it" if len(libraries) == 1 else "them")
    return f"Qt's xcb platform plugin needs {_and(libraries)}, which {verb} missing; {fix}"


def _uses_xcb(env: Mapping[str, str]) -> bool:
    """Whether Qt will try its xcb plugin: asked for it, or not asked and not on Wayland."""
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0].split(";")[0] == "xcb"
    return not env.get("WAYLAND_DISPLAY")


def startup_problem(
    env: Mapping[str, str] | None = None,
    ldd: Ldd | None = None,
    plugin: Path | None = None,
    system: str | None = None,
) -> str | None:
    """One sentence saying why the desktop app cannot open a window here, or None."""
    env = os.environ if env is None else env
    if not (system or sys.platform).startswith("linux") or not _uses_xcb(env):
        return None  # offscreen, Wayland, macOS, Windows: nothing to check before Qt
    no_display = "there is no display (DISPLAY is not set)"
    where = "start eyetracker from a desktop session or under xvfb-run; the command-line tools (eyetracker --help) work without one"
    plugin = plugin or xcb_plugin()
    missing = missing_libraries(plugin, ldd) if plugin is not None else []
    if missing:
        advice = f"The desktop app cannot start: {library_advice(missing)}"
        return advice + (f"; also, {no_display}: {where}." if not env.get("DISPLAY") else ".")
    if not env.get("DISPLAY"):
        return f"The desktop app cannot start: {no_display}; {where}."
    return None


def explain_qt_abort(messages: list[str], env: Mapping[str, str] | None = None) -> str:
    """The sentence for a Qt that aborted anyway, from what Qt said before it gave up."""
    env = os.environ if env is None else env
    lines = [line.strip() for text in messages for line in text.splitlines() if line.strip()]
    reason = next((line for line in lines if "could not connect to display" in line), "")
    if reason:
        return (
            f"The desktop app cannot start: Qt {reason}; check that DISPLAY "
            f"({env.get('DISPLAY', 'not set')}) names a running X server you may use, or start "
            "eyetracker from a desktop session (run `eyetracker doctor` for details)."
        )
    # Qt's own hints name xcb-cursor0 and "reinstalling" whatever went wrong: leave them out.
    lines = [line for line in lines if "xcb-cursor0" not in line and "Reinstalling" not in line]
    first = lines[0] if lines else "no Qt platform plugin could be initialized"
    return (
        f"The desktop app cannot start: Qt says “{first.rstrip('.')}”; run `eyetracker doctor` "
        "to see what is missing."
    )


def forget_opencv_qt_paths() -> None:
    """opencv-python points Qt at its own bundled Qt plugins and fonts when imported; those do
    not match PySide6's Qt, and the window fails to open ("could not load the Qt platform
    plugin xcb"). Import cv2 first (so its change has happened), then undo it."""
    import cv2

    opencv_dir = str(Path(cv2.__file__).resolve().parent)
    for name in ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR", "QT_PLUGIN_PATH"):
        value = os.environ.get(name, "")
        if value and str(Path(value).resolve()).startswith(opencv_dir):
            del os.environ[name]
