"""`eyetracker train DATA --out MODEL`: train a gaze model on measurements."""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from eyetracker.commands._output import add_force_option
from eyetracker.model import preprocess  # noqa: F401  (registers the house's front ends)
from eyetracker.model.front_end import FRONT_ENDS

HELP = "train a gaze model on a dataset of measurements"


def configure(parser: argparse.ArgumentParser) -> None:
    add_data_options(parser)
    add_network_options(parser)
    add_schedule_options(parser)
    add_run_options(parser)
    add_force_option(parser)


def add_data_options(parser: argparse.ArgumentParser) -> None:
    """What to train on, where the model goes, and what it starts from."""
    parser.add_argument("data", help="dataset folder (measurement format)")
    parser.add_argument(
        "--out", required=True, metavar="MODEL", help="model file to write (.pt), saved every epoch"
    )
    parser.add_argument(
        "--init",
        metavar="MODEL",
        help="fine-tune this model instead of starting from scratch (then, unless --epochs or "
        "--steps says otherwise: the fine-tuning budget of optimizer steps, stopped early when "
        "the error on held-out dots stops improving)",
    )
    parser.add_argument(
        "--leave-out",
        metavar="LIST",
        help="a file naming images (one path a line) that training never sees: the app keeps "
        "some of your dots this way to check the fine-tuned model on",
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue an interrupted run of the same --out"
    )


def add_network_options(parser: argparse.ArgumentParser) -> None:
    """How batches are drawn, the network, its front end and its input size."""
    from eyetracker.training.batches import SAMPLERS

    parser.add_argument(
        "--sampler",
        choices=SAMPLERS,
        default="multi",
        help="random: frames from anywhere (baseline); measurement: one sitting per batch; "
        "multi: several sittings per batch, each normalized on its own (default: multi)",
    )
    parser.add_argument(
        "--architecture",
        choices=("gazenet", "unet-efficient"),
        default="gazenet",
        help="network (default: gazenet, the small CNN the app ships)",
    )
    parser.add_argument(
        "--preprocessing",
        choices=tuple(FRONT_ENDS),
        default="landmarks",
        help="; ".join(f"{kind}: {cls.summary}" for kind, cls in FRONT_ENDS.items())
        + " (default: landmarks)",
    )
    parser.add_argument(
        "--size",
        type=int,
        nargs=2,
        metavar=("W", "H"),
        default=None,
        help="network input size in pixels (default: 120 36 for landmarks, 96 48 for face, "
        "128 128 for square)",
    )


def add_schedule_options(parser: argparse.ArgumentParser) -> None:
    """How long and how fast: epochs or steps, early stopping, batches, the learning rate."""
    parser.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="passes over the training data (default: 12; with --init, the step budget)",
    )
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help="a budget of optimizer steps instead of --epochs (fine-tuning on a few hundred frames)",
    )
    parser.add_argument(
        "--patience",
        type=int,
        default=None,
        help="stop after this many epochs without a better held-out error, keeping the best model",
    )
    parser.add_argument(
        "--members",
        type=int,
        default=None,
        help="with --init: fine-tune this many models, each with its own seed, and write the "
        "average of their weights (default: 3 with --init, which takes up to 3x the time)",
    )
    parser.add_argument(
        "--batch-size", type=int, default=32, help="frames per training step (default: 32)"
    )
    parser.add_argument(
        "--groups", type=int, default=4, help="sittings per batch with --sampler multi (default: 4)"
    )
    parser.add_argument(
        "--lr", type=float, default=3e-3, help="peak learning rate, one-cycle (default: 0.003)"
    )
    parser.add_argument(
        "--held-out-people",
        type=float,
        default=0.2,
        metavar="FRACTION",
        help="fraction of people kept for validation (default: 0.2)",
    )


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Augmentation, the device, the seed, the workers and the log."""
    parser.add_argument(
        "--no-augment",
        action="store_true",
        help="train on the images as they are (default: vary exposure per sitting and add "
        "noise per frame)",
    )
    parser.add_argument(
        "--device", default="auto", help="auto, cpu, cuda or cuda:N (default: auto)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="random seed for the split and batches (default: 0)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes for preparing images (default: one per CPU core)",
    )
    parser.add_argument("--log", help="log file (default: MODEL.log)")


def check_numbers(args: argparse.Namespace) -> None:
    """Numbers the training loop cannot use, refused in one sentence before any work."""
    from eyetracker.core.errors import UserError

    at_least_one = {
        "--epochs": args.epochs,
        "--batch-size": args.batch_size,
        "--groups": args.groups,
        "--workers": args.workers,
        "--steps": args.steps,
        "--patience": args.patience,
        "--members": args.members,
    }
    for option, value in at_least_one.items():
        if value is not None and value < 1:
            raise UserError(f"{option} must be at least 1, not {value}.")
    if args.size is not None and min(args.size) < 8:
        raise UserError(f"--size must be at least 8 8 pixels, not {args.size[0]} {args.size[1]}.")
    if not args.lr > 0:
        raise UserError(f"--lr must be positive, not {args.lr:g}.")
    if not 0 <= args.held_out_people < 1:
        raise UserError(
            f"--held-out-people is a fraction from 0 to below 1, not {args.held_out_people:g}."
        )


def modification_times(paths: list) -> list[int | None]:
    return [path.stat().st_mtime_ns if path.exists() else None for path in paths]


def train_config(args: argparse.Namespace):
    """The TrainConfig the options ask for; --init without --epochs or --steps takes the
    fine-tuning defaults (a step budget, early stopping, averaged members)."""
    from eyetracker.training.trainer import (
        FINETUNE_MEMBERS,
        FINETUNE_PATIENCE,
        FINETUNE_STEPS,
        TrainConfig,
    )

    steps, patience = args.steps, args.patience
    if args.init and args.epochs is None and args.steps is None:  # fine-tuning's defaults
        steps, patience = FINETUNE_STEPS, patience or FINETUNE_PATIENCE
    size = args.size or FRONT_ENDS[args.preprocessing].default_size
    return TrainConfig(
        data=args.data,
        out=args.out,
        architecture=args.architecture,
        preprocessing=args.preprocessing,
        input_width=size[0],
        input_height=size[1],
        sampler=args.sampler,
        batch_size=args.batch_size,
        groups=args.groups,
        epochs=args.epochs or TrainConfig.epochs,
        steps=steps,
        patience=patience,
        lr=args.lr,
        seed=args.seed,
        held_out_people=args.held_out_people,
        init=args.init,
        leave_out=args.leave_out,
        members=args.members or (FINETUNE_MEMBERS if args.init else 1),
        resume=args.resume,
        device=args.device,
        augment=not args.no_augment,
        workers=args.workers,
    )


@contextmanager
def logging_to(log_file: Path) -> Iterator[logging.Handler]:
    """The run's log messages also go to `log_file`, opened at the first message (the end of
    the first epoch); the root logger is as it was afterwards."""
    handler = logging.FileHandler(log_file, delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(min(level, logging.INFO) if level else logging.INFO)
    try:
        yield handler
    finally:
        handler.close()
        root.removeHandler(handler)
        root.setLevel(level)


def run(args: argparse.Namespace) -> int:
    from eyetracker.commands._output import writable_file
    from eyetracker.core.errors import UserError
    from eyetracker.training.resume import resume_path
    from eyetracker.training.soup import member_path
    from eyetracker.training.trainer import pick_device, train

    check_numbers(args)
    pick_device(args.device)  # an unknown --device is refused before any work
    config = train_config(args)
    # --resume continues the model of an interrupted run; otherwise an existing one stays.
    out = writable_file(args.out, "--out", "model.pt", replace=args.force or args.resume)
    log_file = writable_file(args.log or f"{args.out}.log", "--log", "train.log")
    # The files a run writes models to: --out, and each averaged model's own (soup.py).
    models = [out, *(member_path(out, number) for number in range(1, config.members + 1))]
    # What a run that trains nothing must not leave behind (files that were there stay).
    leftovers = [p for p in (log_file, *(resume_path(m) for m in models)) if not p.exists()]
    models_before = modification_times(models)
    with logging_to(log_file) as handler:
        try:
            metrics = train(config)
        except BaseException:
            handler.close()
            if modification_times(models) == models_before:
                # Nothing was trained: nothing to keep.
                for path in leftovers:
                    path.unlink(missing_ok=True)
            raise
    if int(os.environ.get("RANK", "0")) != 0:
        return 0  # under torchrun, rank 0 reports
    if not out.is_file():
        raise UserError(f"Training ended without writing {out}; see {log_file}.")
    print(
        f"wrote {args.out}: "
        + ", ".join(f"{k} {v:.2f}" for k, v in metrics.items() if isinstance(v, float))
    )
    return 0
