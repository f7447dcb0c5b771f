"""benchmarks/protocols.py: the plan of protocols A (with its draws) and B, the scoring, the
frames' streams and the peers' best mode."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from protocols import (  # noqa: E402
    PEER_MODES,
    UNTIMED_SPACING_S,
    best_mode,
    build_plan,
    capture_times,
    groups,
    protocol_b_split,
    read_sittings,
    score,
    sitting_order,
    streams,
)

from eyetracker.core import dataset  # noqa: E402


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


def test_a_stream_starts_anew_after_a_gap_or_a_step_back_in_time():
    times = [0.0, 0.1, 0.2, 0.5, 0.6, 0.6, 0.7, 0.5]
    assert streams(times) == [[0, 1, 2], [3, 4], [5, 6], [7]]
    assert streams([0.0, 1.0, 2.0]) == [[0], [1], [2]]  # a second apart: stills
    assert streams([]) == []


def test_capture_times_are_the_recorded_ones_else_a_second_apart_as_the_dataset_has_them():
    assert capture_times([0.0, 0.1, 0.25]) == [0.0, 0.1, 0.25]
    assert capture_times([0.0, None, 0.2]) == [0.0, 1.0, 2.0]
    assert capture_times([0, True]) == [0.0, 1.0]  # a flag is no time
    assert UNTIMED_SPACING_S == dataset.UNTIMED_SPACING_S


def test_the_peers_own_reader_carries_the_capture_times(tmp_path):
    folder = tmp_path / "p1" / "m1"
    folder.mkdir(parents=True)
    for name in ("a.jpg", "b.jpg"):
        (folder / name).write_bytes(b"")
    samples = [
        {"image": "a.jpg", "x": 0.1, "y": 0.2, "t": 3.0},
        {"image": "gone.jpg", "x": 0.1, "y": 0.2, "t": 3.05},
        {"image": "b.jpg", "x": 0.3, "y": 0.4, "t": 3.1},
    ]
    manifest = {"format": 1, "person": "p1", "measurement": "m1", "samples": samples}
    (folder / "measurement.json").write_text(json.dumps(manifest))
    (sitting,) = read_sittings(tmp_path)
    assert [s[0] for s in sitting["samples"]] == ["a.jpg", "b.jpg"]
    assert sitting["times"] == [3.0, 3.1]


def _entry(a, b, found=90.0):
    return {"A": {"error_pct": a}, "B": {"error_pct": b}, "face_found_pct": found}


def test_a_peer_is_scored_in_its_best_mode_per_protocol_with_the_others_beside():
    still_out, still_kept, stream_out, stream_kept = PEER_MODES
    best = best_mode(
        {
            still_out: _entry(24.1, 30.0, 97.0),
            still_kept: _entry(24.1, 29.0, 97.0),  # a tie in A: the first mode
            stream_out: _entry(34.5, 28.5, 99.0),
            stream_kept: _entry(None, None),
        }
    )
    assert best["chosen"] == {"A": still_out, "B": stream_out}
    assert best["A"] == {"error_pct": 24.1, "mode": still_out}
    assert best["B"]["error_pct"] == 28.5
    assert best["face_found_pct"] == 97.0  # with protocol A's mode
    assert best["modes"][stream_out] == {"A": 34.5, "B": 28.5, "face_found_pct": 99.0}
    assert best["modes"][stream_kept]["A"] is None


def test_a_peer_with_no_figure_in_any_mode_has_none():
    best = best_mode({mode: _entry(None, None) for mode in PEER_MODES})
    assert best["A"]["error_pct"] is None and best["chosen"]["B"] is None
    assert best["face_found_pct"] is None
