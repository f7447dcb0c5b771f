"""`eyetracker dataset info DIR`: what a dataset holds and what is wrong with it."""

from __future__ import annotations

import argparse
import json
from typing import Any

from eyetracker.core.attention import is_check

HELP = "inspect a folder of measurements (people, measurements, samples, problems)"


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="dataset_command", metavar="ACTION", required=True)
    info = actions.add_parser(
        "info",
        help="count people, measurements and samples, and list every problem",
        description="Count people, measurements and samples in DIR and list every problem. "
        "DIR may be a dataset, a person folder or a single measurement folder.",
    )
    info.add_argument("path", metavar="DIR", help="the dataset folder")
    info.add_argument(
        "--json", action="store_true", help="print one JSON object instead of a table"
    )
    info.add_argument(
        "--decode-images",
        action="store_true",
        help="decode every image fully (slow) instead of checking its header only",
    )


def run(args: argparse.Namespace) -> int:
    from eyetracker.core.dataset import load_dataset

    dataset = load_dataset(args.path, decode_images=args.decode_images)
    summary = summarize(dataset)
    if args.json:
        print(json.dumps(summary, indent=1, ensure_ascii=False))
    else:
        print(format_summary(summary))
    return 0


def summarize(dataset: Any) -> dict[str, Any]:
    """The machine-readable summary that `--json` prints."""
    per_person = {
        person: {"measurements": len(items), "samples": sum(len(m.samples) for m in items)}
        for person, items in dataset.people.items()
    }
    summary = {
        "path": str(dataset.root),
        "people": len(per_person),
        "measurements": len(dataset.measurements),
        "samples": dataset.sample_count,
        "skipped_samples": dataset.skipped_count,
        "unreadable_measurements": len(dataset.unreadable),
        "per_person": per_person,
        "problems": [str(problem) for problem in dataset.problems],
    }
    attention = attention_checks(dataset)
    if attention:  # only where a sitting had checks: older datasets' summaries stay as they were
        summary["attention"] = attention
    return summary


def attention_checks(dataset: Any) -> list[dict[str, Any]]:
    """Per sitting with attention checks: how many were made and failed, the attention rate
    (the share passed), how many samples are not attended (failed checks and their marked
    neighbours, left out of training) and, in a format 1 file that has no such marks, the
    unchecked samples next to a failed check (`suspect`)."""
    sittings = []
    for measurement in dataset.measurements:
        checks = [s.attended for s in measurement.samples if is_check(s.to_json())]
        if checks:
            failed = checks.count(False)
            sittings.append(
                {
                    "folder": str(measurement.folder),
                    "checks": len(checks),
                    "failed": failed,
                    "failed_share": failed / len(checks),
                    "attention_rate": 1.0 - failed / len(checks),
                    "not_attended": sum(s.attended is False for s in measurement.samples),
                    "suspect": suspect_samples(measurement.samples),
                }
            )
    return sittings


def suspect_samples(samples: list[Any]) -> list[str]:
    """The images of the unchecked samples just before and after a failed attention check,
    in capture order, that carry no mark (format 1 files): the person may have looked away
    for them too. Training keeps them; listed so that a person can look."""
    failed = [
        i
        for i, sample in enumerate(samples)
        if sample.attended is False and is_check(sample.to_json())
    ]
    near = sorted({j for i in failed for j in (i - 1, i + 1) if 0 <= j < len(samples)})
    return [samples[j].image for j in near if samples[j].attended is None]


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def format_summary(summary: dict[str, Any]) -> str:
    """The compact table `dataset info` prints: one row per person, totals, then problems."""
    rows = [
        (name, str(p["measurements"]), str(p["samples"]))
        for name, p in summary["per_person"].items()
    ]
    rows.append(("total", str(summary["measurements"]), str(summary["samples"])))
    header = ("person", "measurements", "samples")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]

    def line(row: tuple[str, str, str]) -> str:
        return f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}"

    lines = [
        f"Dataset {summary['path']}: {_plural(summary['people'], 'person', 'people')}",
        line(header),
    ]
    lines += [line(row) for row in rows]
    for sitting in summary.get("attention", []):
        passed = sitting["checks"] - sitting["failed"]
        lines.append(
            f"{sitting['folder']}: attention {100 * sitting['attention_rate']:.0f}% "
            f"({passed} of {_plural(sitting['checks'], 'attention check')} passed); "
            f"{_plural(sitting['not_attended'], 'sample')} not attended, left out of training"
        )
        if sitting["suspect"]:
            lines.append(f"  next to a failed check: {', '.join(sitting['suspect'])}")
    skipped, unreadable = summary["skipped_samples"], summary["unreadable_measurements"]
    if summary["problems"]:
        lines.append(
            f"{_plural(len(summary['problems']), 'problem')}: "
            f"{_plural(skipped, 'sample')} skipped, "
            f"{_plural(unreadable, 'measurement')} could not be read."
        )
        lines += [f"  {problem}" for problem in summary["problems"]]
    else:
        lines.append("No problems.")
    return "\n".join(lines)
