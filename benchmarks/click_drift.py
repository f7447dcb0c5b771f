"""How well clicks estimate the current error: a synthetic person calibrates, then leans back.

    python benchmarks/click_drift.py [--people 4] [--clicks 20] [--lean-mm 150] [--seed 11]
                                     [--out benchmarks/results/click_drift.json]

Each synthetic person calibrates on nine dots (CalibrationCollector, as the app's quick
calibration), then is tracked as one 30 fps video (FramePipeline) in two phases: as
calibrated, and leaned back by --lean-mm (away from the screen). In each phase they click
--clicks times at random points, looking at each for half a second and clicking 50 ms before
looking away; eyetracker.runtime.click_check.ClickCheck sees every sample and click in time
order, as in the app. The true error of a phase is the mean error of all its tracked frames
against where the person looked (what validation would measure); the estimate after 5, 10
and 20 clicks is compared with it (the issue asks for within 25%). The drift rule is read at
the end of each phase twice: with no validation (one check from the calibration on, its
reference the baseline of the first clicks), and with the as-calibrated phase's true error
standing in for a validated one. Prints a table and
writes JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from eyetracker.core.metrics import error_pct
from eyetracker.core.types import Frame, GazePoint
from eyetracker.inference.backends import create_backend
from eyetracker.inference.calibration import CalibrationCollector, grid_points
from eyetracker.inference.pipeline import FramePipeline
from eyetracker.inference.session_statistics import SessionStatistics
from eyetracker.model.resources import default_model_path
from eyetracker.runtime.click_check import ClickCheck
from eyetracker.runtime.click_correction import ClickCorrection
from eyetracker.synth.dataset import person_for, sitting_for
from eyetracker.synth.render import render_frame

FPS = 30.0
FIXATION_FRAMES = 15  # half a second on each click target
CLICK_AFTER_S = 0.45  # the click comes this long after the eyes land
CHECKPOINTS = (5, 10, 20)
TEST_TARGETS = 20
# (slope, offset) ridge strengths of the click update, in clicks (click_correction.py).
UPDATE_RIDGES = ((1.0, 1.0), (3.0, 1.0), (5.0, 2.0), (10.0, 5.0), (20.0, 10.0))


def calibrate(backend, person, sitting, rng, offset=None):
    points = grid_points(9)
    collector = CalibrationCollector(points)
    t = 0.0
    for index, point in enumerate(points):
        for _ in range(3):
            image = render_frame(person, sitting, point, rng, blink=0.0, head_offset_mm=offset)[0]
            collector.add(index, Frame(image, timestamp=t, index=0))
            t += 1 / FPS
        t += 1.0
    return SessionStatistics.of_profile(backend, collector.fit(backend, user="bench")), t


def phase(backend, statistics, person, sitting, rng, t0, clicks, offset):
    """Track one phase of clicks; returns (true error, estimates at the checkpoints, the
    phase's samples and clicks in time order, the time after)."""
    pipeline = FramePipeline(backend, video=True, statistics=statistics)
    check = ClickCheck()
    errors, estimates, events = [], {}, []
    t, i = t0, 0
    try:
        for n in range(1, clicks + 1):
            target = GazePoint(*(float(v) for v in rng.uniform(0.05, 0.95, 2)))
            landed = t
            for _ in range(FIXATION_FRAMES):
                image = render_frame(person, sitting, target, rng, t=t, head_offset_mm=offset)[0]
                sample = pipeline.sample(Frame(image, timestamp=t, index=i))
                if sample.raw_point is not None and sample.valid and not sample.reason:
                    raw = np.array([sample.raw_point.x, sample.raw_point.y])
                    errors.append(float(error_pct(raw, np.array([target.x, target.y]))))
                check.add_sample(sample)
                events.append(("sample", sample))
                t, i = t + 1 / FPS, i + 1
                if t - landed >= CLICK_AFTER_S and t - landed < CLICK_AFTER_S + 1 / FPS:
                    check.add_click(target, t)
                    events.append(("click", (target, t)))
            if n in CHECKPOINTS:
                estimates[n] = check.estimate().error_pct
    finally:
        pipeline.close()
    return float(np.mean(errors)), estimates, events, t, check.clicks()


def test_phase(backend, statistics, person, sitting, seed, offset, corrections):
    """Mean error over fixations on TEST_TARGETS fresh random points, the same frames for
    every caller (the rng is made anew); per correction (name -> ClickCorrection or None)."""
    rng = np.random.default_rng(seed)
    pipeline = FramePipeline(backend, video=True, statistics=statistics)
    raws, truths = [], []
    try:
        for i in range(TEST_TARGETS * FIXATION_FRAMES):
            if i % FIXATION_FRAMES == 0:
                target = rng.uniform(0.05, 0.95, 2)
            t = 1000.0 + i / FPS
            image = render_frame(
                person, sitting, GazePoint(*target), rng, t=t, head_offset_mm=offset
            )[0]
            sample = pipeline.sample(Frame(image, timestamp=t, index=i))
            if sample.raw_point is not None and sample.valid and not sample.reason:
                raws.append((sample.raw_point.x, sample.raw_point.y))
                truths.append(target)
    finally:
        pipeline.close()
    raws, truths = np.array(raws), np.array(truths)
    return {
        name: float(error_pct(raws if c is None else c.apply(raws), truths).mean())
        for name, c in corrections.items()
    }


def replay(check: ClickCheck, events) -> dict:
    """Feed a phase's samples and clicks to `check`; the rule's answer at the end."""
    ignored = 0
    for kind, value in events:
        if kind == "sample":
            check.add_sample(value)
        else:
            ignored += check.add_click(*value) is None
    estimate = check.estimate()
    return {
        "drifted": estimate.drifted,
        "reference": estimate.reference,
        "reference_pct": estimate.reference_pct,
        "estimate_pct": estimate.error_pct,
        "ignored_clicks": ignored,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=4)
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--lean-mm", type=float, default=150.0)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/click_drift.json"))
    args = parser.parse_args()
    if args.people < 1 or args.clicks < 1:
        print("--people and --clicks must be at least 1.", file=sys.stderr)
        return 2

    started = time.perf_counter()
    backend = create_backend(default_model_path(), "torch", "cpu")
    rows = []
    for k in range(args.people):
        person = person_for(args.seed, k + 1)
        sitting = sitting_for(args.seed, person, k + 1, 0)
        rng = np.random.default_rng([args.seed, k])
        statistics, t = calibrate(backend, person, sitting, rng)
        row = {"person": k + 1}
        # Without validation: one check from the calibration on, as in the app.
        after_calibration = ClickCheck()
        phases = {}
        for name, offset in (("as calibrated", None), ("leaned back", (0, 0, -args.lean_mm))):
            true, estimates, events, t, kept = phase(
                backend, statistics, person, sitting, rng, t + 2.0, args.clicks,
                None if offset is None else np.array(offset, float),
            )  # fmt: skip
            phases[name] = (true, events)
            row[name] = {
                "true_error_pct": true,
                "estimate_pct": {str(n): e for n, e in estimates.items()},
                "ratio": {str(n): (e / true if e is not None else None) for n, e in estimates.items()},
                "rule": {"no validation": replay(after_calibration, events)},
            }  # fmt: skip
        # The click update, fitted on the leaned-back phase's clicks, against a fresh
        # calibration leaned back, on the same new frames.
        gaze = np.array([(c.gaze.x, c.gaze.y) for c in kept])
        pointers = np.array([(c.pointer.x, c.pointer.y) for c in kept])
        corrections = {"calibration": None} | {
            f"click update {a:g}/{b:g}": ClickCorrection.fit(gaze, pointers, a, b)
            for a, b in UPDATE_RIDGES
        }
        lean = np.array((0, 0, -args.lean_mm), float)
        test_seed = [args.seed, k, 7]
        row["after 20 clicks"] = test_phase(
            backend, statistics, person, sitting, test_seed, lean, corrections
        )
        fresh, _ = calibrate(backend, person, sitting, rng, lean)
        row["after 20 clicks"] |= test_phase(
            backend, fresh, person, sitting, test_seed, lean, {"fresh calibration": None}
        )
        # With validation: the as-calibrated phase's true error stands in for a validation's.
        validated = phases["as calibrated"][0]
        for name, (_, events) in phases.items():
            row[name]["rule"]["validated"] = replay(ClickCheck(validated), events)
        rows.append(row)

    print(f"{'person':>6} {'phase':<14} {'true %':>7} " + " ".join(f"{f'@{n}':>12}" for n in CHECKPOINTS)
          + "  drift (no validation / validated)")  # fmt: skip
    for row in rows:
        for name in ("as calibrated", "leaned back"):
            r = row[name]
            cells = " ".join(
                f"{r['estimate_pct'][str(n)]:5.1f} ({r['ratio'][str(n)]:.2f})"
                if str(n) in r["estimate_pct"] and r["estimate_pct"][str(n)] is not None
                else f"{'–':>12}"
                for n in CHECKPOINTS
            )
            rule = r["rule"]
            print(
                f"{row['person']:>6} {name:<14} {r['true_error_pct']:7.1f} {cells}  "
                f"{rule['no validation']['drifted']!s:>5} / {rule['validated']['drifted']!s:<5}"
            )
    summary = {}
    for name in ("as calibrated", "leaned back"):
        for n in CHECKPOINTS:
            ratios = [row[name]["ratio"].get(str(n)) for row in rows]
            ratios = [r for r in ratios if r is not None]
            if ratios:
                within = float(np.mean([abs(r - 1) <= 0.25 for r in ratios]))
                summary[f"{name} @{n}"] = {
                    "mean_ratio": float(np.mean(ratios)),
                    "worst_ratio": float(max(ratios, key=lambda r: abs(r - 1))),
                    "share_within_25pct": within,
                }
    for key, value in summary.items():
        print(
            f"{key:<20} estimate / true: mean {value['mean_ratio']:.2f}, worst "
            f"{value['worst_ratio']:.2f}, within 25%: {value['share_within_25pct']:.0%}"
        )
    updates = {}
    for name in rows[0]["after 20 clicks"]:
        errors = [row["after 20 clicks"][name] for row in rows]
        fresh = [row["after 20 clicks"]["fresh calibration"] for row in rows]
        updates[name] = {"error_pct": float(np.mean(errors)),
                         "vs_fresh": float(np.mean(errors) / np.mean(fresh))}  # fmt: skip
        print(
            f"leaned back, new frames: {name:<24} {np.mean(errors):5.1f}% "
            f"({np.mean(errors) / np.mean(fresh):.2f}x a fresh calibration)"
        )
    summary["after 20 clicks"] = updates
    report = {
        "benchmark": "click_drift",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.argv]),
        "people": args.people,
        "clicks": args.clicks,
        "lean_mm": args.lean_mm,
        "seed": args.seed,
        "seconds": time.perf_counter() - started,
        "rows": rows,
        "summary": summary,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
