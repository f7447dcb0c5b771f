"""Frames captured after a moment, delivered without blocking the GUI thread.

Screens ask for "the first frame after the key press" or "the frames of the next second";
the GUI keeps painting meanwhile, and it works whether the camera publishes from its own
thread (the app) or from the GUI thread (tests, replays).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from eyetracker.app.live.frames import FrameProvider
from eyetracker.core.types import Frame


class FrameWaiter(QObject):
    """One request at a time: frames with timestamps after `after`, until enough have come.

    `collect(after, count=n)` ends after n frames; `collect(after, until=t)` ends with the
    first frame captured after t. Either way `on_done(frames)` runs once, also on timeout
    (with what came so far, perhaps nothing). `on_frame` sees each frame as it comes.
    """

    def __init__(self, provider: FrameProvider, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._provider = provider
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._finish)
        self._active = False
        provider.frame_ready.connect(self._pull)

    @property
    def active(self) -> bool:
        return self._active

    def collect(
        self,
        after: float,
        on_done: Callable[[list[Frame]], None],
        *,
        count: int | None = None,
        until: float | None = None,
        timeout_s: float = 1.0,
        on_frame: Callable[[Frame], None] | None = None,
    ) -> None:
        self.cancel()
        self._after, self._count, self._until = after, count, until
        self._on_done, self._on_frame = on_done, on_frame
        self._frames: list[Frame] = []
        self._active = True
        wait = timeout_s + (max(0.0, until - time.monotonic()) if until is not None else 0.0)
        self._timer.start(max(1, round(1000 * wait)))
        self._pull()

    def cancel(self) -> None:
        self._active = False
        self._timer.stop()

    def _pull(self, *_: object) -> None:
        # Read from the provider's history rather than the signal's argument: frames captured
        # after the moment but published before the request are not missed.
        while self._active:
            frame = self._provider.next_frame_after(self._after, timeout=0)
            if frame is None:
                return
            self._after = frame.timestamp
            if self._until is not None and frame.timestamp > self._until:
                self._finish()
                return
            self._frames.append(frame)
            if self._on_frame is not None:
                self._on_frame(frame)
            if self._count is not None and len(self._frames) >= self._count:
                self._finish()

    def _finish(self) -> None:
        if not self._active:
            return
        self.cancel()
        self._on_done(self._frames)
