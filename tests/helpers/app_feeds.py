"""Real frame providers for screen tests: the app's FrameProvider, fed on a timer.

`FeedingProvider` publishes images from the GUI thread every few milliseconds with fresh
`time.monotonic()` timestamps, as a camera would; `image_for(index)` decides each image.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QTimer

from eyetracker.app.live.frames import FrameProvider
from eyetracker.core.types import Frame


class FeedingProvider(FrameProvider):
    """Publishes `image_for(0)`, `image_for(1)`, ... every `interval_ms` until `stop()`."""

    def __init__(self, image_for: Callable[[int], np.ndarray], interval_ms: int = 10) -> None:
        super().__init__()
        self.image_for = image_for
        self._index = 0
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.timer.start(interval_ms)

    def _tick(self) -> None:
        image = self.image_for(self._index)
        self.publish(Frame(image=image, timestamp=time.monotonic(), index=self._index))
        self._index += 1

    def stop(self) -> None:
        self.timer.stop()


def synthetic_faces(count: int = 4) -> list[np.ndarray]:
    """A few frames of the synthetic camera: a person facing it, found by the face detector."""
    from eyetracker.capture.synthetic import SyntheticCamera

    camera = SyntheticCamera(realtime=False, compress=False)
    camera.open()
    try:
        return [camera.read().image for _ in range(count)]
    finally:
        camera.close()
