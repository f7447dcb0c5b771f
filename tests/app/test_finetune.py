"""Fine-tuning runs a real (tiny) training in a child process; Cancel kills it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QProcess

from eyetracker.app.screens.finetune import STEPS, FinetuneDialog
from eyetracker.model.checkpoint import load_checkpoint
from tests.helpers.datasets import write_toy_dataset
from tests.helpers.models import square_model

TINY = ("--preprocessing", "square", "--size", "32", "32", "--device", "cpu", "--workers", "1")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def dialog(qtbot, tmp_path):
    data = write_toy_dataset(tmp_path / "data", people=3, measurements=2, samples=8)
    init = square_model(tmp_path / "base.pt")
    dialog = FinetuneDialog(data, init, tmp_path / "mine.pt", extra_args=(*TINY, "--steps", "1"))
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    if dialog.running:
        dialog.process.kill()
        dialog.process.waitForFinished(5000)


def test_fine_tuning_runs_to_completion_and_offers_the_model(qtbot, dialog, tmp_path):
    with qtbot.waitSignal(dialog.ended, timeout=120_000) as ended:
        dialog.start()
    assert ended.args == ["finished"], dialog.status.text()
    assert dialog.bar.value() == STEPS
    assert dialog.progress.finished == 1 and "train_loss_pct" in dialog.progress.history[0]
    assert dialog.progress.members == 3 == dialog.progress.member  # fine-tuning's default soup
    assert "3 models fine-tuned on your dots and averaged" in dialog.status.text()
    info = load_checkpoint(tmp_path / "mine.pt").info
    assert info.training["init"] == str(tmp_path / "base.pt") and info.training["members"] == 3
    assert sorted(p.name for p in tmp_path.glob("mine.pt*")) == ["mine.pt", "mine.pt.log"]
    assert dialog.use_button.isEnabled()
    with qtbot.waitSignal(dialog.model_ready, timeout=1000) as ready:
        dialog.use_button.click()
    assert ready.args == [tmp_path / "mine.pt"]


def test_cancel_kills_the_training_and_offers_nothing(qtbot, dialog, tmp_path):
    with qtbot.waitSignal(dialog.process.started, timeout=10_000):
        dialog.start()
    assert dialog.running
    # What a run stopped in its second model leaves for --resume, which the app never uses.
    kept_for_resume = [tmp_path / n for n in ("mine.pt.member1", "mine.pt.member2.resume")]
    for path in kept_for_resume:
        path.write_bytes(b"")
    with qtbot.waitSignal(dialog.ended, timeout=10_000) as ended:
        dialog.cancel_button.click()
    assert ended.args == ["cancelled"]
    assert dialog.process.state() == QProcess.ProcessState.NotRunning
    assert dialog.process.exitStatus() == QProcess.ExitStatus.CrashExit
    assert not dialog.use_button.isEnabled()
    assert dialog.status.text().startswith("Cancelled.")
    assert not any(path.exists() for path in kept_for_resume)


def test_a_failed_training_shows_the_trainers_sentence(qtbot, tmp_path):
    dialog = FinetuneDialog(tmp_path / "nowhere", tmp_path / "base.pt", tmp_path / "mine.pt")
    qtbot.addWidget(dialog)
    kept_for_resume = tmp_path / "mine.pt.member1"  # as an earlier stopped run would leave it
    kept_for_resume.write_bytes(b"")
    with qtbot.waitSignal(dialog.ended, timeout=60_000) as ended:
        dialog.start()
    assert ended.args == ["failed"]
    text = dialog.status.text()
    assert text.startswith("Training stopped: ") and "eyetracker:" not in text
    assert not dialog.use_button.isEnabled()
    assert not kept_for_resume.exists()


FAKE_TRAINER = """#!/bin/sh
# The lines `eyetracker train` prints while it fine-tunes: epochs on stdout, tqdm on stderr.
echo "member=1/3"
echo "epoch=1 train_loss_pct=9.00 seconds=1.0"
echo "epoch=2 train_loss_pct=8.50 seconds=1.0"
sleep 0.3
echo "member=2/3"
sleep 0.3
printf 'epoch 1/2:  50%%|#####     | 1/2 [00:01<00:01]\\r' >&2
sleep 0.3
echo "epoch=1 train_loss_pct=8.00 seconds=1.0"
sleep 0.3
printf 'epoch 2/2:  50%%|#####     | 1/2 [00:01<00:01]\\r' >&2
exec sleep 60
"""


def test_the_status_and_the_bar_speak_of_the_same_training(qtbot, tmp_path):
    trainer = tmp_path / "trainer"
    trainer.write_text(FAKE_TRAINER)
    trainer.chmod(0o755)
    dialog = FinetuneDialog(
        tmp_path, tmp_path / "base.pt", tmp_path / "mine.pt", python=str(trainer)
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    # Model 2 of 3 has one of its two epochs done and half the next: 75% of its training;
    # the bar counts all three models: (1 + 0.75) / 3 of the way.
    expected = "Model 2 of 3: 75% of its training done; training error 8.0% of the screen"
    qtbot.waitUntil(lambda: dialog.status.text() == expected, timeout=10_000)
    assert dialog.bar.value() == round(STEPS * 1.75 / 3)
    assert dialog.bar.text() == "58% of all training"
    assert "Epoch" not in dialog.status.text()
    with qtbot.waitSignal(dialog.ended, timeout=10_000):
        dialog.cancel()
