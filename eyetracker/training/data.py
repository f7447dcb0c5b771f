"""Measurements turned into network inputs once, and cached (eyetracker.training.validation
splits them into what a run trains on and what it holds out)."""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from eyetracker.core.atomic import atomic_write
from eyetracker.core.dataset import Measurement, load_dataset
from eyetracker.core.errors import UserError
from eyetracker.core.images import read_image
from eyetracker.model.front_end import FrontEnd, Prepared
from eyetracker.model.preprocess import Preprocessing


@dataclass
class PreparedMeasurement:
    """One sitting's frames, ready for the network.

    Only usable frames are network inputs; the others stay accounted for in `failed` (their
    image, target and the front end's reason), so an evaluation can count every frame. A
    sample not attended (`Sample.attended is False`: the person typed the wrong key at an
    attention check, so may not have looked at the dot, or it came just before or after such a
    check) is neither: it is left out, and counted in `not_attended`.
    """

    person: str
    measurement: str
    pixels: np.ndarray  # (N, C, H, W) uint8: a quarter of the memory of float32
    face: np.ndarray  # (N, geometry) float32
    targets: np.ndarray  # (N, 2) float32, normalized screen points
    images: list[str] = field(default_factory=list)  # (N,) image file names
    failed: list[FailedSample] = field(default_factory=list)
    screen: dict = field(default_factory=dict)  # Screen.known_json(): validated values only
    viewing_distance_mm: float | None = None
    not_attended: int = 0  # samples left out: a failed attention check or next to one

    def __len__(self) -> int:
        return len(self.targets)

    @property
    def skipped(self) -> int:
        """Samples that gave no network input (no usable face, unreadable image)."""
        return len(self.failed)

    @property
    def key(self) -> str:
        return f"{self.person}/{self.measurement}"


@dataclass(frozen=True)
class FailedSample:
    image: str
    target: tuple[float, float]
    reason: str


# Front ends of this process, one per preprocessing: a landmarker takes a while to load, and a
# pool worker prepares many images. Datasets are still images: the front end's image mode.
_FRONT_ENDS: dict[Preprocessing, FrontEnd] = {}

# Bump when the front ends' output changes, so caches of older inputs are not reused.
FRONT_END_VERSION = 3


def _front_end(preprocessing: Preprocessing) -> FrontEnd:
    if preprocessing not in _FRONT_ENDS:
        _FRONT_ENDS[preprocessing] = preprocessing.front_end(video=False)
    return _FRONT_ENDS[preprocessing]


def prepare_image(path: str, preprocessing: Preprocessing) -> Prepared:
    """One dataset image through the same decoding and front end as a live frame."""
    image = read_image(path)
    if image is None:
        return preprocessing.invalid("unreadable image")
    return _front_end(preprocessing).prepare(image)


def _prepare_job(job: tuple[str, dict]) -> tuple[np.ndarray, np.ndarray, str]:
    path, spec = job
    prepared = prepare_image(path, Preprocessing.from_json(spec))
    pixels = np.round(prepared.pixels * 255).astype(np.uint8)
    return pixels, prepared.geometry, "" if prepared.found else prepared.reason


def _cache_key(measurement: Measurement, preprocessing: Preprocessing) -> str:
    manifest = measurement.folder / "measurement.json"
    stat = manifest.stat()
    text = json.dumps(
        [
            str(manifest.resolve()),
            stat.st_size,
            stat.st_mtime_ns,
            preprocessing.to_json(),
            FRONT_END_VERSION,
        ]
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
            return _assemble(measurement, arrays["pixels"], arrays["face"], arrays["reasons"])
    jobs = [(str(measurement.image_path(s)), preprocessing.to_json()) for s in measurement.samples]
    results = (
        list(pool.map(_prepare_job, jobs, chunksize=16))
        if pool
        else [_prepare_job(j) for j in jobs]
    )
    c, h, w = preprocessing.channels, *preprocessing.input_size
    pixels = np.stack([r[0] for r in results]) if results else np.zeros((0, c, h, w), np.uint8)
    face = (
        np.stack([r[1] for r in results])
        if results
        else np.zeros((0, preprocessing.geometry_size), np.float32)
    )
    reasons = np.array([r[2] for r in results], dtype=str)
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        arrays = {"pixels": pixels, "face": face, "reasons": reasons}
        # A cache can be rebuilt: atomic (ranks preparing at once each write their own
        # temporary file), but not worth an fsync.
        atomic_write(cache_file, lambda handle: np.savez(handle, **arrays), durable=False)
    return _assemble(measurement, pixels, face, reasons)


def _assemble(
    measurement: Measurement, pixels: np.ndarray, face: np.ndarray, reasons: np.ndarray
) -> PreparedMeasurement:
    """Usable frames become the network inputs; the others are kept as `failed`. Samples not
    attended are left out of both (done here, after the cache, so that the cache
    stays one entry per manifest sample)."""
    samples = measurement.samples
    checked = [i for i, sample in enumerate(samples) if sample.attended is not False]
    keep = [i for i in checked if not reasons[i]]
    targets = np.array([[samples[i].x, samples[i].y] for i in keep], np.float32).reshape(-1, 2)
    failed = [
        FailedSample(samples[i].image, (samples[i].x, samples[i].y), str(reasons[i]))
        for i in checked
        if reasons[i]
    ]
    return PreparedMeasurement(
        person=measurement.person,
        measurement=measurement.name,
        pixels=pixels[keep],
        face=face[keep],
        targets=targets,
        images=[samples[i].image for i in keep],
        failed=failed,
        screen=measurement.screen.known_json(),
        viewing_distance_mm=measurement.viewing_distance_mm,
        not_attended=len(samples) - len(checked),
    )


def prepare_dataset(
    path: str | os.PathLike[str],
    preprocessing: Preprocessing,
    workers: int | None = None,
    cache: bool = True,
    progress: bool = True,
    leave_out: str | os.PathLike[str] | None = None,
) -> list[PreparedMeasurement]:
    """Every measurement under `path`, preprocessed; problems in the tree are reported, not fatal.

    A measurement in which no frame had a usable face is returned too (empty, its samples in
    `failed`): training skips it, an evaluation counts it. `leave_out`: a file listing images
    (one path a line) to leave out, such as the dots the app keeps to check a fine-tuned
    model on (eyetracker.training.model_choice)."""
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
    if leave_out is not None:
        left_out = read_image_list(leave_out)
        prepared = [
            without_images(m, {s.image for s in d.samples if d.image_path(s).resolve() in left_out})
            for m, d in zip(prepared, dataset.measurements, strict=True)
        ]
    if not any(len(m) for m in prepared):
        raise UserError(
            f"No face was found in any image under {path}; check the images and lighting."
        )
    return prepared  # measurements without a usable frame too: an evaluation counts them


def read_image_list(path: str | os.PathLike[str]) -> set[Path]:
    """The images a list file names (one path a line, blank lines ignored), resolved."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise UserError(
            f"Could not read the image list {path}: {error.strerror or error}."
        ) from None
    return {Path(line.strip()).resolve() for line in lines if line.strip()}


def without_images(m: PreparedMeasurement, images: set[str]) -> PreparedMeasurement:
    """`m` without the samples whose image (name in the manifest) is in `images`."""
    if not images:
        return m
    kept = subset(m, np.array([image not in images for image in m.images], bool))
    return replace(
        kept, failed=[f for f in m.failed if f.image not in images], not_attended=m.not_attended
    )


def subset(m: PreparedMeasurement, keep: np.ndarray) -> PreparedMeasurement:
    """The samples of `m` where `keep` (a part of a sitting, without its failed frames)."""
    return replace(
        m,
        pixels=m.pixels[keep],
        face=m.face[keep],
        targets=m.targets[keep],
        images=[image for image, k in zip(m.images, keep, strict=True) if k],
        failed=[],
        not_attended=0,  # a part of a sitting: its count stays with the whole
    )
