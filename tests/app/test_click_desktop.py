"""Clicks anywhere on the desktop reach the click check through a listener on its own thread
(a fake one here: no desktop needed), and the clicks may correct the calibration (opt-in);
the running estimate is streamed with the samples."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from eyetracker.app.live import global_clicks
from eyetracker.app.window.preferences import PreferencesDialog
from eyetracker.outputs.streams import sample_to_json
from tests.app.test_click_drift import track


class FakeDesktop:
    """Stands in for pynput: presses come from a thread of their own, as pynput's do."""

    def __init__(self) -> None:
        self.on_press = None
        self.stopped = False

    def __call__(self, on_press):
        self.on_press = on_press
        return self

    def press(self, x: float, y: float) -> None:
        thread = threading.Thread(target=self.on_press, args=(x, y, time.monotonic()))
        thread.start()
        thread.join()

    def stop(self) -> None:
        self.stopped = True


def test_without_a_desktop_hook_the_app_counts_its_own_clicks(make_window):
    window = make_window()  # offscreen: no desktop to listen to
    assert not global_clicks.desktop_hook_possible()
    window.click_drift.set_enabled(True)
    assert not window.click_drift.desktop_wide


def test_a_click_outside_the_window_reaches_the_estimate(
    make_window, qtbot, model_file, monkeypatch
):
    desktop = FakeDesktop()
    monkeypatch.setattr(global_clicks, "pynput_listener", desktop)
    window = make_window()
    window.click_drift.set_enabled(True)
    track(window, qtbot, model_file)
    assert window.click_drift.desktop_wide and desktop.on_press is not None
    screen = window.tools._screen().geometry()
    outside = (screen.right() - 5, screen.bottom() - 5)  # not on the main window
    assert not window.frameGeometry().contains(*outside)

    def counted() -> bool:
        desktop.press(*outside)
        qtbot.wait(50)  # the queued signal reaches the GUI thread
        return window.click_drift.check.estimate().clicks >= 1

    qtbot.waitUntil(counted, timeout=20000)
    # The app's own events are not counted a second time while the desktop is heard.
    before = window.click_drift.check.estimate().clicks
    QTest.mouseClick(window.preview, Qt.MouseButton.LeftButton)
    assert window.click_drift.check.estimate().clicks == before
    window.toggle_tracking()
    assert desktop.stopped and not window.click_drift.desktop_wide


def test_the_estimate_is_streamed_and_the_clicks_correct_the_calibration_when_asked(
    make_window, qtbot, model_file, monkeypatch
):
    desktop = FakeDesktop()
    monkeypatch.setattr(global_clicks, "pynput_listener", desktop)
    window = make_window()
    dialog = PreferencesDialog.open_for(window)
    assert not dialog.click_correction.isChecked() and not dialog.click_correction.isEnabled()
    dialog.click_check.setChecked(True)
    dialog.click_correction.setChecked(True)
    dialog.accept()
    assert window.settings.click_correction and window.click_drift.corrects
    track(window, qtbot, model_file)
    pipeline = window.live.tracker.pipeline
    assert pipeline.point_map is None  # nothing learnt before a click
    screen = window.tools._screen().geometry()

    def counted() -> bool:
        desktop.press(screen.left() + 10, screen.top() + 10)
        qtbot.wait(50)
        return window.click_drift.check.estimate().clicks >= 1

    qtbot.waitUntil(counted, timeout=20000)
    assert pipeline.point_map is not None
    sample = window.live.tracker.latest
    streamed = sample_to_json(window.click_drift.stamp(sample), wall_offset=0.0)
    assert streamed["click_error"] == round(window.click_drift.estimate().error_pct, 3)
    assert "click_error" not in sample_to_json(sample, wall_offset=0.0)

    window.click_drift.recalibrated()  # a new calibration: back to its own points
    assert pipeline.point_map is None
    assert "click_error" not in sample_to_json(window.click_drift.stamp(sample), wall_offset=0.0)
    window.toggle_tracking()


@pytest.mark.skipif(
    not (shutil.which("xvfb-run") and shutil.which("xdotool")), reason="needs Xvfb and xdotool"
)
def test_a_real_x11_click_outside_the_window_reaches_the_estimate():
    probe = Path(__file__).with_name("desktop_click_probe.py")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}  # the tests' offscreen has no desktop
    env.pop("XDG_SESSION_TYPE", None)
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x900x24", sys.executable, str(probe)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and "counted" in done.stdout, done.stderr[-2000:]
