"""Quick calibration without Qt: grid points, the frames collected at each, and the profile.

A calibration shows a few dots spread over the screen and keeps the frames captured while the
person looks at them; one forward pass over all those frames gives the person's BatchNorm
statistics (`backend.capture`), saved as a Profile for this model. Spread matters more than
count (docs: a 3x3 grid costs about +6% error against a full 100-dot measurement).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from eyetracker.core.errors import UserError
from eyetracker.core.types import Frame, GazePoint
from eyetracker.runtime.pipeline import FramePipeline
from eyetracker.runtime.profile import Profile, profile_path

# Grid points sit this far in from the edges (normalized), where people can still see them
# without turning their head off the screen.
MARGIN = 0.1


class NotEnoughDataError(UserError):
    """Too few calibration points had a visible face to capture statistics from."""


def grid_points(count: int = 9, margin: float = MARGIN) -> list[GazePoint]:
    """A square grid (9 -> 3x3, 16 -> 4x4) in reading order, `margin` in from every edge."""
    side = round(count**0.5)
    if side * side != count or side < 2:
        raise ValueError(f"a calibration grid needs a square number of points >= 4, not {count}")
    steps = np.linspace(margin, 1 - margin, side)
    return [GazePoint(float(x), float(y)) for y in steps for x in steps]


def serpentine(points: list[GazePoint]) -> list[GazePoint]:
    """The grid row by row, alternating direction: each dot is next to the previous one."""
    ys = sorted({p.y for p in points})
    rows = [sorted((p for p in points if p.y == y), key=lambda p: p.x) for y in ys]
    return [p for i, row in enumerate(rows) for p in (row if i % 2 == 0 else row[::-1])]


@dataclass
class PointFrames:
    point: GazePoint
    frames: list[Frame] = field(default_factory=list)


class CalibrationCollector:
    """Frames per calibration point, turned into a Profile by `fit`.

    `min_points` is the fraction of points that must have at least one frame with a face:
    statistics from a corner of the screen only would bias every later prediction.
    """

    def __init__(self, points: list[GazePoint], min_points: float = 2 / 3) -> None:
        self.points = [PointFrames(p) for p in points]
        self.min_points = min_points

    def add(self, index: int, frame: Frame) -> None:
        self.points[index].frames.append(frame)

    def fit(self, backend, user: str) -> Profile:
        """Send every frame through the frame pipeline, keep the usable ones, capture statistics.

        The frames are fitted after the fact, each on its own (the front end's image mode)."""
        pipeline = FramePipeline(backend, video=False)
        pixels, faces, with_face = [], [], 0
        try:
            for entry in self.points:
                found = 0
                for frame in entry.frames:
                    prepared = pipeline.prepare(frame)
                    if prepared.found:
                        pixels.append(prepared.pixels)
                        faces.append(prepared.face)
                        found += 1
                with_face += found > 0
        finally:
            pipeline.close()
        total = len(self.points)
        if with_face < max(1, int(np.ceil(self.min_points * total))):
            raise NotEnoughDataError(
                f"Only {with_face} of {total} calibration points had a face in the camera "
                "image; sit facing the camera in good light and calibrate again."
            )
        moments = backend.capture(np.stack(pixels), np.stack(faces))
        return Profile(
            user=user,
            model_fingerprint=backend.info.fingerprint,
            moments=moments,
            frames=len(pixels),
            source=f"calibration, {with_face} of {total} points",
        )


def save_profile(profile: Profile, profiles_dir: str | Path) -> Path:
    """Write `profile` where the tracker looks for it: <dir>/<user>/<fingerprint>.npz."""
    return profile.save(profile_path(profiles_dir, profile.user, profile.model_fingerprint))
