"""How fast the synthetic world renders: frames/s of the renderer alone, and of a whole
dataset written end to end (render + JPEG + measurement files) by `write_dataset`.

    nice -n 10 python benchmarks/render_speed.py [--frames 500] [--dataset-frames 2000] [--workers N]

Prints the numbers and writes benchmarks/results/render_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from eyetracker.core.types import GazePoint
from eyetracker.synth.dataset import person_for, sitting_for, write_dataset
from eyetracker.synth.render import render_frame

RESULTS = Path(__file__).parent / "results" / "render_speed.json"


def render_only(frames: int, seed: int = 0) -> float:
    """Frames/s of `render_frame` in this process, over 10 people x 1 sitting each."""
    cv2.setNumThreads(1)
    scenes = [
        (p, sitting_for(seed, p, i, 0))
        for i, p in enumerate(person_for(seed, i) for i in range(10))
    ]
    rng = np.random.default_rng(seed)
    for person, sitting in scenes:  # warm the per-sitting caches, as a measurement would
        render_frame(person, sitting, GazePoint(0.5, 0.5), rng)
    start = time.perf_counter()
    for k in range(frames):
        person, sitting = scenes[k % len(scenes)]
        render_frame(person, sitting, GazePoint(*rng.uniform(0, 1, 2)), rng, t=k * 2.0)
    return frames / (time.perf_counter() - start)


def dataset_end_to_end(frames: int, workers: int, seed: int = 0) -> float:
    """Frames/s of writing a dataset of about `frames` frames (100 dots per measurement)."""
    people = max(frames // 200, 1)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        written = write_dataset(Path(folder) / "data", people, 2, 100, seed, workers=workers)
        return written / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=500)
    parser.add_argument("--dataset-frames", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()
    single = render_only(args.frames)
    print(f"render only, 1 process: {single:.0f} frames/s ({1000 / single:.2f} ms/frame)")
    end_to_end = dataset_end_to_end(args.dataset_frames, args.workers)
    print(
        f"dataset end to end (render + JPEG + write), {args.workers} workers: {end_to_end:.0f} frames/s"
    )
    result = {
        "render_only_frames_per_s": round(single, 1),
        "render_only_ms_per_frame": round(1000 / single, 3),
        "dataset_frames": (args.dataset_frames // 200) * 200,
        "dataset_workers": args.workers,
        "dataset_frames_per_s": round(end_to_end, 1),
        "size": [640, 480],
        "cpu_count": os.cpu_count(),
        "machine": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "opencv": cv2.__version__,
        "date": time.strftime("%Y-%m-%d"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
