"""The on-disk measurement format (see docs/measurement-format.md) and its crash-safe writer.

    DATASET/<person>/<measurement>/measurement.json
    DATASET/<person>/<measurement>/<the image files it names>

The writer saves each image first and then replaces the manifest atomically, so a crash
after sample 57 leaves a valid measurement of 57 samples.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from eyetracker.core.errors import UserError

FORMAT_VERSION = 1
MANIFEST = "measurement.json"


class MeasurementError(UserError):
    """A measurement could not be written or read."""


@dataclass(frozen=True)
class Screen:
    """The screen the dots were shown on. Physical size is optional."""

    width_px: int
    height_px: int
    width_mm: float | None = None
    height_mm: float | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"width_px": self.width_px, "height_px": self.height_px}
        if self.width_mm is not None:
            data["width_mm"] = self.width_mm
        if self.height_mm is not None:
            data["height_mm"] = self.height_mm
        return data


@dataclass(frozen=True)
class Sample:
    """One captured image and the normalized dot the person looked at (x right, y down)."""

    image: str
    x: float
    y: float
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {**self.extra, "image": self.image, "x": self.x, "y": self.y}


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str) -> str:
    """A folder name from free text: letters, digits, '.', '_' and '-' only."""
    cleaned = _SAFE_NAME.sub("-", text.strip()).strip(".-")
    return cleaned or "unnamed"


def _atomic_write_json(path: Path, data: dict[str, Any]) -> None:
    # Write a temporary file in the same folder, flush it to disk, then rename over the
    # target: readers see either the old manifest or the new one, never half of one.
    fd, tmp = tempfile.mkstemp(prefix=".measurement-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class MeasurementWriter:
    """Appends samples to a new measurement folder; never overwrites an existing one.

    `extra` holds additional top-level keys (app version, notes, ...); they are written as is.
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
    ) -> None:
        if image_format not in ("jpg", "png"):
            raise ValueError("image_format must be 'jpg' or 'png'")
        self.person = safe_name(person)
        self.measurement = safe_name(measurement or datetime.now().strftime("%Y-%m-%dT%H-%M-%S"))
        self.folder = Path(dataset) / self.person / self.measurement
        try:
            self.folder.mkdir(parents=True, exist_ok=False)
        except FileExistsError:
            raise MeasurementError(
                f"{self.folder} already exists; choose another measurement name so nothing is overwritten."
            ) from None
        except OSError as error:
            raise MeasurementError(f"Cannot create {self.folder} ({error.strerror}); check the folder and free space.") from None
        self._header: dict[str, Any] = {
            **(extra or {}),
            "format": FORMAT_VERSION,
            "person": person,
            "measurement": self.measurement,
            "screen": screen.to_json(),
        }
        if camera is not None:
            self._header["camera"] = camera
        self._image_format = image_format
        self._encode_params = [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality] if image_format == "jpg" else []
        self.samples: list[Sample] = []
        self._next_index = 0
        self._flush()

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST

    def add(self, image: np.ndarray, x: float, y: float, **extra: Any) -> Sample:
        """Save `image` (BGR uint8) and record that the person looked at (x, y)."""
        if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
            raise ValueError(f"gaze point ({x}, {y}) is outside the screen [0, 1]^2")
        name = f"{self._next_index:04d}.{self._image_format}"
        ok, encoded = cv2.imencode(f".{self._image_format}", image, self._encode_params)
        if not ok:
            raise MeasurementError("The camera image could not be encoded; the sample was not saved.")
        try:
            with open(self.folder / name, "wb") as handle:
                handle.write(encoded.tobytes())
            sample = Sample(name, float(x), float(y), dict(extra))
            self.samples.append(sample)
            self._flush()
        except OSError as error:
            if self.samples and self.samples[-1].image == name:
                self.samples.pop()
            raise MeasurementError(
                f"Could not save sample {len(self.samples) + 1} in {self.folder} ({error.strerror}); "
                f"the {len(self.samples)} samples before it are safe. Free some disk space and resume."
            ) from None
        self._next_index += 1
        return sample

    def drop_last(self) -> Sample | None:
        """Forget the last sample (the image file is removed after the manifest no longer names it)."""
        if not self.samples:
            return None
        sample = self.samples.pop()
        self._flush()
        (self.folder / sample.image).unlink(missing_ok=True)
        return sample

    def _flush(self) -> None:
        _atomic_write_json(
            self.manifest_path, {**self._header, "samples": [s.to_json() for s in self.samples]}
        )

    def __enter__(self) -> MeasurementWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        return None
