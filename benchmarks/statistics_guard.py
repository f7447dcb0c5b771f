"""Calibrated error when statistics come from few frames, with and without the moments guard.

    python benchmarks/statistics_guard.py              # ~13 min on 2 loaded CPU cores
    python benchmarks/statistics_guard.py --quick      # smoke run

For every measurement of people the model has never seen (rendered with a fresh seed), K
frames are chosen spread over the screen (`spread_indices`, as `eyetracker evaluate` and the
calibration grid do; repeats draw them from a random 70% of the frames), at random, or from
one spot (the K dots nearest a random one: a calibration where only one point's frames had a
face, or a dwell); their moments are captured, passed through each guard setting (eyetracker.model.moments), frozen,
and 50 of the other frames predicted with them. Reported: mean error (% of the screen) of the
outputs clipped to the screen as the app shows them, the worst run, and the share of raw
outputs more than half a screen off it. Writes benchmarks/results/statistics_guard.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

from eyetracker.core import metrics
from eyetracker.core.sampling import spread_indices
from eyetracker.model.checkpoint import load_checkpoint
from eyetracker.model.moments import guard_moments
from eyetracker.model.resources import default_model_path
from eyetracker.model.statistics import Statistics, capture_statistics, predict, running_statistics
from eyetracker.training.data import prepare_dataset
from eyetracker.training.evaluate import network_inputs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# name -> guard_moments keyword arguments (None: the captured moments as they are)
SETTINGS: dict[str, dict | None] = {
    "none": None,
    "floor 0.1": dict(prior_frames=0, var_floor=0.1),
    "floor 0.25": dict(prior_frames=0, var_floor=0.25),
    "floor 0.5": dict(prior_frames=0, var_floor=0.5),
    "mix k=0.5": dict(prior_frames=0.5, var_floor=0),
    "mix k=1": dict(prior_frames=1, var_floor=0),
    "mix k=0.5, floor 0.25": dict(prior_frames=0.5, var_floor=0.25),
    "mix k=0.5, floor 0.5": dict(prior_frames=0.5, var_floor=0.5),
    "mix k=1, floor 0.5": dict(prior_frames=1, var_floor=0.5),
}
SELECTIONS = ("spread", "random", "one spot")
TEST_FRAMES = 50  # frames predicted per run (of those not used for the statistics)


def spread_choice(targets: np.ndarray, k: int, repeat: int, rng: np.random.Generator) -> np.ndarray:
    """k frames spread over the screen: of all frames first, then of a random 70% of them."""
    if repeat == 0:
        return spread_indices(targets, k)
    pool = np.sort(rng.choice(len(targets), int(0.7 * len(targets)), replace=False))
    return pool[spread_indices(targets[pool], k)]


def choose(
    selection: str, targets: np.ndarray, k: int, repeat: int, rng: np.random.Generator
) -> np.ndarray:
    if selection == "spread":
        return spread_choice(targets, k, repeat, rng)
    if selection == "random":
        return rng.choice(len(targets), k, replace=False)
    # One part of the screen (the frames of one calibration point, a dwell): the K nearest dots
    # to a random one.
    centre = targets[rng.integers(len(targets))]
    return np.argsort(np.linalg.norm(targets - centre, axis=1), kind="stable")[:k]


def to_numpy(stats: Statistics) -> dict[str, np.ndarray]:
    return {k: v.numpy() for k, v in stats.to_tensors().items()}


def from_numpy(moments: dict[str, np.ndarray], frames: int) -> Statistics:
    return Statistics.from_tensors(
        {k: torch.from_numpy(v) for k, v in moments.items()}, frames, "guarded"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=None, help="default: the bundled model")
    parser.add_argument("--data", type=Path, default=ROOT / "runs/statistics_guard/data")
    parser.add_argument("--people", type=int, default=8)
    parser.add_argument("--seed", type=int, default=9090, help="synthetic people never seen")
    parser.add_argument("--ks", default="2,4,6,9,16,32")
    parser.add_argument("--repeats", type=int, default=2, help="frame choices per measurement")
    parser.add_argument("--quick", action="store_true", help="3 people, 1 repeat")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "statistics_guard.json")
    args = parser.parse_args()
    if args.quick:
        args.people, args.repeats = 3, 1
    ks = [int(k) for k in args.ks.split(",")]
    torch.set_num_threads(1)  # small batches on a shared machine: threads only contend

    started = time.monotonic()
    if not (args.data / ".").exists() or not any(args.data.iterdir()):
        subprocess.run(
            [sys.executable, "-m", "eyetracker", "synth", str(args.data), "--people",
             str(args.people), "--measurements", "2", "--samples", "100", "--seed",
             str(args.seed)],
            check=True,
        )  # fmt: skip
    args.model = args.model or default_model_path()
    loaded = load_checkpoint(args.model)
    model = loaded.model.eval()
    running = to_numpy(running_statistics(model))
    measurements = [
        m
        for m in prepare_dataset(args.data, loaded.info.preprocessing, progress=False)
        if len(m) > max(ks)
    ]
    measurements = [m for m in measurements if int(m.person[1:]) <= args.people]
    print(
        f"{len(measurements)} measurements, {sum(len(m) for m in measurements)} frames", flush=True
    )

    def scored(outputs: torch.Tensor, truth: np.ndarray) -> np.ndarray:
        # As the app shows them: clipped to the screen; no finite output counts as the centre.
        shown = np.nan_to_num(metrics.on_screen(outputs.numpy()), nan=0.5)
        return metrics.error_pct(shown, truth)

    # errors[(selection, K, setting)] -> per-(measurement, repeat) arrays of per-frame errors
    errors: dict = {}
    off_screen: dict = {}
    reference: dict[str, list[np.ndarray]] = {"running": [], "session (all frames)": []}
    for mi, m in enumerate(measurements):
        pixels, face = (torch.from_numpy(a) for a in network_inputs(m))
        reference["running"].append(scored(predict(model, pixels, face, "running"), m.targets))
        whole = capture_statistics(model, pixels, face)
        reference["session (all frames)"].append(
            scored(predict(model, pixels, face, "captured", whole), m.targets)
        )
        for selection in SELECTIONS:
            for k in ks:
                for repeat in range(args.repeats):
                    rng = np.random.default_rng(
                        [args.seed, mi, k, repeat, SELECTIONS.index(selection)]
                    )
                    chosen = choose(selection, m.targets, k, repeat, rng)
                    rest = np.setdiff1d(np.arange(len(m)), chosen)
                    rest = np.sort(rng.choice(rest, min(TEST_FRAMES, len(rest)), replace=False))
                    captured = to_numpy(capture_statistics(model, pixels[chosen], face[chosen]))
                    for name, options in SETTINGS.items():
                        moments = (
                            captured
                            if options is None
                            else guard_moments(captured, k, running, **options)
                        )
                        stats = from_numpy(moments, k)
                        out = predict(model, pixels[rest], face[rest], "captured", stats)
                        key = (selection, k, name)
                        errors.setdefault(key, []).append(scored(out, m.targets[rest]))
                        raw = out.numpy()
                        off_screen.setdefault(key, []).append(
                            ~((raw >= -0.5) & (raw <= 1.5)).all(axis=1)
                        )
        print(f"  {m.key} done ({time.monotonic() - started:.0f} s)", flush=True)

    centre = np.concatenate(
        [metrics.error_pct(np.full_like(m.targets, 0.5), m.targets) for m in measurements]
    )
    table = {}
    for (selection, k, name), parts in errors.items():
        per_run = [float(p.mean()) for p in parts]
        table.setdefault(selection, {}).setdefault(name, {})[str(k)] = {
            "mean": round(float(np.concatenate(parts).mean()), 2),
            "median_run": round(float(np.median(per_run)), 2),
            "worst_run": round(max(per_run), 1),
            "off_screen_pct": round(
                100 * float(np.concatenate(off_screen[(selection, k, name)]).mean()), 2
            ),
        }
    result = {
        "command": "python benchmarks/statistics_guard.py" + (" --quick" if args.quick else ""),
        "model": str(
            args.model.relative_to(ROOT) if args.model.is_relative_to(ROOT) else args.model
        ),
        "data": {
            "seed": args.seed,
            "people": args.people,
            "measurements": len(measurements),
            "frames": int(sum(len(m) for m in measurements)),
        },
        "repeats": args.repeats,
        "reference": {
            "screen centre": round(float(centre.mean()), 2),
            **{k: round(float(np.concatenate(v).mean()), 2) for k, v in reference.items()},
        },
        "settings": {k: v for k, v in SETTINGS.items()},
        "results": table,
        "seconds": round(time.monotonic() - started),
        "machine": f"{platform.machine()}, {platform.python_version()}, torch {torch.__version__}",
    }
    for selection, rows in table.items():
        print(f"\n{selection} frames: mean error % (worst run), K = {', '.join(map(str, ks))}")
        for name, by_k in rows.items():
            cells = [f"{by_k[str(k)]['mean']:9.1f} ({by_k[str(k)]['worst_run']:7.0f})" for k in ks]
            print(f"  {name:22s}" + " ".join(cells))
    print("\nreference:", json.dumps(result["reference"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
