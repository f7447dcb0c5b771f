"""`eyetracker evaluate DATA --model MODEL`: the study's error, for each statistics mode."""

from __future__ import annotations

import argparse
import json
import sys

HELP = "measure a model's gaze error on a dataset, for each statistics mode"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", help="dataset folder (measurement format)")
    parser.add_argument("--model", required=True, help="model file (.pt)")
    parser.add_argument(
        "--modes",
        default="running,session,calibrated",
        help="comma-separated: running, session, calibrated",
    )
    parser.add_argument(
        "--calibration-samples",
        "-k",
        type=int,
        default=9,
        help="samples of each measurement, spread over the screen, that calibrate (default 9)",
    )
    parser.add_argument(
        "--predictions",
        metavar="FILE.csv",
        help="write one row per sample and mode: true and predicted point, role, face found",
    )
    parser.add_argument(
        "--per-person", action="store_true", help="also print the error of each person"
    )
    parser.add_argument(
        "--json", action="store_true", help="print a JSON object instead of a table"
    )
    parser.add_argument(
        "--device", default="auto", help="auto, cpu, cuda or cuda:N (default: auto)"
    )


def run(args: argparse.Namespace) -> int:
    from eyetracker.core.errors import UserError
    from eyetracker.model.checkpoint import load_checkpoint
    from eyetracker.training.data import prepare_dataset
    from eyetracker.training.evaluate import MODES, evaluate
    from eyetracker.training.predictions_csv import PredictionsCsv
    from eyetracker.training.trainer import pick_device

    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise UserError(f"Unknown mode {unknown[0]!r}; choose from {', '.join(MODES)}.")
    if args.calibration_samples < 1:
        raise UserError("--calibration-samples must be at least 1.")
    device = pick_device(args.device)
    loaded = load_checkpoint(args.model)
    if warning := loaded.info.unfinished_warning(args.model):
        print(f"eyetracker: {warning}", file=sys.stderr)
    measurements = prepare_dataset(args.data, loaded.info.preprocessing, progress=not args.json)
    rows = PredictionsCsv(args.predictions) if args.predictions else None
    try:
        results = evaluate(
            loaded.model.to(device),
            measurements,
            modes,
            args.calibration_samples,
            on_scored=rows.write if rows else None,
        )
    finally:
        if rows is not None:
            rows.close()
    if args.json:
        print(json.dumps(_report(measurements, results, args.calibration_samples), indent=1))
        return 0
    _print_table(measurements, results)
    if args.per_person:
        for mode, r in results.items():
            print(f"\n{mode}: " + ", ".join(f"{p} {e:.1f}%" for p, e in r.per_person.items()))
    if args.predictions:
        print(f"wrote {args.predictions}")
    return 0


def _report(measurements, results, calibration_samples: int) -> dict:
    """The --json object: what was scored, what had no usable face, and each mode's figures."""
    failed = sum(m.skipped for m in measurements)
    return {
        "samples": failed + sum(len(m) for m in measurements),
        "no_usable_face": failed,
        "no_usable_face_reasons": _reason_counts(measurements),
        "not_attended": sum(m.not_attended for m in measurements),  # left out, not scored
        "measurements": len(measurements),
        "per_measurement": {
            m.key: {"usable": len(m), "no_usable_face": m.skipped} for m in measurements
        },
        "calibration_samples": calibration_samples,
        "modes": {m: r.to_json() for m, r in results.items()},
    }


def _print_table(measurements, results) -> None:
    """One line of what was scored, then a row per mode."""
    failed = sum(m.skipped for m in measurements)
    samples = failed + sum(len(m) for m in measurements)
    not_attended = sum(m.not_attended for m in measurements)
    why = ", ".join(f"{n} {reason}" for reason, n in _reason_counts(measurements).items())
    print(
        f"{samples} samples in {len(measurements)} measurements; {failed} without a usable "
        f"face{f' ({why})' if why else ''}, scored as the screen centre"
        + (
            f"; {not_attended} more left out, not attended (a failed attention check or next to one)"
            if not_attended
            else ""
        )
    )
    print(f"{'mode':<12}{'error %':>9}{'found %':>9}{'px':>8}{'mm':>8}{'deg':>7}{'samples':>9}")

    def cell(value, width):
        return f"{value:>{width}.1f}" if value is not None else f"{'-':>{width}}"

    for mode, r in results.items():
        print(
            f"{mode:<12}{r.error_pct:>9.2f}{r.face_found_pct:>9.1f}{cell(r.error_px, 8)}{cell(r.error_mm, 8)}{cell(r.error_deg, 7)}{r.samples:>9}"
        )


def _reason_counts(measurements) -> dict[str, int]:
    counts: dict[str, int] = {}
    for m in measurements:
        for failed in m.failed:
            counts[failed.reason] = counts.get(failed.reason, 0) + 1
    return counts
