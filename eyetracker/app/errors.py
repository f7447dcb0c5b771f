"""Errors shown to people, never as tracebacks: one-sentence dialogs and a last-resort hook.

`show_error` opens a window-modal QMessageBox without blocking (workers keep running, nothing
captured is lost). `install_excepthook` routes uncaught exceptions, from the GUI thread or any
other, to the log file and to such a dialog.
"""

from __future__ import annotations

import errno
import logging
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from eyetracker.core.errors import UserError

log = logging.getLogger("eyetracker.app")

TITLE = "eyetracker"


def show_error(parent: QWidget | None, text: str, title: str = TITLE) -> QMessageBox:
    """A warning box with `text` (one sentence of what to do); returns at once."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal if parent else Qt.WindowModality.NonModal)
    box.setObjectName("error-dialog")
    if parent is None:  # nothing owns a parentless box: keep it alive until it is closed
        _open_boxes.add(box)
        box.finished.connect(lambda _result: _open_boxes.discard(box))
    box.open()
    return box


_open_boxes: set[QMessageBox] = set()


def describe(error: BaseException) -> str:
    """What to tell the user about `error`, in one or two sentences."""
    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return "The disk is full; free some space and try again (what was captured so far is kept)."
    if isinstance(error, OSError) and error.errno in (errno.EACCES, errno.EPERM):
        return f"Permission denied for {error.filename}; choose a folder you can write to."
    return (
        f"Something unexpected went wrong ({type(error).__name__}: {error}); the app keeps "
        "running, and the details are in the log file."
    )


class _Bridge(QObject):
    """Carries an error message from any thread to the GUI thread."""

    raised = Signal(str)


_bridge: _Bridge | None = None


def install_excepthook(log_file: Path | None = None) -> None:
    """Log uncaught exceptions (to `log_file` too) and show them as a dialog."""
    global _bridge
    if log_file is not None:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(log_file, encoding="utf-8")
            handler.setFormatter(
                logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
            )
            logging.getLogger("eyetracker").addHandler(handler)
        except OSError:
            pass  # a log we cannot write must not stop the app
    _bridge = _Bridge()
    _bridge.raised.connect(_show_uncaught, Qt.ConnectionType.QueuedConnection)

    def hook(kind, error, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        log.error("uncaught %s", "".join(traceback.format_exception(kind, error, tb)))
        if _bridge is not None:
            _bridge.raised.emit(describe(error))

    sys.excepthook = hook
    threading.excepthook = lambda args: hook(args.exc_type, args.exc_value, args.exc_traceback)


def _show_uncaught(text: str) -> None:
    app = QApplication.instance()
    parent = app.activeWindow() if isinstance(app, QApplication) else None
    show_error(parent, text)
