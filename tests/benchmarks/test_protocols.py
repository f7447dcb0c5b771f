"""benchmarks/protocols.py: the calibration spread, the protocol-B split and the scoring."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from protocols import (  # noqa: E402
    build_plan,
    protocol_b_split,
    score,
    sitting_order,
    spread_calibration_indices,
)

# A 4x4 grid in reading order (row by row), as the app's calibration shows it.
STEPS = np.linspace(0.1, 0.9, 4)
GRID = np.array([(x, y) for y in STEPS for x in STEPS])
CORNER_INDICES = {0, 3, 12, 15}


@pytest.mark.parametrize("k", [4, 9, 16])
def test_spread_picks_k_distinct_indices_covering_the_corners(k):
    chosen = spread_calibration_indices(GRID, k)
    assert len(chosen) == k
    assert len(set(chosen.tolist())) == k
    assert CORNER_INDICES <= set(chosen.tolist())


def test_spread_starts_at_a_corner_and_is_deterministic():
    first = spread_calibration_indices(GRID, 9)
    assert first[0] in CORNER_INDICES
    np.testing.assert_array_equal(first, spread_calibration_indices(GRID.copy(), 9))


def test_spread_is_not_capture_order_and_covers_the_screen():
    # A pursuit along a line from the top-left to the bottom-right corner: the first K
    # samples would all sit at one end, the spread ones reach both ends and the middle.
    line = np.column_stack([np.linspace(0, 1, 100), np.linspace(0, 1, 100)])
    chosen = spread_calibration_indices(line, 3)
    assert sorted(chosen.tolist()) == [0, 50, 99] or sorted(chosen.tolist()) == [0, 49, 99]


def test_spread_with_fewer_samples_than_k_returns_them_all():
    assert sorted(spread_calibration_indices(GRID[:5], 9).tolist()) == [0, 1, 2, 3, 4]
    assert spread_calibration_indices(np.zeros((0, 2)), 9).size == 0


def test_spread_never_repeats_an_index_among_duplicate_targets():
    same = np.full((6, 2), 0.5)
    assert sorted(spread_calibration_indices(same, 4).tolist()) == [0, 1, 2, 3]


def test_spread_refuses_k_below_one():
    with pytest.raises(ValueError):
        spread_calibration_indices(GRID, 0)


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
