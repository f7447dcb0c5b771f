"""Messages passed between threads: immutable, timestamped."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class GazePoint:
    """A point on the screen, normalized: origin top-left, x right, y down, both in [0, 1]."""

    x: float
    y: float


@dataclass(frozen=True, eq=False)
class Frame:
    """One camera image (BGR, uint8, H x W x 3) with the time it was captured.

    `timestamp` is `time.monotonic()` seconds at capture. `truth` is the point the person
    really looked at, known only for synthetic frames; `meta` carries source-specific facts
    (for the synthetic camera: the scenario's phase, the person's id, eye landmarks).
    """

    image: np.ndarray
    timestamp: float
    index: int
    truth: GazePoint | None = None
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class GazeSample:
    """The tracker's answer for one frame.

    `point` is smoothed; `raw_point` is the model's output before smoothing. `valid` is False
    when the frame gave no usable gaze, with `reason` saying why ("no face", "too dark", ...).
    During a blink in a video the point of the frame before it stands, valid, with the reason
    ("blink", or "eyes closed" while the lids meet).
    `expected_error` is the error the tracker expects of this point, % of the screen (the mean
    distance to where the person looks, as the study measures error); None without a point.
    `click_error` is the app's running error estimate from the user's clicks, % of the screen
    (its opt-in click check), stamped on the samples it streams; None without one.
    `face_box` is the face the front end found, (x, y, w, h) as fractions of the frame.
    """

    point: GazePoint | None
    raw_point: GazePoint | None
    valid: bool
    capture_time: float
    output_time: float
    frame_index: int
    reason: str = ""
    truth: GazePoint | None = None
    expected_error: float | None = None
    click_error: float | None = None
    face_box: tuple[float, float, float, float] | None = None

    @property
    def latency(self) -> float:
        """Seconds from the frame's capture to this sample."""
        return self.output_time - self.capture_time
