"""Work that would freeze the window, run in a worker thread with the answer as a signal.

    task = Task(create_backend, path, "auto", "cpu", name="load-model")
    task.done.connect(use_backend)     # in the GUI thread, once the thread has ended
    task.raised.connect(show_problem)  # the exception the call raised
    task.start()

A `Job` runs any `Worker` (threads.py) and keeps itself referenced until its thread has
ended, so whoever started it may forget it, close its window, or `cancel()` it without
waiting: the GUI thread never blocks on a worker. `done`, `raised` and `ended` arrive after
the thread is gone, so a test that saw them leaves no thread behind. Before the application
quits, `wait_for_jobs` waits for every job still running.

Import in the GUI thread whatever the call will import (see the note in workers.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from eyetracker.app.threads import Worker, WorkerThread
from eyetracker.core.errors import UserError

log = logging.getLogger(__name__)

_JOBS: set[Job] = set()  # started and not yet ended: they must not be collected
_QUIT_HOOKED: list[bool] = []


class Job(QObject):
    """One `Worker` in its own QThread, alive until that thread has ended (see module docstring)."""

    ended = Signal()  # the thread is gone

    def __init__(self, worker: Worker, name: str) -> None:
        super().__init__()  # no parent: nothing may delete a job while its thread runs
        self.worker = worker
        self.stop_event: threading.Event = worker.stop_event
        self.cancelled = False
        self._thread = WorkerThread(worker, name)
        # Queued to this object's (the GUI) thread: runs after the worker's last signal.
        self._thread.thread.finished.connect(self._thread_finished)

    @property
    def name(self) -> str:
        return self._thread.name

    @property
    def running(self) -> bool:
        """Started and not yet ended (ended: `ended` has fired or is about to)."""
        return self in _JOBS

    def start(self) -> Job:
        _hook_quit()
        _JOBS.add(self)
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the worker to stop and drop its answer; returns at once (`ended` follows)."""
        self.cancelled = True
        self._thread.request_stop()

    def wait(self, timeout_ms: int) -> bool:
        """Block until the thread has ended (at exit only); True when it has."""
        return self._thread.stop(timeout_ms)

    @Slot()
    def _thread_finished(self) -> None:
        self._thread.stop()  # the thread has finished: no real wait, then deleteLater
        _JOBS.discard(self)
        if not self.cancelled:
            self.deliver()
        self.ended.emit()

    def deliver(self) -> None:
        """Subclasses: emit the job's answer (the thread has ended, the job was not cancelled)."""


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


class Task(Job):
    """`function(*args)` in a worker thread: `done(result)` or `raised(exception)` after it."""

    done = Signal(object)
    raised = Signal(object)

    def __init__(self, function: Callable[..., Any], *args: Any, name: str = "task") -> None:
        outcome = _Outcome()
        super().__init__(_Call(function, args, outcome), name)
        self._outcome = outcome

    def deliver(self) -> None:
        if self._outcome.error is not None:
            self.raised.emit(self._outcome.error)
        else:
            self.done.emit(self._outcome.result)


def running_jobs() -> list[Job]:
    return list(_JOBS)


def wait_for_jobs(timeout_ms: int = 15000) -> None:
    """Cancel every running job and wait for its thread (the application is quitting)."""
    for job in list(_JOBS):
        job.cancel()
        if job.wait(timeout_ms):
            _JOBS.discard(job)
        else:
            log.warning("%s was still running at exit", job.name)


def _hook_quit() -> None:
    app = QCoreApplication.instance()
    if app is not None and not _QUIT_HOOKED:
        _QUIT_HOOKED.append(True)
        app.aboutToQuit.connect(wait_for_jobs)
