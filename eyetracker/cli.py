"""The single entry point: `eyetracker <command> ...`; with no command it starts the app."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import eyetracker
import eyetracker.commands
from eyetracker.core.errors import UserError


def _command_modules() -> dict[str, object]:
    modules = {}
    for info in pkgutil.iter_modules(eyetracker.commands.__path__):
        if not info.name.startswith("_"):
            modules[info.name.replace("_", "-")] = importlib.import_module(
                f"eyetracker.commands.{info.name}"
            )
    return modules


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eyetracker",
        description="Webcam eye tracking with session BatchNorm statistics. "
        "Run without a command to start the app.",
    )
    parser.add_argument("--version", action="version", version=eyetracker.__version__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in sorted(_command_modules().items()):
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        module.configure(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["app", *(argv or [])])
    try:
        return int(args.run(args) or 0)
    except UserError as error:
        print(f"eyetracker: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("eyetracker: interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
