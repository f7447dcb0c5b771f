"""`eyetracker view RECORDING [--png OUT] [--from S] [--to S]`: a recording's heatmap and scan
path, in a window or (with --png) written to a file without one."""

from __future__ import annotations

import argparse
import os

HELP = "look at a recording: heatmap and scan path over the screen (--png OUT: save, no window)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("recording", metavar="RECORDING", help="a recording's folder")
    parser.add_argument(
        "--png",
        metavar="OUT",
        help="write the picture to this PNG file instead of opening a window",
    )
    parser.add_argument(
        "--from",
        dest="start",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="show samples from this time on (default: the start)",
    )
    parser.add_argument(
        "--to",
        dest="end",
        type=float,
        default=None,
        metavar="SECONDS",
        help="show samples up to this time (default: the end)",
    )
    parser.add_argument("--no-heatmap", action="store_true", help="leave the heatmap out")
    parser.add_argument("--no-scanpath", action="store_true", help="leave the scan path out")


def run(args: argparse.Namespace) -> int:
    import math
    import sys

    import eyetracker.outputs.recording
    from eyetracker.core.errors import UserError

    recording = eyetracker.outputs.recording.read(
        args.recording
    )  # a one-sentence error if it cannot
    if recording.gaze.damaged_tail:
        print(f"eyetracker: {recording.gaze.damaged_tail}", file=sys.stderr)
    end = math.inf if args.end is None else args.end
    if end < args.start:
        raise UserError(f"--to {args.end:g} is before --from {args.start:g}; swap them.")
    if args.start > recording.duration:
        raise UserError(
            f"--from {args.start:g} is after the recording's end ({recording.duration:.1f} s); "
            "choose an earlier time."
        )
    if args.png is None:
        from eyetracker.doctor.qt_platform import startup_problem

        if problem := startup_problem():  # said before Qt aborts
            if not os.environ.get("DISPLAY"):
                raise UserError(
                    "There is no display to show the recording on (DISPLAY is not set): save "
                    "the picture with --png OUT, or run under xvfb-run."
                )
            raise UserError(
                f"{problem.rstrip('.')}; or save the picture without a window: add --png OUT."
            )
        from eyetracker.app.viewer.recording_view import (
            run_viewer,  # imported here: --png needs no Qt
        )

        return run_viewer(recording)
    image = eyetracker.outputs.recording.picture(
        recording, args.start, end, heatmap=not args.no_heatmap, scanpath=not args.no_scanpath
    )
    eyetracker.outputs.recording.save_png(image, args.png)
    g = recording.gaze
    shown = int(((g.time >= args.start) & (g.time <= end) & g.valid).sum())
    fixations = len(recording.fixations.between(args.start, end))
    print(f"{args.png}: {shown} samples with gaze, {fixations} fixations")
    return 0
