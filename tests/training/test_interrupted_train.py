"""A training run killed with SIGKILL leaves a model that says it is unfinished, and the next
run removes the temporary files a kill during a save leaves."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

from eyetracker.cli import main
from eyetracker.model.checkpoint import load_checkpoint
from eyetracker.training.resume import resume_path
from eyetracker.training.trainer import train
from tests.helpers.datasets import toy_train_config as config

REPO = Path(__file__).resolve().parents[2]


def wait_for(path: Path, child: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert child.poll() is None, child.stderr.read()
        assert time.monotonic() < deadline, f"{path} was not written in {timeout} s"
        time.sleep(0.1)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_run_leaves_a_model_marked_unfinished(toy_dataset, tmp_path, capsys):
    out = tmp_path / "m.pt"
    script = textwrap.dedent(
        f"""
        from eyetracker.training.trainer import train
        from tests.helpers.datasets import toy_train_config
        train(toy_train_config({str(toy_dataset)!r}, {str(out)!r}, epochs=500))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=REPO, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(out, child)  # the first epoch's model
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        child.kill()
        child.stderr.close()

    info = load_checkpoint(out).info
    assert info.training["complete"] is False and info.unfinished_warning("m.pt")
    args = ["evaluate", str(toy_dataset), "--model", str(out), "--json", "--modes", "running"]
    assert main([*args, "-k", "2"]) == 0
    [warning] = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert "m.pt is from a training run that did not finish" in warning
    assert "--resume" in warning

    # A kill during a save leaves hidden temporary files beside the model and the state.
    stale = [tmp_path / ".m-0123abcd.pt", tmp_path / ".m.pt-0123abcd.resume"]
    for path in stale:
        path.write_bytes(b"half a file")
    other = tmp_path / ".m-best-0123abcd.pt"  # another model's temporary file stays
    other.write_bytes(b"half a file")
    epoch = int(torch.load(resume_path(out), weights_only=True)["epoch"])
    train(config(toy_dataset, out, epochs=epoch + 1, resume=True))

    assert [path.exists() for path in stale] == [False, False] and other.exists()
    finished = load_checkpoint(out).info
    assert finished.training["complete"] is True and finished.unfinished_warning("m.pt") is None
    assert main([*args, "-k", "2"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_a_finished_run_is_complete_and_an_interrupted_one_is_not(
    toy_dataset, tmp_path, monkeypatch
):
    from eyetracker.core.errors import UserError
    from eyetracker.training import loop as loop_module
    from tests.helpers.datasets import CountedLoss

    train(config(toy_dataset, tmp_path / "done.pt", epochs=1))
    assert load_checkpoint(tmp_path / "done.pt").info.training["complete"] is True

    monkeypatch.setattr(loop_module, "euclidean_loss", CountedLoss(interrupt_at=20))
    with pytest.raises(UserError, match="--resume"):
        train(config(toy_dataset, tmp_path / "cut.pt", epochs=3, batch_size=4))
    info = load_checkpoint(tmp_path / "cut.pt").info
    assert info.training["complete"] is False
    assert "after epoch 1 of 3" in info.unfinished_warning("cut.pt")


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs RLIMIT_FSIZE")
def test_a_full_disk_in_train_is_one_sentence(toy_dataset, tmp_path):
    import resource

    def small_disk() -> None:  # in the child: any file past 64 KiB fails to grow (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))

    out = tmp_path / "m.pt"
    args = ["--preprocessing", "square", "--size", "32", "32", "--epochs", "1", "--workers", "1"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, "-m", "eyetracker", "train", str(toy_dataset), "--out", str(out), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=small_disk,
    )
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith(f"eyetracker: Could not save the model to {out}")
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob(".m*"))  # no temporary file left behind


@pytest.mark.parametrize("content", ["pickle", "garbage"])
def test_a_malicious_or_damaged_resume_file_is_one_sentence(toy_dataset, tmp_path, content):
    import pickle

    from eyetracker.core.errors import UserError

    out = tmp_path / "m.pt"

    class Payload:
        def __reduce__(self):
            return (print, ("this must never run",))

    data = pickle.dumps({"model": Payload()}) if content == "pickle" else b"\0garbage"
    resume_path(out).write_bytes(data)
    with pytest.raises(UserError) as caught:
        train(config(toy_dataset, out, resume=True))
    message = str(caught.value)
    assert message.startswith(f"{resume_path(out)} is not a resumable training state")
    assert "weights_only" not in message and "\n" not in message
