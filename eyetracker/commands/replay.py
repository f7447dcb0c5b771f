"""`eyetracker replay SOURCE --out gaze.csv`: run the tracker over a recording, a CSV row per frame."""

from __future__ import annotations

import argparse
import json
import sys

from eyetracker.commands import _live

HELP = "run the tracker over a video, an image folder or synthetic:<script>; write gaze to CSV"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        help="video file, image folder, or synthetic:<script> "
        "(fixations, reading, dwell, pursuit, calibration)",
    )
    parser.add_argument("--model", help="model file (.pt or .onnx); default: the bundled model")
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument(
        "--realtime",
        action="store_true",
        help="play at the recording's pace with the live tracker (frames may drop)",
    )
    parser.add_argument("--backend", choices=("auto", "torch", "onnxruntime"), default="auto")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--profile", help="user profile (.npz) whose statistics to start from")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of a synthetic run")
    parser.add_argument("--seed", type=int, default=0, help="seed of a synthetic run")
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    _live.add_stream_options(parser)


def run(args: argparse.Namespace) -> int:
    from eyetracker.runtime.backends import create_backend
    from eyetracker.runtime.profile import load_profile
    from eyetracker.runtime.replay import open_replay_source, replay
    from eyetracker.runtime.resources import default_model_path
    from eyetracker.runtime.session_statistics import SessionStatistics

    source = open_replay_source(
        args.source, realtime=args.realtime, seconds=args.seconds, seed=args.seed
    )
    backend = create_backend(args.model or default_model_path(), args.backend, args.device)
    moments = None
    if args.profile:
        fingerprint = getattr(backend.info, "fingerprint", "") or None
        moments = load_profile(args.profile, fingerprint).moments
    statistics = SessionStatistics(backend, moments=moments)

    def warn(message: str) -> None:
        print(f"eyetracker: {message}", file=sys.stderr)

    streams = _live.create_streams(args, source.fps)
    if streams is not None:
        streams.start()
        for line in streams.describe():
            print(f"streaming {line}", file=sys.stderr, flush=True)
    try:
        summary = replay(
            source,
            backend,
            statistics,
            args.out,
            realtime=args.realtime,
            on_error=warn,
            on_sample=streams.publish if streams is not None else None,
        )
    finally:
        if streams is not None:
            streams.stop()
    if args.json:
        print(json.dumps(summary.to_json(), indent=2))
        return 0
    line = f"wrote {summary.frames} rows to {args.out} ({summary.valid} valid"
    line += f", {summary.dropped} dropped)" if args.realtime else ")"
    if summary.error_pct is not None:
        line += f"; mean error {summary.error_pct:.1f}% of the screen"
    print(line)
    return 0
