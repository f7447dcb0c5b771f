"""The study's table on the synthetic world: batching x statistics mode, per held-out group.

    python benchmarks/accuracy.py            # full run (~40 min on 2 CPU cores)
    python benchmarks/accuracy.py --quick    # smoke run (~3 min)
    python benchmarks/accuracy.py --skip-render --scores-only   # re-score WORK's models

Data shaped like the study's: 30 people with 2 to 5 measurements of 100 random dots each,
rendered with fresh seeds; 20% of the people held out entirely (unfamiliar people), and the
last measurement of every other person held out (familiar people, new sitting).
Prints the table and writes benchmarks/results/accuracy.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import torch

from eyetracker.model.checkpoint import load_checkpoint
from eyetracker.model.preprocess import Preprocessing
from eyetracker.training.data import prepare_dataset
from eyetracker.training.evaluate import evaluate
from eyetracker.training.trainer import TrainConfig, train
from eyetracker.training.validation import split_by_person

HERE = Path(__file__).resolve().parent


def render(out: Path, people: int, measurements: str, samples: int, seed: int) -> float:
    if out.exists():
        shutil.rmtree(out)
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "eyetracker",
            "synth",
            str(out),
            "--people",
            str(people),
            "--measurements",
            measurements,
            "--samples",
            str(samples),
            "--seed",
            str(seed),
        ],
        check=True,
    )
    return time.monotonic() - started


# name, training config overrides, statistics modes reported
EXPERIMENTS = [
    ("random batches (baseline)", dict(sampler="random"), ["running", "session"]),
    ("measurement batches", dict(sampler="measurement"), ["running", "session", "calibrated"]),
    ("several measurements per batch", dict(sampler="multi"), ["session", "calibrated"]),
    (
        "U-Net/EfficientNet, measurement batches",
        dict(sampler="measurement", architecture="unet-efficient"),
        ["session", "calibrated"],
    ),
    (
        "square crop (study preprocessing), several per batch",
        dict(sampler="multi", preprocessing="square", input_width=96, input_height=96),
        ["session", "calibrated"],
    ),
]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small data, few epochs: a smoke run")
    parser.add_argument(
        "--work", type=Path, default=Path("runs/accuracy"), help="where data and models go"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--k", type=int, default=9, help="calibration samples per sitting for 'calibrated'"
    )
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--only", default=None, help="comma-separated experiment numbers (1-based)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "accuracy.json")
    parser.add_argument("--skip-render", action="store_true", help="reuse WORK/data")
    parser.add_argument(
        "--scores-only",
        action="store_true",
        help="score the models a previous run left in WORK without training them again "
        "(after a change to how evaluation or calibration works)",
    )
    parser.add_argument(
        "--extra-model", type=Path, help="also score this trained model on the same held-out sets"
    )
    args = parser.parse_args()
    torch.set_num_threads(max(1, torch.get_num_threads()))

    people, measurements, samples = (8, "2-3", 40) if args.quick else (30, "2-5", 100)
    epochs = args.epochs or (2 if args.quick else 10)
    data = args.work / "data"
    started = time.monotonic()
    render_seconds = (
        0.0 if args.skip_render else render(data, people, measurements, samples, args.seed)
    )
    print(f"rendered {data} in {render_seconds:.0f} s")

    prepared = {}
    rows = []
    trained_before = (
        {row["experiment"]: row for row in json.loads(args.out.read_text())["rows"]}
        if args.scores_only and args.out.exists()
        else {}
    )
    chosen = (
        [int(i) - 1 for i in args.only.split(",") if i]
        if args.only is not None
        else range(len(EXPERIMENTS))
    )
    for index in chosen:
        name, overrides, modes = EXPERIMENTS[index]
        config = TrainConfig(
            data=str(data),
            out=str(args.work / f"model-{index + 1}.pt"),
            epochs=epochs,
            seed=args.seed,
            progress=False,
            **overrides,
        )
        if config.architecture == "unet-efficient":
            config.epochs = max(1, epochs // 2)  # ~3.5x the cost per frame of the default network
        preprocessing = Preprocessing(config.preprocessing, config.input_width, config.input_height)
        if preprocessing not in prepared:
            prepared[preprocessing] = prepare_dataset(data, preprocessing, progress=False)
        t0 = time.monotonic()
        if not args.scores_only:
            train(config, prepared=prepared[preprocessing])
        train_seconds = time.monotonic() - t0
        model = load_checkpoint(config.out).model
        if args.scores_only:  # the figure of the run that trained it
            train_seconds = trained_before.get(name, {}).get("train_seconds")  # None: unknown
        split = split_by_person(prepared[preprocessing], config.held_out_people, seed=config.seed)
        row = {
            "experiment": name,
            "sampler": config.sampler,
            "architecture": config.architecture,
            "preprocessing": preprocessing.to_json(),
            "epochs": config.epochs,
            "train_seconds": None if train_seconds is None else round(train_seconds),
            "results": {},
        }
        for group, ms in (
            ("unfamiliar_people", split.unfamiliar_people),
            ("unfamiliar_measurements", split.unfamiliar_measurements),
        ):
            results = evaluate(model, ms, modes=modes, calibration_samples=args.k)
            row["results"][group] = {mode: round(r.error_pct, 2) for mode, r in results.items()}
        rows.append(row)
        print(json.dumps(row), flush=True)

    if args.extra_model:
        loaded = load_checkpoint(args.extra_model)
        preprocessing = loaded.info.preprocessing
        if preprocessing not in prepared:
            prepared[preprocessing] = prepare_dataset(data, preprocessing, progress=False)
        split = split_by_person(prepared[preprocessing], 0.2, seed=args.seed)
        row = {
            "experiment": f"{args.extra_model.name}: {loaded.info.data.get('train', {}).get('people', '?')} other synthetic people",
            "sampler": loaded.info.training.get("sampler"),
            "architecture": loaded.info.architecture,
            "preprocessing": preprocessing.to_json(),
            "epochs": loaded.info.training.get("epochs"),
            "results": {},
        }
        for group, ms in (
            ("unfamiliar_people", split.unfamiliar_people),
            ("unfamiliar_measurements", split.unfamiliar_measurements),
        ):
            results = evaluate(
                loaded.model,
                ms,
                modes=["running", "session", "calibrated"],
                calibration_samples=args.k,
            )
            row["results"][group] = {mode: round(r.error_pct, 2) for mode, r in results.items()}
        rows.append(row)
        print(json.dumps(row), flush=True)

    total = time.monotonic() - started
    report = {
        "quick": args.quick,
        "scores_only": args.scores_only,
        "seed": args.seed,
        "people": people,
        "measurements": measurements,
        "samples": samples,
        "epochs": epochs,
        "calibration_samples": args.k,
        "total_seconds": round(total),
        "render_seconds": round(render_seconds),
        "split": split_by_person(next(iter(prepared.values())), 0.2, seed=args.seed).summary(),
        "machine": f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads",
        "rows": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    print_table(report)
    return 0


def print_table(report: dict) -> None:
    print(f"\n{'experiment':<55}{'mode':<12}{'unfamiliar people':>19}{'unfamiliar sittings':>21}")
    for row in report["rows"]:
        people = row["results"]["unfamiliar_people"]
        sittings = row["results"]["unfamiliar_measurements"]
        for mode in people:
            print(
                f"{row['experiment']:<55}{mode:<12}{people[mode]:>18.1f}%{sittings.get(mode, float('nan')):>20.1f}%"
            )
    print(f"\ntotal {report['total_seconds'] / 60:.1f} min")


if __name__ == "__main__":
    sys.exit(main())
