"""Helpers shared by the OpenCV-backed sources: quiet probing and frame pacing."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

import cv2
import numpy as np

_log_lock = threading.RLock()  # re-entrant: probing nests inside quiet opens


@contextlib.contextmanager
def quiet_opencv() -> Iterator[None]:
    """Silence OpenCV's own log while probing devices and files that may not exist.

    Without this, `VideoCapture(3)` on a machine with no camera prints a screenful of
    V4L2/FFMPEG/OBSENSOR warnings to stderr; our callers report the problem in one sentence.
    """
    logging = getattr(getattr(cv2, "utils", None), "logging", None)
    if logging is None:  # very old builds: nothing to silence with
        yield
        return
    with _log_lock:
        previous = logging.getLogLevel()
        logging.setLogLevel(logging.LOG_LEVEL_SILENT)
        try:
            yield
        finally:
            logging.setLogLevel(previous)


def as_bgr(image: np.ndarray) -> np.ndarray:
    """Any decoded image as H x W x 3 BGR uint8 (cameras and files may give gray or BGRA)."""
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)  # keep the top byte, which is what a viewer shows
    elif image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.shape[2] == 1:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return image


class Pacer:
    """Releases frames no faster than `fps`, as a camera would; never bursts to catch up.

    Frame n is due at start + n / fps; when the consumer falls more than a frame behind,
    the schedule restarts from now instead of delivering the backlog at full speed.
    """

    def __init__(
        self,
        fps: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.period = 1.0 / fps
        self._clock = clock
        self._sleep = sleep
        self._start: float | None = None
        self._count = 0

    def wait(self) -> None:
        now = self._clock()
        if self._start is None:
            self._start, self._count = now, 0
        due = self._start + self._count * self.period
        if due > now:
            self._sleep(due - now)
        elif now - due > self.period:
            self._start, self._count = now, 0
        self._count += 1

    def reset(self) -> None:
        self._start = None
