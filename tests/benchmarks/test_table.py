"""benchmarks/table.py: each peer's modes under it, the one taken per protocol marked."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from table import print_table  # noqa: E402


def test_the_mode_taken_per_protocol_is_marked(capsys):
    peer = {
        "A": {"error_pct": 14.1},
        "B": {"error_pct": 26.5},
        "face_found_pct": 100.0,
        "chosen": {"A": "still", "B": "stream"},
        "modes": {
            "still": {"A": 14.1, "B": 28.0, "face_found_pct": 100.0},
            "stream": {"A": 16.0, "B": 26.5, "face_found_pct": 99.0},
        },
    }
    ours = {"A": {"error_pct": 9.9}, "B": {"error_pct": None}, "face_found_pct": 100.0}
    ratio = {"ours": {"A": None, "B": None}}
    print_table({"peer": peer, "ours": ours}, ["peer", "ours"], {"ours": "us"}, ratio)
    lines = capsys.readouterr().out.splitlines()
    still, stream = (
        next(line for line in lines if line.strip().startswith(m)) for m in peer["modes"]
    )
    assert still.split()[1:3] == ["14.1*", "28.0"]
    assert stream.split()[1:3] == ["16.0", "26.5*"]
    assert next(line for line in lines if line.startswith("us")).split()[1:3] == ["9.9", "-"]
    assert "ours / best peer, A: -" in lines
