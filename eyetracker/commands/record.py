"""`eyetracker record OUT_FOLDER [--seconds N] [--source ...] [--video]`: record live gaze to a
CSV (and the video) that survives a crash; the format is in docs/recording.md."""

from __future__ import annotations

import argparse

from eyetracker.commands import _live
from eyetracker.commands._status import StatusLine

HELP = "record live gaze (CSV + JSON sidecar, optionally the video) into a new folder"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="OUT_FOLDER", help="new folder for the recording")
    parser.add_argument(
        "--seconds", type=float, help="stop after this long (default: record until Ctrl-C)"
    )
    parser.add_argument("--video", action="store_true", help="also save the camera video (MJPG)")
    parser.add_argument(
        "--screen",
        metavar="WIDTHxHEIGHT",
        help="the screen's size in pixels, kept in the metadata (e.g. 1920x1080)",
    )
    _live.add_source_options(parser)
    _live.add_model_options(parser)
    _live.add_stream_options(parser)


def _screen(text: str | None) -> dict | None:
    from eyetracker.core.errors import UserError

    if not text:
        return None
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit() and int(width) > 0 and int(height) > 0):
        raise UserError(f"--screen {text} is not WIDTHxHEIGHT in pixels; write e.g. 1920x1080.")
    return {"width_px": int(width), "height_px": int(height)}


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from eyetracker.core.errors import UserError
    from eyetracker.core.folders import writable_folder
    from eyetracker.outputs.recorder import CSV_NAME, GazeRecorder
    from eyetracker.runtime.live import TeeSource, open_live_source, track_live

    screen = _screen(args.screen)
    writable_folder(args.folder, "record into")  # before the model loads
    if Path(args.folder, CSV_NAME).exists():
        raise UserError(f"{args.folder} already holds a recording; choose a new folder.")
    source = open_live_source(args.source, seconds=args.seconds, seed=args.seed)
    backend, statistics = _live.create_tracking(args)
    metadata = {
        **_live.model_metadata(args, backend, statistics),
        "screen": screen,
        "source": args.source,
    }
    recorder = GazeRecorder(Path(args.folder), metadata, video=args.video)
    streams = _live.create_streams(args, None)

    status = StatusLine(
        lambda: _live.status_details(
            streams, f"{recorder.rows} row{'' if recorder.rows == 1 else 's'}"
        )
    )

    def on_sample(sample) -> None:
        recorder.publish(sample)
        if streams is not None:
            streams.publish(sample)
        status.count(sample.valid)

    def started(opened) -> None:
        recorder.fps = float(opened.fps or 30.0)
        recorder.metadata["camera"] = {"resolution": opened.resolution, "fps": opened.fps}
        recorder.start()
        if streams is not None:
            streams.start()
            for line in streams.describe():
                print(f"streaming {line}", flush=True)
        print(f"recording into {recorder.folder}; press Ctrl-C to stop", flush=True)

    tee = TeeSource(source, recorder.add_frame) if args.video else source
    try:
        with _live.camera_hint(args.source):
            track_live(tee, backend, statistics, on_sample, args.seconds, _live.warn, started)
    except KeyboardInterrupt:
        pass  # Ctrl-C ends a recording normally
    finally:
        status.close()
        recorder.stop()
        if streams is not None:
            streams.stop()
    if recorder.video_error:
        _live.warn(recorder.video_error)
    video = f" and {recorder.video_frames} video frames" if args.video else ""
    print(f"recorded {recorder.rows} rows{video} into {recorder.folder}")
    return 0
