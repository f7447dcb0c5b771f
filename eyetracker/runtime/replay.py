"""Replaying a recording through the tracker into a CSV, one row per frame.

`open_replay_source("clip.mp4" | "frames/" | "synthetic:reading", ...)` picks the source;
`replay(...)` runs the tracker over it either synchronously (every frame, as fast as the
machine goes) or at the recording's own pace with the threaded tracker (frames may drop, as
live). Rows are those of a recording's gaze.csv (eyetracker.outputs.gaze_csv), written by the
gaze sink `GazeCsvFile` through core/atomic.py: the output file is the earlier one until the
new one is complete, never a mix or a half row. A replay that fails or is interrupted (Ctrl-C) still writes its rows so far; a
killed one leaves the output as it was.
"""

from __future__ import annotations

import codecs
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eyetracker.capture.base import FrameSource
from eyetracker.capture.spec import parse_source_spec
from eyetracker.core.atomic import AtomicFile
from eyetracker.core.errors import UserError
from eyetracker.core.metrics import error_pct
from eyetracker.core.smoothing import GazeSmoother
from eyetracker.core.types import Frame, GazeSample
from eyetracker.inference.backends import Backend
from eyetracker.inference.session_statistics import SessionStatistics
from eyetracker.outputs.gaze_csv import GazeCsvWriter
from eyetracker.runtime.tracker import Tracker

REPLAY_KINDS = ("video", "folder", "synthetic")
REPLAY_SOURCES = "a video file, an image folder or synthetic:<script>"


def open_replay_source(
    spec: str, realtime: bool = False, seconds: float = 10.0, seed: int = 0, fps: float = 30.0
) -> FrameSource:
    """A (not yet opened) source for `spec`: a video file, an image folder or `synthetic:NAME`."""
    parsed = parse_source_spec(spec, REPLAY_KINDS, REPLAY_SOURCES)
    if parsed.kind == "synthetic" and not seconds > 0:
        raise UserError(f"--seconds must be positive, not {seconds:g}.")
    return parsed.create(
        folder={"realtime": realtime, "fps": fps},
        video={"realtime": realtime},
        synthetic={"seed": seed, "fps": fps, "realtime": realtime, "duration": seconds},
    )


def expected_frames(source: FrameSource) -> int | None:
    """How many frames an opened `source` will give, where it can tell (None: unknown)."""
    duration, fps = getattr(source, "duration", None), source.fps
    if isinstance(duration, int | float) and fps:  # the synthetic camera
        return max(1, round(duration * fps))
    files = getattr(source, "files", None)  # an image folder
    if isinstance(files, list) and files:
        return len(files)
    path = getattr(source, "path", None)  # a video file
    if isinstance(path, Path) and path.is_file():
        import cv2

        capture = cv2.VideoCapture(str(path))
        count = capture.get(cv2.CAP_PROP_FRAME_COUNT)
        capture.release()
        return int(count) if math.isfinite(count) and count > 0 else None
    return None


def recording_time(frame: Frame, fps: float = 30.0) -> float:
    """The frame's position in its recording in seconds: from the source where it says
    (video files, the synthetic camera), else the frame's index at `fps` (image folders)."""
    for key in ("video_time", "time"):
        value = frame.meta.get(key)
        if isinstance(value, int | float) and math.isfinite(value):
            return float(value)
    return frame.index / fps


class GazeCsvFile:
    """The replay's gaze CSV as a gaze sink (outputs/streams/base.py GazeSink): rows go to a
    new version of `path` that replaces it at `stop`; `discard` leaves the earlier file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.rows = 0
        self._file: AtomicFile | None = None
        self._writer: GazeCsvWriter | None = None

    def describe(self) -> str:
        return f"gaze CSV: {self.rows} rows into {self.path}"

    def start(self) -> None:
        """An OSError when the folder or the file cannot be made."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = AtomicFile(self.path, durable=True)
        text = codecs.getwriter("utf-8")(self._file.handle)
        self._writer = GazeCsvWriter(text, start=time.monotonic())

    def publish(self, sample: GazeSample) -> None:
        if self._writer is not None:
            self._writer.write(sample)
            self.rows += 1

    def stop(self) -> None:
        """Replace `path` with the rows written; idempotent; an OSError when it cannot."""
        file, self._file, self._writer = self._file, None, None
        if file is not None:
            file.commit()

    def discard(self) -> None:
        file, self._file, self._writer = self._file, None, None
        if file is not None:
            file.discard()


@dataclass
class ReplaySummary:
    frames: int
    valid: int
    error_pct: float | None  # mean over valid samples with a known truth
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    dropped: int
    timings: dict

    def to_json(self) -> dict:
        return dict(self.__dict__)


def replay(
    source: FrameSource,
    backend: Backend,
    statistics: SessionStatistics | None,
    out: str | os.PathLike[str],
    realtime: bool = False,
    smoother: GazeSmoother | None = None,
    on_error: Callable[[str], object] | None = None,
    on_sample: Callable[[GazeSample], object] | None = None,
) -> ReplaySummary:
    """Track every frame of `source` (or, with `realtime`, the newest at the source's pace).

    `on_sample` also sees each sample after its row is written (e.g. GazeStreams.publish).
    A UserError when `out` cannot be written; an error of the tracking itself is raised
    after the rows before it are written.
    """
    rows = GazeCsvFile(out)
    errors: list[float] = []
    counts = {"valid": 0}

    def record(sample: GazeSample) -> None:
        rows.publish(sample)
        if on_sample is not None:
            on_sample(sample)
        if sample.valid:
            counts["valid"] += 1
            if sample.truth is not None and sample.point is not None:
                point, truth = sample.point, sample.truth
                errors.append(
                    float(error_pct(np.array([point.x, point.y]), np.array([truth.x, truth.y])))
                )

    tracker = Tracker(
        source,
        backend,
        statistics,
        smoother if smoother is not None else GazeSmoother(),
        on_sample=record,
        on_error=on_error,
        frame_time=lambda frame: recording_time(frame, source.fps or 30.0),
    )
    stopped_by: list[BaseException] = []
    try:
        rows.start()
        try:
            with source:
                tracker.run(every_frame=not realtime)
        except OSError:
            rows.discard()  # a failed write (a full disk): the earlier file stays as it was
            raise
        except BaseException as error:  # raised below, once the rows before it are written
            stopped_by.append(error)
        rows.stop()
    except OSError as error:
        reason = (error.strerror or str(error)).rstrip(".").lower()
        raise UserError(f"Cannot write {out} ({reason}); choose another --out.") from None
    if stopped_by:
        raise stopped_by[0]
    timings = tracker.timings.to_json()
    latency = timings["stages_ms"]["latency"]
    return ReplaySummary(
        frames=rows.rows,
        valid=counts["valid"],
        error_pct=float(np.mean(errors)) if errors else None,
        latency_p50_ms=latency["p50"],
        latency_p95_ms=latency["p95"],
        dropped=timings["dropped"],
        timings=timings,
    )
