"""Reading a gaze recording back: samples as NumPy arrays, what made it, its screenshot.

    import eyetracker.outputs.recording

    recording = eyetracker.outputs.recording.read("session-1")
    recording.gaze.x[recording.gaze.valid]       # the gaze CSV (eyetracker.outputs.gaze_csv)
    recording.metadata["model"]["fingerprint"]   # recording.json
    recording.screenshot                         # screen.png (the app takes one), or None
    recording.fixations.x, .duration             # I-DT fixations (eyetracker.core.fixations)

No pandas and no Qt: the folder format is in docs/recording.md, written by
eyetracker.outputs.recorder.GazeRecorder. `picture` draws the heatmap and scan path that
`eyetracker view` and File > Open recording show.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from eyetracker.core.errors import UserError
from eyetracker.core.fixations import Fixations, detect_fixations
from eyetracker.core.paths import leads_outside
from eyetracker.outputs.gaze_csv import GazeCsvError, GazeTable, read_gaze_csv
from eyetracker.outputs.recorder import CSV_NAME, SCREENSHOT_NAME, SIDECAR_NAME, VIDEO_NAME

__all__ = ["Recording", "RecordingReadError", "picture", "read", "save_png"]

# Without a screenshot or a screen size in the metadata: a 16:9 picture of this width.
PLAIN_SIZE = (1280, 720)
MAX_WIDTH = 1920  # the rendered picture's width at most (a 4K screenshot is scaled down)


class RecordingReadError(UserError):
    """A folder that is not a readable recording: missing, no gaze.csv, damaged files."""


@dataclass(frozen=True, eq=False)
class Recording:
    folder: Path
    gaze: GazeTable
    metadata: dict[str, Any] = field(default_factory=dict)  # recording.json ({} without one)
    screenshot: Path | None = None  # the screen when recording started
    video: Path | None = None

    @property
    def complete(self) -> bool:
        """False for a recording that ended abruptly (its rows up to then are all there)."""
        return "stopped" in self.metadata

    @property
    def duration(self) -> float:
        """Seconds from the start to the last sample (0 without samples)."""
        times = self.gaze.time[np.isfinite(self.gaze.time)]
        return float(times.max()) if times.size else 0.0

    @property
    def screen_size(self) -> tuple[int, int] | None:
        """(width, height) in pixels of the screen the gaze points are on, when known."""
        screen = self.metadata.get("screen") or {}
        try:
            width, height = int(screen["width_px"]), int(screen["height_px"])
        except (KeyError, TypeError, ValueError):
            return None
        return (width, height) if width > 0 and height > 0 else None

    @cached_property
    def fixations(self) -> Fixations:
        """I-DT fixations of the valid samples with the default thresholds."""
        width, height = self.screen_size or PLAIN_SIZE
        g = self.gaze
        return detect_fixations(g.time, g.x, g.y, g.valid, aspect=height / width)


def read(path: str | os.PathLike[str]) -> Recording:
    """The recording in folder `path` (or the folder of `path` when it names its gaze.csv or
    recording.json); a RecordingReadError, in one sentence, when it cannot be read."""
    path = Path(path)
    folder = path.parent if path.name in (CSV_NAME, SIDECAR_NAME) else path
    if not folder.exists():
        raise RecordingReadError(f"{folder} does not exist; give the folder of a recording.")
    if not folder.is_dir():
        raise RecordingReadError(
            f"{folder} is not a recording folder; give the folder that holds {CSV_NAME}."
        )
    metadata = _read_sidecar(folder)
    csv_path = _inside(folder, metadata, "csv", CSV_NAME)
    if not csv_path.is_file():
        raise RecordingReadError(
            f"{folder} is not a recording: it has no {csv_path.name}; give the folder that "
            "`eyetracker record` or Record gaze wrote."
        )
    try:
        gaze = read_gaze_csv(csv_path)
    except GazeCsvError as error:
        raise RecordingReadError(str(error)) from None
    screenshot = _inside(folder, {}, "screenshot", SCREENSHOT_NAME)
    video = _inside(folder, metadata, "video", VIDEO_NAME)
    return Recording(
        folder=folder,
        gaze=gaze,
        metadata=metadata,
        screenshot=screenshot if screenshot.is_file() else None,
        video=video if video.is_file() else None,
    )


def _inside(folder: Path, metadata: dict[str, Any], key: str, default: str) -> Path:
    """The file the sidecar's `key` names (or `default`); refused when it leads outside the
    folder, by its name or through a link, so a recording reads its own files only."""
    name = str(metadata.get(key) or default)
    path = folder / name
    if leads_outside(path, folder):
        named = f"{SIDECAR_NAME}'s {key} {json.dumps(name)}" if key in metadata else name
        raise RecordingReadError(
            f"{folder}: {named} leads outside the recording folder; a recording reads only "
            "files inside its own folder."
        )
    return path


def _read_sidecar(folder: Path) -> dict[str, Any]:
    path = folder / SIDECAR_NAME
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}  # a gaze CSV from elsewhere (eyetracker replay) with nothing beside it
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise RecordingReadError(
            f"{path} is damaged (not JSON); the gaze rows in {CSV_NAME} are intact, move the "
            "damaged file away to read them."
        ) from None
    if not isinstance(metadata, dict):
        raise RecordingReadError(f"{path} is not a recording's sidecar (not a JSON object).")
    return metadata


def picture(
    recording: Recording,
    start: float = 0.0,
    end: float = math.inf,
    heatmap: bool = True,
    scanpath: bool = True,
    backdrop: np.ndarray | None = None,
) -> np.ndarray:
    """The heatmap and scan path of the samples between `start` and `end` seconds over the
    screenshot (or a plain background; `backdrop`: one made before by `background`), as a BGR
    uint8 image."""
    from eyetracker.core.gaze_maps import render

    g = recording.gaze
    shown = (g.time >= start) & (g.time <= end) & g.valid
    return render(
        background(recording) if backdrop is None else backdrop,
        g.x[shown],
        g.y[shown],
        recording.fixations.between(start, end) if scanpath else None,
        heatmap=heatmap,
    )


def background(recording: Recording) -> np.ndarray:
    """The screenshot (at most MAX_WIDTH wide), or a plain dark picture of the screen's shape."""
    import cv2

    from eyetracker.core.images import read_image

    image = read_image(recording.screenshot) if recording.screenshot else None
    if image is None:
        width, height = recording.screen_size or PLAIN_SIZE
        scale = min(1.0, PLAIN_SIZE[0] / width)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        return np.full((size[1], size[0], 3), 32, dtype=np.uint8)
    if image.shape[1] > MAX_WIDTH:
        scale = MAX_WIDTH / image.shape[1]
        image = cv2.resize(
            image, (MAX_WIDTH, round(image.shape[0] * scale)), interpolation=cv2.INTER_AREA
        )
    return image


def save_png(image: np.ndarray, path: str | os.PathLike[str]) -> Path:
    """Write BGR `image` to `path` as PNG (atomically); a UserError when it cannot be."""
    import cv2

    from eyetracker.core.atomic import atomic_write

    path = Path(path)
    if path.suffix.lower() != ".png":
        raise UserError(f"{path} does not end in .png; name the picture NAME.png.")
    ok, data = cv2.imencode(".png", image)
    if not ok:
        raise UserError(f"The picture could not be encoded as PNG for {path}.")
    try:
        return atomic_write(path, data.tobytes(), durable=False)
    except OSError as error:
        reason = (error.strerror or str(error)).rstrip(".").lower()
        raise UserError(f"Cannot write {path} because {reason}; choose another file.") from None
