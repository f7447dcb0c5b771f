"""Start-up that explains itself: missing system libraries and no display are named in one
sentence before Qt starts (Qt's own abort names the wrong library)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from eyetracker.cli import main
from eyetracker.doctor import qt_platform
from eyetracker.doctor.qt_check import check_qt, probe_qt
from eyetracker.doctor.qt_platform import (
    APT_PACKAGES,
    LIBRARY_PACKAGES,
    explain_qt_abort,
    missing_libraries,
    startup_problem,
    xcb_plugin,
)

PLUGIN = Path("/opt/PySide6/Qt/plugins/platforms/libqxcb.so")

# What ldd says on a machine without libxcb-icccm4 and libxcb-keysyms1 (abridged).
LDD_TWO_MISSING = """\
\tlinux-vdso.so.1 (0x00007ffd5b1f1000)
\tlibQt6XcbQpa.so.6 => /opt/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f0c1c000000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f0c1bff0000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f0c1bfc0000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f0c1c6a0000)
"""
LDD_ALL_FOUND = LDD_TWO_MISSING.replace(" => not found", " => /lib/x86_64-linux-gnu/x.so")


def fake_ldd(text):
    return lambda _library: text


def test_missing_libraries_are_the_not_found_lines_once_each():
    assert missing_libraries(PLUGIN, fake_ldd(LDD_TWO_MISSING)) == [
        "libxcb-icccm.so.4",
        "libxcb-keysyms.so.1",
    ]
    assert missing_libraries(PLUGIN, fake_ldd(LDD_ALL_FOUND)) == []
    assert missing_libraries(PLUGIN, fake_ldd("")) == []  # no ldd: nothing to say


def test_missing_libraries_are_named_with_the_apt_get_line():
    env = {"DISPLAY": ":0"}
    text = startup_problem(env, fake_ldd(LDD_TWO_MISSING), PLUGIN, "linux")
    assert "libxcb-icccm.so.4 and libxcb-keysyms.so.1" in text
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1." in text
    assert "xcb-cursor" not in text and text.endswith(".") and ". " not in text  # one sentence


def test_no_display_is_said_and_also_said_next_to_missing_libraries():
    text = startup_problem({}, fake_ldd(LDD_ALL_FOUND), PLUGIN, "linux")
    assert "no display (DISPLAY is not set)" in text and "xvfb-run" in text
    both = startup_problem({}, fake_ldd(LDD_TWO_MISSING), PLUGIN, "linux")
    assert "apt-get install libxcb-icccm4 libxcb-keysyms1" in both and "no display" in both


def test_nothing_is_checked_where_xcb_is_not_used():
    missing = fake_ldd(LDD_TWO_MISSING)
    assert startup_problem({"DISPLAY": ":0"}, fake_ldd(LDD_ALL_FOUND), PLUGIN, "linux") is None
    assert startup_problem({"QT_QPA_PLATFORM": "offscreen"}, missing, PLUGIN, "linux") is None
    assert startup_problem({"WAYLAND_DISPLAY": "wayland-0"}, missing, PLUGIN, "linux") is None
    assert startup_problem({}, missing, PLUGIN, "darwin") is None
    assert startup_problem({"QT_QPA_PLATFORM": "xcb"}, missing, PLUGIN, "linux") is not None


def test_every_package_of_the_table_is_in_the_apt_line_and_the_readme():
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    ci = (Path(__file__).parents[2] / ".ci" / "run").read_text()
    assert APT_PACKAGES in " ".join(readme.split())
    for package in APT_PACKAGES.split():
        assert package in ci
    xcb = {p for name, p in LIBRARY_PACKAGES.items() if name.startswith("libxcb-")}
    assert xcb - set(APT_PACKAGES.split()) <= {"libxcb-render0", "libxcb-shm0", "libxcb-sync1", "libxcb-util1"}  # fmt: skip


def test_the_plugin_is_found_without_importing_pyside6():
    plugin = xcb_plugin()
    assert plugin is None or plugin.name == "libqxcb.so"


def test_a_qt_abort_is_explained_without_its_misleading_hints():
    said = [
        "could not connect to display :55",
        "From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the Qt xcb platform plugin.",
    ]
    text = explain_qt_abort(said, {"DISPLAY": ":55"})
    assert "could not connect to display :55" in text and "xcb-cursor0" not in text
    other = explain_qt_abort(
        [said[1], 'Could not load the Qt platform plugin "xcb" in "" even though it was found.']
    )
    assert "xcb-cursor0" not in other and "Could not load" in other


def test_the_app_says_which_libraries_are_missing_and_exits_2(monkeypatch, capsys):
    monkeypatch.setattr(qt_platform, "run_ldd", fake_ldd(LDD_TWO_MISSING))
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(sys, "platform", "linux")
    assert main([]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("eyetracker: The desktop app cannot start:") and "\n" not in err
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in err


def test_doctor_names_the_missing_libraries(monkeypatch):
    monkeypatch.setattr(qt_platform, "run_ldd", fake_ldd(LDD_TWO_MISSING))
    probe = probe_qt("no-such-platform")
    assert probe["missing_libraries"] == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in check_qt(probe)[0].fix


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 only")
def test_no_display_for_real_is_one_sentence_and_exit_2(tmp_path):
    """The real thing: no DISPLAY, no QT_QPA_PLATFORM, the real ldd."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "DISPLAY", "WAYLAND"))}
    env.update(EYETRACKER_DATA_DIR=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "eyetracker"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("eyetracker: The desktop app cannot start:")
    assert "xcb-cursor0" not in lines[0] or "apt-get install" in lines[0]


def test_doctor_probes_pyside6s_plugins_not_opencvs(tmp_path, monkeypatch):
    """opencv-python, once imported, points Qt at its own plugins; the app ignores that, so
    the doctor's probe must too."""
    monkeypatch.setenv("QT_QPA_PLATFORM_PLUGIN_PATH", str(tmp_path / "cv2" / "qt" / "plugins"))
    assert probe_qt("offscreen")["platform"] == "offscreen"
