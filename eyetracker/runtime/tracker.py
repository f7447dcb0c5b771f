"""The real-time engine: frames in, gaze samples out, no Qt.

The processing loop sends the newest frame of a `FrameFeed` (newest wins, drops counted)
through the `FramePipeline` (usable-frame check, face, forward pass, statistics, smoothing).
The feed is either the app's, filled by its camera thread, or the tracker's own, filled by a
camera thread it starts for its source:

    tracker = Tracker(source, backend, statistics, GazeSmoother(), on_sample=print)
    tracker.start(); ...; tracker.stop()    # or tracker.run() in the calling thread

`process(frame)` does one frame synchronously (replay, tests). Callbacks are plain Python
functions called in the processing thread; the app forwards them as Qt signals.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from eyetracker.capture.base import EndOfStream, FrameSource, SourceError, SourceLost
from eyetracker.core.smoothing import GazeSmoother
from eyetracker.core.types import Frame, GazeSample
from eyetracker.inference.backends import Backend
from eyetracker.inference.pipeline import FramePipeline
from eyetracker.inference.session_statistics import SessionStatistics
from eyetracker.runtime.frame_feed import FeedReader, FrameFeed

_POLL_S = 0.1  # how often a waiting loop checks the stop event


class Tracker:
    """Runs `backend` on frames from `source` and emits `GazeSample`s.

    `source`: a `FrameSource` (opened by the caller) the tracker reads itself, or the
    `FrameFeed` of a camera another thread reads (the app's camera worker).

    `clock` must be the clock of `Frame.timestamp` (time.monotonic): latency is their difference.
    """

    def __init__(
        self,
        source: FrameSource | FrameFeed,
        backend: Backend,
        statistics: SessionStatistics | None,
        smoother: GazeSmoother | None = None,
        on_sample: Callable[[GazeSample], object] | None = None,
        on_error: Callable[[str], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
        stop_event: threading.Event | None = None,
        frame_time: Callable[[Frame], float] | None = None,
    ) -> None:
        self.source = source
        self.backend = backend
        self.statistics = statistics
        self.pipeline = FramePipeline(
            backend,
            video=source.continuous,
            smoother=smoother,
            statistics=statistics,
            clock=clock,
            frame_time=frame_time,
        )
        self.timings = self.pipeline.timings
        self.on_sample = on_sample
        self.on_error = on_error
        self.clock = clock
        # Share this event with a ReconnectingSource(stop=...) so stop() also ends its waits.
        self.stop_event = stop_event or threading.Event()
        self.latest: GazeSample | None = None
        self.ended = False  # the source reached its end (or failed for good)
        self.error: BaseException | None = None  # what ended a start()ed thread abnormally
        self._thread: threading.Thread | None = None
        self._camera_thread: threading.Thread | None = None
        self._reader: FeedReader | None = None

    def process(self, frame: Frame) -> GazeSample:
        """One frame through the pipeline, synchronously."""
        self.latest = self.pipeline.sample(frame)
        return self.latest

    # --- loops -----------------------------------------------------------------------------

    def run(self, every_frame: bool = False) -> None:
        """Track until `stop()` or the end of the source, in the calling thread.

        By default the newest frame is processed (frames arriving while one is processed are
        dropped and counted); a `FrameSource` is then read by a camera thread of the
        tracker's own. `every_frame=True` reads the source in this thread and processes every
        frame in order (replay as fast as possible).
        """
        if isinstance(self.source, FrameFeed):
            self._follow(self.source, self._reader_of(self.source))
        elif every_frame:
            while not self.stop_event.is_set():
                frame = self._read()
                if frame is None:
                    break
                self._emit(self.process(frame))
        else:
            feed = FrameFeed()
            reader = self._reader_of(feed)  # before the first frame is published
            self._camera_thread = threading.Thread(
                target=self._camera_loop, args=(feed,), name="tracker-camera", daemon=True
            )
            self._camera_thread.start()
            try:
                self._follow(feed, reader)
            finally:
                feed.end()  # the camera thread ends after its current read
                self._camera_thread.join(timeout=2.0)

    def _reader_of(self, feed: FrameFeed) -> FeedReader:
        self._reader = feed.reader(on_drop=self.timings.count_drop)
        return self._reader  # stop() closes it to wake the wait at once

    def _follow(self, feed: FrameFeed, reader: FeedReader) -> None:
        """Process the feed's newest frame, again and again, until stopped or it ends."""
        try:
            while not (self.stop_event.is_set() or reader.closed):
                frame = reader.take(timeout=_POLL_S)
                if frame is not None:
                    self._emit(self.process(frame))
                elif feed.ended:
                    break
        finally:
            reader.close()

    def _camera_loop(self, feed: FrameFeed) -> None:
        try:
            while not (self.stop_event.is_set() or feed.ended):
                frame = self._read()
                if frame is None:
                    break
                feed.publish(frame)
        finally:
            feed.end()

    def _read(self) -> Frame | None:
        """The next frame, or None when tracking should end (end of stream, lost for good)."""
        while not self.stop_event.is_set():
            started = self.clock()
            try:
                frame = self.source.read()
            except EndOfStream:
                self.ended = True
                return None
            except SourceLost as error:
                self._report(str(error))
                if self.source.reopens:
                    continue  # the source reopens on the next read
                self.ended = True
                return None
            except SourceError as error:
                self._report(str(error))
                self.ended = True
                return None
            self.timings.add("capture", self.clock() - started)
            return frame
        return None

    def _emit(self, sample: GazeSample) -> None:
        if self.on_sample is not None:
            self.on_sample(sample)

    def _report(self, message: str) -> None:
        if self.on_error is not None:
            self.on_error(message)

    # --- own thread ------------------------------------------------------------------------

    def start(self, every_frame: bool = False) -> None:
        """Run in a thread of its own; `stop()` ends it."""
        if self.running:
            raise RuntimeError("the tracker is already running")
        self.stop_event.clear()
        self.error = None
        self._thread = threading.Thread(
            target=self._run_guarded, args=(every_frame,), name="tracker", daemon=True
        )
        self._thread.start()

    def _run_guarded(self, every_frame: bool) -> None:
        try:
            self.run(every_frame)
        except Exception as error:  # a bug or a backend failure: keep it, tell the user
            self.error = error
            self._report(f"Tracking stopped: {error}")

    def stop(self, timeout: float = 2.0) -> bool:
        """Ask the threads to end and wait up to `timeout` s; True when none is left running."""
        self.stop_event.set()
        if self._reader is not None:
            self._reader.close()
        deadline = time.monotonic() + timeout
        for thread in (self._thread, self._camera_thread):
            if thread is not None and thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
        return not self.running

    @property
    def running(self) -> bool:
        return any(t is not None and t.is_alive() for t in (self._thread, self._camera_thread))
