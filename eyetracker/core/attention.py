"""The attention check's marks in a measurement (docs/measurement-format.md, format 2).

At some dots a letter shows inside the dot and the person types it instead of Space; the
sample records `"attended": true` or `false` (and the `letter`). A failed check says the
person was not looking around then too, so the samples just before and after it in capture
order are marked as well: `"attended": false` with `"near_failed_check"` naming the failed
check's image. A neighbour that is itself a check keeps its own result.

`mark_neighbours` is the one place the rule is applied: every manifest write goes through it
(manifest.write_manifest), so the marks always follow the checks, also after a sample is
dropped or a measurement is resumed. Format 1 files carry no neighbour marks and read as
written.
"""

from __future__ import annotations

from typing import Any

ATTENDED = "attended"
NEAR_FAILED_CHECK = "near_failed_check"


def is_neighbour_mark(entry: Any) -> bool:
    """A sample marked not attended for being next to a failed check."""
    return isinstance(entry, dict) and NEAR_FAILED_CHECK in entry


def is_check(entry: Any) -> bool:
    """A sample where the attention check was made (a letter was shown)."""
    return (
        isinstance(entry, dict)
        and isinstance(entry.get(ATTENDED), bool)
        and not is_neighbour_mark(entry)
    )


def mark_neighbours(entries: list[Any]) -> list[Any]:
    """`entries` (raw sample objects, capture order) with every neighbour of a failed check
    marked and stale marks removed; entries that change are copies."""
    unmarked = [_without_mark(entry) for entry in entries]
    marked = list(unmarked)
    for index, entry in enumerate(unmarked):
        if not (is_check(entry) and entry[ATTENDED] is False):
            continue
        for near in (index - 1, index + 1):
            if 0 <= near < len(unmarked) and _unchecked(marked[near]):
                marked[near] = {**marked[near], ATTENDED: False, NEAR_FAILED_CHECK: entry["image"]}
    return marked


def _without_mark(entry: Any) -> Any:
    if not is_neighbour_mark(entry):
        return entry
    return {k: v for k, v in entry.items() if k not in (ATTENDED, NEAR_FAILED_CHECK)}


def _unchecked(entry: Any) -> bool:
    return isinstance(entry, dict) and ATTENDED not in entry and "image" in entry
