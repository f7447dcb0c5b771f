"""Options and set-up shared by the commands that track live or stream (stream, record, replay)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="model file (.pt or .onnx); default: the bundled model")
    parser.add_argument("--backend", choices=("auto", "torch", "onnxruntime"), default="auto")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--profile", help="user profile (.npz) whose statistics to start from")


def add_source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        default="webcam",
        help="webcam (camera 0), webcam:<index or device>, or synthetic:<script> "
        "(fixations, reading, dwell, pursuit, calibration); default: webcam",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic camera")


def add_stream_options(parser: argparse.ArgumentParser, default: str | None = None) -> None:
    from eyetracker.outputs.streams import stream_kinds

    kinds = stream_kinds()
    parser.add_argument(
        "--stream",
        default=default,
        metavar="KINDS",
        help=f"stream gaze to other programs: {', '.join(kinds)}, or several with commas "
        f"({','.join(kinds)})" + (f" (default: {default})" if default else " (default: none)"),
    )
    parser.add_argument(
        "--stream-host", default="127.0.0.1", help="loopback address to listen on (127.0.0.1)"
    )
    parser.add_argument("--stream-port", type=int, default=8765, help="WebSocket port (8765)")
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="URL",
        help="also accept WebSocket clients from this web page origin (e.g. http://localhost:3000)",
    )
    parser.add_argument(
        "--allow-network",
        action="store_true",
        help="let --stream lsl run: liblsl listens on every network interface, so anyone on "
        "the network can receive the gaze (the WebSocket stays on this computer)",
    )


@contextmanager
def camera_hint(source: str) -> Iterator[None]:
    """A webcam that cannot be opened: its sentence, plus how to run without one."""
    from eyetracker.capture.base import SourceOpenError
    from eyetracker.capture.spec import parse_source_spec
    from eyetracker.runtime.live import LIVE_KINDS

    try:
        yield
    except SourceOpenError as error:
        if parse_source_spec(source, LIVE_KINDS).kind != "webcam":
            raise
        raise SourceOpenError(
            f"{str(error).rstrip('.')}; to run without a camera, use --source synthetic:fixations."
        ) from None


def warn(message: str) -> None:
    print(f"eyetracker: {message}", file=sys.stderr)


def note(message: str) -> None:
    """What is going on while nothing else shows, for a person at a terminal (not in logs,
    where only results and errors go)."""
    if sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


def create_tracking(args: argparse.Namespace):
    """(backend, statistics) from --model/--backend/--device/--profile."""
    from eyetracker.inference.backends import create_backend
    from eyetracker.inference.profile import load_profile
    from eyetracker.inference.session_statistics import SessionStatistics
    from eyetracker.model.resources import default_model_path

    model = args.model or default_model_path()
    # Loading takes seconds (minutes on a busy machine): say what is going on meanwhile.
    note(f"loading the model {Path(model).name}…")
    backend = create_backend(model, args.backend, args.device)
    if warning := backend.info.unfinished_warning(str(model)):
        print(f"eyetracker: {warning}", file=sys.stderr, flush=True)
    profile = None
    if args.profile:
        fingerprint = getattr(backend.info, "fingerprint", "") or None
        profile = load_profile(args.profile, fingerprint)
    return backend, SessionStatistics.of_profile(backend, profile)


def create_streams(args: argparse.Namespace, fps: float | None):
    """The GazeStreams --stream asks for (None when it asks for none), not yet started."""
    from eyetracker.outputs.streams import GazeStreams, parse_stream_kinds

    kinds = parse_stream_kinds(args.stream)
    if not kinds:
        return None
    return GazeStreams(
        kinds,
        host=args.stream_host,
        port=args.stream_port,
        fps=fps or 30.0,
        origins=args.allow_origin,
        allow_network=args.allow_network,
    )


def model_metadata(args: argparse.Namespace, backend, statistics) -> dict[str, Any]:
    """What a recording says about the model and statistics that made it."""
    from eyetracker.model.facts import model_facts

    return {
        "model": {"path": args.model or "bundled default", **model_facts(backend.info)},
        "backend": {"name": backend.name, "device": backend.device},
        "statistics": {"source": statistics.source, "profile": args.profile},
    }


def status_details(streams, *parts: str) -> str:
    """`parts` and, when a WebSocket stream runs, its clients: "1200 rows, 2 clients"."""
    socket = streams.get("websocket") if streams is not None else None
    if socket is not None:
        clients = socket.clients
        parts = (*parts, f"{clients} WebSocket client{'' if clients == 1 else 's'}")
    return ", ".join(parts)
