"""Counts in sentences: "1 person", "2 people", "1 sample", "0 samples"."""

from __future__ import annotations


def count(number: int, singular: str, plural: str | None = None) -> str:
    """`number` with the noun in the form it takes: count(1, "person", "people") -> "1 person"."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
