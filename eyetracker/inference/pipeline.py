"""The one frame path: camera frame -> usable? -> face -> network input -> gaze point.

    pipeline = FramePipeline(backend, video=True, smoother=GazeSmoother())
    sample = pipeline.sample(frame)      # GazeSample: smoothed point, raw point, or why none

Tracking, calibration, validation, the measurement's face check, replay and the benchmarks
all go through a `FramePipeline`; `evaluate` too, from a dataset's inputs prepared once by
the same front end (`Preprocessing.front_end`, image mode) through `predict_batch`, so a
frame gives the same raw point wherever it is used. One pipeline serves one stream of
frames: its front end may track the face from frame to frame.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from eyetracker.core.metrics import on_screen
from eyetracker.core.smoothing import GazeSmoother
from eyetracker.core.types import Frame, GazePoint, GazeSample
from eyetracker.inference.backends import Backend
from eyetracker.inference.blinks import BLINK, BLINK_MAX_S, BlinkFilter
from eyetracker.inference.calibration_models import CalibrationModel, expected_error_pct
from eyetracker.inference.session_statistics import SessionStatistics
from eyetracker.inference.timings import Timings
from eyetracker.model import landmarks
from eyetracker.model.front_end import Prepared

NOT_FINITE = "no gaze (model output not finite)"
# Frames whose eyes are shut: in a video, the point before the blink stands for them.
BLINKING = (BLINK, landmarks.EYES_CLOSED)


@dataclass(frozen=True)
class RawGaze:
    """The unsmoothed answer for one frame: a point on the screen with the error expected of
    it (% of the screen), or the reason there is none."""

    point: GazePoint | None
    reason: str
    prepared: Prepared
    expected_error: float | None = None


class FramePipeline:
    """Frames of one stream -> gaze samples with `backend` and its current statistics.

    `video`: the frames are a camera's stream (False: images that stand alone; None: frames
    that come prepared, a dataset's cached inputs, given to `predict_batch`: no front end);
    `statistics` (optional) sees every usable frame and may refresh the backend's statistics;
    `correction` (a profile's calibration model; by default the one `statistics` holds)
    adjusts every point predicted with that profile's statistics;
    `smoother` (optional) smooths valid points over `frame_time` (the capture time by default;
    a replay passes the position in the recording so results do not depend on speed).
    """

    def __init__(
        self,
        backend: Backend,
        *,
        video: bool | None = True,
        smoother: GazeSmoother | None = None,
        statistics: SessionStatistics | None = None,
        correction: CalibrationModel | None = None,
        timings: Timings | None = None,
        clock: Callable[[], float] = time.monotonic,
        frame_time: Callable[[Frame], float] | None = None,
    ) -> None:
        self.backend = backend
        preprocessing = backend.info.preprocessing if video is not None else None
        self.front_end = preprocessing.front_end(video=video) if preprocessing else None
        # Eye openness is known to the landmark front end only; a blink needs it.
        reads_eyes = preprocessing is not None and preprocessing.kind == "landmarks"
        self.blinks = BlinkFilter() if reads_eyes and video else None
        self._last: tuple[float, GazePoint, float | None] | None = None  # (time, point, error)
        self.smoother = smoother
        self.statistics = statistics
        if correction is None and statistics is not None:
            correction = statistics.correction
        self.correction = correction
        self.clock = clock
        self.timings = timings or Timings(clock=clock)
        self.frame_time = frame_time or (lambda frame: frame.timestamp)
        self.point_map: Callable[[np.ndarray], np.ndarray] | None = None

    def set_point_map(self, point_map: Callable[[np.ndarray], np.ndarray] | None) -> None:
        """A last map of each tracked point on the screen ((N, 2) normalized -> (N, 2)), such
        as the app's correction learnt from clicks; None: none. Any thread: the next frame
        uses it."""
        self.point_map = point_map

    def prepare(self, frame: Frame) -> Prepared:
        """The network's input for this frame (or why the frame is not usable: the front end's
        reason, or a blink seen in this stream)."""
        started = self.clock()
        prepared = self.front_end.prepare(frame.image, frame.timestamp)
        if prepared.found and self.blinks is not None:
            openness = landmarks.eye_openness(prepared.geometry)[0]
            if self.blinks.is_blink(openness, frame.timestamp, self._expected_openness(prepared)):
                prepared = dataclasses.replace(prepared, found=False, reason=BLINK)
        self.timings.add("preprocess", self.clock() - started)
        return prepared

    def _expected_openness(self, prepared: Prepared) -> np.ndarray | None:
        """Both eyes' openness the calibration saw at this frame's vertical gaze, if known."""
        model = self.correction.openness if self.correction is not None else None
        if model is None:
            return None
        return model.expected(landmarks.vertical_gaze(prepared.geometry))[0]

    def predict(self, prepared: Prepared) -> tuple[GazePoint | None, float | None]:
        """One forward pass with the backend's current statistics: the point (None if not
        finite) and the error expected of it, % of the screen (expected_error)."""
        points, errors = self.predict_batch(prepared.pixels[None], prepared.geometry[None])
        point_map = self.point_map
        x, y = (points if point_map is None else point_map(points))[0]
        if np.isnan(x):
            return None, None
        return GazePoint(float(x), float(y)), float(errors[0])

    def predict_batch(
        self, pixels: np.ndarray, geometry: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """`predict` for N prepared frames at once, (N, C, H, W) pixels in [0, 1] and (N, G)
        geometry: the points on the screen (N, 2), NaN rows where the output is not finite,
        and the error expected of each (N,), NaN where there is no point. With frozen
        statistics every frame is predicted on its own, so a batch gives what frame by frame
        would."""
        started = self.clock()
        hidden = None
        if self.correction is not None and self.correction.reads_hidden:
            output, hidden = self.backend.predict_with_features(pixels, geometry)
        else:
            output = self.backend.predict(pixels, geometry)
        network = output
        if self.correction is not None:
            output = self.correction.apply(output, geometry, hidden)
        self.timings.add("inference", self.clock() - started)
        points = on_screen(output)
        errors = expected_error_pct(self.correction, network, geometry, hidden)
        errors[np.isnan(points).any(axis=1)] = np.nan
        return points, errors

    def raw(self, frame: Frame) -> RawGaze:
        """Prepare and predict one frame, without smoothing or statistics updates.

        In a video, a frame whose eyes are shut for a blink gives the point of the last frame
        before it, with the reason: the eyes do not move while the lids are down, and that
        point is the best answer there is (a lasting closure gives none after BLINK_MAX_S)."""
        prepared = self.prepare(frame)
        if not prepared.found:
            if self.blinks is not None and prepared.reason in BLINKING and self._last is not None:
                seen_at, point, error = self._last
                if 0.0 <= frame.timestamp - seen_at <= BLINK_MAX_S:
                    return RawGaze(point, prepared.reason, prepared, error)
            return RawGaze(None, prepared.reason, prepared)
        point, error = self.predict(prepared)
        if point is None:
            return RawGaze(None, NOT_FINITE, prepared)
        self._last = (frame.timestamp, point, error)
        return RawGaze(point, "", prepared, error)

    def sample(self, frame: Frame) -> GazeSample:
        """The tracker's step: raw point, statistics update, smoothing, timings."""
        started = self.clock()
        raw = self.raw(frame)
        point = raw.point
        if point is not None:
            t = self.frame_time(frame)
            if self.statistics is not None and raw.prepared.found:
                before = self.clock()
                prepared = raw.prepared
                if self.statistics.observe(prepared.pixels, prepared.geometry, t):
                    self.timings.add("statistics", self.clock() - before)
            if self.smoother is not None:
                # A weighted mean of clipped points: the smoothed point stays on the screen.
                point = self.smoother(point, t)
        now = self.clock()
        self.timings.add("total", now - started)
        sample = GazeSample(
            point=point,
            raw_point=raw.point,
            valid=raw.point is not None,
            capture_time=frame.timestamp,
            output_time=now,
            frame_index=frame.index,
            reason=raw.reason,
            truth=frame.truth,
            expected_error=raw.expected_error,
            face_box=raw.prepared.box,
        )
        self.timings.add("latency", sample.latency)
        self.timings.count_frame(now)
        return sample

    def close(self) -> None:
        if self.front_end is not None:
            self.front_end.close()
