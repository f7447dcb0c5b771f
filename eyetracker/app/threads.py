"""Running a blocking worker off the GUI thread, the one way the app does it.

A `Worker` is a QObject whose `work()` loops until its `threading.Event` is set; a
`WorkerThread` moves it to a fresh QThread, starts it, and on `stop()` sets the event,
calls `quit()` + `wait(timeout)` and schedules both objects for `deleteLater` (the worker in its own thread);
`request_stop()` does the same without waiting (its `thread.finished` says when it has ended).
Every QThread made here is remembered (weakly) so tests can fail on one left running.
One-off calls (load a model, fit a profile) go through `eyetracker.app.tasks.Task`.
"""

from __future__ import annotations

import logging
import threading
import weakref

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)

_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()


def live_threads() -> list[QThread]:
    """QThreads made by `WorkerThread` that still exist and are running."""
    return [t for t in list(_THREADS) if shiboken6.isValid(t) and t.isRunning()]


class Worker(QObject):
    """Base class: override `work()`; it must return soon after `stop_event` is set."""

    failed = Signal(str)  # one sentence for the user
    finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.stop_event = threading.Event()

    def work(self) -> None:
        raise NotImplementedError

    @Slot()
    def run(self) -> None:
        try:
            self.work()
        except Exception as error:  # never let a worker die silently
            log.exception("%s failed", type(self).__name__)
            self.failed.emit(str(error) or type(error).__name__)
        finally:
            self.finished.emit()
            QThread.currentThread().quit()


class WorkerThread:
    """Owns one QThread running one `Worker`."""

    def __init__(self, worker: Worker, name: str) -> None:
        self.worker = worker
        self.thread = QThread()
        self.thread.setObjectName(name)
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.run)
        # The worker is deleted in its own thread as that thread ends (Qt runs deferred
        # deletes posted from `finished`), never later by Python's garbage collector in
        # whatever thread happens to trigger it.
        self.thread.finished.connect(worker.deleteLater)
        _THREADS.add(self.thread)
        self.started = False

    def start(self) -> None:
        self.started = True
        self.thread.start()

    @property
    def name(self) -> str:
        return self.thread.objectName() if shiboken6.isValid(self.thread) else ""

    @property
    def running(self) -> bool:
        return shiboken6.isValid(self.thread) and self.thread.isRunning()

    def request_stop(self) -> None:
        """Ask the worker to end and return at once; `thread.finished` fires when it has.

        Keep this object until then (a QThread deleted while running aborts the process),
        and call `stop()` after it to delete the thread.
        """
        self.worker.stop_event.set()
        if shiboken6.isValid(self.thread):
            self.thread.quit()

    def stop(self, timeout_ms: int = 3000) -> bool:
        """Ask the worker to end and wait for it; True when the thread is gone.

        A thread still busy after `timeout_ms` (e.g. loading a model) keeps running until it
        notices the event; call `stop` again later to wait for it.
        """
        self.worker.stop_event.set()
        if not shiboken6.isValid(self.thread):
            return True
        self.thread.quit()
        if not self.thread.wait(timeout_ms):
            return False
        self.thread.deleteLater()
        return True
