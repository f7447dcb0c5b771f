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
