"""Real webcam frames: this project against GazeFollower and EyeTrax on the same frames, one run.

    python benchmarks/real_world.py DATA [--k 9] [--out benchmarks/results/real_world.json]
                                         [--peers-venv VENV] [--setup-peers]

DATA is any dataset in the measurement format (../shared/realdata/README.md says how to make
one from a public collection; evaluation only: never commit those frames or anything derived
from them, only this script's figures file).

Protocols (benchmarks/protocols.py):
- A, per sitting: calibrate on K samples spread over the screen (farthest-point sampling on
  the targets), predict every other sample of the sitting; --draws D (default 4) calibrates
  each sitting on up to D different choices of K, sampling started from the sample nearest
  each corner in turn, and the figure is their mean.
- B, per person: fit on the earlier sittings, predict the last one (people with one sitting
  are skipped and named).
Every frame counts: a frame where a tracker finds no face is scored as the screen centre.
The error is eyetracker.core.metrics.error_pct (mean Euclidean distance, % of the screen).

Trackers: the screen centre; each peer with each of its regressors (run by benchmarks/peers.py
inside a separate venv, built here on first use and never a project dependency; their face
model is ../shared/assets/face_landmarker.task, nothing downloaded at run time; the venv is
--peers-venv, by default <cache>/eyetracker/peer-venv with <cache> $XDG_CACHE_HOME or ~/.cache);
and ours
(`ours_predictions`, the project's public calibration and backend calls).
Each peer regressor runs in every one of protocols.PEER_MODES (landmarks on still frames or
as a stream, its blink filter on or off); its figure per protocol is its best mode
(`with_best_modes`), the other modes shown beside it and kept in the JSON.
Prints one table and the ratios to the best peer (ours per protocol; for B also the reading
with the earlier sittings' profile), and writes the JSON figures file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from protocols import (  # noqa: E402
    CENTRE,
    PEER_MODES,
    best_mode,
    build_plan,
    groups,
    mode_tracker,
    score,
)

DEFAULT_VENV = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "eyetracker" / "peer-venv"
)
DEFAULT_FACE_MODEL = REPO.parent / "shared" / "assets" / "face_landmarker.task"
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "eyetracker-real-world"

# The peers' venv, pinned whole. Neither peer needs torch; mediapipe wants numpy < 2.
PEER_PINS = [
    "eyetrax==0.4.0",
    "gazefollower==1.1.0",
    "mediapipe==1.2.3",
    "mnn==3.6.1",
    "numpy==1.26.4",
    "opencv-python==4.11.0.86",
    "opencv-contrib-python==4.11.0.86",
    "scikit-learn==1.9.1",
    "scipy==1.17.1",
    "joblib==1.6.0",
    "threadpoolctl==3.8.0",
    "absl-py==2.5.1",
    "flatbuffers==25.12.19",
    "sounddevice==0.5.6",
    "cffi==2.1.1",
    "pycparser==3.12",
    "matplotlib==3.11.2",
    "contourpy==1.3.3",
    "cycler==0.12.1",
    "fonttools==4.68.0",
    "kiwisolver==1.5.1",
    "pillow==13.0.0",
    "pyparsing==3.3.3",
    "packaging==26.4",
    "python-dateutil==4.0.0",
    "pandas==3.0.6",
    "tzdata==2026.6",
    "narwhals==2.29.0",
    "pygame==2.6.1",
    "screeninfo==0.8.1",
    "pyvirtualcam==0.15.0",
    "cloudpickle==3.1.3",
    "certifi==2026.10.19.post1",
]
PINS_MARKER = "eyetracker-peer-pins.txt"

PEER_TRACKERS = ("EyeTrax ridge", "EyeTrax elastic net", "GazeFollower ridge", "GazeFollower SVR")
OURS = "ours"
OURS_SET_UP = "ours, set up"
OURS_PROFILE = "ours, profile of the earlier sittings"
CENTRE_NAME = "centre"


def log(message: str) -> None:
    print(f"[real_world] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the peers' venv


def peers_ready(venv: Path) -> bool:
    marker = venv / PINS_MARKER
    return (
        (venv / "bin" / "python").is_file()
        and marker.is_file()
        and marker.read_text().split() == PEER_PINS
    )


def setup_peers(venv: Path) -> None:
    """Create the peers' venv at `venv` (outside the repository) with the pinned packages."""
    if REPO in venv.resolve().parents or venv.resolve() == REPO:
        raise SystemExit(f"the peers' venv must live outside the repository, not at {venv}")
    python = getattr(sys, "_base_executable", None) or sys.executable
    if not (venv / "bin" / "python").is_file():
        log(f"creating the peers' venv at {venv}")
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
    log(f"installing {len(PEER_PINS)} pinned packages into {venv} (a few minutes the first time)")
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *PEER_PINS], check=True
    )
    (venv / PINS_MARKER).write_text("\n".join(PEER_PINS) + "\n")


def run_peers(
    venv: Path, sittings: list[dict], k: int, draws: int, face_model: Path, cache: Path
) -> dict:
    cache.mkdir(parents=True, exist_ok=True)
    sittings_file = cache / "sittings.json"
    sittings_file.write_text(json.dumps(sittings), encoding="utf-8")
    out = cache / "peers.json"
    command = [
        str(venv / "bin" / "python"),
        str(HERE / "peers.py"),
        "--sittings",
        str(sittings_file),
        "--k",
        str(k),
        "--draws",
        str(draws),
        "--out",
        str(out),
        "--csv",
        str(cache / "peers.csv"),
        "--face-model",
        str(face_model),
        "--cache-dir",
        str(cache / "features"),
        str(cache),  # DATA is unused with --sittings
    ]
    env = {
        **os.environ,
        "PYTHONWARNINGS": "ignore",
        "GLOG_minloglevel": "2",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    env.pop("PYTHONPATH", None)
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env)
    result = json.loads(out.read_text(encoding="utf-8"))
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


# ---------------------------------------------------------------- ours


def ours_predictions(
    data_dir,
    protocol_rows,
    model_path,
    notes: dict | None = None,
    finetune: bool = True,
    set_up: bool = False,
) -> list[dict]:
    """Our predictions for every row of `protocol_rows`, through the project's one frame path.

    Protocol A: the app's quick calibration (`CalibrationCollector.fit`: guarded statistics of
    the K calibration frames and the correction fitted on their targets), then the test frames
    one at a time through the tracker's `FramePipeline` (video mode, in capture order) with
    that profile. Protocol B, the issue's reading: the model fine-tuned on the person's
    earlier sittings (`eyetracker.training.trainer.train`, its fine-tuning defaults), then the
    later sitting in the study's session mode: statistics of that sitting's own frames (no
    targets), which assume the sitting covers the screen; and (tracker OURS_PROFILE) the same
    model tracking with the profile of the earlier sittings (`measurement_profile`:
    statistics and correction, as Set up for me makes one from its measurement), nothing
    taken from the later sitting. `set_up`: protocol A also as the app's "Set up for me" does
    it (tracker OURS_SET_UP): the model fine-tuned on the K calibration frames, then
    calibrated on them (`CalibrationCollector.fit`; the app's profile of a measurement would
    leave an axis its dots do not sweep to the network, and the K of a one-axis sitting here
    sweep one axis).
    Returns rows with pred_x, pred_y (None without a point) and face_found.
    """
    import dataclasses

    from eyetracker.core.dataset import load_dataset
    from eyetracker.core.images import read_image
    from eyetracker.core.types import Frame, GazePoint
    from eyetracker.inference.backends import create_backend
    from eyetracker.inference.calibration import (
        CalibrationCollector,
        NotEnoughDataError,
        measurement_profile,
    )
    from eyetracker.inference.pipeline import FramePipeline
    from eyetracker.inference.session_statistics import SessionStatistics
    from eyetracker.model.moments import guard_moments
    from eyetracker.training.trainer import FINETUNE_MEMBERS, FINETUNE_STEPS

    notes = {} if notes is None else notes
    dataset = load_dataset(data_dir)
    measurements = {(m.person, m.name): m for m in dataset}
    images = {(m.person, m.name, s.image): m.image_path(s) for m in dataset for s in m.samples}
    # Each sample's place in its sitting and capture time (Measurement.capture_times), which
    # its frame carries: a calibration streams its frames in the order they were captured, as
    # the app's does.
    captured_at = {
        (m.person, m.name, s.image): (place, t)
        for m in dataset
        for place, (s, t) in enumerate(zip(m.samples, m.capture_times(), strict=True))
    }
    backend = create_backend(model_path, kind="torch", device="cpu")
    notes.update(
        model=str(model_path),
        preprocessing=str(backend.info.preprocessing),
        protocol_a="CalibrationCollector.fit on the K calibration frames (statistics + correction), then FramePipeline(video=True) frame by frame",
        protocol_b=(
            f"fine-tuned on the earlier sittings ({FINETUNE_MEMBERS} models of {FINETUNE_STEPS} steps at most, early stopping on held-out dots, weights averaged)"
            if finetune
            else "no fine-tuning"
        )
        + f"; {OURS}: session statistics of the later sitting; {OURS_PROFILE}: the profile of "
        "the earlier sittings (measurement_profile: statistics and correction)",
        calibrations_refused=[],
    )

    def place_of(row: dict) -> int:
        return captured_at[(row["person"], row["measurement"], row["image"])][0]

    def frame(row: dict) -> Frame:
        key = (row["person"], row["measurement"], row["image"])
        place, t = captured_at[key]
        return Frame(read_image(images[key]), timestamp=t, index=place)

    def stream(backend, statistics, test: list[dict], tracker: str = OURS) -> list[dict]:
        pipeline = FramePipeline(backend, video=True, statistics=statistics)
        rows = []
        try:
            for row in test:
                raw = pipeline.raw(frame(row))
                point = raw.point
                rows.append(
                    {
                        "tracker": tracker,
                        **row,
                        "pred_x": None if point is None else point.x,
                        "pred_y": None if point is None else point.y,
                        # A blink's frames hold the point before it: their face was found.
                        "face_found": raw.prepared.box is not None,
                        "expected_error": raw.expected_error,
                        "reason": raw.reason,
                    }
                )
        finally:
            pipeline.close()
        return rows

    def calibrated(backend, calibration: list[dict], key) -> SessionStatistics:
        """The app's quick calibration on these samples: its profile's statistics.

        The app shows its dots one after another and sees their frames as one stream; so here
        the K frames, in capture order, come a second apart. (At their places in the sitting,
        spread over it, they would lie further apart than a stream and each be seen on its
        own: 11.8% with 9 dots against 10.5, docs/benchmarks.md.)"""
        collector = CalibrationCollector([GazePoint(r["true_x"], r["true_y"]) for r in calibration])
        in_order = sorted(range(len(calibration)), key=lambda i: place_of(calibration[i]))
        for rank, index in enumerate(in_order):
            shown = dataclasses.replace(frame(calibration[index]), timestamp=float(rank))
            collector.add(index, shown)
        try:
            return SessionStatistics.of_profile(backend, collector.fit(backend, user=str(key[0])))
        except NotEnoughDataError as error:
            # The app would ask to calibrate again; here the model's own statistics stand in,
            # and the refusal is reported.
            notes["calibrations_refused"].append(f"A {'/'.join(map(str, key))}: {error}")
            return SessionStatistics(backend)

    def unscored(calibration: list[dict], tracker: str) -> list[dict]:
        """The calibration (or earlier) rows, kept in the CSV without a prediction."""
        return [
            {"tracker": tracker, **row, "pred_x": None, "pred_y": None, "face_found": None}
            for row in calibration
        ]

    def earlier_profile(backend, person, earlier: list[str]) -> SessionStatistics:
        """The profile of the person's earlier sittings (statistics and correction)."""
        folders = [measurements[(person, m)].folder for m in earlier]
        try:
            return SessionStatistics.of_profile(
                backend, measurement_profile(backend, folders, str(person))
            )
        except NotEnoughDataError as error:  # as in A: the model's own statistics
            notes["calibrations_refused"].append(f"B {person}: {error}")
            return SessionStatistics(backend)

    out: list[dict] = []
    started = time.perf_counter()
    # The fine-tuned models are derived from the frames: removed when this run ends.
    with tempfile.TemporaryDirectory(prefix="eyetracker-finetune-") as work:
        for protocol in ("A", "B"):
            for key, group in groups(protocol_rows, protocol).items():
                calibration, test = group["calibration"], group["test"]
                out += unscored(calibration, OURS)
                if protocol == "A":
                    out += stream(backend, calibrated(backend, calibration, key), test)
                    if set_up:
                        names = {r["image"] for r in calibration}
                        sitting = measurements[(key[0], key[1])]
                        dots = dataclasses.replace(
                            sitting, samples=[s for s in sitting.samples if s.image in names]
                        )
                        tuned = create_backend(
                            _finetune(model_path, [dots], notes, "/".join(map(str, key)), work),
                            "torch",
                            "cpu",
                        )
                        out += unscored(calibration, OURS_SET_UP)
                        statistics = calibrated(tuned, calibration, key)
                        out += stream(tuned, statistics, test, OURS_SET_UP)
                    continue
                person = key[0]
                earlier = sorted({r["measurement"] for r in calibration})
                later = sorted({r["measurement"] for r in test})
                tuned = backend
                if finetune:
                    tuned_path = _finetune(
                        model_path,
                        [measurements[(person, m)] for m in earlier],
                        notes,
                        person,
                        work,
                    )
                    tuned = create_backend(tuned_path, kind="torch", device="cpu")
                out += unscored(calibration, OURS_PROFILE)
                for name in later:
                    rows = [r for r in test if r["measurement"] == name]
                    # Session mode: the statistics of this sitting's own usable frames, as the
                    # tracker sees them (one stream).
                    seen = FramePipeline(tuned, video=True)
                    try:
                        prepared = [seen.prepare(frame(r)) for r in rows]
                    finally:
                        seen.close()
                    usable = [p for p in prepared if p.found]
                    captured = tuned.capture(
                        np.stack([p.pixels for p in usable]), np.stack([p.geometry for p in usable])
                    )
                    moments = guard_moments(captured, len(usable), tuned.running_moments())
                    out += stream(tuned, SessionStatistics(tuned, moments=moments), rows)
                    out += stream(
                        tuned, earlier_profile(tuned, person, earlier), rows, OURS_PROFILE
                    )
    notes["seconds"] = round(time.perf_counter() - started, 1)
    return out


def _finetune(model_path: Path, measurements: list, notes: dict, name: str, work: str) -> Path:
    """The model fine-tuned on these sittings with the trainer's fine-tuning defaults, written
    in the folder `work`."""
    from eyetracker.model.checkpoint import load_checkpoint
    from eyetracker.training.data import prepare_measurement
    from eyetracker.training.trainer import (
        FINETUNE_MEMBERS,
        FINETUNE_PATIENCE,
        FINETUNE_STEPS,
        TrainConfig,
        train,
    )

    preprocessing = load_checkpoint(model_path).info.preprocessing
    prepared = [prepare_measurement(m, preprocessing) for m in measurements]
    out = Path(tempfile.mkdtemp(dir=work)) / "model.pt"
    metrics = train(
        TrainConfig(
            data="",
            out=str(out),
            init=str(model_path),
            steps=FINETUNE_STEPS,
            patience=FINETUNE_PATIENCE,
            members=FINETUNE_MEMBERS,
            progress=False,
        ),
        prepared=prepared,
    )
    notes.setdefault("finetune", {})[name] = {
        k: round(v, 2) if isinstance(v, float) else v for k, v in metrics.items()
    }
    return out


def centre_predictions(protocol_rows) -> list[dict]:
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


# ---------------------------------------------------------------- scoring and the table


def figures(rows: list[dict], trackers: list[str]) -> dict:
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


def expected_error_check(rows: list[dict], tracker: str = OURS, protocol: str = "A") -> dict:
    """Whether `tracker`'s expected error is honest on `protocol`'s test frames with a point:
    the rank correlation with the error made, and the two means (% of the screen)."""
    test = [
        r
        for r in rows
        if r["tracker"] == tracker
        and r["protocol"] == protocol
        and r["role"] == "test"
        and r.get("pred_x") is not None
        and r.get("expected_error") is not None
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


def refusals(rows: list[dict], tracker: str = OURS, protocol: str = "A") -> dict:
    """Frames `tracker` gave no point for on `protocol`'s test frames: how many, why, and where
    the person looked then (the mean target height of refused and of kept frames)."""
    test = [
        r
        for r in rows
        if r["tracker"] == tracker and r["protocol"] == protocol and r["role"] == "test"
    ]
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


def ratios(table: dict, peers: list[str], tracker: str = OURS) -> dict:
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


def print_table(table: dict, trackers: list[str], labels: dict, ratio: dict[str, dict]) -> None:
    """The table (under each peer, its modes; * marks the one taken per protocol), then each
    of `ratio`'s {name: ratios(...)} per protocol."""

    def cell(value, width=10):
        return f"{value:>{width}.1f}" if value is not None else f"{'-':>{width}}"

    names = [labels.get(t, t) for t in trackers]
    names += ["    " + mode for t in trackers for mode in table[t].get("modes", {})]
    name_width = max(map(len, names)) + 2
    print(f"{'tracker':<{name_width}}{'A error %':>10}{'B error %':>11}{'face found %':>14}")
    for tracker in trackers:
        entry = table[tracker]
        print(
            f"{labels.get(tracker, tracker):<{name_width}}"
            f"{cell(entry['A']['error_pct'])}{cell(entry['B']['error_pct'], 11)}{cell(entry['face_found_pct'], 14)}"
        )
        for mode, errors in entry.get("modes", {}).items():
            marks = ["*" if entry["chosen"][p] == mode else " " for p in ("A", "B")]
            print(
                f"{'    ' + mode:<{name_width}}{cell(errors['A'], 9)}{marks[0]}"
                f"{cell(errors['B'], 10)}{marks[1]}{cell(errors['face_found_pct'], 13)}"
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


# ---------------------------------------------------------------- main


def load_sittings(data: Path) -> tuple[list[dict], dict]:
    from eyetracker.core.dataset import load_dataset

    dataset = load_dataset(data)
    sittings = [
        {
            "person": m.person,
            "measurement": m.name,
            "folder": str(m.folder),
            "screen": {"width_px": m.screen.width_px, "height_px": m.screen.height_px},
            "samples": [(s.image, s.x, s.y) for s in m.samples],
            "times": m.capture_times(),  # peers.py's streams
        }
        for m in dataset
    ]
    summary = {
        "people": len(dataset.people),
        "sittings": len(sittings),
        "samples": dataset.sample_count,
        "skipped_samples": dataset.skipped_count,
        "per_person": {
            person: {"sittings": [m.name for m in ms], "samples": sum(len(m) for m in ms)}
            for person, ms in sorted(dataset.people.items())
        },
    }
    return sittings, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, nargs="?", help="dataset folder (measurement format)")
    parser.add_argument(
        "--k", type=int, default=9, help="calibration samples per sitting for protocol A"
    )
    parser.add_argument(
        "--draws",
        type=int,
        default=4,
        choices=range(1, 5),
        help="protocol A's different choices of K per sitting, sampling started from each "
        "corner in turn (a repeated choice dropped)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results" / "real_world.json")
    parser.add_argument(
        "--peers-venv", type=Path, default=DEFAULT_VENV, help=f"the peers' venv ({DEFAULT_VENV})"
    )
    parser.add_argument(
        "--setup-peers",
        action="store_true",
        help="(re)build the peers' venv, then run DATA if given",
    )
    parser.add_argument("--no-peers", action="store_true", help="only the centre and ours")
    parser.add_argument("--peers-only", action="store_true", help="only the centre and the peers")
    parser.add_argument(
        "--no-finetune",
        action="store_true",
        help="protocol B with the model as it is, not fine-tuned on the earlier sittings",
    )
    parser.add_argument(
        "--set-up",
        action="store_true",
        help="protocol A also as the app's Set up for me: fine-tuned on the K calibration "
        "samples, then calibrated on them (use with --k 100)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch and OpenCV threads for ours (1: a loaded 2-core machine runs 20x faster)",
    )
    parser.add_argument(
        "--model", type=Path, help="our model (default: the bundled one, default_model_path())"
    )
    parser.add_argument(
        "--face-model", type=Path, default=DEFAULT_FACE_MODEL, help="the peers' face model"
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE,
        help="features and predictions (not the repo)",
    )
    args = parser.parse_args(argv)

    if args.setup_peers:
        setup_peers(args.peers_venv)
        if args.data is None:
            return 0
    if args.data is None:
        parser.error("DATA is required")
    if args.no_peers and args.peers_only:
        parser.error("--no-peers and --peers-only leave nothing to compare")
    # The figures file may go to benchmarks/results/; the cache (features, predictions) is
    # derived from the frames and never goes inside the repository.
    results = (HERE / "results").resolve()
    if REPO in args.cache_dir.resolve().parents or args.cache_dir.resolve() == REPO:
        parser.error(
            f"{args.cache_dir} is inside the repository; frames-derived files stay outside it"
        )
    if REPO in args.out.resolve().parents and args.out.resolve().parent != results:
        parser.error(f"{args.out} is inside the repository but not in {results}; figures go there")

    run_started = time.perf_counter()
    command = " ".join(
        shlex.quote(a) for a in ["python", "benchmarks/real_world.py", *(argv or sys.argv[1:])]
    )
    sittings, dataset_summary = load_sittings(args.data)
    rows, plan = build_plan(sittings, args.k, args.draws)
    log(
        f"{dataset_summary['samples']} samples, {len(sittings)} sittings; B skips {plan['protocol_b_skipped'] or 'nobody'}"
    )

    all_rows = centre_predictions(rows)
    peers_info = None
    if not args.no_peers:
        if not peers_ready(args.peers_venv):
            setup_peers(args.peers_venv)
        peers_info = run_peers(
            args.peers_venv, sittings, args.k, args.draws, args.face_model, args.cache_dir
        )
        all_rows += peers_info.pop("rows")
    ours_notes: dict = {}
    if not args.peers_only:
        log("ours: predicting")
        _limit_threads(args.threads)
        ours_notes["threads"] = args.threads
        if args.model is None:
            from eyetracker.model.resources import default_model_path

            args.model = default_model_path()
        all_rows += ours_predictions(
            args.data, rows, args.model, ours_notes, not args.no_finetune, args.set_up
        )

    peers = [] if args.no_peers else list(PEER_TRACKERS)
    ours = [] if args.peers_only else [OURS, OURS_PROFILE, *([OURS_SET_UP] if args.set_up else [])]
    trackers = [CENTRE_NAME, *peers, *ours]
    b_model = "bundled model" if args.no_finetune else "fine-tuned"
    labels = {
        OURS: f"ours (A: calibrated; B: {b_model}, session statistics of the later sitting)",
        OURS_PROFILE: f"ours, profile (B: {b_model}, the earlier sittings' profile)",
        OURS_SET_UP: "ours, set up (A: fine-tuned on the K, then calibrated on them)",
    }
    peer_modes = [mode_tracker(peer, mode) for peer in peers for mode in PEER_MODES]
    table = with_best_modes(figures(all_rows, [CENTRE_NAME, *peer_modes, *ours]), peers)
    ratio = {
        OURS: ratios(table, peers),
        OURS_PROFILE: {"B": ratios(table, peers, OURS_PROFILE)["B"]},
    }
    print_table(table, trackers, labels, ratio)
    honesty = {t: expected_error_check(all_rows, t) for t in ours if t != OURS_PROFILE}
    refused = {t: refusals(all_rows, t) for t in ours if t != OURS_PROFILE}
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

    predictions_csv = args.cache_dir / "all-predictions.csv"
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(predictions_csv, all_rows)
    result = {
        "command": command,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs (shared)",
        "dataset": {"path": str(args.data), **dataset_summary},
        "protocols": {
            "A": f"per sitting, up to {args.draws} draw(s): calibrate on K={args.k} samples spread "
            "over the screen (farthest-point sampling on the targets, started from the sample "
            "nearest each corner in turn, a repeated choice dropped), predict the other samples; "
            "the mean over draws",
            "B": "per person: fit on the earlier sittings (recorded order), predict the last sitting",
            "scoring": "eyetracker.core.metrics.error_pct averaged over every test frame; no face -> (0.5, 0.5)",
            "plan": plan,
        },
        "trackers": {labels.get(t, t): table[t] for t in trackers},
        "ours_over_best_peer": ratio[OURS],
        "ours_profile_over_best_peer": ratio[OURS_PROFILE],
        "ours_expected_error_A": honesty,
        "ours_refused_A": refused,
        "ours": ours_notes,
        "peers": peers_info,
        "predictions_csv_outside_repo": str(predictions_csv),
        "run_seconds": round(time.perf_counter() - run_started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


def _limit_threads(threads: int) -> None:
    import cv2

    cv2.setNumThreads(threads)
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(threads)


def _write_csv(path: Path, rows: list[dict]) -> None:
    import csv

    from protocols import PREDICTION_KEYS

    with path.open("w", newline="", encoding="utf-8") as handle:
        # Ours adds the error it expected of each point and why a frame gave none.
        columns = (*PREDICTION_KEYS, "expected_error", "reason")
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    sys.exit(main())
