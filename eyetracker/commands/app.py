"""`eyetracker app`: the desktop window (the default when no command is given)."""

from __future__ import annotations

import argparse

HELP = "start the desktop app (the default when no command is given)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--self-test", action="store_true", help="track 30 synthetic frames headless and exit"
    )
    parser.add_argument(
        "--camera", help='camera index, or "synthetic" for the synthetic demo camera'
    )
    parser.add_argument("--model", help="model file (.pt or .onnx); default: the bundled model")
    parser.add_argument(
        "--backend", choices=("auto", "torch", "onnxruntime"), help="inference backend"
    )
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), help="inference device")
    parser.add_argument("--overlay", action="store_true", help="show the gaze overlay at start")
    parser.add_argument("--auto-track", action="store_true", help="start tracking at once")
    parser.add_argument(
        "--quit-after",
        type=float,
        metavar="SECONDS",
        help="close the app after this many seconds, more than 0 (with --auto-track: this long "
        "after tracking starts)",
    )
    parser.add_argument(
        "--screenshots",
        metavar="DIR",
        help="with --quit-after: save screenshots to DIR before quitting",
    )


def check_unattended(args: argparse.Namespace) -> None:
    """--quit-after and --screenshots that could not work, refused before any window opens:
    the app would otherwise never quit, or quit at once, or fail at the end."""
    import math

    from eyetracker.core.errors import UserError
    from eyetracker.core.folders import writable_folder

    seconds = args.quit_after
    if seconds is not None and not (math.isfinite(seconds) and seconds > 0):
        raise UserError(f"--quit-after must be a number of seconds above 0, not {seconds:g}.")
    if args.screenshots is not None:
        if seconds is None:
            raise UserError("--screenshots are saved just before quitting; add --quit-after.")
        writable_folder(args.screenshots, "save screenshots into")
    camera = args.camera
    if camera is not None and camera != "synthetic" and not camera.isdigit():
        raise UserError(
            f'--camera {camera} is not a camera; give its index (0, 1, ...) or "synthetic".'
        )


def run(args: argparse.Namespace) -> int:
    from eyetracker.app.main import run_app  # imported here: the other commands need no Qt

    check_unattended(args)
    return run_app(args)
