"""Which correction the calibration fits on its targets, measured per dataset.

    python benchmarks/calibration_correction.py DATA [--model M] [--k 9] [--draws 4] [--tracked]
                                                [--out JSON]

For every sitting and draw: statistics captured (and guarded) from K samples spread over the
screen, as the app's quick calibration does (up to --draws different choices of K, the
farthest-point sampling started from the sample nearest each corner in turn:
eyetracker.core.sampling.spread_choices); then the other
samples predicted with them, raw and with each candidate correction fitted on the K samples
by the app's calibration fit (eyetracker.inference.calibration.fit_calibration, the ridge
correction of eyetracker.core.correction: the true point on the network's point, the front
end's geometry and, or not, the network's last hidden layer, each with its own ridge
strength) and applied by the frame pipeline.
Error in % of the screen over the test samples with a usable face (the correction changes
nothing about which frames have one). With --tracked every frame goes through the front end
in video mode, the whole sitting once in capture order, as the tracker and the app's
calibration see a camera's frames; the calibration is fitted on those of its K frames with a
face. Prints a table and writes JSON. Run it on real frames (shared/realdata) and on a
synthetic set of unseen people.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch

from eyetracker.core.correction import GEOMETRY_RIDGE, HIDDEN_RIDGE, POINT_RIDGE
from eyetracker.core.dataset import load_dataset
from eyetracker.core.images import read_image
from eyetracker.core.metrics import error_pct
from eyetracker.core.sampling import spread_choices
from eyetracker.inference.backends import create_backend
from eyetracker.inference.calibration import fit_calibration
from eyetracker.inference.pipeline import FramePipeline
from eyetracker.inference.session_statistics import SessionStatistics
from eyetracker.model.resources import default_model_path
from eyetracker.training.data import prepare_dataset
from eyetracker.training.evaluate import network_inputs

POINT_RIDGES = (0.0, 0.03, 0.3)
GEOMETRY_RIDGES = (0.25, 0.5, 1.0)
HIDDEN_RIDGES = (None, 1.0, 3.0, 10.0)  # None: the hidden layer is not read


def candidates() -> dict[str, dict | None]:
    """name -> the ridge strengths that fit_calibration passes on (None: no correction;
    hidden_ridge None: the hidden layer is not read)."""
    table: dict[str, dict | None] = {"none (statistics only)": None}
    table["geometry only (ridge 0.5)"] = {
        "point_ridge": 1e9,
        "geometry_ridge": 0.5,
        "hidden_ridge": None,
    }
    for p in POINT_RIDGES:
        for g in GEOMETRY_RIDGES:
            for h in HIDDEN_RIDGES:
                table[name(p, g, h)] = {"point_ridge": p, "geometry_ridge": g, "hidden_ridge": h}
    return table


def name(point_ridge: float, geometry_ridge: float, hidden_ridge: float | None) -> str:
    hidden = "no hidden" if hidden_ridge is None else f"hidden {hidden_ridge:g}"
    return f"point {point_ridge:g}, geometry {geometry_ridge:g}, {hidden}"


def tracked_inputs(measurement, images: list[str], preprocessing):
    """Frames as the tracker sees them: the front end in video mode over `images` of
    `measurement` in capture order, at their capture times (`Measurement.capture_times`).
    Returns pixels (N, C, H, W) in [0, 1], geometry (N, G) and which frames had a face."""
    times = dict(zip((s.image for s in measurement), measurement.capture_times(), strict=True))
    front_end = preprocessing.front_end(video=True)
    try:
        prepared = [
            front_end.prepare(read_image(measurement.folder / image), times[image])
            for image in images
        ]
    finally:
        front_end.close()
    found = np.array([p.found for p in prepared])
    return (
        np.stack([p.pixels for p in prepared]).astype(np.float32),
        np.stack([p.geometry for p in prepared]).astype(np.float32),
        found,
    )


def calibrated_points(backend, pixels, geometry, targets, calibration, test, ridges):
    """The test frames' points after the app's calibration fit on the calibration frames,
    with the candidate's ridge strengths (None: statistics only, no correction)."""
    moments, correction = fit_calibration(
        backend, pixels[calibration], geometry[calibration], targets[calibration], **(ridges or {})
    )
    statistics = SessionStatistics(backend, moments, None if ridges is None else correction)
    pipeline = FramePipeline(backend, video=None, statistics=statistics)
    return pipeline.predict_batch(pixels[test], geometry[test])[0]


def measure(backend, measurements, k: int, draws: int, tracked=None) -> tuple[dict, dict]:
    """Error per candidate, over all test frames and per sitting (mean over its draws); with
    `tracked` = (measurement key -> its Measurement, preprocessing) the frames are tracked
    (`tracked_inputs`: the whole sitting in capture order, once) rather than prepared as
    still images, the calibration's and the test's alike."""
    errors: dict[str, list[np.ndarray]] = {candidate: [] for candidate in candidates()}
    per_sitting: dict[str, dict[str, float]] = {candidate: {} for candidate in candidates()}
    for m in measurements:
        if len(m) < k + 1:
            continue
        pixels, geometry = network_inputs(m)
        found = np.ones(len(m), bool)
        if tracked is not None:
            sittings, preprocessing = tracked
            pixels, geometry, found = tracked_inputs(sittings[m.key], m.images, preprocessing)
        sitting: dict[str, list[np.ndarray]] = {candidate: [] for candidate in candidates()}
        for calibration in spread_choices(m.targets, k, draws):
            test = np.setdiff1d(np.arange(len(m)), calibration)
            calibration, test = calibration[found[calibration]], test[found[test]]
            for candidate, ridges in candidates().items():
                points = calibrated_points(
                    backend, pixels, geometry, m.targets, calibration, test, ridges
                )
                sitting[candidate].append(error_pct(points, m.targets[test]))
        for candidate, sitting_errors in sitting.items():
            errors[candidate] += sitting_errors
            per_sitting[candidate][m.key] = round(float(np.concatenate(sitting_errors).mean()), 2)
    overall = {c: round(float(np.concatenate(e).mean()), 2) for c, e in errors.items()}
    return overall, per_sitting


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data", type=Path)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--k", type=int, default=9)
    parser.add_argument(
        "--draws",
        type=int,
        choices=range(1, 5),
        default=4,
        help="different choices of K per sitting, sampling started from each corner in turn",
    )
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--tracked",
        action="store_true",
        help="see the frames as the tracker and the app's calibration do (the front end in "
        "video mode, in order)",
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    model_path = args.model or default_model_path()
    backend = create_backend(model_path, "torch", "cpu")
    preprocessing = backend.info.preprocessing
    measurements = prepare_dataset(args.data, preprocessing, progress=False)
    tracked = None
    if args.tracked:
        sittings = {f"{m.person}/{m.name}": m for m in load_dataset(args.data)}
        tracked = (sittings, preprocessing)
    figures, per_sitting = measure(backend, measurements, args.k, args.draws, tracked)
    chosen = name(POINT_RIDGE, GEOMETRY_RIDGE, HIDDEN_RIDGE)
    for candidate, value in figures.items():
        print(f"{candidate:<36}{value:>7.2f}{'  <- the app' if candidate == chosen else ''}")
    if args.out:
        report = {
            "command": " ".join(["python", *sys.argv]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "model": str(model_path),
            "data": str(args.data),
            "k": args.k,
            "draws": args.draws,
            "tracked": args.tracked,
            "calibration_frames": "tracked, as the test frames" if args.tracked else "still images",
            "chosen": chosen,
            "error_pct": figures,
            "error_pct_per_sitting": per_sitting,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
