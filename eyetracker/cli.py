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
from eyetracker.model.native_log import set_verbose

TOP_LEVEL_OPTIONS = ("-h", "--help", "--version")
VERBOSE = "--verbose"
VERBOSE_HELP = (
    "show the native libraries' start-up lines (MediaPipe, TensorFlow Lite), kept off the "
    "terminal otherwise; also after the command"
)

# Libraries the packaged app leaves out (training, evaluation, export): name -> what it is.
FULL_INSTALL_ONLY = {"torch": "PyTorch", "onnx": "the onnx package"}


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
    parser.add_argument(VERBOSE, action="store_true", help=VERBOSE_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in sorted(_command_modules().items()):
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        module.configure(sub)
        # After the command too (eyetracker replay ... --verbose), without hiding the global one.
        sub.add_argument(VERBOSE, action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    verbose_first = argv[:1] == [VERBOSE]
    if verbose_first:
        argv = argv[1:]
    if not argv or (argv[0].startswith("-") and argv[0] not in TOP_LEVEL_OPTIONS):
        argv = ["app", *argv]  # `eyetracker --self-test` is `eyetracker app --self-test`
    parser = build_parser()
    args = parser.parse_args([VERBOSE, *argv] if verbose_first else argv)
    if args.verbose:
        set_verbose()
    try:
        return int(args.run(args) or 0)
    except UserError as error:
        print(f"eyetracker: {error}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as error:
        if error.name not in FULL_INSTALL_ONLY:
            raise
        print(
            f"eyetracker: `eyetracker {args.command}` needs {FULL_INSTALL_ONLY[error.name]}, "
            "which this installation leaves out (the packaged app runs models with ONNX Runtime "
            "only); use the full install: pip install eyetracker.",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print("eyetracker: interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
