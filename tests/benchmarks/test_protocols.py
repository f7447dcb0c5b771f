"""benchmarks/protocols.py: the plan of protocols A (with its draws) and B, and the scoring."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from protocols import (  # noqa: E402
    build_plan,
    groups,
    protocol_b_split,
    score,
    sitting_order,
)


def test_protocol_b_fits_on_earlier_sittings_and_predicts_the_last():
    splits, skipped = protocol_b_split(
        {
            "p1": ["vertical_1738773281", "both_1738773752", "horizontal_1738772966"],
            "p2": ["2026-11-24T09-00-00", "2026-11-23T10-15-02"],
            "p3": ["only"],
        }
    )
    assert splits["p1"] == (["horizontal_1738772966", "vertical_1738773281"], "both_1738773752")
    assert splits["p2"] == (["2026-11-23T10-15-02"], "2026-11-24T09-00-00")
    assert "p3" not in splits
    assert skipped == ["p3"]


def test_sitting_order_falls_back_to_names_when_not_all_carry_a_time():
    assert sitting_order(["b_1738773281", "a"]) == ["a", "b_1738773281"]


def _sitting(person, name, count):
    return {
        "person": person,
        "measurement": name,
        "samples": [(f"{i:04d}.jpg", (i % 4) / 3, (i // 4) / 3) for i in range(count)],
    }


def test_plan_has_k_calibration_rows_per_sitting_and_the_b_split():
    rows, summary = build_plan(
        [
            _sitting("p1", "m_1000000001", 16),
            _sitting("p1", "m_1000000002", 16),
            _sitting("p2", "x", 16),
        ],
        k=9,
    )
    a = [r for r in rows if r["protocol"] == "A"]
    assert len(a) == 48
    for name in ("m_1000000001", "m_1000000002", "x"):
        roles = [r["role"] for r in a if r["measurement"] == name]
        assert roles.count("calibration") == 9 and roles.count("test") == 7
    b = [r for r in rows if r["protocol"] == "B"]
    assert {r["measurement"] for r in b if r["role"] == "test"} == {"m_1000000002"}
    assert {r["measurement"] for r in b if r["role"] == "calibration"} == {"m_1000000001"}
    assert summary["protocol_b_skipped"] == ["p2"]


def test_each_draw_calibrates_on_a_different_spread_choice_of_the_same_sitting():
    # A pursuit sitting: 60 samples along a path through the screen, in capture order.
    t = np.linspace(0, 1, 60)
    path = zip(t, 0.5 + 0.4 * np.sin(6 * t), strict=True)
    sitting = {
        "person": "p1",
        "measurement": "pursuit",
        "samples": [(f"{i:04d}.jpg", x, y) for i, (x, y) in enumerate(path)],
    }
    rows, summary = build_plan([sitting], k=9, draws=4)
    made = summary["draws_made"]["p1/pursuit"]
    assert 1 < made <= 4 and summary["draws"] == 4
    a = groups(rows, "A")
    assert sorted(a) == [("p1", "pursuit", draw) for draw in range(made)]  # a fit per draw
    choices = set()
    for group in a.values():
        assert len(group["calibration"]) == 9 and len(group["test"]) == 51  # every sample
        choices.add(frozenset(r["image"] for r in group["calibration"]))
    assert len(choices) == made  # no choice counted twice
    with pytest.raises(ValueError):
        build_plan([sitting], k=9, draws=0)


def test_score_counts_frames_without_a_face_as_the_centre():
    rows = [
        {"true_x": 0.5, "true_y": 0.5, "pred_x": 0.9, "pred_y": 0.9, "face_found": False},
        {"true_x": 0.1, "true_y": 0.5, "pred_x": 0.1, "pred_y": 0.5, "face_found": True},
        {"true_x": 0.5, "true_y": 0.9, "pred_x": None, "pred_y": None, "face_found": True},
    ]
    result = score(rows)
    assert result["error_pct"] == pytest.approx((0.0 + 0.0 + 40.0) / 3)
    assert result["face_found_pct"] == pytest.approx(200 / 3)
    assert result["frames"] == 3
