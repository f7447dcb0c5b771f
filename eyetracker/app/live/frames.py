"""The frame provider: the one place every screen gets camera frames from.

The camera worker `publish()`es each frame it reads (from its own thread); screens either
listen to `frame_ready` or ask for a frame synchronously:

    provider.latest()                          # the newest frame, or None
    provider.next_frame_after(t, timeout=1.0)  # the first frame captured after time t
    provider.newest_frame_after(t, timeout)    # the newest frame captured after time t

`next_frame_after(time.monotonic(), ...)` is what measurement mode needs: the frame captured
right after the key press, never a stale one that was already buffered. Timestamps are
`Frame.timestamp`, i.e. `time.monotonic()` at capture.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from PySide6.QtCore import QObject, Signal

from eyetracker.core.types import Frame

# Frames kept so that "the first frame after t" is exact even if the caller woke up late:
# at 30 fps, a quarter of a second of history.
_HISTORY = 8


class FrameProvider(QObject):
    """Thread-safe holder of the most recent camera frames.

    `frame_ready(Frame)` is emitted once per published frame; connected GUI slots run in the
    GUI thread (queued). A slow GUI should read `latest()` on a timer instead of repainting
    once per signal.
    """

    frame_ready = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._changed = threading.Condition()
        self._frames: deque[Frame] = deque(maxlen=_HISTORY)

    def publish(self, frame: Frame) -> None:
        """Called by the camera worker for every frame; wakes every waiting reader."""
        with self._changed:
            self._frames.append(frame)
            self._changed.notify_all()
        self.frame_ready.emit(frame)

    def clear(self) -> None:
        """Forget buffered frames (the camera changed): readers wait for new ones."""
        with self._changed:
            self._frames.clear()

    def latest(self) -> Frame | None:
        with self._changed:
            return self._frames[-1] if self._frames else None

    def frame_rate(self) -> float | None:
        """Frames per second over the buffered frames (about a quarter second), or None."""
        with self._changed:
            if len(self._frames) < 2:
                return None
            span = self._frames[-1].timestamp - self._frames[0].timestamp
            return (len(self._frames) - 1) / span if span > 0 else None

    def next_frame_after(self, t: float, timeout: float) -> Frame | None:
        """The first frame whose capture timestamp is after `t`, waiting up to `timeout` s.

        Returns None when no such frame arrived in time (camera stopped or lost).
        """
        return self._wait_for(t, timeout, newest=False)

    def newest_frame_after(self, t: float, timeout: float) -> Frame | None:
        """The newest frame captured after `t` (frames in between are skipped), or None."""
        return self._wait_for(t, timeout, newest=True)

    def _wait_for(self, t: float, timeout: float, newest: bool) -> Frame | None:
        deadline = time.monotonic() + max(timeout, 0.0)
        with self._changed:
            while True:
                after = [frame for frame in self._frames if frame.timestamp > t]
                if after:
                    return after[-1] if newest else after[0]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._changed.wait(remaining)
