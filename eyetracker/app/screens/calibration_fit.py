"""What the calibration screen computes off the GUI thread once the last dot is done: the
profile fitted, its points predicted with it (the residuals), the profile saved, and the
frames kept as a measurement when asked. No Qt: it runs in a `WorkerCall`."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from eyetracker import __version__
from eyetracker.core.manifest import Screen
from eyetracker.core.measurement import MeasurementError, MeasurementWriter
from eyetracker.inference.calibration import CalibrationCollector, save_profile
from eyetracker.inference.calibration_quality import CalibrationQuality, calibration_quality
from eyetracker.inference.profile import Profile


@dataclass(frozen=True)
class KeepFrames:
    """Where and how to keep the calibration frames as a measurement (facts from the GUI)."""

    dataset_dir: Path
    user: str
    screen: Screen


@dataclass(frozen=True)
class Calibrated:
    profile: Profile
    path: Path
    measurement_folder: Path | None = None
    measurement_error: str = ""  # the profile is saved, the measurement is not: why
    quality: CalibrationQuality | None = None  # each point's residual with the new profile


def compute_profile(
    collector: CalibrationCollector,
    backend,
    user: str,
    profiles_dir: Path,
    keep: KeepFrames | None,
    cancelled: threading.Event,
) -> Calibrated | None:
    """Fit the profile, predict its points with it (the residuals), save it, then keep the
    frames if asked (runs in a worker thread).

    Returns None when `cancelled` was set during the fit: nothing is written then."""
    profile = collector.fit(backend, user)
    if cancelled.is_set():
        return None
    quality = calibration_quality(collector, backend, profile)
    if cancelled.is_set():
        return None
    path = save_profile(profile, profiles_dir)
    if keep is None or cancelled.is_set():
        return Calibrated(profile, path, quality=quality)
    try:
        folder = keep_frames(collector, keep)
    except MeasurementError as error:
        return Calibrated(profile, path, measurement_error=str(error), quality=quality)
    return Calibrated(profile, path, folder, quality=quality)


def keep_frames(collector: CalibrationCollector, keep: KeepFrames) -> Path:
    """Write every calibration frame with its grid point as a measurement; its folder."""
    height, width = collector.points[0].frames[0].image.shape[:2]
    writer = MeasurementWriter(
        keep.dataset_dir,
        keep.user,
        keep.screen,
        camera={"width": int(width), "height": int(height)},
        extra={"app_version": __version__, "mode": "calibration"},
    )
    # "t": seconds from the first frame, as measurement mode records it, so the kept frames
    # are seen again as the stream they were (Measurement.capture_times).
    start = min(frame.timestamp for entry in collector.points for frame in entry.frames)
    for entry in collector.points:
        for frame in entry.frames:
            writer.add(
                frame.image,
                entry.point.x,
                entry.point.y,
                t=round(frame.timestamp - start, 4),
                frame_index=int(frame.index),
            )
    return writer.folder
