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


def test_app_options_need_no_command(monkeypatch):
    seen = []
    parser = build_parser()
    monkeypatch.setattr("eyetracker.cli.build_parser", lambda: parser)
    sub = parser._subparsers._group_actions[0].choices["app"]
    sub.set_defaults(run=lambda args: seen.append(args.self_test) or 0)
    assert main(["--self-test"]) == 0
    assert main([]) == 0
    assert seen == [True, False]


def test_a_command_needing_torch_says_so_in_one_sentence(capsys, monkeypatch):
    def needs_torch(_args):
        raise ModuleNotFoundError("No module named 'torch'", name="torch")

    parser = build_parser()
    monkeypatch.setattr("eyetracker.cli.build_parser", lambda: parser)
    parser._subparsers._group_actions[0].choices["train"].set_defaults(run=needs_torch)
    assert main(["train", "data", "--out", "model.pt"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("eyetracker: `eyetracker train` needs PyTorch")
    assert err.endswith("pip install eyetracker.") and "\n" not in err
