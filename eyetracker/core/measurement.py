"""The crash-safe measurement writer (the format itself: manifest.py, docs/measurement-format.md).

    DATASET/<person>/<measurement>/measurement.json
    DATASET/<person>/<measurement>/<the image files it names>

Each sample's image is written and flushed to disk first, then the manifest is replaced
atomically, so a crash after sample 57 leaves a valid measurement of 57 samples.
"""

from __future__ import annotations

import errno
import json
import numbers
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from eyetracker.core.atomic import temporary_glob
from eyetracker.core.manifest import (
    FORMAT_VERSION,
    MANIFEST,
    MeasurementError,
    Sample,
    Screen,
    parse_sample,
    read_manifest,
    with_extras,
    write_manifest,
)

__all__ = [
    "FORMAT_VERSION",
    "MANIFEST",
    "MeasurementError",
    "MeasurementWriter",
    "Sample",
    "Screen",
    "safe_name",
]

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_IMAGE_SUFFIXES = {".jpg": "jpg", ".jpeg": "jpg", ".png": "png"}


def safe_name(text: str) -> str:
    """A folder name from free text: letters, digits, '.', '_' and '-' only."""
    cleaned = _SAFE_NAME.sub("-", text.strip()).strip(".-")
    return cleaned or "unnamed"


def _write_new_file(path: Path, data: bytes, durable: bool = True) -> None:
    """Create `path` (never replacing an existing file) and flush `data` to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


_DISK_FULL = "the disk is full"


def _check_json(value: Any, what: str) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as error:
        raise ValueError(f"{what} must be plain JSON values (no NaN): {error}") from None


def _reason(error: OSError) -> str:
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return _DISK_FULL
    return (error.strerror or str(error)).rstrip(".").lower()


class MeasurementWriter:
    """Appends samples to a new measurement folder; never overwrites an existing one.

    `extra` holds additional top-level keys (app version, notes, ...); they are written as is.
    `resume(folder)` continues an existing measurement, keeping every key it already has.
    One writer per measurement at a time: two would each replace the other's manifest.
    """

    def __init__(
        self,
        dataset: str | os.PathLike[str],
        person: str,
        screen: Screen,
        *,
        measurement: str | None = None,
        camera: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        image_format: str = "jpg",
        jpeg_quality: int = 92,
        durable: bool = True,
    ) -> None:
        # durable=False skips fsync: a killed process still leaves a valid measurement, a
        # power cut may not. For data that can be made again (synthetic datasets), much faster.
        self.durable = durable
        self._set_image_format(image_format, jpeg_quality)
        _check_json([screen.to_json(), camera, extra], "screen, camera and extra")
        self.person = safe_name(person)
        parent = Path(dataset) / self.person
        if measurement is None:
            self.folder = self._fresh_folder(parent, datetime.now().strftime("%Y-%m-%dT%H-%M-%S"))
        else:
            self.folder = parent / safe_name(measurement)
            self._create_folder()
        self.measurement = self.folder.name
        header: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "person": person,
            "measurement": self.measurement,
            "screen": screen.to_json(),
        }
        if camera is not None:
            header["camera"] = camera
        self._header = with_extras(header, extra or {})
        self._entries: list[dict[str, Any]] = []
        self._next_index = 0
        try:
            write_manifest(self.manifest_path, self._manifest(), self.durable)
        except OSError as error:
            self.folder.rmdir()  # still empty: nothing was captured yet
            raise MeasurementError(
                f"Cannot start a measurement in {self.folder} because {_reason(error)}."
            ) from None

    @classmethod
    def resume(
        cls,
        folder: str | os.PathLike[str],
        *,
        image_format: str | None = None,
        jpeg_quality: int = 92,
    ) -> MeasurementWriter:
        """Continue an existing measurement: every key and sample it has is kept as written.

        Samples the reader would skip stay in the manifest untouched. The image format
        defaults to that of the last sample, so a measurement keeps one kind of image.
        """
        writer = cls.__new__(cls)
        writer.folder = Path(folder)
        writer.durable = True
        data = read_manifest(writer.folder / MANIFEST)
        entries = data.pop("samples")
        if image_format is None:
            names = [e["image"] for e in entries if isinstance(e, dict) and "image" in e]
            suffix = Path(str(names[-1])).suffix.lower() if names else ""
            image_format = _IMAGE_SUFFIXES.get(suffix, "jpg")
        writer._set_image_format(image_format, jpeg_quality)
        writer.person = writer.folder.parent.name
        writer.measurement = writer.folder.name
        writer._header = data
        writer._entries = entries
        writer._next_index = len(entries)
        for stale in writer.folder.glob(temporary_glob(MANIFEST)):
            stale.unlink(missing_ok=True)  # left by a crash between writing and renaming
        return writer

    def _set_image_format(self, image_format: str, jpeg_quality: int) -> None:
        if image_format not in ("jpg", "png"):
            raise ValueError("image_format must be 'jpg' or 'png'")
        self._image_format = image_format
        self._encode_params = (
            [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality] if image_format == "jpg" else []
        )

    def _create_folder(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=False)
        except FileExistsError:
            raise MeasurementError(
                f"{self.folder} already exists; choose another measurement name "
                "so nothing is overwritten."
            ) from None
        except OSError as error:
            raise MeasurementError(
                f"Cannot create {self.folder} because {_reason(error)}; "
                "check the folder and free space."
            ) from None

    def _fresh_folder(self, parent: Path, name: str) -> Path:
        # Two measurements started within one second get "-2", "-3", ... rather than an error.
        for attempt in range(1, 1000):
            self.folder = parent / (name if attempt == 1 else f"{name}-{attempt}")
            try:
                self._create_folder()
                return self.folder
            except MeasurementError:
                if not self.folder.exists():
                    raise
        raise MeasurementError(f"Too many measurements named {name} in {parent}; pass a name.")

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST

    @property
    def samples(self) -> list[Sample]:
        """The valid samples so far (a resumed measurement may also hold entries that are not)."""
        return [s for s in map(parse_sample, self._entries) if isinstance(s, Sample)]

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, image: np.ndarray, x: float, y: float, **extra: Any) -> Sample:
        """Save `image` (BGR uint8) and record that the person looked at (x, y)."""
        if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in (x, y)):
            raise ValueError(f"gaze point ({x!r}, {y!r}) must be two numbers")
        x, y = float(x), float(y)
        if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
            raise ValueError(f"gaze point ({x}, {y}) is outside the screen [0, 1]^2")
        ok, encoded = cv2.imencode(f".{self._image_format}", image, self._encode_params)
        if not ok:
            raise MeasurementError(
                "The camera image could not be encoded; the sample was not saved."
            )
        sample = Sample(self._free_image_name(), x, y, dict(extra))
        entry = sample.to_json()
        _check_json(entry, "sample extras")
        image_path = self.folder / sample.image
        self._entries.append(entry)
        image_written = False
        try:
            _write_new_file(image_path, encoded.tobytes(), self.durable)
            image_written = True
            write_manifest(self.manifest_path, self._manifest(), self.durable)
        except OSError as error:
            self._entries.pop()
            if image_written:
                image_path.unlink(missing_ok=True)  # the manifest does not name it
            count, reason = len(self._entries), _reason(error)
            advice = "free some space" if reason == _DISK_FULL else "check the folder"
            raise MeasurementError(
                f"Could not save sample {count + 1} in {self.folder} because {reason}; "
                f"the {count} samples before it are safe, so {advice} and resume."
            ) from None
        self._next_index += 1
        return sample

    def _free_image_name(self) -> str:
        # Skip names already on disk: an image a crash left behind before its manifest
        # update is never overwritten.
        while True:
            name = f"{self._next_index:04d}.{self._image_format}"
            if not (self.folder / name).exists():
                return name
            self._next_index += 1

    def drop_last(self) -> Sample | None:
        """Forget the last sample; its image is removed once the manifest no longer names it."""
        if not self._entries:
            return None
        entry = self._entries.pop()
        try:
            write_manifest(self.manifest_path, self._manifest(), self.durable)
        except OSError as error:
            self._entries.append(entry)
            raise MeasurementError(
                f"Could not drop the last sample in {self.folder} because {_reason(error)}."
            ) from None
        sample = parse_sample(entry)
        if not isinstance(sample, Sample):
            return None
        if not any(isinstance(e, dict) and e.get("image") == sample.image for e in self._entries):
            (self.folder / sample.image).unlink(missing_ok=True)
        return sample

    def _manifest(self) -> dict[str, Any]:
        return {**self._header, "samples": self._entries}

    def __enter__(self) -> MeasurementWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        return None
