"""benchmarks/real_world.py and its scoring: both of our protocol-B readings against the best
peer in its best mode, our checks, and where its files may go."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import real_world  # noqa: E402
import scoring  # noqa: E402
from ours import OURS, OURS_PROFILE  # noqa: E402
from protocols import PEER_MODES, mode_tracker  # noqa: E402

from eyetracker.core.dataset import NotADatasetError  # noqa: E402


def entry(a, b):
    return {"A": {"error_pct": a}, "B": {"error_pct": b}, "face_found_pct": None}


def test_each_of_our_readings_is_set_against_the_best_peer():
    table = {
        "EyeTrax ridge": entry(15.5, 28.2),
        "EyeTrax elastic net": entry(15.1, 26.9),
        OURS: entry(11.7, 25.4),
        OURS_PROFILE: entry(None, 19.6),
    }
    peers = ["EyeTrax ridge", "EyeTrax elastic net"]
    ours = scoring.ratios(table, peers, OURS)
    assert ours["A"]["best_peer"] == ours["B"]["best_peer"] == "EyeTrax elastic net"
    assert ours["B"]["ratio"] == pytest.approx(25.4 / 26.9)
    profile = scoring.ratios(table, peers, OURS_PROFILE)
    assert profile["A"] is None  # no protocol-A reading: no ratio, not a zero
    assert profile["B"]["ours"] == 19.6


def test_ratios_set_ours_against_each_peers_best_mode():
    still, _, stream, _ = PEER_MODES
    peers = ["EyeTrax ridge", "GazeFollower ridge"]
    table = {
        OURS: entry(12.0, 22.0),
        mode_tracker("GazeFollower ridge", still): entry(30.0, 31.0),
    }
    for mode in PEER_MODES:
        table[mode_tracker("EyeTrax ridge", mode)] = entry(
            24.0 if mode == still else 34.0, 25.0 if mode == stream else 27.0
        )
        if mode != still:
            table[mode_tracker("GazeFollower ridge", mode)] = entry(None, None)
    table = scoring.with_best_modes(table, peers)
    assert set(table) == {OURS, *peers}
    assert table["EyeTrax ridge"]["chosen"] == {"A": still, "B": stream}
    assert table["GazeFollower ridge"]["chosen"] == {"A": still, "B": still}
    ours = scoring.ratios(table, peers, OURS)
    assert ours["A"]["best_peer_mode"] == still
    assert ours["A"]["ratio"] == pytest.approx(12.0 / 24.0)
    assert ours["B"]["best_peer_mode"] == stream
    assert ours["B"]["ratio"] == pytest.approx(22.0 / 25.0)


def test_frames_derived_files_stay_outside_the_repository(tmp_path, capsys):
    data = str(tmp_path)
    with pytest.raises(SystemExit):
        real_world.main([data, "--cache-dir", str(real_world.HERE / "cache")])
    assert "inside the repository" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        real_world.main([data, "--out", str(real_world.REPO / "eyetracker" / "figures.json")])
    assert "figures go there" in capsys.readouterr().err
    # benchmarks/results/ is where figures go (the documented --out): past the checks, an
    # empty DATA stops the run at the data
    figures = real_world.HERE / "results" / "not-written.json"
    with pytest.raises(NotADatasetError):
        real_world.main([data, "--out", str(figures), "--cache-dir", str(tmp_path / "cache")])
    assert not figures.exists()


def _ours(protocol, pred, true, expected, reason=""):
    return {
        "tracker": OURS,
        "protocol": protocol,
        "role": "test",
        "true_x": true[0],
        "true_y": true[1],
        "pred_x": None if pred is None else pred[0],
        "pred_y": None if pred is None else pred[1],
        "expected_error": expected,
        "reason": reason,
    }


def test_the_expected_error_check_compares_ranks_and_means():
    rows = [_ours("A", (0.5 + d, 0.5), (0.5, 0.5), 100 * d * 1.1) for d in (0.01, 0.02, 0.05)]
    rows += [_ours("A", None, (0.5, 0.9), None, "eyes closed"), _ours("B", (0, 0), (1, 1), 1.0)]
    check = scoring.expected_error_check(rows, OURS)
    assert check["frames"] == 3 and check["spearman"] == pytest.approx(1.0)
    assert check["expected_over_actual"] == pytest.approx(1.1)


def test_refusals_say_why_and_where_the_person_looked():
    rows = [_ours("A", (0.5, 0.5), (0.5, 0.2), 5.0), _ours("A", None, (0.5, 0.9), None, "blink")]
    gone = scoring.refusals(rows, OURS)
    assert gone["refused"] == 1 and gone["reasons"] == {"blink": 1}
    assert gone["mean_target_y_refused"] == 0.9 and gone["mean_target_y_kept"] == 0.2
