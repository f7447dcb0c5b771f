"""A wrapper that survives a lost camera: it reports the loss and reopens with backoff."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

from eyetracker.capture.base import (
    EndOfStream,
    FrameSource,
    SourceError,
    SourceLost,
)
from eyetracker.core.types import Frame

# How often an external stop event is checked while waiting between attempts.
_STOP_POLL_S = 0.05


@dataclasses.dataclass(frozen=True)
class SourceEvent:
    """Something the user should see in the status bar.

    `kind` is "lost", "retry_failed", "reconnected" or "gave_up"; `time` is the wrapper's
    clock; `attempt` counts reopen attempts since the loss; `detail` is the underlying error.
    """

    kind: str
    message: str
    time: float
    attempt: int = 0
    detail: str = ""


class ReconnectingSource(FrameSource):
    """Wraps the source `inner_factory()` builds; on `SourceLost` it reopens a fresh one.

    Waits between attempts follow `backoff` (the last value repeats). `read()` keeps trying
    until it gets a frame, until `close()` or the `stop` event ends it (it then raises
    `EndOfStream`, so `for frame in source` simply ends), or, with `max_wait` seconds set,
    until that long has passed since the loss (it then raises `SourceLost`; the next `read()`
    starts over). Without an injected `sleep`, waits end as soon as `close()` is called, so
    another thread can stop a tracker promptly. Failing to open at first raises as usual.
    """

    def __init__(
        self,
        inner_factory: Callable[[], FrameSource],
        backoff: Sequence[float] = (0.5, 1.0, 2.0, 5.0),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] | None = None,
        on_event: Callable[[SourceEvent], object] | None = None,
        max_wait: float | None = None,
        stop: threading.Event | None = None,
        description: str | None = None,
    ) -> None:
        if not backoff or any(delay < 0 for delay in backoff):
            raise ValueError("backoff must be a non-empty sequence of delays >= 0")
        self.inner_factory = inner_factory
        self.backoff = tuple(float(delay) for delay in backoff)
        self.max_wait = max_wait
        self.on_event = on_event
        self.events: deque[SourceEvent] = deque(maxlen=100)
        self.reconnects = 0
        self.name = description or "The source"
        self._description_given = description is not None
        self._clock = clock
        self._sleep = sleep
        self._stop = stop
        self._closed = threading.Event()
        self._lock = threading.RLock()
        self._inner: FrameSource | None = None
        self._opened = False
        self._lost_at: float | None = None
        self._count = 0
        self._fps: float | None = None
        self._resolution: tuple[int, int] | None = None

    @property
    def fps(self) -> float | None:
        inner = self._inner
        return inner.fps if inner is not None else self._fps

    @property
    def resolution(self) -> tuple[int, int] | None:
        inner = self._inner
        return inner.resolution if inner is not None else self._resolution

    @property
    def reconnecting(self) -> bool:
        """True between a loss and the next frame."""
        return self._opened and self._inner is None

    @property
    def reopens(self) -> bool:
        """Until `close()`: a read after a loss it gave up on starts reopening again."""
        return self._opened

    def open(self) -> None:
        with self._lock:
            if self._opened:
                return
            self._closed.clear()
            self._inner = self._open_inner()
            self._opened = True
            self._lost_at = None
            self._count = 0

    def read(self) -> Frame:
        while True:
            with self._lock:
                if not self._opened:
                    raise SourceLost(f"{self.name} is not open; open it before reading frames.")
                self._raise_if_stopped()
                inner = self._inner
                if inner is not None:
                    try:
                        frame = inner.read()
                    except SourceLost as error:
                        self._drop_inner()
                        self._lost_at = self._clock()
                        self._emit(
                            "lost",
                            f"{self.name} was lost (unplugged or taken by another program); "
                            "reconnecting…",
                            detail=str(error),
                        )
                    else:
                        frame = dataclasses.replace(frame, index=self._count)
                        self._count += 1
                        return frame
            self._reconnect()

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            self._drop_inner()
            self._opened = False

    def _reconnect(self) -> None:
        if self._lost_at is None:  # a new cycle after an earlier one gave up
            self._lost_at = self._clock()
        attempt = 0
        while True:
            delay = self.backoff[min(attempt, len(self.backoff) - 1)]
            if self.max_wait is not None:
                remaining = self._lost_at + self.max_wait - self._clock()
                if remaining <= 0:
                    self._give_up(attempt)
                delay = min(delay, remaining)
            self._wait(delay)
            self._raise_if_stopped()
            attempt += 1
            with self._lock:
                self._raise_if_stopped()
                try:
                    inner = self._open_inner()
                except SourceError as error:
                    next_delay = self.backoff[min(attempt, len(self.backoff) - 1)]
                    self._emit(
                        "retry_failed",
                        f"{self.name} is still unavailable; trying again in {next_delay:g} s.",
                        attempt=attempt,
                        detail=str(error),
                    )
                    continue
                self._inner = inner
            elapsed = self._clock() - self._lost_at
            self._lost_at = None
            self.reconnects += 1
            self._emit("reconnected", f"{self.name} is back after {elapsed:.1f} s.", attempt)
            return

    def _give_up(self, attempt: int) -> None:
        self._lost_at = None
        message = (
            f"{self.name} could not be reopened within {self.max_wait:g} s; check that it is "
            "plugged in and not used by another program."
        )
        self._emit("gave_up", message, attempt)
        raise SourceLost(message)

    def _open_inner(self) -> FrameSource:
        inner = self.inner_factory()
        try:
            inner.open()
        except BaseException:
            inner.close()
            raise
        if not self._description_given:
            self.name = getattr(inner, "name", self.name)
        self._fps, self._resolution = inner.fps, inner.resolution
        return inner

    def _drop_inner(self) -> None:
        inner, self._inner = self._inner, None
        if inner is not None:
            inner.close()

    def _wait(self, seconds: float) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
            return
        deadline = time.monotonic() + seconds
        while not self._stopped():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            # Wake promptly on close(); poll an external stop event a few times a second.
            self._closed.wait(min(remaining, _STOP_POLL_S) if self._stop else remaining)

    def _stopped(self) -> bool:
        return self._closed.is_set() or (self._stop is not None and self._stop.is_set())

    def _raise_if_stopped(self) -> None:
        if self._stopped():
            raise EndOfStream(f"{self.name} was stopped.")

    def _emit(self, kind: str, message: str, attempt: int = 0, detail: str = "") -> None:
        event = SourceEvent(kind, message, self._clock(), attempt, detail)
        self.events.append(event)
        if self.on_event is not None:
            self.on_event(event)
