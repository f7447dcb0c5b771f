"""Where a command will write is checked before its slow work: one sentence when it cannot."""

from __future__ import annotations

import os

import pytest

from eyetracker.commands._output import cannot_write, writable_file
from eyetracker.core.errors import UserError
from eyetracker.core.folders import writable_folder

as_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes to read-only folders"
)


def test_a_file_in_a_new_folder_is_fine_and_the_folder_is_made(tmp_path):
    path = writable_file(tmp_path / "new" / "model.onnx", "--out", "model.onnx")
    assert path.parent.is_dir()


def test_a_folder_given_for_a_file_names_a_file_that_would_do(tmp_path):
    with pytest.raises(
        UserError, match=r"--out .* is a folder; give a file name, e.g. .*model.onnx"
    ):
        writable_file(tmp_path, "--out", "model.onnx")


def test_a_file_in_place_of_a_folder_is_named(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(UserError, match="a-file is a file, not a folder; choose another --out"):
        writable_file(blocker / "sub" / "model.pt", "--out", "model.pt")
    with pytest.raises(UserError, match="it is a file, not a folder"):
        writable_folder(blocker, "record into")
    with pytest.raises(UserError, match="a-file is a file, not a folder"):
        writable_folder(blocker / "recording", "record into")


@as_root
def test_a_read_only_folder_is_said_to_be_read_only(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(UserError, match="read-only"):
            writable_file(folder / "model.onnx", "--out", "model.onnx")
        with pytest.raises(UserError, match="read-only"):
            writable_folder(folder / "recording", "record into")
    finally:
        folder.chmod(0o755)


def test_an_error_met_while_writing_is_one_sentence():
    error = cannot_write("/x/model.onnx", PermissionError(13, "Permission denied"), "--out")
    assert str(error) == (
        "Cannot write /x/model.onnx (permission denied); choose another --out in a folder you "
        "can write to."
    )
