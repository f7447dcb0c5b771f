"""`eyetracker doctor [--json]`: cameras, Qt, torch/CUDA, ONNX Runtime, the bundled model and
the data folders, each problem with what to do about it."""

from __future__ import annotations

import argparse
import json

HELP = "check cameras, Qt, torch/CUDA, ONNX Runtime, the bundled model and the data folders"

_MARK = {"ok": "ok  ", "warning": "warn", "problem": "FAIL"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument("--model", help="check this model instead of the bundled one")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from eyetracker.doctor.diagnose import diagnose

    report = diagnose(model_path=Path(args.model) if args.model else None)
    if args.json:
        print(json.dumps(report.to_json(), indent=2, default=str))
        return report.exit_code
    width = max(len(check.name) for check in report.checks)
    for check in report.checks:
        print(f"[{_MARK[check.status]}] {check.name:<{width}}  {check.summary}")
        if check.fix:
            print(f"       {'':<{width}}  -> {check.fix}")
    problems = len(report.problems)
    print("all good" if not problems else f"{problems} problem(s) need attention")
    return report.exit_code
