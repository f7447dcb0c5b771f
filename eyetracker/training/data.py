"""Measurements turned into network inputs once, cached, and split by person as the study did."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from eyetracker.core.dataset import Measurement, load_dataset
from eyetracker.core.errors import UserError
from eyetracker.model.preprocess import Preprocessing


@dataclass
class PreparedMeasurement:
    """One sitting's frames, ready for the network. Frames with no face are left out."""

    person: str
    measurement: str
    pixels: np.ndarray  # (N, 1, H, W) uint8: a quarter of the memory of float32
    face: np.ndarray  # (N, 3) float32
    targets: np.ndarray  # (N, 2) float32, normalized screen points
    screen: dict = field(default_factory=dict)
    viewing_distance_mm: float | None = None
    skipped: int = 0  # samples whose image had no detectable face or could not be read

    def __len__(self) -> int:
        return len(self.targets)

    @property
    def key(self) -> str:
        return f"{self.person}/{self.measurement}"


def _prepare_image(job: tuple[str, dict]) -> tuple[np.ndarray, np.ndarray] | None:
    path, spec = job
    image = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if image is None:
        return None
    prepared = Preprocessing.from_json(spec)(image)
    if not prepared.found:
        return None
    return np.round(prepared.pixels * 255).astype(np.uint8), prepared.face


def _cache_key(measurement: Measurement, preprocessing: Preprocessing) -> str:
    manifest = measurement.folder / "measurement.json"
    stat = manifest.stat()
    text = json.dumps(
        [str(manifest.resolve()), stat.st_size, stat.st_mtime_ns, preprocessing.to_json()]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "eyetracker" / "prepared"


def prepare_measurement(
    measurement: Measurement,
    preprocessing: Preprocessing,
    pool: ProcessPoolExecutor | None = None,
    cache_dir: Path | None = None,
) -> PreparedMeasurement:
    """Decode and preprocess every sample (in `pool` when given); cached on disk by content."""
    cache_file = None
    if cache_dir is not None:
        cache_file = cache_dir / f"{_cache_key(measurement, preprocessing)}.npz"
        if cache_file.exists():
            with np.load(cache_file) as cached:
                arrays = {k: cached[k] for k in cached.files}
            return _assemble(
                measurement,
                arrays["pixels"],
                arrays["face"],
                arrays["targets"],
                int(arrays["skipped"]),
            )
    jobs = [(str(measurement.image_path(s)), preprocessing.to_json()) for s in measurement.samples]
    results = (
        list(pool.map(_prepare_image, jobs, chunksize=16))
        if pool
        else [_prepare_image(j) for j in jobs]
    )
    keep = [i for i, r in enumerate(results) if r is not None]
    h, w = preprocessing.input_size
    pixels = np.stack([results[i][0] for i in keep]) if keep else np.zeros((0, 1, h, w), np.uint8)
    face = np.stack([results[i][1] for i in keep]) if keep else np.zeros((0, 3), np.float32)
    targets = np.array(
        [[measurement.samples[i].x, measurement.samples[i].y] for i in keep], np.float32
    ).reshape(-1, 2)
    skipped = len(results) - len(keep)
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        # A private temporary name: several processes (torchrun ranks) may prepare at once.
        fd, tmp = tempfile.mkstemp(suffix=".npz", dir=cache_file.parent)
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, pixels=pixels, face=face, targets=targets, skipped=np.array(skipped))
        os.replace(tmp, cache_file)
    return _assemble(measurement, pixels, face, targets, skipped)


def _assemble(measurement: Measurement, pixels, face, targets, skipped: int) -> PreparedMeasurement:
    distance = measurement.extras.get("viewing_distance_mm")
    return PreparedMeasurement(
        person=measurement.person,
        measurement=measurement.name,
        pixels=pixels,
        face=face,
        targets=targets,
        screen=measurement.screen.to_json(),
        viewing_distance_mm=float(distance) if isinstance(distance, (int, float)) else None,
        skipped=skipped,
    )


def prepare_dataset(
    path: str | os.PathLike[str],
    preprocessing: Preprocessing,
    workers: int | None = None,
    cache: bool = True,
    progress: bool = True,
) -> list[PreparedMeasurement]:
    """Every measurement under `path`, preprocessed; problems in the tree are reported, not fatal."""
    from tqdm import tqdm

    dataset = load_dataset(path)
    for problem in dataset.problems:
        print(f"warning: {problem}")
    if not dataset.measurements:
        raise UserError(
            f"{path} holds no usable measurement; record one in the app or run `eyetracker synth`."
        )
    workers = workers or os.cpu_count() or 1
    cache_dir = default_cache_dir() if cache else None
    prepared = []
    with ProcessPoolExecutor(workers) if workers > 1 else nullcontext() as pool:
        for measurement in tqdm(
            dataset.measurements,
            desc="preparing",
            unit="measurement",
            disable=not progress,
            leave=False,
        ):
            prepared.append(prepare_measurement(measurement, preprocessing, pool, cache_dir))
    usable = [m for m in prepared if len(m) > 0]
    if not usable:
        raise UserError(
            f"No face was found in any image under {path}; check the images and lighting."
        )
    return usable


@dataclass
class Split:
    train: list[PreparedMeasurement]
    unfamiliar_people: list[PreparedMeasurement]
    unfamiliar_measurements: list[PreparedMeasurement]

    def summary(self) -> dict:
        def count(ms):
            return {
                "people": len({m.person for m in ms}),
                "measurements": len(ms),
                "samples": sum(len(m) for m in ms),
            }

        return {
            "train": count(self.train),
            "unfamiliar_people": count(self.unfamiliar_people),
            "unfamiliar_measurements": count(self.unfamiliar_measurements),
        }


def split_by_person(
    measurements: list[PreparedMeasurement], held_out_people: float = 0.2, seed: int = 0
) -> Split:
    """Hold out whole people (unfamiliar people) and, of every remaining person with two or
    more measurements, their last one (familiar people in a new sitting)."""
    rng = np.random.default_rng(seed)
    people = sorted({m.person for m in measurements})
    n_out = int(round(len(people) * held_out_people)) if len(people) > 2 else 0
    out = set(rng.permutation(people)[:n_out].tolist())
    train, new_people, new_sittings = [], [], []
    for person in people:
        own = sorted((m for m in measurements if m.person == person), key=lambda m: m.measurement)
        if person in out:
            new_people.extend(own)
        elif len(own) >= 2:
            train.extend(own[:-1])
            new_sittings.append(own[-1])
        else:
            train.extend(own)
    return Split(train, new_people, new_sittings)
