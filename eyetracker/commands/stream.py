"""`eyetracker stream [--source webcam|synthetic:<script>] [--stream websocket,lsl]`: track live
and stream gaze to other programs on this computer until Ctrl-C (see docs/streaming.md)."""

from __future__ import annotations

import argparse

from eyetracker.commands import _live
from eyetracker.commands._status import StatusLine

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
    from eyetracker.outputs.streams import stream_kinds
    from eyetracker.runtime.live import open_live_source, track_live

    if not args.stream:
        kinds = stream_kinds()
        raise UserError(f"Nothing to stream; pass --stream {', '.join(kinds)} or several.")
    source = open_live_source(args.source, seconds=args.seconds, seed=args.seed)
    streams = _live.create_streams(args, None)
    _live.note("the stream opens once the model is loaded and the camera runs")
    backend, statistics = _live.create_tracking(args)
    status = StatusLine(lambda: _live.status_details(streams))

    def publish(sample) -> None:
        streams.publish(sample)
        status.count(sample.valid)

    def started(opened) -> None:
        lsl = streams.get("lsl")
        if lsl is not None and opened.fps:
            lsl.fps = float(opened.fps)  # the nominal rate is the camera's
        streams.start()
        for line in streams.describe():
            print(f"streaming {line}", flush=True)
        print("ready: clients can connect now; press Ctrl-C to stop", flush=True)

    try:
        with _live.camera_hint(args.source):
            track_live(source, backend, statistics, publish, args.seconds, _live.warn, started)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how streaming ends
    finally:
        status.close()
        streams.stop()
    print(f"streamed {status.samples} samples ({status.valid} valid)")
    return 0
