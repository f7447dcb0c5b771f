"""Make the bundled default model: render a large synthetic dataset, train, export, install.

    python packaging/train_default_model.py            # ~1.5 h on 2 CPU cores

The front end is the landmark one (MediaPipe's face landmarks: both eyes warped to canonical
patches, head pose and eye geometry beside them), the same the app runs on a webcam.

Writes eyetracker/resources/models/default.pt and its ONNX twin default.onnx. The model's
metadata says what it was trained on (synthetic people only) and how well it did on held-out
people.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from eyetracker.model.checkpoint import load_checkpoint, save_checkpoint
from eyetracker.model.export import export_onnx
from eyetracker.training.trainer import TrainConfig, train

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--work", type=Path, default=Path("runs/default"))
    parser.add_argument("--people", type=int, default=120)
    parser.add_argument("--measurements", default="3")
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument(
        "--steps", type=int, default=2000, help="optimizer steps (the bundled model: 2000)"
    )
    parser.add_argument("--skip-render", action="store_true", help="reuse WORK/data")
    args = parser.parse_args()
    data = args.work / "data"
    if not args.skip_render:
        shutil.rmtree(data, ignore_errors=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "eyetracker",
                "synth",
                str(data),
                "--people",
                str(args.people),
                "--measurements",
                args.measurements,
                "--seed",
                str(args.seed),
            ],
            check=True,
        )
    out = args.work / "default.pt"
    config = TrainConfig(
        data=str(data),
        out=str(out),
        preprocessing="landmarks",
        input_width=120,
        input_height=36,
        sampler="multi",
        steps=args.steps,
        seed=args.seed,
        held_out_people=0.1,
    )
    metrics = train(config)
    loaded = load_checkpoint(out)
    loaded.info.notes = (
        f"Bundled default: trained on synthetic people only ({args.people} people x {args.measurements} "
        f"sittings x 100 dots, `eyetracker synth --seed {args.seed}`), never on real faces. "
        "Held-out synthetic people: "
        f"{metrics.get('val_unfamiliar_people_pct', float('nan')):.1f}% of the screen with session statistics. "
        "Fine-tune on your own measurements for a real webcam."
    )
    target = ROOT / "eyetracker" / "resources" / "models"
    target.mkdir(parents=True, exist_ok=True)
    save_checkpoint(target / "default.pt", loaded.model, loaded.info)
    export_onnx(loaded.model, loaded.info, target / "default.onnx")
    print(f"installed {target / 'default.pt'} and default.onnx: {loaded.info.notes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
