"""The live path: cost per frame, latency, statistics policies by gaze scenario, memory.

    python benchmarks/realtime.py --model resources/models/default.pt      (~12 min)
    python benchmarks/realtime.py --quick                                   (smoke run)
    python benchmarks/realtime.py --memory-minutes 10                       (adds the soak)

1. Cost per frame (inference + statistics refreshes, every frame processed) as a multiple of
   one single-frame forward pass; preprocessing (face detection) reported beside it.
2. Latency from capture to smoothed sample, 640x480 at 30 fps in real time, threaded tracker,
   ONNX Runtime and torch on CPU: p50 / p95 / max and dropped frames, from two cameras:
   "webcam-like", a synthetic clip rendered beforehand and played from an MJPEG file at
   30 fps (what a webcam costs the CPU: decoding its MJPEG frames), and the demo's
   synthetic camera, which renders every frame in the same process and so also competes
   for the 2 cores.
3. Error by gaze scenario on the synthetic live camera, for where the statistics come from:
   a calibration (9-point grid, frozen, as a profile), the session itself (no profile: a
   reservoir of the frames so far) and the oracle (a full 100-dot measurement, frozen).
4. Resident memory of a long real-time run on the webcam-like camera (flat means <= +30 MB
   after warm-up).
Writes benchmarks/results/realtime.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from eyetracker.capture.base import FrameSource
from eyetracker.capture.synthetic import SyntheticCamera
from eyetracker.capture.video import VideoFileSource
from eyetracker.core.dataset import UNTIMED_SPACING_S
from eyetracker.core.smoothing import GazeSmoother
from eyetracker.core.types import Frame, GazePoint
from eyetracker.inference.backends import create_backend, seconds_per_frame
from eyetracker.inference.calibration import (
    CALIBRATION_POINTS,
    FRAMES_PER_POINT,
    CalibrationCollector,
    grid_points,
    serpentine,
)
from eyetracker.inference.pipeline import FramePipeline
from eyetracker.inference.profile import Profile
from eyetracker.inference.session_statistics import SessionStatistics
from eyetracker.model.resources import default_model_path
from eyetracker.runtime.tracker import Tracker
from eyetracker.synth.dataset import render_measurement
from eyetracker.synth.render import render_frame

HERE = Path(__file__).resolve().parent
SCENARIOS = {
    "spread fixations": ("fixations", ()),
    "reading": ("reading", ()),
    "one-region dwell": ("dwell", ()),
    "light dims midway": ("fixations", ("dim@{half}",)),
    "leaning back midway": ("fixations", ("lean_back@{half}",)),
}
POLICIES = ("calibration", "session", "oracle")


def calibration_of(backend, camera) -> Profile:
    """The app's quick calibration of the camera's own sitting: its grid, order and frames per
    dot, fitted by the app's own CalibrationCollector (statistics and correction)."""
    rng = np.random.default_rng([camera.seed, 9])
    grid = serpentine(grid_points(CALIBRATION_POINTS))
    collector = CalibrationCollector(grid)
    for index, point in enumerate(grid):
        for k in range(FRAMES_PER_POINT):
            image, _ = render_frame(camera.person, camera.sitting, point, rng, t=k / 30)
            collector.add(index, Frame(image, timestamp=index + k / 30, index=k))
    return collector.fit(backend, user="benchmark")


def oracle_moments(backend, camera, n=100):
    """Statistics of a full 100-dot measurement of the same sitting: its frames through the
    frame pipeline's front end as a measurement's profile sees them (one stream, its samples a
    second apart), the usable ones captured exactly (no guard, no correction)."""
    rng = np.random.default_rng([camera.seed, 10])
    pipeline = FramePipeline(backend, video=True)
    measurement = render_measurement(camera.person, camera.sitting, n, rng)
    prepared = [
        pipeline.prepare(Frame(image, timestamp=index * UNTIMED_SPACING_S, index=index))
        for index, (image, _) in enumerate(measurement)
    ]
    pipeline.close()
    usable = [p for p in prepared if p.found]
    return backend.capture(
        np.stack([p.pixels for p in usable]), np.stack([p.geometry for p in usable])
    )


def tracked_error(pipeline: FramePipeline, frames: list[Frame]) -> tuple[float, int]:
    """Mean error of every frame (a frame without a point counts as the screen centre) and
    how many frames gave a point."""
    errors, valid = [], 0
    for frame in frames:
        sample = pipeline.sample(frame)
        point = sample.raw_point or GazePoint(0.5, 0.5)
        valid += sample.valid
        errors.append(100 * float(np.hypot(point.x - frame.truth.x, point.y - frame.truth.y)))
    return float(np.mean(errors)), valid


def scenario_errors(backend, seconds: float, seed: int) -> dict:
    results = {}
    for name, (script, events) in SCENARIOS.items():
        camera = SyntheticCamera(
            script=script,
            seed=seed,
            realtime=False,
            duration=seconds,
            events=[e.format(half=seconds / 2) for e in events],
        )
        with camera:
            frames = list(camera)
        profile = calibration_of(backend, camera)
        oracle = oracle_moments(backend, camera)
        row = {}
        for policy in POLICIES:
            if policy == "calibration":
                statistics = SessionStatistics.of_profile(backend, profile)
            elif policy == "oracle":
                statistics = SessionStatistics(backend, moments=oracle)
            else:
                statistics = SessionStatistics(backend)
            pipeline = FramePipeline(backend, video=True, statistics=statistics)
            row[policy], valid = tracked_error(pipeline, frames)
            row[policy] = round(row[policy], 2)
            pipeline.close()
        row["valid_frames"] = valid
        row["frames"] = len(frames)
        results[name] = row
        print(name, row, flush=True)
    return results


def cost_per_frame(backend, frames: int, seed: int) -> dict:
    """Every frame through the frame pipeline in order (front end, forward pass, statistics,
    smoothing): milliseconds per stage, and the whole over one forward pass."""
    camera = SyntheticCamera(script="fixations", seed=seed, realtime=False, duration=frames / 30)
    with camera:
        images = list(camera)
    # No profile: the one path that refreshes statistics; captured ones in place from the
    # start, as after the first refresh, so the forward pass compares like with like.
    statistics = SessionStatistics(backend)
    backend.set_statistics(calibration_of(backend, SyntheticCamera(seed=seed)).moments)
    forward = seconds_per_frame(backend, repeats=200)
    pipeline = FramePipeline(backend, video=True, smoother=GazeSmoother(), statistics=statistics)
    started = time.perf_counter()
    for frame in images:
        pipeline.sample(frame)
    per_frame = (time.perf_counter() - started) / len(images)
    pipeline.close()
    stages = pipeline.timings.to_json()["stages_ms"]
    return {
        "forward_ms": round(forward * 1e3, 3),
        "per_frame_ms": round(per_frame * 1e3, 3),
        "stages_ms": {k: v["p50"] for k, v in stages.items()},
        "refreshes": statistics.refreshes,
        "frames": len(images),
    }


def webcam_like(camera: SyntheticCamera, seconds: float, folder: Path) -> VideoFileSource:
    """`camera`'s first `seconds` rendered beforehand into an MJPEG file, played back in a loop
    at 30 fps: a source that costs the CPU what a webcam's MJPEG stream does (decoding)."""
    path = folder / f"webcam-like-{camera.seed}.avi"
    clip = SyntheticCamera(
        script=camera.script_name, seed=camera.seed, realtime=False, duration=seconds
    )
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, clip.size)
    with clip:
        for frame in clip:
            writer.write(frame.image)
    writer.release()
    return VideoFileSource(path, realtime=True, loop=True)


def tracked_live(source: FrameSource, backend, statistics, seconds: float) -> tuple[Tracker, list]:
    """Track `source` in real time for `seconds` (threaded, newest frame wins): the tracker
    (its timings) and the samples."""
    samples: list = []
    with source:
        tracker = Tracker(source, backend, statistics, GazeSmoother(), on_sample=samples.append)
        tracker.start()
        tracker.stop_event.wait(seconds)
        tracker.stop()
    return tracker, samples


def latency(backend, seconds: float, seed: int, folder: Path) -> dict:
    """Capture-to-sample latency from the webcam-like camera and from the demo's camera."""
    camera = SyntheticCamera(script="fixations", seed=seed, realtime=True, fps=30.0)
    statistics = SessionStatistics.of_profile(backend, calibration_of(backend, camera))
    sources = {
        "webcam-like": webcam_like(camera, 10.0, folder),
        "synthetic in-process": camera,
    }
    report = {}
    for name, source in sources.items():
        tracker, samples = tracked_live(source, backend, statistics, seconds)
        latencies = np.array([s.latency for s in samples]) * 1e3
        report[name] = {
            "samples": len(samples),
            "valid": int(sum(s.valid for s in samples)),
            "dropped": tracker.timings.dropped,
            "p50_ms": round(float(np.percentile(latencies, 50)), 1),
            "p95_ms": round(float(np.percentile(latencies, 95)), 1),
            "max_ms": round(float(latencies.max()), 1),
            "stages": tracker.timings.to_json(),
        }
    return report


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory(backend, minutes: float, seed: int, folder: Path) -> dict:
    camera = SyntheticCamera(script="fixations", seed=seed, realtime=True, fps=30.0)
    stats = SessionStatistics.of_profile(backend, calibration_of(backend, camera))
    readings = []
    with webcam_like(camera, 10.0, folder) as source:
        tracker = Tracker(source, backend, stats, GazeSmoother())
        tracker.start()
        started = time.monotonic()
        while time.monotonic() - started < minutes * 60 and tracker.running:
            readings.append((round(time.monotonic() - started), round(rss_mb(), 1)))
            tracker.stop_event.wait(10)
        tracker.stop()
    warm = [mb for t, mb in readings if t >= 60] or [readings[-1][1]]
    return {
        "minutes": minutes,
        "samples": tracker.timings.frames,
        "dropped": tracker.timings.dropped,
        "rss_after_warmup_mb": warm[0],
        "rss_end_mb": readings[-1][1],
        "growth_mb": round(readings[-1][1] - warm[0], 1),
        "readings": readings,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seconds", type=float, default=None, help="scene length per scenario")
    parser.add_argument(
        "--memory-minutes",
        type=float,
        default=0.0,
        help="add the soak: minutes of real-time tracking",
    )
    parser.add_argument(
        "--parts",
        default="cost,latency,scenarios",
        help="comma-separated: cost, latency, scenarios",
    )
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "realtime.json")
    args = parser.parse_args()
    model = args.model or default_model_path()
    seconds = args.seconds or (10.0 if args.quick else 60.0)
    report = {
        "model": str(model),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "quick": args.quick,
    }
    parts = set(args.parts.split(",")) if args.parts else set()
    backends = {kind: create_backend(model, kind, "cpu") for kind in ("onnxruntime", "torch")}
    clips = Path(tempfile.mkdtemp(prefix="eyetracker-realtime-"))
    if "cost" in parts:
        report["cost"] = {
            k: cost_per_frame(b, 150 if args.quick else 900, args.seed) for k, b in backends.items()
        }
        print("cost", report["cost"], flush=True)
    if "latency" in parts:
        report["latency"] = {
            k: latency(b, 5 if args.quick else 30, args.seed, clips) for k, b in backends.items()
        }
        print(
            "latency",
            {
                f"{backend} / {camera}": {m: v for m, v in r.items() if m != "stages"}
                for backend, cameras in report["latency"].items()
                for camera, r in cameras.items()
            },
            flush=True,
        )
    if "scenarios" in parts:
        report["scenarios"] = scenario_errors(backends["onnxruntime"], seconds, args.seed)
    if args.memory_minutes:
        report["memory"] = memory(backends["onnxruntime"], args.memory_minutes, args.seed, clips)
        print("memory", {k: v for k, v in report["memory"].items() if k != "readings"})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
