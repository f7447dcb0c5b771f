"""Run under Xvfb by tests/app/test_overlay.py: the real main window with the gaze overlay
shown, its dot right over the File menu's title; xdotool clicks there, through the overlay.

python -m tests.app.overlay_clicks [--wm openbox] [--compositor xcompmgr]

Prints one JSON line: whether the menu opened, the overlay's mode, and screen pixels (the
main window's centre, the dot) read back from the X server. The window manager and the
compositor, when asked for, are started here and waited for before the window is made.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from PySide6.QtCore import QElapsedTimer, QEventLoop
from PySide6.QtWidgets import QApplication

from eyetracker.app.live.overlay import NO_TRANSLUCENCY


def wait_until(app, condition, ms: int) -> bool:
    timer = QElapsedTimer()
    timer.start()
    while not condition() and timer.elapsed() < ms:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    return bool(condition())


def window_manager_running() -> bool:
    done = subprocess.run(
        ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], capture_output=True, text=True
    )
    return "window id" in done.stdout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wm")
    parser.add_argument("--compositor")
    args = parser.parse_args()
    os.environ.pop("QT_QPA_PLATFORM", None)
    from eyetracker.doctor.qt_platform import forget_opencv_qt_paths

    forget_opencv_qt_paths()
    app = QApplication(sys.argv[:1])
    from eyetracker.app import x11

    helpers = []
    if args.wm:
        helpers.append(subprocess.Popen([args.wm], stderr=subprocess.DEVNULL))
        assert wait_until(app, window_manager_running, 20000), f"{args.wm} did not start"
    if args.compositor:
        helpers.append(subprocess.Popen([args.compositor], stderr=subprocess.DEVNULL))
        assert wait_until(app, x11.compositing, 20000), f"{args.compositor} did not start"

    from eyetracker.app.window.main_window import MainWindow
    from eyetracker.core.types import GazePoint, GazeSample

    window = MainWindow(cameras=[])
    window.move(100, 100)
    window.show()
    wait_until(app, lambda: window.windowHandle().isExposed(), 10000)
    bar = window.menuBar()
    file_action = bar.actions()[0]
    title = bar.mapToGlobal(bar.actionGeometry(file_action).center())
    screen = window.screen().geometry()
    point = GazePoint(
        (title.x() - screen.x()) / screen.width(), (title.y() - screen.y()) / screen.height()
    )
    window.set_overlay_visible(True)
    overlay = window.overlay
    # Only the overlay's own note: the notice bar may also hold others (a first run's).
    note = NO_TRANSLUCENCY if NO_TRANSLUCENCY in window.notice.text() else ""
    overlay.show_sample(GazeSample(point, point, True, 0.0, 0.0, 0))
    wait_until(app, lambda: overlay.windowHandle().isExposed() and not overlay._dirty, 10000)
    centre = window.mapToGlobal(window.rect().center())
    grabs = []

    def painted() -> bool:
        """Both the window and the dot are on the screen the X server shows (a translucent
        overlay without a compositor shows black over everything)."""
        grabs[:] = [window.screen().grabWindow(0).toImage()]
        return grabs[0].pixelColor(centre).name() != "#000000" and (
            grabs[0].pixelColor(title) == overlay.color
        )

    wait_until(app, painted, 5000)
    image = grabs[0]
    result = {
        "translucent": overlay.translucent,
        "note": note,
        "overlay_geometry": overlay.geometry().getRect(),
        "centre_pixel": image.pixelColor(centre).name(),
        "dot_pixel": image.pixelColor(title).name(),
        "dot_color": overlay.color.name(),
    }
    subprocess.run(["xdotool", "mousemove", str(title.x()), str(title.y()), "click", "1"])
    menu = file_action.menu()
    result["menu_opened"] = wait_until(app, menu.isVisible, 10000)
    menu.close()
    window.close()
    for helper in helpers:
        helper.terminate()
        helper.wait(10)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
