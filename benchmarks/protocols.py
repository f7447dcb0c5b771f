"""The real-world benchmark's protocols and scoring, shared by real_world.py and peers.py.

numpy, the standard library and two numpy-only project modules (eyetracker.core.sampling and
.metrics, imported from this checkout by path): peers.py imports this inside the peers' own
venv, where the eyetracker package is not installed. Both scripts run as scripts; they put
this folder on sys.path to import it.

- Protocol A, per sitting: calibrate on K samples spread over the screen (`spread_indices`),
  predict every other sample of the sitting. With D draws, the sitting is calibrated on up to
  D different choices of K (`spread_choices`: farthest-point sampling started from the sample
  nearest each corner in turn, a repeated choice dropped): on a pursuit sitting one choice of
  K frames moves a person's error by a point or two, so the figure is their mean.
- Protocol B, per person: fit on the earlier sittings, predict the last one
  (`protocol_b_split`); a person with one sitting has no B.
- Scoring (`score`): mean Euclidean error in % of the screen over every test frame; a frame
  where the tracker found no face, or gave no finite point, counts as the screen centre.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eyetracker.core.metrics import error_pct  # noqa: E402
from eyetracker.core.sampling import spread_choices  # noqa: E402

CENTRE = (0.5, 0.5)

# A sample's capture time when its measurement records none ("t"): samples this far apart, as
# eyetracker.core.dataset.UNTIMED_SPACING_S has it (peers.py cannot import that module).
UNTIMED_SPACING_S = 1.0
# Frames further apart than this are not a video: a stream through a landmarker's tracking
# (MediaPipe VIDEO mode) would carry one frame's face into the next, so a new stream starts.
NEW_STREAM_AFTER_S = 0.2

# The ways each peer is run (peers.py) and scored (real_world.py); its figure is its best. Its
# landmarks on still frames (each frame on its own) or as a stream, and its blink filter on
# (frames it flags as blinking left out of the calibration fit) or off.
LANDMARK_MODES = ("still", "stream")
BLINK_FILTERS = ("blinks left out", "blinks kept")
PEER_MODES = tuple(f"{lm}, {blink}" for lm in LANDMARK_MODES for blink in BLINK_FILTERS)

# One row per (protocol, draw, sample); each tracker adds pred_x, pred_y, face_found. Protocol
# B has one draw (0).
ROW_KEYS = ("protocol", "draw", "person", "measurement", "image", "role", "true_x", "true_y")
PREDICTION_KEYS = ("tracker",) + ROW_KEYS + ("pred_x", "pred_y", "face_found")


_LONG_NUMBER = re.compile(r"\d{9,}")


def sitting_order(names: Iterable[str]) -> list[str]:
    """A person's sittings in recorded order.

    Names that all carry a long number (9+ digits, such as a Unix time in
    `horizontal_1738772966`) are sorted by its last such number; otherwise by name, which is
    recorded order for the app's timestamp names (`2026-11-23T10-15-02`).
    """
    names = list(names)
    stamps = [_LONG_NUMBER.findall(name) for name in names]
    if names and all(stamps):
        return [name for _, name in sorted(zip((int(s[-1]) for s in stamps), names, strict=True))]
    return sorted(names)


def protocol_b_split(
    sittings: Mapping[str, Sequence[str]],
) -> tuple[dict[str, tuple[list[str], str]], list[str]]:
    """Per person: (earlier sittings to fit on, the last sitting to predict).

    `sittings` maps person -> measurement names. Returns the splits and the people skipped
    because they have a single sitting.
    """
    splits: dict[str, tuple[list[str], str]] = {}
    skipped: list[str] = []
    for person in sorted(sittings):
        ordered = sitting_order(sittings[person])
        if len(ordered) < 2:
            skipped.append(person)
            continue
        splits[person] = (ordered[:-1], ordered[-1])
    return splits, skipped


def capture_times(recorded: Sequence) -> list[float]:
    """A sitting's capture times in seconds from its samples' recorded "t" (None where absent):
    those when every sample has one, else the samples UNTIMED_SPACING_S apart
    (Measurement.capture_times)."""
    recorded = list(recorded)
    if all(_is_time(t) for t in recorded):
        return [float(t) for t in recorded]
    return [index * UNTIMED_SPACING_S for index in range(len(recorded))]


def streams(times: Sequence[float], new_after_s: float = NEW_STREAM_AFTER_S) -> list[list[int]]:
    """Indices of consecutive frames that form one video: a new stream starts where a frame
    comes more than `new_after_s` after the one before it, or not after it at all."""
    out: list[list[int]] = []
    for index, t in enumerate(times):
        if out and 0 < t - times[index - 1] <= new_after_s:
            out[-1].append(index)
        else:
            out.append([index])
    return out


def mode_tracker(tracker: str, mode: str) -> str:
    """The name a peer's rows carry in one of PEER_MODES."""
    return f"{tracker} [{mode}]"


def best_mode(per_mode: Mapping[str, dict]) -> dict:
    """A peer's figures in its best mode, protocol by protocol, from {mode: figures entry}.

    Each entry has "A" and "B" ({"error_pct": ...}) and "face_found_pct". Per protocol, the
    mode with the lowest error is taken (the first of them on a tie; None when no mode has a
    figure); its face-found figure goes with protocol A's mode. "modes" keeps every mode's
    errors beside, "chosen" names the mode taken per protocol.
    """
    out: dict = {"modes": {}, "chosen": {}}
    for protocol in ("A", "B"):
        errors = [
            (entry[protocol]["error_pct"], mode)
            for mode, entry in per_mode.items()
            if entry[protocol]["error_pct"] is not None
        ]
        chosen = min(errors, key=lambda e: e[0])[1] if errors else None
        out["chosen"][protocol] = chosen
        out[protocol] = (
            {**per_mode[chosen][protocol], "mode": chosen}
            if chosen
            else {"error_pct": None, "mode": None}
        )
    chosen_a = out["chosen"]["A"]
    out["face_found_pct"] = per_mode[chosen_a].get("face_found_pct") if chosen_a else None
    out["modes"] = {
        mode: {
            "A": entry["A"]["error_pct"],
            "B": entry["B"]["error_pct"],
            "face_found_pct": entry.get("face_found_pct"),
        }
        for mode, entry in per_mode.items()
    }
    return out


def build_plan(sittings: Sequence[dict], k: int, draws: int = 1) -> tuple[list[dict], dict]:
    """Every row of protocols A (up to `draws` different choices of K per sitting,
    `spread_choices`) and B for `sittings`, without predictions.

    Each sitting is {"person", "measurement", "samples": [(image, x, y), ...]} with samples in
    capture order. Returns (rows, summary); rows have the keys in ROW_KEYS.
    """
    if k < 1 or draws < 1:
        raise ValueError(f"k and draws must be at least 1, not {k} and {draws}")
    rows: list[dict] = []
    by_person: dict[str, list[str]] = {}
    by_key: dict[tuple[str, str], dict] = {}
    draws_made: dict[str, int] = {}
    for sitting in sittings:
        person, name = sitting["person"], sitting["measurement"]
        by_person.setdefault(person, []).append(name)
        by_key[(person, name)] = sitting
        samples = sitting["samples"]
        targets = np.array([(x, y) for _, x, y in samples], dtype=np.float64).reshape(-1, 2)
        choices = spread_choices(targets, k, draws)
        draws_made[f"{person}/{name}"] = len(choices)
        for draw, choice in enumerate(choices):
            calibration = set(choice.tolist())
            for index, (image, x, y) in enumerate(samples):
                role = "calibration" if index in calibration else "test"
                rows.append(_row("A", draw, person, name, image, role, x, y))
    splits, skipped = protocol_b_split(by_person)
    for person, (earlier, last) in splits.items():
        for name in earlier:
            for image, x, y in by_key[(person, name)]["samples"]:
                rows.append(_row("B", 0, person, name, image, "calibration", x, y))
        for image, x, y in by_key[(person, last)]["samples"]:
            rows.append(_row("B", 0, person, last, image, "test", x, y))
    summary = {
        "k": k,
        "draws": draws,
        "draws_made": draws_made,  # per sitting: the different choices of K it has
        "protocol_b": {
            person: {"fit_on": e, "predict": last} for person, (e, last) in splits.items()
        },
        "protocol_b_skipped": skipped,
    }
    return rows, summary


def _row(protocol, draw, person, measurement, image, role, x, y) -> dict:
    return {
        "protocol": protocol,
        "draw": draw,
        "person": person,
        "measurement": measurement,
        "image": image,
        "role": role,
        "true_x": float(x),
        "true_y": float(y),
    }


def groups(rows: Iterable[dict], protocol: str) -> dict[tuple, dict[str, list[dict]]]:
    """Rows of one protocol grouped by fit: A per (person, sitting, draw), B per person.

    Each group is {"calibration": [...], "test": [...]} in row order.
    """
    out: dict[tuple, dict[str, list[dict]]] = {}
    for row in rows:
        if row["protocol"] != protocol:
            continue
        key = (
            (row["person"], row["measurement"], row["draw"])
            if protocol == "A"
            else (row["person"],)
        )
        out.setdefault(key, {"calibration": [], "test": []})[row["role"]].append(row)
    return out


def with_centre(rows: Sequence[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(predicted, truth, face_found) arrays; no face or no finite point -> the centre."""
    truth = np.array([(r["true_x"], r["true_y"]) for r in rows], dtype=np.float64).reshape(-1, 2)
    predicted = np.array(
        [(_number(r.get("pred_x")), _number(r.get("pred_y"))) for r in rows], dtype=np.float64
    ).reshape(-1, 2)
    found = np.array([_flag(r.get("face_found")) for r in rows], dtype=bool)
    usable = found & np.isfinite(predicted).all(axis=1)
    predicted[~usable] = CENTRE
    return predicted, truth, found


def score(rows: Sequence[dict]) -> dict:
    """Mean error % over `rows` (every row counts) and the % of rows with a face."""
    if not rows:
        return {"error_pct": None, "face_found_pct": None, "frames": 0}
    predicted, truth, found = with_centre(rows)
    return {
        "error_pct": float(np.mean(error_pct(predicted, truth))),
        "face_found_pct": float(100.0 * found.mean()),
        "frames": len(rows),
    }


def _number(value) -> float:
    if value is None or value == "":
        return float("nan")
    return float(value)


def _is_time(value) -> bool:
    """A finite JSON number (eyetracker.core.manifest.is_number)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def read_sittings(root: str | Path) -> list[dict]:
    """The measurements under `root` (measurement format 1) as build_plan's sittings.

    A plain reader for the peers' venv: samples lacking a key, with coordinates outside
    [0, 1] or naming a missing image are left out; "times" are their capture_times.
    real_world.py reads with the project's own reader and hands peers.py the plan, so both
    always score the same rows.
    """
    sittings = []
    for manifest_path in sorted(Path(root).rglob("measurement.json")):
        if any(part.startswith(".") for part in manifest_path.relative_to(root).parts):
            continue
        manifest = json.loads(manifest_path.read_text(encoding="utf-8-sig"))
        if manifest.get("format") != 1:
            continue
        samples, recorded = [], []
        for sample in manifest.get("samples", []):
            try:
                image, x, y = sample["image"], float(sample["x"]), float(sample["y"])
            except (KeyError, TypeError, ValueError):
                continue
            if 0 <= x <= 1 and 0 <= y <= 1 and (manifest_path.parent / image).is_file():
                samples.append((image, x, y))
                recorded.append(sample.get("t"))
        sittings.append(
            {
                "person": str(manifest["person"]),
                "measurement": str(manifest["measurement"]),
                "folder": str(manifest_path.parent),
                "screen": manifest.get("screen", {}),
                "samples": samples,
                "times": capture_times(recorded),
            }
        )
    return sittings
