"""`run_app(args)`: the desktop app, its headless self-test, and unattended runs.

eyetracker                      # the main window
eyetracker app --self-test      # offscreen: load the model, track 30 synthetic frames
eyetracker app --auto-track --quit-after 8 --screenshots DIR   # what the e2e test runs
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from eyetracker.doctor.qt_platform import (
    explain_qt_abort,
    forget_opencv_qt_paths,
    startup_problem,
)

log = logging.getLogger("eyetracker.app")


def cannot_start() -> str | None:
    """Why no window can open here (missing system libraries, no display), asked before Qt
    starts: Qt's own abort names the wrong library."""
    return startup_problem()


def start_qapplication():
    """The QApplication; should Qt abort anyway, one sentence and exit 2 instead of its own
    misleading advice (what Qt said meanwhile is printed once it has started)."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    said: list[str] = []

    def hold(kind, _context, message: str) -> None:
        said.append(message)
        if kind == QtMsgType.QtFatalMsg:
            print(f"eyetracker: {explain_qt_abort(said)}", file=sys.stderr, flush=True)
            os._exit(2)  # Qt aborts right after this handler; there is nothing to clean up

    previous = qInstallMessageHandler(hold)
    try:
        app = QApplication.instance() or QApplication(sys.argv[:1])
    finally:
        qInstallMessageHandler(previous)
    for message in said:
        print(message, file=sys.stderr)
    return app


def run_app(args: argparse.Namespace) -> int:
    forget_opencv_qt_paths()
    if getattr(args, "self_test", False):
        return self_test(args)
    problem = cannot_start()
    if problem:
        print(f"eyetracker: {problem}", file=sys.stderr)
        return 2
    from PySide6.QtCore import QTimer

    from eyetracker.app.errors import install_excepthook
    from eyetracker.app.settings import APPLICATION, ORGANIZATION
    from eyetracker.app.window.help import log_file
    from eyetracker.app.window.main_window import MainWindow

    app = start_qapplication()
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    install_excepthook(log_file())
    window = MainWindow()
    apply_options(window, args)
    window.show()
    auto_track = getattr(args, "auto_track", False)
    failures: list[str] = []
    if auto_track:
        window.live.tracking_failed.connect(failures.append)
        QTimer.singleShot(0, window.toggle_tracking)
    quit_after = getattr(args, "quit_after", None)
    if quit_after:
        schedule_quit(window, quit_after, getattr(args, "screenshots", None), auto_track)
    code = int(app.exec())
    if failures and not window.overlay.samples_received:  # --auto-track never tracked
        print(f"eyetracker: {failures[0]}", file=sys.stderr)
        return code or 2
    return code


def schedule_quit(window, seconds: float, shots: str | None, after_first_sample: bool) -> None:
    """Close after `seconds` (of tracking, when `after_first_sample`: loading a model on a
    busy machine takes a while), saving screenshots first; at most a minute more."""
    from PySide6.QtCore import QTimer

    done = []

    def finish() -> None:
        if done:
            return
        done.append(True)
        if shots:
            from eyetracker.app.window.screenshots import save_screenshots

            for path in save_screenshots(window, Path(shots)):
                print(f"screenshot: {path}")
        print(f"gaze samples: {window.overlay.samples_received}", flush=True)
        window.close()

    if not after_first_sample:
        QTimer.singleShot(int(seconds * 1000), finish)
        return
    QTimer.singleShot(int((seconds + 60) * 1000), finish)  # tracking never started
    started = []

    def first_sample(_sample) -> None:
        if not started:
            started.append(True)
            QTimer.singleShot(int(seconds * 1000), finish)

    window.live.sample.connect(first_sample)
    window.live.tracking_failed.connect(lambda _text: QTimer.singleShot(3000, finish))


def apply_options(window, args: argparse.Namespace) -> None:
    """Command-line choices override the saved settings for this run."""
    from eyetracker.app.window.controls import select_data

    c = window.controls
    camera = getattr(args, "camera", None)
    given = {
        "model": str(Path(args.model).resolve()) if getattr(args, "model", None) else None,
        "backend": getattr(args, "backend", None),
        "device": getattr(args, "device", None),
        "camera": None if camera is None else str(camera),
        "overlay_visible": True if getattr(args, "overlay", False) else None,
    }
    window.keep_for_this_run(**{k: v for k, v in given.items() if v is not None})
    if getattr(args, "model", None):
        c.add_model(str(Path(args.model).resolve()))
    for combo, value in (
        (c.backend, getattr(args, "backend", None)),
        (c.device, getattr(args, "device", None)),
    ):
        if value:
            select_data(combo, value)
    camera = getattr(args, "camera", None)
    if camera is not None:
        index = c.camera.findData(str(camera))
        if index < 0:
            window.statusBar().showMessage(f"Camera {camera} was not found.", 8000)
        else:
            c.camera.setCurrentIndex(index)
    if getattr(args, "overlay", False):
        window.set_overlay_visible(True)


def self_test(args: argparse.Namespace, frames: int = 30) -> int:
    """Track `frames` synthetic frames offscreen and print one line; 0 when all went well."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import __version__ as qt_version
    from PySide6.QtGui import QGuiApplication

    from eyetracker.app.images import to_qimage
    from eyetracker.capture.base import create_source
    from eyetracker.core.errors import UserError
    from eyetracker.core.smoothing import GazeSmoother
    from eyetracker.inference.backends import create_backend
    from eyetracker.inference.session_statistics import SessionStatistics
    from eyetracker.model.resources import default_model_path
    from eyetracker.runtime.tracker import Tracker

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    try:
        model = Path(args.model) if getattr(args, "model", None) else default_model_path()
        backend = create_backend(
            model, getattr(args, "backend", None) or "auto", getattr(args, "device", None) or "auto"
        )
        source = create_source("synthetic", script="fixations", realtime=False)
    except UserError as error:
        print(f"self-test FAILED: {error}", file=sys.stderr)
        return 1
    tracker = Tracker(source, backend, SessionStatistics(backend), GazeSmoother())
    started = time.perf_counter()
    with source:
        samples = [tracker.process(source.read()) for _ in range(frames)]
        image = to_qimage(source.read().image)
    seconds = time.perf_counter() - started
    valid = sum(s.valid for s in samples)
    ok = len(samples) == frames and not image.isNull() and app is not None
    print(
        f"self-test {'ok' if ok else 'FAILED'}: {frames} synthetic frames, {valid} with gaze, "
        f"{backend.name} on {backend.device}, {1000 * seconds / frames:.0f} ms/frame, "
        f"model {model.name}, Qt {qt_version}"
    )
    return 0 if ok else 1
