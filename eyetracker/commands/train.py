"""`eyetracker train DATA --out MODEL`: train a gaze model on measurements."""

from __future__ import annotations

import argparse

HELP = "train a gaze model on a dataset of measurements"


def configure(parser: argparse.ArgumentParser) -> None:
    from eyetracker.training.batches import SAMPLERS

    parser.add_argument("data", help="dataset folder (measurement format)")
    parser.add_argument("--out", required=True, help="model file to write (.pt), saved every epoch")
    parser.add_argument("--init", help="fine-tune this model instead of starting from scratch")
    parser.add_argument(
        "--resume", action="store_true", help="continue an interrupted run of the same --out"
    )
    parser.add_argument(
        "--sampler",
        choices=SAMPLERS,
        default="multi",
        help="random: frames from anywhere (baseline); measurement: one sitting per batch; "
        "multi: several sittings per batch, each normalized on its own (default)",
    )
    parser.add_argument("--architecture", choices=("gazenet", "unet-efficient"), default="gazenet")
    parser.add_argument("--preprocessing", choices=("face", "square"), default="face")
    parser.add_argument(
        "--size",
        type=int,
        nargs=2,
        metavar=("W", "H"),
        default=None,
        help="network input size (default 96 48 for face, 128 128 for square)",
    )
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--groups", type=int, default=4, help="sittings per batch with --sampler multi"
    )
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument(
        "--held-out-people", type=float, default=0.2, help="fraction of people kept for validation"
    )
    parser.add_argument("--no-augment", action="store_true")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None, help="processes for preparing images")
    parser.add_argument("--log", help="log file (default: MODEL.log)")


def run(args: argparse.Namespace) -> int:
    import logging
    import os
    from pathlib import Path

    from eyetracker.core.errors import UserError
    from eyetracker.training.trainer import TrainConfig, train

    try:
        Path(args.out).resolve().parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(
            f"Cannot write the model to {args.out} ({error.strerror}); choose a folder you can write to."
        ) from None
    size = args.size or ((96, 48) if args.preprocessing == "face" else (128, 128))
    log_file = args.log or f"{args.out}.log"
    try:
        logging.basicConfig(filename=log_file, level=logging.INFO, format="%(asctime)s %(message)s")
    except OSError as error:
        raise UserError(
            f"Cannot write the log {log_file} ({error.strerror}); choose another --out or --log."
        ) from None
    config = TrainConfig(
        data=args.data,
        out=args.out,
        architecture=args.architecture,
        preprocessing=args.preprocessing,
        input_width=size[0],
        input_height=size[1],
        sampler=args.sampler,
        batch_size=args.batch_size,
        groups=args.groups,
        epochs=args.epochs,
        lr=args.lr,
        seed=args.seed,
        held_out_people=args.held_out_people,
        init=args.init,
        resume=args.resume,
        device=args.device,
        augment=not args.no_augment,
        workers=args.workers,
    )
    metrics = train(config)
    if int(os.environ.get("RANK", "0")) != 0:
        return 0  # under torchrun, rank 0 reports
    print(
        f"wrote {args.out}: "
        + ", ".join(f"{k} {v:.2f}" for k, v in metrics.items() if isinstance(v, float))
    )
    return 0
