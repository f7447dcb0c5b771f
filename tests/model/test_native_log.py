"""MediaPipe's native start-up lines stay off the terminal (--verbose or EYETRACKER_VERBOSE=1
shows them)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from eyetracker.model.native_log import VERBOSE_VARIABLE, quiet_native_stderr

NATIVE_MARKS = ("absl::InitializeLog", "W0000 ", "I0000 ", "TensorFlow Lite", "XNNPACK")


def test_what_native_code_writes_meanwhile_is_dropped_and_stderr_comes_back(capfd, monkeypatch):
    monkeypatch.delenv(VERBOSE_VARIABLE, raising=False)
    os.write(2, b"before\n")
    with quiet_native_stderr():
        os.write(2, b"W0000 native chatter\n")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "before\nafter\n"


def test_verbose_lets_it_through(capfd, monkeypatch):
    monkeypatch.setenv(VERBOSE_VARIABLE, "1")
    with quiet_native_stderr():
        os.write(2, b"W0000 native chatter\n")
    assert capfd.readouterr().err == "W0000 native chatter\n"


@pytest.mark.parametrize("verbose", [False, True], ids=["quiet", "verbose"])
def test_a_command_that_finds_faces_prints_mediapipe_lines_only_with_verbose(tmp_path, verbose):
    """The real thing: the bundled (landmark) model over the synthetic camera; the global
    --verbose (before the command) lets the lines through."""
    env = {k: v for k, v in os.environ.items() if k != VERBOSE_VARIABLE}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    out = tmp_path / "gaze.csv"
    args = ["replay", "synthetic:fixations", "--seconds", "0.5", "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "eyetracker", *(["--verbose"] if verbose else []), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout  # faces were found: the landmarker ran
    noise = [line for line in done.stderr.splitlines() if any(m in line for m in NATIVE_MARKS)]
    assert bool(noise) == verbose


@pytest.mark.parametrize(
    "argv",
    [
        ["--verbose", "replay", "in.mp4", "--out", "o.csv"],
        ["replay", "in.mp4", "--out", "o.csv", "--verbose"],
        ["replay", "in.mp4", "--out", "o.csv"],
    ],
)
def test_verbose_is_one_switch_before_or_after_the_command(argv):
    from eyetracker.cli import build_parser

    assert build_parser().parse_args(argv).verbose == ("--verbose" in argv)


def test_help_names_verbose():
    from eyetracker.cli import build_parser

    assert "--verbose" in build_parser().format_help()
