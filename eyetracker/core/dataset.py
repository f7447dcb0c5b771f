"""Reading measurements and datasets: validate, load the good samples, report the rest.

A dataset is any folder with measurement.json files below it (usually DATASET/<person>/
<measurement>/); a single person folder or a single measurement folder is a dataset too.
Each problem is one line with its path; a bad sample is skipped, never fatal.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eyetracker.core.errors import UserError
from eyetracker.core.images import image_problem
from eyetracker.core.manifest import (
    FORMAT_VERSION,
    KNOWN_KEYS,
    MANIFEST,
    MeasurementError,
    Sample,
    Screen,
    camera_problem,
    describe,
    is_number,
    optional_length,
    parse_sample,
    parse_screen,
    plan_problem,
    read_manifest,
    with_extras,
    write_manifest,
)
from eyetracker.core.paths import leads_outside

__all__ = [
    "Dataset",
    "Measurement",
    "NotADatasetError",
    "Problem",
    "load_dataset",
    "load_measurement",
    "save_measurement",
]


class NotADatasetError(UserError):
    """The path given is not a dataset: missing, a file, or no measurement.json below it."""


@dataclass(frozen=True)
class Problem:
    """Something wrong in a dataset: the file it concerns and what is wrong, in one line."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


# A sample's capture time when its measurement keeps none (the app's measurement mode writes
# "t", seconds from its start): one second apart, as a measurement's dots are, so that a
# stream through the landmarker, whose tracking smooths landmarks over time, carries nothing
# from one sample into the next.
UNTIMED_SPACING_S = 1.0


@dataclass
class Measurement:
    """One loaded measurement: its valid samples, and problems with the ones it skipped.

    `extras` holds the top-level keys this version does not know; `skipped` the raw entries
    of skipped samples, which save_measurement writes back so nothing is lost.
    `viewing_distance_mm` is the manifest's when it is a positive number, else None (the raw
    value stays in `extras`).
    """

    folder: Path
    person: str
    name: str
    screen: Screen
    samples: list[Sample]
    camera: dict[str, Any] | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Any] = field(default_factory=list)
    viewing_distance_mm: float | None = None

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST

    def image_path(self, sample: Sample) -> Path:
        return self.folder / sample.image

    def __len__(self) -> int:
        return len(self.samples)

    def __iter__(self) -> Iterator[Sample]:
        return iter(self.samples)

    def capture_times(self) -> list[float]:
        """Each sample's capture time in seconds: its recorded "t" when every sample has one,
        else the samples in order UNTIMED_SPACING_S apart."""
        recorded = [sample.extra.get("t") for sample in self.samples]
        if all(is_number(t) for t in recorded):
            return [float(t) for t in recorded]
        return [index * UNTIMED_SPACING_S for index in range(len(self.samples))]


@dataclass
class Dataset:
    """Every measurement found below `root`, plus the problems met on the way.

    `unreadable` lists the measurement folders whose manifest could not be used at all.
    """

    root: Path
    measurements: list[Measurement]
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[Path] = field(default_factory=list)

    @property
    def people(self) -> dict[str, list[Measurement]]:
        """Measurements by the person named in their manifest, in sorted order."""
        people: dict[str, list[Measurement]] = {}
        for measurement in self.measurements:
            people.setdefault(measurement.person, []).append(measurement)
        return dict(sorted(people.items()))

    @property
    def sample_count(self) -> int:
        return sum(len(m.samples) for m in self.measurements)

    @property
    def skipped_count(self) -> int:
        return sum(len(m.skipped) for m in self.measurements)

    def __iter__(self) -> Iterator[Measurement]:
        return iter(self.measurements)

    def __len__(self) -> int:
        return len(self.measurements)


def load_measurement(folder: str | os.PathLike[str], *, decode_images: bool = False) -> Measurement:
    """Load one measurement folder; raises MeasurementError when its manifest is unusable.

    Bad samples (wrong types, out-of-range dots, duplicate, unreadable or
    outside images) are skipped
    and each gets a Problem naming `samples[i]`.
    """
    folder = Path(folder)
    manifest = folder / MANIFEST
    data = read_manifest(manifest)
    screen, notes = parse_screen(data["screen"], manifest)
    problems = [Problem(manifest, note) for note in notes]
    extras = {k: v for k, v in data.items() if k not in KNOWN_KEYS}
    distance, note = optional_length(data.get("viewing_distance_mm"), "viewing_distance_mm")
    if note:
        problems.append(Problem(manifest, note))
    if note := plan_problem(data):
        problems.append(Problem(manifest, note))
    camera = data.get("camera")
    if camera is not None and (reason := camera_problem(camera)):
        problems.append(Problem(manifest, reason))
        extras["camera"] = camera  # kept verbatim for save_measurement
        camera = None
    samples: list[Sample] = []
    skipped: list[Any] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["samples"]):
        sample = parse_sample(entry)
        path = manifest
        if isinstance(sample, Sample):
            path = folder / sample.image
            name = posixpath.normpath(sample.image)  # "./0006.jpg" and "0006.jpg" are one file
            if name in seen:
                sample = f"image {sample.image} is already used by an earlier sample"
            elif leads_outside(path, folder):
                sample = f"image {describe(sample.image)} leads outside the measurement folder"
            else:
                sample = image_problem(path, decode_images) or sample
            seen.add(name)
        elif isinstance(entry, dict) and isinstance(entry.get("image"), str):
            seen.add(posixpath.normpath(entry["image"]))
        if isinstance(sample, Sample):
            samples.append(sample)
        else:
            problems.append(Problem(path, f"samples[{index}] {sample}; skipped"))
            skipped.append(entry)
    return Measurement(
        folder,
        data["person"],
        data["measurement"],
        screen,
        samples,
        camera,
        extras,
        problems,
        skipped,
        distance,
    )


def _find_manifests(root: Path, problems: list[Problem]) -> list[Path]:
    """Folders holding a measurement.json, at or below `root`, in sorted order."""

    def unreadable(error: OSError) -> None:
        problems.append(
            Problem(Path(error.filename or root), f"cannot be listed ({error.strerror})")
        )

    found = []
    for current, folders, files in os.walk(root, onerror=unreadable):
        if MANIFEST in files:
            found.append(Path(current))
            folders.clear()  # a measurement's own subfolders hold images, not measurements
        else:
            folders[:] = sorted(f for f in folders if not f.startswith("."))
    return sorted(found)


def load_dataset(path: str | os.PathLike[str], *, decode_images: bool = False) -> Dataset:
    """Load every measurement at or below `path` (a dataset, person or measurement folder).

    Raises NotADatasetError when `path` is missing, a file, or holds no measurement.json.
    A measurement whose manifest is unusable becomes one Problem; the others still load.
    """
    root = Path(path)
    if not root.exists():
        raise NotADatasetError(
            f"{root} does not exist; give the folder that holds the measurements."
        )
    if not root.is_dir():
        raise NotADatasetError(f"{root} is a file; give the folder that holds the measurements.")
    problems: list[Problem] = []
    folders = _find_manifests(root, problems)
    if not folders:
        raise NotADatasetError(
            f"{root} is not a dataset: no {MANIFEST} was found in it or in any folder below it."
        )
    measurements, unreadable = [], []
    for folder in folders:
        try:
            measurement = load_measurement(folder, decode_images=decode_images)
        except MeasurementError as error:
            problems.append(Problem(folder / MANIFEST, _strip_path(str(error), folder / MANIFEST)))
            unreadable.append(folder)
            continue
        measurements.append(measurement)
        problems.extend(measurement.problems)
    return Dataset(root, measurements, problems, unreadable)


def _strip_path(message: str, path: Path) -> str:
    # MeasurementError messages start with the manifest path; a Problem already carries it.
    for prefix in (f"{path}: ", f"{path} "):
        if message.startswith(prefix):
            return message[len(prefix) :].rstrip(".")
    return message.rstrip(".")


def save_measurement(measurement: Measurement, *, keep_skipped: bool = True) -> None:
    """Rewrite the manifest from `measurement`, atomically, keeping its unknown keys.

    Skipped entries are written back after the good samples unless `keep_skipped` is False.
    Raises MeasurementError when the disk refuses; the old manifest then stays as it was.
    """
    data: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "person": measurement.person,
        "measurement": measurement.name,
        "screen": measurement.screen.to_json(),
    }
    if measurement.camera is not None:
        data["camera"] = measurement.camera
    data = with_extras(data, measurement.extras)
    samples = [s.to_json() for s in measurement.samples]
    data["samples"] = samples + (list(measurement.skipped) if keep_skipped else [])
    try:
        write_manifest(measurement.manifest_path, data)
    except OSError as error:
        raise MeasurementError(
            f"Could not rewrite {measurement.manifest_path} ({error.strerror or error}); "
            "the previous version is unchanged."
        ) from None
