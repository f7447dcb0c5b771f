"""`eyetracker train --help`: every option says what it does, and its default if it has one."""

from __future__ import annotations

import argparse

from eyetracker.cli import build_parser


def subcommand(name: str) -> argparse.ArgumentParser:
    parser = build_parser()
    return parser._subparsers._group_actions[0].choices[name]


def test_every_train_option_has_help_and_names_its_default():
    for action in subcommand("train")._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help, f"{action.dest} has no help text"
        if action.default is not None and not isinstance(action, argparse._StoreTrueAction):
            assert "default" in action.help, f"{action.dest} does not name its default"
