"""`eyetracker app`'s unattended options: what could never work is one sentence and exit 2,
said before any window opens (never a run that does not quit, or quits at once)."""

from __future__ import annotations

import pytest

from eyetracker.cli import main


def one_sentence(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("eyetracker: ") and err.count("\n") == 1, err
    return err.strip()


@pytest.mark.parametrize("seconds", ["0", "-1", "nan", "inf"])
def test_quit_after_must_be_some_seconds_above_0(capsys, seconds):
    assert main(["app", "--quit-after", seconds]) == 2
    assert one_sentence(capsys) == (
        f"eyetracker: --quit-after must be a number of seconds above 0, not {float(seconds):g}."
    )


def test_screenshots_need_quit_after(capsys, tmp_path):
    assert main(["app", "--screenshots", str(tmp_path / "shots")]) == 2
    assert "add --quit-after" in one_sentence(capsys)


def test_screenshots_into_a_folder_that_cannot_be_made_are_refused(capsys, tmp_path):
    blocker = tmp_path / "file.txt"  # below a file: no folder there, even for root
    blocker.write_text("")
    shots = blocker / "shots"
    assert main(["app", "--quit-after", "1", "--screenshots", str(shots)]) == 2
    assert one_sentence(capsys) == (
        f"eyetracker: Cannot save screenshots into {shots}: {blocker} is a file, not a folder; "
        "choose a new folder."
    )


@pytest.mark.parametrize("camera", ["banana", "-1", "1.5"])
def test_a_camera_that_is_no_index_is_refused(capsys, camera):
    assert main(["app", "--camera", camera]) == 2
    assert one_sentence(capsys) == (
        f'eyetracker: --camera {camera} is not a camera; give its index (0, 1, ...) or "synthetic".'
    )


def test_auto_track_that_cannot_start_says_why_and_exits_2(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.update(EYETRACKER_DATA_DIR=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    command = [
        sys.executable, "-m", "eyetracker", "app", "--camera", "synthetic",
        "--model", str(tmp_path / "missing.pt"), "--auto-track", "--quit-after", "1",
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "eyetracker: " in done.stderr and "missing.pt" in done.stderr
    assert "Traceback" not in done.stderr
