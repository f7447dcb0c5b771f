"""Synthetic measurements: n random dots per sitting, written in the measurement format.

Every random draw descends from (seed, person, measurement, sample), so a dataset is the
same bytes whether one process writes it or eight.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eyetracker.core.types import GazePoint
from eyetracker.synth.people import Person
from eyetracker.synth.render import render_frame
from eyetracker.synth.sittings import Sitting

RENDERER_VERSION = 1


def render_measurement(
    person: Person, sitting: Sitting, n: int, rng: np.random.Generator, *, with_info: bool = False
) -> Iterator[tuple[np.ndarray, GazePoint] | tuple[np.ndarray, GazePoint, dict[str, Any]]]:
    """Frames of `person` in `sitting` looking at `n` random dots, 1-3.5 s apart as in the study.

    Yields (image, dot), or (image, dot, info) with `with_info`.
    """
    t = 0.0
    for _ in range(n):
        dot = GazePoint(float(rng.uniform(0.02, 0.98)), float(rng.uniform(0.02, 0.98)))
        t += float(rng.uniform(1.0, 3.5))
        image, info = render_frame(person, sitting, dot, rng, t=t)
        yield (image, dot, info) if with_info else (image, dot)


def person_for(seed: int, index: int) -> Person:
    """Person number `index` (0-based) of the dataset drawn with `seed`."""
    return Person.sample(np.random.default_rng([seed, index]), id=person_id(index))


def sitting_for(
    seed: int, person: Person, index: int, measurement: int, size=(640, 480)
) -> Sitting:
    """Measurement number `measurement` (0-based) of person `index`."""
    return Sitting.sample(
        person, np.random.default_rng([seed, index, measurement]), f"m{measurement + 1}", size
    )


def person_id(index: int) -> str:
    return f"p{index + 1:02d}"


def measurement_counts(seed: int, people: int, measurements: int | tuple[int, int]) -> list[int]:
    """How many measurements each person has: fixed, or drawn from an inclusive range."""
    if isinstance(measurements, int):
        return [measurements] * people
    low, high = measurements
    return [
        int(np.random.default_rng([seed, index, 2**31]).integers(low, high + 1))
        for index in range(people)
    ]


@dataclass(frozen=True)
class _Job:
    out: str
    seed: int
    person: int
    measurement: int
    samples: int
    size: tuple[int, int]


def write_measurement(job: _Job) -> int:
    """Render and write one measurement; returns the number of frames written."""
    from eyetracker.core.measurement import MeasurementWriter, Screen

    person = person_for(job.seed, job.person)
    sitting = sitting_for(job.seed, person, job.person, job.measurement, job.size)
    screen = Screen(
        sitting.screen.width_px,
        sitting.screen.height_px,
        sitting.screen.width_mm,
        sitting.screen.height_mm,
    )
    facts = synthetic_facts(job.seed, person, sitting, job.person, job.measurement)
    extra = {
        "viewing_distance_mm": facts["distance_mm"],
        "planned_samples": job.samples,  # an interrupted run leaves fewer: dataset info says so
        "synthetic": facts,
    }
    writer = MeasurementWriter(
        job.out,
        person.id,
        screen,
        measurement=sitting.id,
        camera={"width": job.size[0], "height": job.size[1]},
        extra=extra,
        jpeg_quality=sitting.jpeg_quality,
        durable=False,  # a synthetic dataset can be rendered again; no fsync per sample
    )
    rng = np.random.default_rng([job.seed, job.person, job.measurement, 1])
    for image, dot, info in render_measurement(person, sitting, job.samples, rng, with_info=True):
        writer.add(image, dot.x, dot.y, blink=info["blink"])
    return job.samples


def synthetic_facts(seed: int, person: Person, sitting: Sitting, p: int, m: int) -> dict[str, Any]:
    """What the renderer knew about a measurement (for analysis; models must not see it)."""
    return {
        "seed": seed,
        "renderer": RENDERER_VERSION,
        "person_index": p,
        "measurement_index": m,
        "skin_tone": round(person.skin_tone, 3),
        "iris": person.iris_colour,
        "kappa_h_deg": round(person.kappa_h_deg, 3),
        "kappa_v_deg": round(person.kappa_v_deg, 3),
        "ipd_mm": round(person.ipd_mm, 2),
        "placement": sitting.placement,
        "distance_mm": round(float(-sitting.head_position[2]), 1),
        "glasses": sitting.glasses,
        "hair_tied": sitting.hair_tied,
        "dim_room": sitting.extras["dim_room"],
        "colour_temperature_k": round(sitting.colour_temperature_k),
    }


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this worker when the process that started it dies (even by
    SIGKILL), so no worker goes on writing images for nobody."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the line above took effect
        os._exit(1)


def _init_worker(parent: int | None = None) -> None:
    import cv2

    if parent is not None:
        _die_with_parent(parent)
    cv2.setNumThreads(1)  # one process per core; OpenCV's own threads would only compete


def write_dataset(
    out: str | os.PathLike[str],
    people: int,
    measurements: int | tuple[int, int],
    samples: int,
    seed: int = 0,
    *,
    workers: int | None = None,
    size: tuple[int, int] = (640, 480),
    progress: Callable[[int], None] | None = None,
) -> int:
    """Render a whole dataset into `out` (DATASET/pNN/mK/...); returns the number of frames.

    `progress(frames)` is called after each finished measurement.
    """
    counts = measurement_counts(seed, people, measurements)
    jobs = [
        _Job(str(Path(out)), seed, p, m, samples, size)
        for p in range(people)
        for m in range(counts[p])
    ]
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    total = 0
    if workers == 1:
        _init_worker()
        for job in jobs:
            done = write_measurement(job)
            total += done
            if progress:
                progress(done)
        return total
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(os.getpid(),)) as pool:
        for done in pool.imap_unordered(write_measurement, jobs):
            total += done
            if progress:
                progress(done)
    return total
