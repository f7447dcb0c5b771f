"""`eyetracker app`: the desktop window (the default when no command is given)."""

from __future__ import annotations

import argparse

HELP = "start the desktop app (the default when no command is given)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--self-test", action="store_true", help="track 30 synthetic frames headless and exit")


def run(args: argparse.Namespace) -> int:
    from eyetracker.core.errors import UserError

    try:
        from eyetracker.app.main import run_app
    except ModuleNotFoundError as error:
        if error.name != "eyetracker.app.main":
            raise
        raise UserError(
            "The desktop app is not built yet; try `eyetracker synth --help` or `eyetracker dataset info`."
        ) from None
    return run_app(args)
