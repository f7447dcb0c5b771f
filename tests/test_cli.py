from __future__ import annotations

import subprocess
import sys

from eyetracker.cli import build_parser, main


def test_help_lists_every_command(capsys):
    parser = build_parser()
    help_text = parser.format_help()
    for command in ("app",):
        assert command in help_text


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "eyetracker", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "usage: eyetracker" in result.stdout


def test_user_error_is_one_sentence_and_nonzero(capsys, monkeypatch):
    from eyetracker.core.errors import UserError

    def fail(_args):
        raise UserError("Plug in a camera and try again.")

    parser = build_parser()
    monkeypatch.setattr("eyetracker.cli.build_parser", lambda: parser)
    sub = parser._subparsers._group_actions[0].choices["app"]
    sub.set_defaults(run=fail)
    assert main(["app"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "eyetracker: Plug in a camera and try again."
