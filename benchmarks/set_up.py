"""Set up for me on synthetic people the model never saw: does it keep the better model?

    python benchmarks/set_up.py [--people 4] [--seed 900] [--out benchmarks/results/set_up.json]

Each person gives one 100-dot measurement (`eyetracker synth`, one person per dataset, seeds
--seed, --seed+1, ...: people the bundled model was not trained on). Then what the app's Set up
for me does after the measurement, without Qt: every CHECK_EVERY-th dot is held out
(`model_choice.hold_out`), the bundled model is fine-tuned on the rest with the app's command
(`finetune_job.train_command`, the trainer's fine-tuning defaults), both models get a profile
from the dots not held out and are scored on the held-out ones (`model_choice.choose_model`),
and the better is kept. Printed per person: the model in use with a fresh calibration, the
fine-tuned one, which was kept and what the person ends with. Writes JSON.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from eyetracker.inference.backends import create_backend
from eyetracker.model.resources import default_model_path
from eyetracker.training.finetune_job import train_command
from eyetracker.training.model_choice import choose_model, hold_out, newest_measurement


def run(program: str, arguments: list[str]) -> None:
    subprocess.run([program, *arguments], check=True, stdout=subprocess.DEVNULL)


def set_up_one(person_seed: int, work: Path, model: Path) -> dict:
    """One synthetic person's measurement, the fine-tuning and the choice."""
    dataset = work / f"person-{person_seed}"
    run(sys.executable, ["-m", "eyetracker", "synth", str(dataset), "--people", "1",
                         "--measurements", "1", "--samples", "100", "--seed", str(person_seed)])  # fmt: skip
    measured = newest_measurement(dataset)
    check = hold_out(measured)
    leave_out = check.write_list(work / f"held-out-{person_seed}.txt")
    tuned = work / f"tuned-{person_seed}.pt"
    started = time.perf_counter()
    run(*train_command(dataset, model, tuned, extra=("--leave-out", str(leave_out))))
    seconds = time.perf_counter() - started
    current = create_backend(model, "torch", "cpu")
    choice = choose_model(current, create_backend(tuned, "torch", "cpu"), check, "bench")
    kept = choice.tuned_pct if choice.use_tuned else choice.current_pct
    return {
        "seed": person_seed,
        "held_out_dots": choice.dots,
        "in_use_with_fresh_calibration_pct": choice.current_pct,
        "fine_tuned_pct": choice.tuned_pct,
        "kept": "fine-tuned" if choice.use_tuned else "in use",
        "ends_with_pct": kept,
        "fine_tuning_seconds": round(seconds, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=4)
    parser.add_argument("--seed", type=int, default=900)
    parser.add_argument("--model", type=Path, default=None, help="default: the bundled model")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/set_up.json"))
    args = parser.parse_args(argv)
    model = args.model or default_model_path()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for seed in range(args.seed, args.seed + args.people):
            rows.append(set_up_one(seed, Path(work), model))
            r = rows[-1]
            print(
                f"person {seed}: in use {r['in_use_with_fresh_calibration_pct']:.1f}, "
                f"fine-tuned {r['fine_tuned_pct']:.1f}, kept {r['kept']} -> "
                f"{r['ends_with_pct']:.1f} ({r['held_out_dots']} dots held out, "
                f"{r['fine_tuning_seconds']:.0f} s fine-tuning)",
                flush=True,
            )

    def mean(key: str) -> float:
        return round(sum(r[key] for r in rows) / len(rows), 2)

    summary = {
        key: mean(key)
        for key in ("in_use_with_fresh_calibration_pct", "fine_tuned_pct", "ends_with_pct")
    }
    summary["never_worse"] = all(
        r["ends_with_pct"] <= r["in_use_with_fresh_calibration_pct"] for r in rows
    )
    print("mean:", json.dumps(summary))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "command": "python benchmarks/set_up.py " + " ".join(argv or sys.argv[1:]),
                "model": str(model),
                "people": rows,
                "mean": summary,
            },
            indent=2,
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
