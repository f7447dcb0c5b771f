"""`eyetracker synth`: render a synthetic dataset, or a contact sheet of synthetic people."""

from __future__ import annotations

import argparse
import re

HELP = "render a synthetic dataset of people looking at random dots (or a --preview contact sheet)"


def _measurements(text: str) -> int | tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a count like 3 or a range like 2-5")
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else None
    if low < 1 or (high is not None and high < low):
        raise argparse.ArgumentTypeError(
            f"{text!r} must be at least 1 (and a range low-high with low <= high)"
        )
    return low if high is None else (low, high)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "out", nargs="?", help="dataset folder to create (not needed with --preview)"
    )
    parser.add_argument(
        "--people", type=_positive, default=30, help="number of people (default 30)"
    )
    parser.add_argument(
        "--measurements", type=_measurements, default=(2, 5),
        help="measurements per person: a count, or a range like 2-5 drawn per person (default 2-5)",
    )  # fmt: skip
    parser.add_argument(
        "--samples", type=_positive, default=100, help="random dots per measurement (default 100)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="random seed; the same seed gives the same images"
    )
    parser.add_argument(
        "--workers", type=_positive, default=None, help="processes (default: one per CPU core)"
    )
    parser.add_argument(
        "--preview", metavar="SHEET.png", help="write a contact sheet instead of a dataset"
    )


def run(args: argparse.Namespace) -> int:
    import time

    from eyetracker.core.errors import UserError
    from eyetracker.core.folders import writable_folder

    if args.preview:
        from eyetracker.synth.preview import write_contact_sheet

        width, height = write_contact_sheet(args.preview, seed=args.seed)
        print(f"Wrote a {width}x{height} contact sheet to {args.preview}.")
        return 0
    if not args.out:
        raise UserError(
            "Give a dataset folder to write (eyetracker synth OUT), or --preview SHEET.png."
        )
    out = writable_folder(args.out, "write a dataset into")
    if out.exists() and any(out.iterdir()):
        raise UserError(f"{out} is not empty; choose a new folder so no data is overwritten.")

    from tqdm import tqdm

    from eyetracker.synth.dataset import measurement_counts, write_dataset

    total = sum(measurement_counts(args.seed, args.people, args.measurements)) * args.samples
    start = time.perf_counter()
    with tqdm(total=total, unit="frame", desc="synth", smoothing=0.1) as bar:
        frames = write_dataset(
            out,
            args.people,
            args.measurements,
            args.samples,
            args.seed,
            workers=args.workers,
            progress=bar.update,
        )
    seconds = time.perf_counter() - start
    print(
        f"Wrote {frames} frames to {out} in {seconds:.1f} s ({frames / max(seconds, 1e-9):.0f} frames/s)."
    )
    return 0
