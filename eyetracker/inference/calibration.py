"""Quick calibration without Qt: grid points, the frames collected at each, and the profile.

A calibration shows a few dots spread over the screen and keeps the frames captured while the
person looks at them; one forward pass over all those frames gives the person's BatchNorm
statistics (`backend.capture`), saved as a Profile for this model. Spread matters more than
count (a 3x3 grid against a full 100-dot measurement: docs/benchmarks.md, "Real-time
engine"). The dots' positions are known too: a small correction fitted on them goes into the
profile as well: `fit_calibration` is that fit, for the calibration, the measurements'
profile and `evaluate` alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from eyetracker.capture.folder import ImageFolderSource
from eyetracker.core.dataset import load_measurement
from eyetracker.core.errors import UserError
from eyetracker.core.openness import OpennessModel
from eyetracker.core.sampling import informative_axes
from eyetracker.core.types import Frame, GazePoint
from eyetracker.inference.backends import Backend, Moments
from eyetracker.inference.calibration_models import (
    DEFAULT_KIND,
    CalibrationModel,
    calibration_model,
)
from eyetracker.inference.pipeline import FramePipeline
from eyetracker.inference.profile import Profile, profile_path
from eyetracker.model import landmarks
from eyetracker.model.moments import MIN_FRAMES, guard_moments

# The quick calibration: a 3x3 grid, 5 frames kept at each dot (the app and the benchmarks).
CALIBRATION_POINTS = 9
FRAMES_PER_POINT = 5

# Grid points sit this far in from the edges (normalized), where people can still see them
# without turning their head off the screen.
MARGIN = 0.1

# The calibration's frames go through the front end as one stream, as the tracker's do;
# frames further apart than this start a new one.
NEW_STREAM_AFTER_S = 10.0


class NotEnoughDataError(UserError):
    """Too few usable calibration frames, or all from one part of the screen, for statistics."""


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
    statistics from a corner of the screen only would bias every later prediction. `axes`
    (x, y; default both): which axes the points tell about, the only ones corrected
    (`fit_calibration`). `kind`: the calibration model fitted (calibration_models). `video`: the frames come from a camera, and the front end sees them as
    the tracker sees a camera's (tracked from frame to frame); False: images that stand alone,
    each seen on its own, as the tracker reads a folder of images.
    """

    def __init__(
        self,
        points: list[GazePoint],
        min_points: float = 2 / 3,
        axes: tuple[float, float] = (1.0, 1.0),
        video: bool = True,
        kind: str = DEFAULT_KIND,
    ) -> None:
        self.points = [PointFrames(p) for p in points]
        self.min_points = min_points
        self.axes = axes
        self.video = video
        self.kind = kind

    def add(self, index: int, frame: Frame) -> None:
        self.points[index].frames.append(frame)

    def fit(self, backend, user: str, what: str = "calibration") -> Profile:
        """Send every frame through the frame pipeline, keep the usable ones, capture their
        statistics, then fit the calibration model on their targets (`fit_calibration`).

        The frames are fitted after the fact as the tracker will see frames: a camera's as one
        stream in the order they were captured (their timestamps), the front end in video
        mode. MediaPipe tracks a face in a stream from the last frame's mesh, and the eye
        landmarks it finds so differ from those of still images; a correction fitted on still
        images reads tracked frames wrongly (docs/benchmarks.md, "Calibration correction").
        The backend is left with the new profile's statistics."""
        pixels, faces, targets = [], [], []
        found_per_point = [0] * len(self.points)
        for stream in self.streams():
            pipeline = FramePipeline(backend, video=self.video)
            try:
                for index, frame in stream:
                    prepared = pipeline.prepare(frame)
                    if prepared.found:
                        pixels.append(prepared.pixels)
                        faces.append(prepared.geometry)
                        targets.append((self.points[index].point.x, self.points[index].point.y))
                        found_per_point[index] += 1
            finally:
                pipeline.close()
        with_face = sum(found > 0 for found in found_per_point)
        total = len(self.points)
        self.check_usable(found_per_point)
        pixels, faces = np.stack(pixels), np.stack(faces)
        moments, correction = fit_calibration(
            backend, pixels, faces, np.array(targets), self.axes, self.kind
        )
        if backend.info.preprocessing.kind == "landmarks":
            # How this person's lids narrow as they look down: a blink is judged against it.
            openness = OpennessModel.fit(
                landmarks.eye_openness(faces), landmarks.vertical_gaze(faces)
            )
            correction = replace(correction, openness=openness)
        return Profile(
            user=user,
            model_fingerprint=backend.info.fingerprint,
            moments=moments,
            frames=len(pixels),
            source=f"{what}, {with_face} of {total} points",
            correction=correction,
        )

    def streams(self) -> list[list[tuple[int, Frame]]]:
        """(point index, frame) in capture order, cut where the frames lie more than
        NEW_STREAM_AFTER_S apart: the face seen then may be anywhere now (a point collected
        again, another measurement), so the front end starts afresh."""
        captured = sorted(
            ((index, frame) for index, entry in enumerate(self.points) for frame in entry.frames),
            key=lambda item: item[1].timestamp,
        )
        streams: list[list[tuple[int, Frame]]] = []
        for index, frame in captured:
            if not streams or frame.timestamp - streams[-1][-1][1].timestamp > NEW_STREAM_AFTER_S:
                streams.append([])
            streams[-1].append((index, frame))
        return streams

    def check_usable(self, found_per_point: list[int]) -> None:
        """Refuse (NotEnoughDataError) too few usable frames, or frames from one part of the screen.

        `found_per_point[i]`: how many frames of point i showed a usable face. Needed: faces at
        `min_points` of the points, `MIN_FRAMES` frames, and usable points that span at least
        half of the grid's extent in each direction (not one row, column or corner).
        """
        total_points, total_frames = len(self.points), sum(len(e.frames) for e in self.points)
        frames = sum(found_per_point)
        used = [e.point for e, n in zip(self.points, found_per_point, strict=True) if n > 0]
        points_needed = max(1, int(np.ceil(self.min_points * total_points)))
        needed = (
            f"at least {MIN_FRAMES} frames from {points_needed} points spread over the screen "
            "are needed"
        )
        advice = "sit facing the camera in good light and calibrate again."
        if len(used) < points_needed:
            raise NotEnoughDataError(
                f"Only {len(used)} of {total_points} calibration points had a face in the camera "
                f"image ({frames} of {total_frames} frames usable; {needed}); {advice}"
            )
        if frames < MIN_FRAMES:
            raise NotEnoughDataError(
                f"Only {frames} of {total_frames} calibration frames showed a usable face "
                f"({needed}); {advice}"
            )
        if not _spread(used, [e.point for e in self.points]):
            raise NotEnoughDataError(
                f"The {frames} usable calibration frames (of {total_frames}) all looked at one "
                f"part of the screen ({needed}); {advice}"
            )


def fit_calibration(
    backend: Backend,
    pixels: np.ndarray,
    geometry: np.ndarray,
    targets: np.ndarray,
    axes: tuple[float, float] = (1.0, 1.0),
    kind: str = DEFAULT_KIND,
    **options,
) -> tuple[Moments, CalibrationModel]:
    """The calibration fit of K usable frames' network inputs and their dots' true points:
    their statistics (guarded), then the calibration model `kind` fitted on what the network
    says with them (`options`: the model's own, such as Correction.fit's ridge strengths).
    The backend is left with the new statistics."""
    moments = backend.capture(pixels, geometry)
    # Few frames give near-zero variances that send predictions off the screen: shrink.
    moments = guard_moments(moments, len(pixels), backend.running_moments())
    # Then use the targets too: what the statistics leave, a small correction fixes.
    backend.set_statistics(moments)
    points, hidden = backend.predict_with_features(pixels, geometry)
    model = calibration_model(kind).fit(points, geometry, targets, hidden, axes, **options)
    return moments, model


def _spread(used: list[GazePoint], grid: list[GazePoint]) -> bool:
    """Whether the used points span at least half the grid's extent, across and down."""
    for axis in ("x", "y"):
        values, full = [getattr(p, axis) for p in used], [getattr(p, axis) for p in grid]
        if max(values) - min(values) < 0.5 * (max(full) - min(full)) - 1e-9:
            return False
    return True


def measurement_profile(
    backend, folders: Sequence[Path], user: str, keep: Callable[[Path], bool] | None = None
) -> Profile:
    """The profile that measurements give `backend`: every sample's frame at its dot, fitted
    as the quick calibration fits its grid (guarded statistics, then the correction). A model
    fine-tuned on measurements tracks with the statistics and correction of those same
    measurements, with no calibration on top. `keep` (an image's path -> bool): which
    samples to use (default: all).

    Measurements need not cover the screen as the calibration's grid does: where their dots
    hardly move along an axis (`informative_axes`; a sweep along one row), the correction
    leaves that axis to the network, as fine-tuning leaves it out of the loss; fitted there,
    it would hold every later point at the measurement's row."""
    collector, what = measurement_collector(folders, keep)
    return collector.fit(backend, user, what=what)


def measurement_collector(
    folders: Sequence[Path], keep: Callable[[Path], bool] | None = None
) -> tuple[CalibrationCollector, str]:
    """The measurements' frames at their dots, as a calibration's, with what they are (for the
    profile's source); `keep` as measurement_profile's."""
    if isinstance(folders, (str, Path)) or not folders:
        raise ValueError("measurement_profile needs a list of one or more measurement folders")
    frames: list[Frame] = []
    for folder in folders:
        with ImageFolderSource(folder) as source:
            # (frame, the image's name in the manifest)
            dotted = [
                (frame, Path(frame.meta["path"]).relative_to(source.path).as_posix())
                for frame in source
                if frame.truth is not None and (keep is None or keep(Path(frame.meta["path"])))
            ]
        if not dotted:
            continue
        # A measurement's samples are a camera's frames, seen as one stream at the times they
        # were captured (Measurement.capture_times; tracked from a mesh seen a second
        # earlier, MediaPipe's landmarks stay closer to a live stream's than a still image's
        # do); each measurement is a stream of its own.
        measurement = load_measurement(folder)
        times = dict(zip((s.image for s in measurement), measurement.capture_times(), strict=True))
        start = frames[-1].timestamp + 2 * NEW_STREAM_AFTER_S if frames else 0.0
        frames += [replace(frame, timestamp=start + times[name]) for frame, name in dotted]
    what = "measurement " + ", ".join(Path(folder).name for folder in folders)
    if not frames:
        raise NotEnoughDataError(f"The {what} has no samples with a dot position; measure again.")
    points = list(dict.fromkeys(frame.truth for frame in frames))  # each dot once, in order
    targets = np.array([(frame.truth.x, frame.truth.y) for frame in frames])
    collector = CalibrationCollector(points, axes=tuple(informative_axes(targets)))
    for frame in frames:
        collector.add(points.index(frame.truth), frame)
    return collector, what


def save_profile(profile: Profile, profiles_dir: str | Path) -> Path:
    """Write `profile` where the tracker looks for it: <dir>/<user>/<fingerprint>.npz."""
    return profile.save(profile_path(profiles_dir, profile.user, profile.model_fingerprint))
