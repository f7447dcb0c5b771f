"""A real click outside the app's window, under X11, reaches the click check's estimate.

    xvfb-run -a -s "-screen 0 1600x900x24" python tests/app/desktop_click_probe.py

The main window (600 x 400 at the top left) tracks the synthetic demo person with the click
check on, in settings and data folders of its own; xdotool clicks at (1400, 800), far outside
it, until two clicks were counted through the desktop-wide listener. Prints "counted N" and
exits 0, or exits 1 after a time-out. test_click_desktop.py runs it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

TICK_MS = 100
TICKS = 1500  # the time-out


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.app.demo_tour import use_own_folders

    use_own_folders(Path(tempfile.mkdtemp(prefix="eyetracker-click-probe-")))
    from eyetracker.doctor.qt_platform import forget_opencv_qt_paths

    forget_opencv_qt_paths()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from eyetracker.app.window.controls import select_data
    from eyetracker.app.window.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    window = MainWindow(cameras=[])  # the synthetic demo camera
    select_data(window.controls.backend, "torch")
    select_data(window.controls.device, "cpu")
    window.show()
    window.resize(600, 400)
    window.move(0, 0)
    window.click_drift.set_enabled(True)
    ticks = [0]

    def tick() -> None:
        ticks[0] += 1
        if ticks[0] == 1:
            window.toggle_tracking()
        elif window.overlay.samples_received > 20 and ticks[0] % 5 == 0:
            subprocess.run(["xdotool", "mousemove", "1400", "800", "click", "1"], check=True)
            clicks = window.click_drift.check.estimate().clicks
            if clicks >= 2 and window.click_drift.desktop_wide:
                print(f"counted {clicks}", flush=True)
                app.exit(0)
        if ticks[0] > TICKS:
            app.exit(1)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(TICK_MS)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
