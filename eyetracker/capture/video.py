"""A video file as a frame source: as fast as possible, or paced like a camera."""

from __future__ import annotations

import math
import time
from pathlib import Path

import cv2
import numpy as np

from eyetracker.capture._support import Pacer, as_bgr, quiet_opencv
from eyetracker.capture.base import (
    EndOfStream,
    FrameSource,
    SourceLost,
    SourceOpenError,
    register_source,
)
from eyetracker.core.types import Frame

# Used for pacing when a file does not say its frame rate.
_FALLBACK_FPS = 30.0


@register_source("video", option="path", claims=lambda spec: Path(spec).is_file())
class VideoFileSource(FrameSource):
    """Any video OpenCV can decode (.mp4, .avi, .mkv, ...).

    `realtime=True` delivers frames at the file's frame rate; `loop=True` starts over at the
    end instead of raising `EndOfStream`. Each frame's `meta["video_time"]` is its position
    in the file in seconds; `timestamp` is, as for cameras, `time.monotonic()` at read.
    """

    def __init__(self, path: str | Path, realtime: bool = False, loop: bool = False) -> None:
        self.path = Path(path)
        self.realtime = realtime
        self.loop = loop
        self.name = f"Video {self.path.name}"
        self._capture: cv2.VideoCapture | None = None
        self._pending: np.ndarray | None = None
        self._pending_time = 0.0
        self._fps: float | None = None
        self._resolution: tuple[int, int] | None = None
        self._pacer: Pacer | None = None
        self._index = 0
        self._ended = False

    @property
    def fps(self) -> float | None:
        return self._fps

    @property
    def resolution(self) -> tuple[int, int] | None:
        return self._resolution

    def open(self) -> None:
        if self._capture is not None:
            return
        if not self.path.exists():
            raise SourceOpenError(f"The video file {self.path} does not exist.")
        if not self.path.is_file():
            raise SourceOpenError(f"{self.path} is a folder, not a video file.")
        with quiet_opencv():
            capture = cv2.VideoCapture(str(self.path))
            ok, image = capture.read() if capture.isOpened() else (False, None)
        if not ok or image is None:
            capture.release()
            raise SourceOpenError(
                f"Could not read {self.path} as a video; it may be damaged or in a format "
                "this OpenCV build cannot decode (try converting it to .mp4 or .avi)."
            )
        fps = capture.get(cv2.CAP_PROP_FPS)
        self._fps = float(fps) if fps and math.isfinite(fps) and fps > 0 else None
        self._resolution = (image.shape[1], image.shape[0])
        self._capture = capture
        self._index = 0
        self._ended = False
        # The first frame was read to prove the file decodes; hand it out first.
        self._pending, self._pending_time = image, self._position(capture)
        self._pacer = Pacer(self._fps or _FALLBACK_FPS) if self.realtime else None

    def read(self) -> Frame:
        capture = self._capture
        if capture is None:
            raise SourceLost(f"{self.name} is not open; open it before reading frames.")
        if self._pending is not None:
            image, video_time = self._pending, self._pending_time
            self._pending = None
        else:
            image, video_time = self._next_image(capture)
        if self._pacer is not None:
            self._pacer.wait()
        frame = Frame(
            image=as_bgr(image),
            timestamp=time.monotonic(),
            index=self._index,
            meta={"video_time": video_time},
        )
        self._index += 1
        return frame

    def _next_image(self, capture: cv2.VideoCapture) -> tuple[np.ndarray, float]:
        if not self._ended:
            ok, image = capture.read()
            if ok and image is not None:
                return image, self._position(capture)
        if self.loop:
            capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, image = capture.read()
            if ok and image is not None:
                return image, self._position(capture)
        self._ended = True
        raise EndOfStream(f"The video {self.path.name} has ended after {self._index} frames.")

    def _position(self, capture: cv2.VideoCapture) -> float:
        # After a read, FFMPEG reports the decoded frame's own time; fall back on the frame
        # count where a backend does not know the time.
        msec = capture.get(cv2.CAP_PROP_POS_MSEC)
        if math.isfinite(msec) and msec >= 0 and (msec > 0 or self._index == 0):
            return msec / 1000.0
        frames = capture.get(cv2.CAP_PROP_POS_FRAMES)
        return max(frames - 1, 0) / (self._fps or _FALLBACK_FPS)

    def close(self) -> None:
        capture, self._capture = self._capture, None
        self._pending = None
        if capture is not None:
            capture.release()
