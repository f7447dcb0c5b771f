"""What the real-world benchmark prints: the table of errors, the ratios to the best peer, and
the checks of our expected error and refused frames."""

from __future__ import annotations


def _cell(value, width: int = 10) -> str:
    return f"{value:>{width}.1f}" if value is not None else f"{'-':>{width}}"


def print_table(table: dict, trackers: list[str], labels: dict, ratio: dict[str, dict]) -> None:
    """The table (under each peer, its modes; * marks the one taken per protocol), then each
    of `ratio`'s {name: scoring.ratios(...)} per protocol."""
    names = [labels.get(t, t) for t in trackers]
    names += ["    " + mode for t in trackers for mode in table[t].get("modes", {})]
    name_width = max(map(len, names)) + 2
    print(f"{'tracker':<{name_width}}{'A error %':>10}{'B error %':>11}{'face found %':>14}")
    for tracker in trackers:
        entry = table[tracker]
        print(
            f"{labels.get(tracker, tracker):<{name_width}}"
            f"{_cell(entry['A']['error_pct'])}{_cell(entry['B']['error_pct'], 11)}{_cell(entry['face_found_pct'], 14)}"
        )
        for mode, errors in entry.get("modes", {}).items():
            marks = ["*" if entry["chosen"][p] == mode else " " for p in ("A", "B")]
            print(
                f"{'    ' + mode:<{name_width}}{_cell(errors['A'], 9)}{marks[0]}"
                f"{_cell(errors['B'], 10)}{marks[1]}{_cell(errors['face_found_pct'], 13)}"
            )
    for name, per_protocol in ratio.items():
        for protocol, r in per_protocol.items():
            if r:
                print(
                    f"{name} / best peer, {protocol}: {r['ratio']:.2f} ({r['ours']:.1f}% vs "
                    f"{r['best_peer']} ({r['best_peer_mode']}) {r['best_peer_error_pct']:.1f}%)"
                )
            else:
                print(f"{name} / best peer, {protocol}: -")


def print_checks(honesty: dict[str, dict], refused: dict[str, dict]) -> None:
    """Per tracker, protocol A's expected error against the error made
    (scoring.expected_error_check) and the test frames that gave no point (scoring.refusals)."""
    for tracker in honesty:
        check, gone = honesty[tracker], refused[tracker]
        if "spearman" in check:
            print(
                f"{tracker}, A: expected error {check['mean_expected_pct']:.1f} against "
                f"{check['mean_actual_pct']:.1f} made (x{check['expected_over_actual']:.2f}), "
                f"Spearman {check['spearman']:.2f} over {check['frames']} frames"
            )
        print(
            f"{tracker}, A: {gone['refused']} of {gone['frames']} test frames gave no point "
            f"{gone['reasons']} (mean target height refused {gone['mean_target_y_refused']}, "
            f"kept {gone['mean_target_y_kept']})"
        )
