"""Live tracking for the command line (`eyetracker stream`, `eyetracker record`).

`open_live_source("webcam" | "webcam:1" | "synthetic:reading")` builds a source that delivers
frames at its own pace; `track_live(...)` runs the threaded tracker over it until the given
seconds have passed, the source ends, or Ctrl-C (KeyboardInterrupt, raised to the caller).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from eyetracker.capture.base import FrameSource
from eyetracker.capture.spec import parse_source_spec
from eyetracker.core.errors import UserError
from eyetracker.core.smoothing import GazeSmoother
from eyetracker.core.types import Frame, GazeSample
from eyetracker.inference.backends import Backend
from eyetracker.inference.session_statistics import SessionStatistics
from eyetracker.runtime.tracker import Tracker

LIVE_KINDS = ("webcam", "synthetic")
LIVE_SOURCES = "webcam, webcam:<index or device>, synthetic:<script>"


def open_live_source(
    spec: str = "webcam", seconds: float | None = None, seed: int = 0, fps: float = 30.0
) -> FrameSource:
    """A (not yet opened) real-time source: a webcam or the synthetic camera.

    A synthetic source ends after `seconds` (None: never); a webcam runs until stopped.
    """
    if seconds is not None and not seconds > 0:
        raise UserError(f"--seconds must be positive, not {seconds:g}.")
    return parse_source_spec(spec, LIVE_KINDS, f"one of {LIVE_SOURCES}").create(
        webcam={"fps": fps}, synthetic={"seed": seed, "fps": fps, "duration": seconds}
    )


class TeeSource(FrameSource):
    """Passes each frame of `source` to `on_frame` (in the reading thread) before the tracker."""

    def __init__(self, source: FrameSource, on_frame: Callable[[Frame], object]) -> None:
        self.source = source
        self.on_frame = on_frame
        self.name = source.name

    def open(self) -> None:
        self.source.open()

    def read(self) -> Frame:
        frame = self.source.read()
        self.on_frame(frame)
        return frame

    def close(self) -> None:
        self.source.close()

    @property
    def fps(self) -> float | None:
        return self.source.fps

    @property
    def resolution(self) -> tuple[int, int] | None:
        return self.source.resolution

    @property
    def continuous(self) -> bool:
        return self.source.continuous

    @property
    def reopens(self) -> bool:
        return self.source.reopens


def track_live(
    source: FrameSource,
    backend: Backend,
    statistics: SessionStatistics | None,
    on_sample: Callable[[GazeSample], object],
    seconds: float | None = None,
    on_error: Callable[[str], object] | None = None,
    on_open: Callable[[FrameSource], object] | None = None,
) -> Tracker:
    """Open `source`, call `on_open(source)`, track (newest frame wins) in this thread.

    Ends after `seconds` (None: until the source ends or Ctrl-C); returns the tracker for its
    timings. A KeyboardInterrupt reaches the caller after the threads have been stopped.
    """
    tracker = Tracker(
        source, backend, statistics, GazeSmoother(), on_sample=on_sample, on_error=on_error
    )
    timer = threading.Timer(seconds, tracker.stop_event.set) if seconds else None
    with source:
        if on_open is not None:
            on_open(source)
        if timer is not None:
            timer.daemon = True
            timer.start()
        try:
            tracker.run()
        finally:
            if timer is not None:
                timer.cancel()
            tracker.stop()
    return tracker
