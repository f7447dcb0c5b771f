"""`eyetracker replay SOURCE --out gaze.csv`: run the tracker over a recording, a CSV row per frame."""

from __future__ import annotations

import argparse
import json
import sys

from eyetracker.commands import _live
from eyetracker.commands._output import add_force_option
from eyetracker.commands._status import StatusLine

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
    add_force_option(parser)
    _live.add_stream_options(parser)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from eyetracker.commands._output import writable_file
    from eyetracker.runtime.replay import expected_frames, open_replay_source, replay

    source = open_replay_source(
        args.source, realtime=args.realtime, seconds=args.seconds, seed=args.seed
    )
    writable_file(args.out, "--out", "gaze.csv", replace=args.force)  # before the model loads
    backend, statistics = _live.create_tracking(args)

    def warn(message: str) -> None:
        bar.write(f"eyetracker: {message}", file=sys.stderr)

    # Progress over the recording's frames (with --realtime, dropped ones count as passed).
    bar = tqdm(
        desc="replay",
        total=expected_frames(source),
        unit="frame",
        file=sys.stderr,
        mininterval=0.5,
        leave=False,
        disable=None,  # shown on a terminal only
    )

    # Elsewhere than a terminal (a log, a pipe), a plain line now and then, as record's.
    passed = [0]
    lines = None
    if bar.disable:
        lines = StatusLine(lambda: f"replayed {passed[0]} of {bar.total or '?'} frames")

    def on_sample(sample) -> None:
        if bar.total is None:
            bar.total = expected_frames(source)
        bar.update(sample.frame_index + 1 - bar.n if args.realtime else 1)
        passed[0] = sample.frame_index + 1 if args.realtime else passed[0] + 1
        if lines is not None:
            lines.count(sample.valid)
        if streams is not None:
            streams.publish(sample)

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
            on_sample=on_sample,
        )
    finally:
        bar.close()
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
