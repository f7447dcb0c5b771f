"""Background work, the one way the app does it: a `Worker` runs on a `WorkerThread`.

A `Worker` is a QObject whose `work()` runs (or loops) until its `threading.Event` is set. A
`WorkerThread` moves it to a fresh QThread, starts it, and keeps itself referenced until that
thread has ended, so whoever started it may forget it, close its window, or `cancel()` it
without waiting: the GUI thread never blocks on a worker. `ended` (and a `WorkerCall`'s `done`
or `raised`) arrives after the thread is gone, so a test that saw it leaves no thread behind.
Before the application quits, `wait_for_workers` waits for every worker still running.

    call = WorkerCall(create_backend, path, "auto", "cpu", name="load-model")
    call.done.connect(use_backend)     # in the GUI thread, once the thread has ended
    call.raised.connect(show_problem)  # the exception the call raised
    call.start()

Every QThread made here is remembered (weakly) so tests can fail on one left running.
Import in the GUI thread whatever a worker will import (see the note in live/workers.py).

superqt's thread workers (napari's) are not used: they run on the global QThreadPool, while
the app needs a QThread per worker that it can see end (a new camera opens only once the old
one's thread has let go of the device; tests fail on a thread left running) and deleted in its
own thread, and they would add superqt and qtpy to the bundle for about as much code.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from eyetracker.core.errors import UserError

log = logging.getLogger(__name__)

_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()
_RUNNING: set[WorkerThread] = set()  # started and not yet ended: they must not be collected
_QUIT_HOOKED: list[bool] = []


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


class WorkerThread(QObject):
    """One `Worker` in its own QThread, alive until that thread has ended (module docstring)."""

    ended = Signal()  # the thread is gone

    def __init__(self, worker: Worker, name: str) -> None:
        super().__init__()  # no parent: nothing may delete it while its thread runs
        self.worker = worker
        self.stop_event: threading.Event = worker.stop_event
        self.started = False
        self.cancelled = False
        self.name = name
        self.thread = QThread()
        self.thread.setObjectName(name)
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.run)
        # The worker is deleted in its own thread as that thread ends (Qt runs deferred
        # deletes posted from `finished`), never later by Python's garbage collector in
        # whatever thread happens to trigger it.
        self.thread.finished.connect(worker.deleteLater)
        # Queued to this object's (the GUI) thread: runs after the worker's last signal.
        self.thread.finished.connect(self._thread_finished)
        _THREADS.add(self.thread)

    @property
    def running(self) -> bool:
        """Started and not yet ended (ended: `ended` has fired or is about to)."""
        return self in _RUNNING

    def start(self) -> WorkerThread:
        _hook_quit()
        _RUNNING.add(self)
        self.started = True
        self.thread.start()
        return self

    def cancel(self) -> None:
        """Ask the worker to stop and drop its answer; returns at once (`ended` follows)."""
        self.cancelled = True
        self.stop_event.set()
        if shiboken6.isValid(self.thread):
            self.thread.quit()

    def wait(self, timeout_ms: int) -> bool:
        """Ask the worker to stop and block until its thread has ended (at exit only); True
        when it has. A thread still busy (loading a model) runs on until it notices."""
        self.stop_event.set()
        if not shiboken6.isValid(self.thread):
            return True
        self.thread.quit()
        if not self.thread.wait(timeout_ms):
            return False
        self.thread.deleteLater()
        return True

    @Slot()
    def _thread_finished(self) -> None:
        self.wait(3000)  # the thread has finished: no real wait, then deleteLater
        _RUNNING.discard(self)
        if not self.cancelled:
            self.deliver()
        self.ended.emit()

    def deliver(self) -> None:
        """Subclasses: emit the answer (the thread has ended, the worker was not cancelled)."""


class _Outcome:
    result: Any = None
    error: BaseException | None = None


class _Call(Worker):
    def __init__(self, function: Callable[..., Any], args: tuple, outcome: _Outcome) -> None:
        super().__init__()
        self.function, self.args, self.outcome = function, args, outcome

    def work(self) -> None:
        try:
            self.outcome.result = self.function(*self.args)
        except Exception as error:  # handed to the GUI thread, which says what to do
            if not isinstance(error, UserError):
                log.exception("%s failed", getattr(self.function, "__name__", self.function))
            self.outcome.error = error


class WorkerCall(WorkerThread):
    """`function(*args)` on a worker thread: `done(result)` or `raised(exception)` after it."""

    done = Signal(object)
    raised = Signal(object)

    def __init__(self, function: Callable[..., Any], *args: Any, name: str = "call") -> None:
        outcome = _Outcome()
        super().__init__(_Call(function, args, outcome), name)
        self._outcome = outcome

    def deliver(self) -> None:
        if self._outcome.error is not None:
            self.raised.emit(self._outcome.error)
        else:
            self.done.emit(self._outcome.result)


def wait_for_workers(timeout_ms: int = 15000) -> None:
    """Cancel every running worker and wait for its thread (the application is quitting)."""
    for thread in list(_RUNNING):
        thread.cancel()
        if thread.wait(timeout_ms):
            _RUNNING.discard(thread)
        else:
            log.warning("%s was still running at exit", thread.name)


def _hook_quit() -> None:
    app = QCoreApplication.instance()
    if app is not None and not _QUIT_HOOKED:
        _QUIT_HOOKED.append(True)
        app.aboutToQuit.connect(wait_for_workers)
