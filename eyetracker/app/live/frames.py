"""The frame provider: the one place every screen and the tracker get camera frames from.

The camera worker `publish()`es each frame it reads (from its own thread) into the provider's
`FrameFeed` (eyetracker/runtime/frame_feed.py), the one newest-wins hand-off: the tracker
reads the newest frame from it directly. Screens either listen to `frame_ready` or ask for a
frame synchronously:

    provider.latest()                          # the newest frame, or None
    provider.next_frame_after(t, timeout=1.0)  # the first frame captured after time t

`next_frame_after(time.monotonic(), ...)` is what measurement mode needs: the frame captured
right after the key press, never a stale one that was already buffered.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from eyetracker.core.types import Frame
from eyetracker.runtime.frame_feed import FrameFeed


class FrameProvider(QObject):
    """The camera's `FrameFeed` with a Qt signal per frame.

    `frame_ready(Frame)` is emitted once per published frame; connected GUI slots run in the
    GUI thread (queued). A slow GUI should read `latest()` on a timer instead of repainting
    once per signal.
    """

    frame_ready = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.feed = FrameFeed()

    def publish(self, frame: Frame) -> None:
        """Called by the camera worker for every frame; wakes every waiting reader."""
        self.feed.publish(frame)
        self.frame_ready.emit(frame)

    def clear(self) -> None:
        """Forget buffered frames (the camera changed): readers wait for new ones."""
        self.feed.clear()

    def latest(self) -> Frame | None:
        return self.feed.latest()

    def frame_rate(self) -> float | None:
        """Frames per second over the buffered frames (about a quarter second), or None."""
        return self.feed.frame_rate()

    def next_frame_after(self, t: float, timeout: float) -> Frame | None:
        """The first frame captured after `t`, waiting up to `timeout` s; None if none came."""
        return self.feed.next_frame_after(t, timeout)
