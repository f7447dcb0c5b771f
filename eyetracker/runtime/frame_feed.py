"""The one newest-wins hand-off between a camera and whoever reads its frames.

The camera `publish()`es every frame and never waits. The tracker reads through a
`FeedReader`: it takes the newest frame it has not taken yet, so nothing piles up and latency
stays bounded by one frame plus one processing step however slow the tracker is; the frames
it never took are counted as dropped. Screens ask for frames by capture time from a short
history instead:

    feed.latest()                          # the newest frame, or None
    feed.next_frame_after(t, timeout=1.0)  # the first frame captured after time t

Timestamps are `Frame.timestamp`, `time.monotonic()` at capture.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from eyetracker.core.types import Frame

# Frames kept so that "the first frame after t" is exact even if the caller woke up late:
# at 30 fps, a quarter of a second of history.
HISTORY = 8


class FrameFeed:
    """Thread-safe holder of one camera's most recent frames (see the module docstring)."""

    # A feed carries a camera's frames: one continuous scene (FrameSource.continuous).
    continuous = True

    def __init__(self, history: int = HISTORY) -> None:
        self._changed = threading.Condition()
        self._frames: deque[tuple[int, Frame]] = deque(maxlen=history)  # (number, frame)
        self._published = 0  # frames published so far; clear() does not reset it
        self._ended = False

    def publish(self, frame: Frame) -> None:
        """Called by the camera for every frame; wakes every waiting reader."""
        with self._changed:
            self._published += 1
            self._frames.append((self._published, frame))
            self._changed.notify_all()

    def end(self) -> None:
        """No more frames will come (the source ended): readers stop waiting."""
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    @property
    def ended(self) -> bool:
        return self._ended

    def clear(self) -> None:
        """Forget buffered frames (the camera changed): readers wait for new ones."""
        with self._changed:
            self._frames.clear()

    def latest(self) -> Frame | None:
        with self._changed:
            return self._frames[-1][1] if self._frames else None

    def frame_rate(self) -> float | None:
        """Frames per second over the buffered frames (about a quarter second), or None."""
        with self._changed:
            if len(self._frames) < 2:
                return None
            span = self._frames[-1][1].timestamp - self._frames[0][1].timestamp
            return (len(self._frames) - 1) / span if span > 0 else None

    def next_frame_after(self, t: float, timeout: float) -> Frame | None:
        """The first frame whose capture timestamp is after `t`, waiting up to `timeout` s.

        Returns None when no such frame arrived in time (camera stopped or lost).
        """
        deadline = time.monotonic() + max(timeout, 0.0)
        with self._changed:
            while True:
                after = [frame for _, frame in self._frames if frame.timestamp > t]
                if after:
                    return after[0]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._changed.wait(remaining)

    def reader(self, on_drop: Callable[[int], object] | None = None) -> FeedReader:
        """A reader of the frames published from now on; `on_drop(n)` hears of the `n`
        frames it skipped each time it takes a newer one."""
        with self._changed:
            return FeedReader(self, self._published, on_drop)

    def _take_newer(self, reader: FeedReader, timeout: float | None) -> tuple[int, Frame] | None:
        """The newest (number, frame) published after the reader's last one, waiting up to
        `timeout` s; None on timeout, once the reader is closed, or once the feed has ended
        with nothing new."""

        def newer() -> bool:
            return bool(self._frames) and self._frames[-1][0] > reader.taken

        with self._changed:
            self._changed.wait_for(lambda: reader.closed or self._ended or newer(), timeout)
            if reader.closed or not newer():
                return None
            return self._frames[-1]

    def _wake(self) -> None:
        with self._changed:
            self._changed.notify_all()


class FeedReader:
    """One consumer's place in a `FrameFeed`: `take()` gives the newest frame not taken yet."""

    def __init__(
        self, feed: FrameFeed, taken: int, on_drop: Callable[[int], object] | None
    ) -> None:
        self.feed = feed
        self.taken = taken  # the number of the last frame taken (or skipped)
        self.dropped = 0  # frames published after the reader began and never taken
        self.closed = False
        self._on_drop = on_drop

    def take(self, timeout: float | None = None) -> Frame | None:
        """The newest frame published since the last one taken, waiting up to `timeout` s
        (forever with None); None on timeout, after `close()`, or when the feed has ended."""
        newest = self.feed._take_newer(self, timeout)
        if newest is None:
            return None
        number, frame = newest
        skipped = number - self.taken - 1
        self.taken = number
        if skipped:
            self.dropped += skipped
            if self._on_drop is not None:
                self._on_drop(skipped)
        return frame

    def close(self) -> None:
        """Stop reading: a waiting `take()` returns None at once."""
        self.closed = True
        self.feed._wake()
