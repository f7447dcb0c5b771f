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
inside a separate venv, built on first use and never a project dependency: peer_env.py; run by
peer_runner.py; their face model is ../shared/assets/face_landmarker.task, nothing downloaded
at run time; the venv is --peers-venv, by default <cache>/eyetracker/peer-venv with <cache>
$XDG_CACHE_HOME or ~/.cache); and ours (ours.py: the project's calibration, session statistics
and frame pipeline).
Each peer regressor runs in every one of protocols.PEER_MODES (landmarks on still frames or
as a stream, its blink filter on or off); its figure per protocol is its best mode
(scoring.with_best_modes), the other modes shown beside it and kept in the JSON.
Prints one table (table.py) and the ratios to the best peer (ours per protocol; for B also the
reading with the earlier sittings' profile), and writes the JSON figures file.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import platform
import shlex
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from ours import (  # noqa: E402
    OURS,
    OURS_PROFILE,
    limit_threads,
    our_labels,
    our_trackers,
    ours_predictions,
)
from peer_env import DEFAULT_VENV, peers_ready, setup_peers  # noqa: E402
from peer_runner import DEFAULT_FACE_MODEL, PEER_TRACKERS, run_peers  # noqa: E402
from protocols import PEER_MODES, PREDICTION_KEYS, build_plan, mode_tracker  # noqa: E402
from scoring import (  # noqa: E402
    CENTRE_NAME,
    centre_predictions,
    expected_error_check,
    figures,
    ratios,
    refusals,
    with_best_modes,
)
from table import print_checks, print_table  # noqa: E402

DEFAULT_CACHE = Path(tempfile.gettempdir()) / "eyetracker-real-world"
LOG = logging.getLogger("real_world")


def build_parser() -> argparse.ArgumentParser:
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
    return parser


def check_places(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Stop (parser.error) where the arguments leave nothing to run or would put files in the
    repository: the figures file may go to benchmarks/results/; the cache (features,
    predictions) is derived from the frames and never goes inside the repository."""
    if args.data is None:
        parser.error("DATA is required")
    if args.no_peers and args.peers_only:
        parser.error("--no-peers and --peers-only leave nothing to compare")
    results = (HERE / "results").resolve()
    if REPO in args.cache_dir.resolve().parents or args.cache_dir.resolve() == REPO:
        parser.error(
            f"{args.cache_dir} is inside the repository; frames-derived files stay outside it"
        )
    if REPO in args.out.resolve().parents and args.out.resolve().parent != results:
        parser.error(f"{args.out} is inside the repository but not in {results}; figures go there")


def load_sittings(data: Path) -> tuple[list[dict], dict]:
    """DATA's sittings as protocols.build_plan and peers.py take them, and a summary of it."""
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


def predictions(
    args: argparse.Namespace, sittings: list[dict], rows: list[dict]
) -> tuple[list[dict], dict | None, dict]:
    """Every tracker's rows (the centre, the peers, ours), the peers' run and our notes."""
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
        LOG.info("ours: predicting")
        limit_threads(args.threads)
        ours_notes["threads"] = args.threads
        if args.model is None:
            from eyetracker.model.resources import default_model_path

            args.model = default_model_path()
        all_rows += ours_predictions(
            args.data, rows, args.model, ours_notes, not args.no_finetune, args.set_up
        )
    return all_rows, peers_info, ours_notes


def report(args: argparse.Namespace, all_rows: list[dict]) -> dict:
    """Print the table, the ratios and our checks; return them for the figures file."""
    peers = [] if args.no_peers else list(PEER_TRACKERS)
    ours = [] if args.peers_only else our_trackers(args.set_up)
    trackers = [CENTRE_NAME, *peers, *ours]
    labels = our_labels(finetune=not args.no_finetune)
    peer_modes = [mode_tracker(peer, mode) for peer in peers for mode in PEER_MODES]
    table = with_best_modes(figures(all_rows, [CENTRE_NAME, *peer_modes, *ours]), peers)
    ratio = {
        OURS: ratios(table, peers, OURS),
        OURS_PROFILE: {"B": ratios(table, peers, OURS_PROFILE)["B"]},
    }
    print_table(table, trackers, labels, ratio)
    checked = [t for t in ours if t != OURS_PROFILE]
    honesty = {t: expected_error_check(all_rows, t) for t in checked}
    refused = {t: refusals(all_rows, t) for t in checked}
    print_checks(honesty, refused)
    return {
        "trackers": {labels.get(t, t): table[t] for t in trackers},
        "ours_over_best_peer": ratio[OURS],
        "ours_profile_over_best_peer": ratio[OURS_PROFILE],
        "ours_expected_error_A": honesty,
        "ours_refused_A": refused,
    }


def protocols_note(args: argparse.Namespace, plan: dict) -> dict:
    return {
        "A": f"per sitting, up to {args.draws} draw(s): calibrate on K={args.k} samples spread "
        "over the screen (farthest-point sampling on the targets, started from the sample "
        "nearest each corner in turn, a repeated choice dropped), predict the other samples; "
        "the mean over draws",
        "B": "per person: fit on the earlier sittings (recorded order), predict the last sitting",
        "scoring": "eyetracker.core.metrics.error_pct averaged over every test frame; no face -> (0.5, 0.5)",
        "plan": plan,
    }


def write_csv(path: Path, rows: list[dict]) -> None:
    """Every tracker's rows; ours add the error each point expected and why a frame gave none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        columns = (*PREDICTION_KEYS, "expected_error", "reason")
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)


def show_progress() -> None:
    """Progress lines on stderr, "[real_world] ..."."""
    if not LOG.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[real_world] %(message)s"))
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
        LOG.propagate = False


def main(argv: list[str] | None = None) -> int:
    show_progress()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.setup_peers:
        setup_peers(args.peers_venv)
        if args.data is None:
            return 0
    check_places(parser, args)

    run_started = time.perf_counter()
    command = " ".join(
        shlex.quote(a) for a in ["python", "benchmarks/real_world.py", *(argv or sys.argv[1:])]
    )
    sittings, dataset_summary = load_sittings(args.data)
    rows, plan = build_plan(sittings, args.k, args.draws)
    LOG.info(
        f"{dataset_summary['samples']} samples, {len(sittings)} sittings; B skips {plan['protocol_b_skipped'] or 'nobody'}"
    )
    all_rows, peers_info, ours_notes = predictions(args, sittings, rows)
    reported = report(args, all_rows)

    predictions_csv = args.cache_dir / "all-predictions.csv"
    write_csv(predictions_csv, all_rows)
    result = {
        "command": command,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs (shared)",
        "dataset": {"path": str(args.data), **dataset_summary},
        "protocols": protocols_note(args, plan),
        **reported,
        "ours": ours_notes,
        "peers": peers_info,
        "predictions_csv_outside_repo": str(predictions_csv),
        "run_seconds": round(time.perf_counter() - run_started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    LOG.info(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
