"""Real implementations for the runtime tests: a drawn frame source and a backend that waits
for permission before each forward pass."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import cv2
import numpy as np

from eyetracker.capture.base import EndOfStream, FrameSource, SourceLost
from eyetracker.core.types import Frame, GazePoint


def drawn_image(
    index: int, brightness: int = 150, size: tuple[int, int] = (160, 120)
) -> np.ndarray:
    """A gray scene with a dark disc that moves with `index` (no face in it)."""
    width, height = size
    image = np.full((height, width, 3), brightness, np.uint8)
    centre = (20 + (index * 7) % (width - 40), height // 2)
    cv2.circle(image, centre, 12, (30, 30, 30), -1)
    return image


def truth_of(index: int) -> GazePoint:
    """Where the drawn frame `index` says the person looks."""
    return GazePoint((index % 10) / 10, 0.5)


class DrawnSource(FrameSource):
    """`count` drawn frames (None: endless), then `EndOfStream`.

    `lose_after`: raise `SourceLost` instead of that frame. `before_read(index)` runs before
    each frame is made (tests use it to wait on events). `dark`: indices drawn nearly black.
    """

    name = "drawn"

    def __init__(
        self,
        count: int | None = 10,
        lose_after: int | None = None,
        before_read: Callable[[int], object] | None = None,
        dark: set[int] = frozenset(),
        pace: float = 0.0,
    ) -> None:
        self.count = count
        self.lose_after = lose_after
        self.before_read = before_read
        self.dark = set(dark)
        self.pace = pace
        self.produced = 0
        self.finished = threading.Event()
        self._open = False
        self._idle = threading.Event()  # never set: its wait() paces without time.sleep

    def open(self) -> None:
        self._open = True

    def read(self) -> Frame:
        if not self._open:
            raise SourceLost("The drawn source is not open.")
        index = self.produced
        if self.lose_after is not None and index == self.lose_after:
            raise SourceLost("The drawn camera was unplugged.")
        if self.count is not None and index >= self.count:
            self.finished.set()
            raise EndOfStream("The drawn source has ended.")
        if self.before_read is not None:
            self.before_read(index)
        if self.pace:
            self._idle.wait(self.pace)
        image = drawn_image(index, brightness=5 if index in self.dark else 150)
        self.produced += 1
        return Frame(image=image, timestamp=time.monotonic(), index=index, truth=truth_of(index))

    def close(self) -> None:
        self._open = False


class GatedBackend:
    """Wraps a real backend; each `predict` signals `entered` and waits for `release`."""

    def __init__(self, backend) -> None:
        self._backend = backend
        self.name, self.device, self.info = backend.name, backend.device, backend.info
        self.entered = threading.Event()
        self.release = threading.Event()
        self.calls = 0

    def _gate(self) -> None:
        self.calls += 1
        self.entered.set()
        if not self.release.wait(timeout=30):
            raise TimeoutError("the test never released the backend")

    def predict(self, pixels, face):
        self._gate()
        return self._backend.predict(pixels, face)

    def predict_with_features(self, pixels, face):
        self._gate()
        return self._backend.predict_with_features(pixels, face)

    def capture(self, pixels, face):
        return self._backend.capture(pixels, face)

    def set_statistics(self, moments) -> None:
        self._backend.set_statistics(moments)

    def running_moments(self):
        return self._backend.running_moments()
