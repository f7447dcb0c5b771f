"""The measurement manifest (measurement.json): its types, its validation, its atomic write.

Shared by the writer (measurement.py) and the reader (dataset.py) so both agree on one
contract; docs/measurement-format.md describes it for other programs.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from eyetracker.core.atomic import atomic_write
from eyetracker.core.attention import mark_neighbours
from eyetracker.core.errors import UserError

# 2: the neighbours of a failed attention check are marked not attended (attention.py).
FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)  # a format 1 file reads as written
MANIFEST = "measurement.json"
REQUIRED_KEYS = ("format", "person", "measurement", "screen", "samples")
KNOWN_KEYS = (*REQUIRED_KEYS, "camera")


class MeasurementError(UserError):
    """A measurement could not be written or read."""


@dataclass(frozen=True)
class Screen:
    """The screen the dots were shown on. Physical size is optional; `extra` keeps unknown keys."""

    width_px: int
    height_px: int
    width_mm: float | None = None
    height_mm: float | None = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False)

    def known_json(self) -> dict[str, Any]:
        """The validated fields only: what computations may use (`extra` may hold bad values)."""
        data: dict[str, Any] = {"width_px": self.width_px, "height_px": self.height_px}
        if self.width_mm is not None:
            data["width_mm"] = self.width_mm
        if self.height_mm is not None:
            data["height_mm"] = self.height_mm
        return data

    def to_json(self) -> dict[str, Any]:
        return with_extras(self.known_json(), self.extra)


@dataclass(frozen=True)
class Sample:
    """One captured image and the normalized dot the person looked at (x right, y down)."""

    image: str
    x: float
    y: float
    extra: dict[str, Any] = field(default_factory=dict, hash=False)

    def to_json(self) -> dict[str, Any]:
        return with_extras({"image": self.image, "x": self.x, "y": self.y}, self.extra)

    @property
    def attended(self) -> bool | None:
        """The attention check at this sample: passed (True), failed (False: the check, or
        a sample next to a failed one; attention.py), or none made (None)."""
        value = self.extra.get("attended")
        return value if isinstance(value, bool) else None


def with_extras(known: dict[str, Any], extras: dict[str, Any]) -> dict[str, Any]:
    """`known` followed by the extras it does not already hold (known keys always win)."""
    return {**known, **{k: v for k, v in extras.items() if k not in known}}


def describe(value: Any) -> str:
    """A short, safe rendering of a JSON value for an error message."""
    text = json.dumps(value, ensure_ascii=False) if _jsonable(value) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=True)
    except (TypeError, ValueError, RecursionError):
        return False
    return True


def is_number(value: Any) -> bool:
    """A finite JSON number: bools, NaN and Infinity do not count."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest's JSON object after top-level checks; MeasurementError in one sentence."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise MeasurementError(f"{path} does not exist.") from None
    except OSError as error:
        raise MeasurementError(f"{path} cannot be read ({error.strerror}).") from None
    except UnicodeDecodeError:
        raise MeasurementError(f"{path} is not UTF-8 text.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise MeasurementError(
            f"{path} is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})."
        ) from None
    except RecursionError:
        raise MeasurementError(f"{path} is not valid JSON (nested too deeply).") from None
    if not isinstance(data, dict):
        raise MeasurementError(f"{path} must hold a JSON object, not {describe(data)}.")
    if "format" not in data:
        raise MeasurementError(
            f'{path} has no format version; expected "format": {FORMAT_VERSION}.'
        )
    version = data["format"]
    if (
        not (isinstance(version, int) and not isinstance(version, bool))
        or version not in READABLE_FORMATS
    ):
        raise MeasurementError(
            f"{path} has format {describe(version)}, but this version of eyetracker reads "
            f"formats {' and '.join(map(str, READABLE_FORMATS))} only."
        )
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise MeasurementError(f"{path} lacks the required key(s) {', '.join(missing)}.")
    for key in ("person", "measurement"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise MeasurementError(
                f"{path}: {key} must be a non-empty string, not {describe(data[key])}."
            )
    if not isinstance(data["samples"], list):
        raise MeasurementError(f"{path}: samples must be a list, not {describe(data['samples'])}.")
    return data


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def parse_screen(raw: Any, path: Path) -> tuple[Screen, list[str]]:
    """The screen and messages about dropped optional fields; MeasurementError if unusable.

    An invalid optional value stays in `Screen.extra` so rewriting the manifest keeps it.
    """
    if not isinstance(raw, dict):
        raise MeasurementError(f"{path}: screen must be an object, not {describe(raw)}.")
    for key in ("width_px", "height_px"):
        if not _positive_int(raw.get(key)):
            raise MeasurementError(
                f"{path}: screen.{key} must be a positive integer, not {describe(raw.get(key))}."
            )
    messages = []
    sizes: dict[str, float | None] = {"width_mm": None, "height_mm": None}
    extra = {k: v for k, v in raw.items() if k not in ("width_px", "height_px", *sizes)}
    for key in sizes:
        sizes[key], message = optional_length(raw.get(key), f"screen.{key}")
        if message:
            extra[key] = raw[key]
            messages.append(message)
    screen = Screen(raw["width_px"], raw["height_px"], sizes["width_mm"], sizes["height_mm"], extra)
    return screen, messages


def optional_length(value: Any, name: str) -> tuple[float | None, str | None]:
    """An optional length in mm as a positive finite float, or None and why it is ignored.

    The one check for screen sizes and the viewing distance, made when a manifest is read, so
    that no later step (training, evaluation, degrees) meets a string, NaN, bool or negative.
    """
    if value is None:
        return None, None
    if is_number(value) and value > 0:
        try:
            length = float(value)
        except OverflowError:  # an integer too large for a float
            length = math.inf
        if math.isfinite(length):
            return length, None
    return None, f"{name} {describe(value)} is not a positive number; ignored"


def plan_problem(data: dict[str, Any]) -> str | None:
    """Why a measurement with `planned_samples` (the count its writer set out to take) falls
    short of it, as a run that was interrupted leaves it; None when it does not."""
    planned = data.get("planned_samples")
    if planned is None:
        return None
    if not _positive_int(planned):
        return f"planned_samples {describe(planned)} is not a positive integer; ignored"
    taken = len(data["samples"])
    if taken < planned:
        return f"holds {taken} of its {planned} planned samples: it was cut short"
    return None


def camera_problem(raw: Any) -> str | None:
    """Why an optional camera object is unusable, or None when it is fine."""
    if not isinstance(raw, dict):
        return f"camera must be an object, not {describe(raw)}; ignored"
    for key in ("width", "height"):
        if not _positive_int(raw.get(key)):
            return f"camera.{key} must be a positive integer, not {describe(raw.get(key))}; ignored"
    return None


def image_name_problem(name: str) -> str | None:
    """Why an image name cannot be used: it must be a relative path inside the measurement."""
    if not name or "\\" in name or "\x00" in name:
        return f"image {describe(name)} is not a valid file name"
    parts = PurePosixPath(name).parts
    if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
        return f"image {describe(name)} points outside the measurement folder"
    return None


def parse_sample(raw: Any) -> Sample | str:
    """A valid Sample, or the reason the entry is unusable (images are checked elsewhere)."""
    if not isinstance(raw, dict):
        return f"is {describe(raw)}, not an object"
    missing = [key for key in ("image", "x", "y") if key not in raw]
    if missing:
        return f"lacks {', '.join(missing)}"
    image = raw["image"]
    if not isinstance(image, str):
        return f"image must be a file name, not {describe(image)}"
    reason = image_name_problem(image)
    if reason:
        return reason
    for key in ("x", "y"):
        value = raw[key]
        if not is_number(value):
            return f"{key} must be a number, not {describe(value)}"
        if not 0.0 <= value <= 1.0:
            return f"{key} is {describe(value)}, outside [0, 1]"
    attended = raw.get("attended")
    if attended is not None and not isinstance(attended, bool):
        return f"attended must be true or false, not {describe(attended)}"
    extra = {k: v for k, v in raw.items() if k not in ("image", "x", "y")}
    return Sample(image, float(raw["x"]), float(raw["y"]), extra)


def manifest_text(data: dict[str, Any]) -> str:
    """JSON with one top-level key per line and one sample per line: small and diff-friendly."""

    def compact(value: Any) -> str:
        # NaN can only come from a resumed manifest that had it already: keep it as it was.
        return json.dumps(value, ensure_ascii=False)

    def member(key: str, value: Any) -> str:
        if isinstance(value, list) and value:
            items = ",\n".join(f"  {compact(item)}" for item in value)
            return f" {compact(key)}: [\n{items}\n ]"
        return f" {compact(key)}: {compact(value)}"

    return "{\n" + ",\n".join(member(str(k), v) for k, v in data.items()) + "\n}\n"


def write_manifest(path: Path, data: dict[str, Any], durable: bool = True) -> None:
    """Replace the manifest atomically: readers see the old one or the new one, never half.

    `durable=False` skips the fsyncs: still atomic if the process dies, not if the power does.
    Raises TypeError for data JSON cannot hold and OSError when the disk refuses. What is
    written is this format: the attention check's neighbours marked (attention.py).
    """
    data = {**data, "format": FORMAT_VERSION}
    if isinstance(data.get("samples"), list):
        data["samples"] = mark_neighbours(data["samples"])
    atomic_write(path, manifest_text(data), durable=durable)
