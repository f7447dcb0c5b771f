"""The real-world benchmark's figures from every tracker's prediction rows.

Per tracker and protocol the error (protocols.score: every test frame counts, no point is the
screen centre), per person, and the share of frames with a face; each peer's figure is its
best mode; our error over the best peer's; and two checks of our own answers: whether the
error each point says to expect ranks and sizes the error made, and which frames gave none.
"""

from __future__ import annotations

import numpy as np
from protocols import CENTRE, PEER_MODES, best_mode, mode_tracker, score

CENTRE_NAME = "centre"


def centre_predictions(protocol_rows: list[dict]) -> list[dict]:
    """The screen centre's rows: the centre for every test frame, a face always found."""
    return [
        {
            "tracker": CENTRE_NAME,
            **row,
            "pred_x": CENTRE[0] if row["role"] == "test" else None,
            "pred_y": CENTRE[1] if row["role"] == "test" else None,
            "face_found": True if row["role"] == "test" else None,
        }
        for row in protocol_rows
    ]


def figures(rows: list[dict], trackers: list[str]) -> dict:
    """Per tracker: each protocol's score with its per-person errors, and face found %."""
    out = {}
    for tracker in trackers:
        mine = [r for r in rows if r["tracker"] == tracker]
        entry = {}
        for protocol in ("A", "B"):
            test = [r for r in mine if r["protocol"] == protocol and r["role"] == "test"]
            entry[protocol] = score(test)
            entry[protocol]["per_person"] = {
                person: score([r for r in test if r["person"] == person])["error_pct"]
                for person in sorted({r["person"] for r in test})
            }
        # Face found over protocol A's test frames: every frame but the K per sitting, the
        # same frames for every tracker.
        every_frame = [r for r in mine if r["protocol"] == "A" and r["role"] == "test"]
        entry["face_found_pct"] = (
            None
            if tracker == CENTRE_NAME or not every_frame
            else float(100.0 * np.mean([bool(r["face_found"]) for r in every_frame]))
        )
        out[tracker] = entry
    return out


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation (ties broken by order: the errors are continuous)."""
    ranks = [np.argsort(np.argsort(np.asarray(v, float))) for v in (a, b)]
    return float(np.corrcoef(*ranks)[0, 1])


def _test_rows(rows: list[dict], tracker: str, protocol: str) -> list[dict]:
    return [
        r
        for r in rows
        if r["tracker"] == tracker and r["protocol"] == protocol and r["role"] == "test"
    ]


def expected_error_check(rows: list[dict], tracker: str, protocol: str = "A") -> dict:
    """Whether `tracker`'s expected error is honest on `protocol`'s test frames with a point:
    the rank correlation with the error made, and the two means (% of the screen)."""
    test = [
        r
        for r in _test_rows(rows, tracker, protocol)
        if r.get("pred_x") is not None and r.get("expected_error") is not None
    ]
    if len(test) < 2:
        return {"frames": len(test)}
    expected = np.array([r["expected_error"] for r in test], float)
    actual = 100.0 * np.hypot(
        [r["pred_x"] - r["true_x"] for r in test], [r["pred_y"] - r["true_y"] for r in test]
    )
    return {
        "frames": len(test),
        "spearman": round(spearman(expected, actual), 3),
        "mean_expected_pct": round(float(expected.mean()), 2),
        "mean_actual_pct": round(float(actual.mean()), 2),
        "expected_over_actual": round(float(expected.mean() / actual.mean()), 3),
    }


def refusals(rows: list[dict], tracker: str, protocol: str = "A") -> dict:
    """Frames `tracker` gave no point for on `protocol`'s test frames: how many, why, and where
    the person looked then (the mean target height of refused and of kept frames)."""
    test = _test_rows(rows, tracker, protocol)
    refused = [r for r in test if r.get("pred_x") is None]
    kept = [r for r in test if r.get("pred_x") is not None]
    reasons: dict[str, int] = {}
    for r in refused:
        reasons[r.get("reason") or "no point"] = reasons.get(r.get("reason") or "no point", 0) + 1
    return {
        "frames": len(test),
        "refused": len(refused),
        "refused_pct": round(100.0 * len(refused) / len(test), 2) if test else None,
        "reasons": reasons,
        "mean_target_y_refused": round(float(np.mean([r["true_y"] for r in refused])), 3)
        if refused
        else None,
        "mean_target_y_kept": round(float(np.mean([r["true_y"] for r in kept])), 3)
        if kept
        else None,
    }


def with_best_modes(table: dict, peers: list[str]) -> dict:
    """`table` with each peer's modes (its mode_tracker rows' figures) made one entry: its best
    mode per protocol, the others beside it (protocols.best_mode)."""
    out = dict(table)
    for peer in peers:
        out[peer] = best_mode({mode: out.pop(mode_tracker(peer, mode)) for mode in PEER_MODES})
    return out


def ratios(table: dict, peers: list[str], tracker: str) -> dict:
    """Per protocol, `tracker`'s error over the best peer's (in the peer's best mode)."""
    out = {}
    for protocol in ("A", "B"):
        candidates = [
            (table[p][protocol]["error_pct"], p)
            for p in peers
            if table[p][protocol]["error_pct"] is not None
        ]
        ours = table.get(tracker, {}).get(protocol, {}).get("error_pct")
        if not candidates or ours is None:
            out[protocol] = None
            continue
        best, name = min(candidates)
        out[protocol] = {
            "ours": ours,
            "best_peer": name,
            "best_peer_mode": table[name][protocol].get("mode"),
            "best_peer_error_pct": best,
            "ratio": ours / best,
        }
    return out
