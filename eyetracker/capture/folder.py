"""A folder of images as a frame source; a measurement folder also gives each frame's truth."""

from __future__ import annotations

import io
import logging
import re
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
from eyetracker.core.images import header_size, size_problem
from eyetracker.core.manifest import MANIFEST, MeasurementError, Sample, parse_sample, read_manifest
from eyetracker.core.types import Frame, GazePoint

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


def _natural_key(path: Path) -> list[int | str]:
    # "img2.png" before "img10.png"; zero-padded names sort the same either way.
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.name)]


def _read_image(path: Path) -> np.ndarray | str:
    """The image at `path`, or why it cannot be read."""
    # np.fromfile + imdecode also handles non-ASCII paths on Windows, which imread does not.
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError:
        data = np.zeros(0, np.uint8)
    if data.size == 0:
        return "it is not a readable image"
    if reason := size_problem(header_size(io.BytesIO(data))):
        return reason
    with quiet_opencv():
        try:
            image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
        except cv2.error:
            image = None
    return "it is not a readable image" if image is None else image


def read_truth(folder: Path) -> dict[str, GazePoint]:
    """Image name -> the point looked at, from a measurement's manifest ({} without one).

    Read as eyetracker.core.manifest reads it: samples the dataset reader would skip give no
    truth, and a manifest it refuses raises `SourceOpenError` with the reader's reason.
    """
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return {}
    try:
        data = read_manifest(manifest)
    except MeasurementError as error:
        raise SourceOpenError(
            f"{str(error).rstrip('.')}; repair it or move it away to use the images without "
            "their gaze targets."
        ) from None
    samples = (parse_sample(entry) for entry in data["samples"])
    return {s.image: GazePoint(s.x, s.y) for s in samples if isinstance(s, Sample)}


@register_source("folder", option="path", claims=lambda spec: Path(spec).is_dir())
class ImageFolderSource(FrameSource):
    """The .jpg/.png/.bmp images in a folder matching `pattern`, in natural sorted order.

    A corrupt image is skipped (counted in `skipped` and logged), never fatal. If the folder
    is a measurement, each frame's `truth` is the point the person looked at for that image.
    `realtime=True` delivers frames at `fps`, as a camera would.
    """

    continuous = False  # each image stands alone: front ends find the face afresh

    def __init__(
        self, path: str | Path, pattern: str = "*", realtime: bool = False, fps: float = 30.0
    ) -> None:
        if fps <= 0:
            raise SourceOpenError(f"The frame rate must be positive, not {fps}.")
        self.path = Path(path)
        self.pattern = pattern
        self.realtime = realtime
        self.name = f"Folder {self.path.name}"
        self.skipped = 0
        self._fps = float(fps)
        self._files: list[Path] | None = None
        self._truth: dict[str, GazePoint] = {}
        self._position = 0
        self._index = 0
        self._resolution: tuple[int, int] | None = None
        self._pacer: Pacer | None = None

    @property
    def fps(self) -> float | None:
        return self._fps

    @property
    def resolution(self) -> tuple[int, int] | None:
        """The size of the last image delivered (images in a folder may differ)."""
        return self._resolution

    @property
    def files(self) -> list[Path]:
        """The image files this source will read, in order (empty until opened)."""
        return list(self._files or [])

    def open(self) -> None:
        if self._files is not None:
            return
        if not self.path.exists():
            raise SourceOpenError(f"The image folder {self.path} does not exist.")
        if not self.path.is_dir():
            raise SourceOpenError(f"{self.path} is a file, not a folder of images.")
        files = sorted(
            (
                path
                for path in self.path.glob(self.pattern)
                if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file()
            ),
            key=_natural_key,
        )
        if not files:
            raise SourceOpenError(
                f"No .jpg, .png or .bmp images match {self.pattern!r} in {self.path}."
            )
        self._truth = read_truth(self.path)
        self._files = files
        self._position = self._index = self.skipped = 0
        self._pacer = Pacer(self._fps) if self.realtime else None

    def read(self) -> Frame:
        if self._files is None:
            raise SourceLost(f"{self.name} is not open; open it before reading frames.")
        while self._position < len(self._files):
            path = self._files[self._position]
            self._position += 1
            image = _read_image(path)
            if isinstance(image, str):
                self.skipped += 1
                logger.warning("Skipping %s: %s.", path, image)
                continue
            return self._frame(path, as_bgr(image))
        raise EndOfStream(
            f"The folder {self.path.name} has no more images "
            f"({self._index} read, {self.skipped} skipped as unreadable)."
        )

    def _frame(self, path: Path, image: np.ndarray) -> Frame:
        if self._pacer is not None:
            self._pacer.wait()
        self._resolution = (image.shape[1], image.shape[0])
        frame = Frame(
            image=image,
            timestamp=time.monotonic(),
            index=self._index,
            truth=self._truth.get(path.relative_to(self.path).as_posix()),
            meta={"path": str(path)},
        )
        self._index += 1
        return frame

    def close(self) -> None:
        self._files = None
