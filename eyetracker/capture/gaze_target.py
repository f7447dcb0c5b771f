"""Where the app is asking the person to look right now: a one-slot, thread-safe channel.

The stimulus screens (calibration, validation, measurement) `set` the dot they show and
`set(None)` when they show none; the synthetic camera, when given the channel, `get`s it for
every frame and renders its person looking at that dot (see `SyntheticCamera`), so the demo
calibrates and validates like a real person would. A webcam has no use for it. No Qt here:
the screens write from the GUI thread, the camera reads from its own.
"""

from __future__ import annotations

import threading

from eyetracker.core.types import GazePoint


class GazeTarget:
    """The point (normalized screen coordinates) the app asks the person to look at, or None."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._point: GazePoint | None = None

    def set(self, point: GazePoint | None) -> None:
        with self._lock:
            self._point = point

    def get(self) -> GazePoint | None:
        with self._lock:
            return self._point
