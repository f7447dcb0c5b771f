"""atomic_write: the old file or the new one, never half, and no temporary file left behind."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap

import pytest

from eyetracker.core.atomic import atomic_write, temporary_glob


def test_bytes_text_and_a_writer_function_all_replace_the_file(tmp_path):
    path = tmp_path / "out.bin"
    assert atomic_write(path, b"\x00\x01", durable=False) == path
    assert path.read_bytes() == b"\x00\x01"
    atomic_write(path, "é\n", durable=False)
    assert path.read_bytes() == "é\n".encode()
    atomic_write(path, lambda handle: handle.write(b"from a function"), durable=True)
    assert path.read_bytes() == b"from a function"
    assert os.listdir(tmp_path) == ["out.bin"]


def test_a_failure_mid_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "report.json"
    path.write_text("old")

    def half_then_fail(handle):
        handle.write(b"new, but only ha")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        atomic_write(path, half_then_fail, durable=True)
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["report.json"]


def test_a_failed_rename_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "report.json"
    path.write_text("old")

    def refuse(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        atomic_write(path, "new", durable=False)
    monkeypatch.undo()
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["report.json"]


def test_durable_flushes_file_and_folder_and_not_durable_flushes_nothing(tmp_path, monkeypatch):
    synced = []
    real = os.fsync

    def recording_fsync(fd):
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    atomic_write(tmp_path / "a.json", "{}", durable=False)
    assert synced == []
    atomic_write(tmp_path / "a.json", "{}", durable=True)
    if os.name == "posix":  # Windows cannot open a folder to flush it
        assert synced == [False, True]  # the file, then its folder


def test_a_new_file_gets_the_usual_permissions_not_private_ones(tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    umask = os.umask(0o022)
    try:
        atomic_write(tmp_path / "model.pt", b"x", durable=False)
    finally:
        os.umask(umask)
    assert (tmp_path / "model.pt").stat().st_mode & 0o777 == 0o644


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_writer_leaves_the_old_file_and_a_recognisable_temporary(tmp_path):
    path = tmp_path / "measurement.json"
    path.write_text("old")
    script = textwrap.dedent(
        f"""
        import sys
        from eyetracker.core.atomic import atomic_write

        def stall(handle):
            handle.write(b"half")
            handle.flush()
            print("writing", flush=True)
            sys.stdin.read()  # wait to be killed

        atomic_write({str(path)!r}, stall, durable=True)
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "writing"
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        child.kill()
        child.stdin.close()
        child.stdout.close()
    assert path.read_text() == "old"
    [stale] = tmp_path.glob(temporary_glob(path.name))
    assert stale.name.startswith(".measurement-") and stale.read_bytes() == b"half"
