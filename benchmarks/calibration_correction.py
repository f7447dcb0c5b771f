"""Which correction the calibration fits on its targets, measured per dataset.

    python benchmarks/calibration_correction.py DATA [--model M] [--k 9] [--tracked] [--out JSON]

For every sitting: statistics captured (and guarded) from K samples spread over the screen,
as the app's quick calibration does; then the other samples predicted with them, raw and with
each candidate correction fitted on the K samples (eyetracker.core.correction: ridge of the
true point on the network's point and the front end's geometry, with or without the
network's last hidden layer beside it, the point's and the rest's ridge strengths apart).
Error in % of the screen over the test samples with a usable face (the correction changes
nothing about which frames have one). With --tracked the test frames go through the front
end in video mode, in capture order, as the tracker sees them (the calibration's frames stay
still images, as the app's calibration takes them). Prints a table and writes JSON. Run it
on real frames (shared/realdata) and on a synthetic set of unseen people.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch

from eyetracker.core.correction import GEOMETRY_RIDGE, HIDDEN_MIN_DOTS, POINT_RIDGE, Correction
from eyetracker.core.dataset import load_dataset
from eyetracker.core.images import read_image
from eyetracker.core.metrics import error_pct, on_screen
from eyetracker.core.sampling import spread_indices
from eyetracker.model.checkpoint import load_checkpoint
from eyetracker.runtime.resources import default_model_path
from eyetracker.training.data import prepare_dataset
from eyetracker.training.evaluate import guarded, to_tensors

POINT_RIDGES = (0.0, 0.03, 0.1, 1.0)
GEOMETRY_RIDGES = (0.3, 1.0, 3.0)


def candidates() -> dict[str, tuple[dict | None, str]]:
    """name -> (ridge strengths or None for no correction, what it reads beside the point:
    "geometry", the front end's, or "hidden", the geometry and the network's last hidden
    layer, which the app's correction reads from HIDDEN_MIN_DOTS dots on)."""
    table: dict[str, tuple[dict | None, str]] = {"none (statistics only)": (None, "geometry")}
    table["geometry only (ridge 1.0)"] = ({"point_ridge": 1e9, "geometry_ridge": 1.0}, "geometry")
    for reads in ("geometry", "hidden"):
        for p in POINT_RIDGES:
            for g in GEOMETRY_RIDGES:
                ridges = {"point_ridge": p, "geometry_ridge": g}
                table[name(p, g, reads)] = (ridges, reads)
    return table


def name(point_ridge: float, geometry_ridge: float, reads: str) -> str:
    beside = "geometry" if reads == "geometry" else "geometry + hidden"
    return f"point {point_ridge:g}, {beside} {geometry_ridge:g}"


def tracked_inputs(folder: Path, images: list[str], preprocessing):
    """Frames as the tracker sees them: the front end in video mode over `images` in capture
    order (the calibration's frames stay still images, as the app's calibration takes them).
    Returns pixels (N, C, H, W) in [0, 1], geometry (N, G) and which frames had a face."""
    front_end = preprocessing.front_end(video=True)
    try:
        prepared = [
            front_end.prepare(read_image(folder / image), index / 10.0)
            for index, image in enumerate(images)
        ]
    finally:
        front_end.close()
    found = np.array([p.found for p in prepared])
    return (
        torch.from_numpy(np.stack([p.pixels for p in prepared]).astype(np.float32)),
        torch.from_numpy(np.stack([p.face for p in prepared]).astype(np.float32)),
        found,
    )


@torch.no_grad()
def measure(model, measurements, k: int, tracked=None) -> tuple[dict, dict]:
    """Error per candidate, over all test frames and per sitting; with `tracked` =
    (measurement key -> its folder, preprocessing) the test frames are tracked
    (`tracked_inputs`) rather than prepared as still images."""
    from eyetracker.model.statistics import capture_statistics, predict_with_features

    def predicted(pixels, face, stats):
        return (
            t.float().numpy() for t in predict_with_features(model, pixels, face, "captured", stats)
        )

    errors: dict[str, list[np.ndarray]] = {candidate: [] for candidate in candidates()}
    per_sitting: dict[str, dict[str, float]] = {candidate: {} for candidate in candidates()}
    for m in measurements:
        if len(m) < k + 1:
            continue
        pixels, face = to_tensors(m)
        calibration = spread_indices(m.targets, k)
        test = np.setdiff1d(np.arange(len(m)), calibration)
        stats = guarded(model, capture_statistics(model, pixels[calibration], face[calibration]))
        outputs, hidden = predicted(pixels, face, stats)
        test_face, truth = m.face[test], m.targets[test]
        test_outputs, test_hidden = outputs[test], hidden[test]
        if tracked is not None:
            folders, preprocessing = tracked
            images = [m.images[i] for i in test]
            tracked_pixels, tracked_face, found = tracked_inputs(
                folders[m.key], images, preprocessing
            )
            test_outputs, test_hidden = predicted(tracked_pixels[found], tracked_face[found], stats)
            test_face, truth = tracked_face[found].numpy(), truth[found]
        for candidate, (ridges, reads) in candidates().items():
            points = test_outputs
            if ridges is not None:
                use_hidden = reads == "hidden"
                c = Correction.fit(
                    outputs[calibration],
                    m.face[calibration],
                    m.targets[calibration],
                    hidden[calibration] if use_hidden else None,
                    hidden_min_dots=0,  # read it whenever asked, to measure it at any K
                    **ridges,
                )
                points = c.apply(test_outputs, test_face, test_hidden if use_hidden else None)
            errors[candidate].append(error_pct(on_screen(points), truth))
            per_sitting[candidate][m.key] = round(float(errors[candidate][-1].mean()), 2)
    overall = {c: round(float(np.concatenate(e).mean()), 2) for c, e in errors.items()}
    return overall, per_sitting


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data", type=Path)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--k", type=int, default=9)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--tracked",
        action="store_true",
        help="predict the test frames as the tracker does (front end in video mode, in order)",
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    model_path = args.model or default_model_path()
    loaded = load_checkpoint(model_path)
    measurements = prepare_dataset(args.data, loaded.info.preprocessing, progress=False)
    tracked = None
    if args.tracked:
        folders = {f"{m.person}/{m.name}": m.folder for m in load_dataset(args.data)}
        tracked = (folders, loaded.info.preprocessing)
    figures, per_sitting = measure(loaded.model.eval(), measurements, args.k, tracked)
    chosen = name(
        POINT_RIDGE, GEOMETRY_RIDGE, "hidden" if args.k >= HIDDEN_MIN_DOTS else "geometry"
    )
    for candidate, value in figures.items():
        print(f"{candidate:<36}{value:>7.2f}{'  <- the app' if candidate == chosen else ''}")
    if args.out:
        report = {
            "command": " ".join(["python", *sys.argv]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "model": str(model_path),
            "data": str(args.data),
            "k": args.k,
            "tracked": args.tracked,
            "chosen": chosen,
            "error_pct": figures,
            "error_pct_per_sitting": per_sitting,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
