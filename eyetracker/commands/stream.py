"""`eyetracker stream [--source webcam|synthetic:<script>] [--stream websocket,lsl]`: track live
and stream gaze to other programs on this computer until Ctrl-C (see docs/streaming.md)."""

from __future__ import annotations

import argparse

from eyetracker.commands import _live

HELP = "track a webcam or synthetic:<script> and stream gaze over WebSocket/LSL until Ctrl-C"


def configure(parser: argparse.ArgumentParser) -> None:
    _live.add_source_options(parser)
    _live.add_model_options(parser)
    _live.add_stream_options(parser, default="websocket")
    parser.add_argument(
        "--seconds", type=float, help="stop after this long (default: run until Ctrl-C)"
    )


def run(args: argparse.Namespace) -> int:
    from eyetracker.core.errors import UserError
    from eyetracker.runtime.live import open_live_source, track_live

    if not args.stream:
        raise UserError("Nothing to stream; pass --stream websocket, lsl or websocket,lsl.")
    source = open_live_source(args.source, seconds=args.seconds, seed=args.seed)
    backend, statistics = _live.create_tracking(args)
    streams = _live.create_streams(args, None)
    counts = {"samples": 0, "valid": 0}

    def publish(sample) -> None:
        streams.publish(sample)
        counts["samples"] += 1
        counts["valid"] += int(sample.valid)

    def started(opened) -> None:
        if streams.lsl is not None and opened.fps:
            streams.lsl.fps = float(opened.fps)  # the nominal rate is the camera's
        streams.start()
        for line in streams.describe():
            print(f"streaming {line}", flush=True)
        print("press Ctrl-C to stop", flush=True)

    try:
        track_live(source, backend, statistics, publish, args.seconds, _live.warn, started)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how streaming ends
    finally:
        streams.stop()
    print(f"streamed {counts['samples']} samples ({counts['valid']} valid)")
    return 0
