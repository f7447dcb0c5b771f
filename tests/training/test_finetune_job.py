"""Reading the trainer's progress from its output."""

from __future__ import annotations

from eyetracker.training.finetune_job import Progress, parse_epoch_line, train_command


def test_epoch_lines_as_the_trainer_prints_them():
    line = "epoch=3 train_loss_pct=7.91 seconds=41.0 val_unfamiliar_people_pct=9.12"
    assert parse_epoch_line(line) == {
        "epoch": 3,
        "train_loss_pct": 7.91,
        "seconds": 41.0,
        "val_unfamiliar_people_pct": 9.12,
    }
    assert parse_epoch_line("wrote model.pt: epoch 3.00") is None
    assert parse_epoch_line("preparing 12 measurements") is None


def test_progress_combines_epochs_and_the_bar_within_one():
    progress = Progress()
    assert progress.fraction == 0 and progress.describe() == "Preparing the images…"
    progress.feed_stderr("\repoch 1/4:  50%|#####     | 5/10 [00:01<00:01]")
    assert progress.epochs == 4 and progress.fraction == 0.125  # the budget makes 4 epochs
    assert progress.feed_stdout("noise\nepoch=1 train_loss_pct=20.00 seconds=1.0\n")
    assert progress.fraction == 0.25 and progress.describe().startswith("Epoch 1 of 4 done")
    progress.feed_stderr("\repoch 1/4: 100%|##########|")  # a late redraw of a finished epoch
    assert progress.fraction == 0.25


def test_a_run_stopped_early_says_so():
    finished = Progress()
    finished.feed_stderr("\repoch 2/2: 100%|##########| 1/1 [00:01<00:00]")
    finished.feed_stdout("epoch=2 train_loss_pct=9.00 seconds=1.0\n")
    assert finished.summary().startswith("Epoch 2 of 2 done")
    progress = Progress()
    progress.feed_stderr("\repoch 1/30:  50%|#####     | 1/2 [00:01<00:01]")
    progress.feed_stdout("epoch=12 train_loss_pct=9.00 seconds=1.0\n")
    assert progress.summary() == (
        "Done after 12 of 30 epochs: the error on the held-out dots stopped improving"
    )


def test_several_models_are_each_a_share_of_the_way():
    progress = Progress()
    progress.feed_stdout("member=1/3\n")
    progress.feed_stderr("\repoch 1/2:  50%|#####     | 1/2 [00:01<00:01]")
    assert progress.fraction == 0.25 / 3
    assert progress.describe() == "Model 1 of 3: Epoch 1 of 2…"
    progress.feed_stdout("epoch=2 train_loss_pct=9.00 seconds=1.0\n")  # stopped: its best
    assert progress.fraction == 1 / 3
    assert progress.feed_stdout("member=2/3\n")
    assert progress.fraction == 1 / 3 and progress.describe() == "Model 2 of 3: starting…"
    progress.feed_stderr("\repoch 1/4: 100%|##########| 2/2 [00:01<00:00]")
    progress.feed_stdout("epoch=1 train_loss_pct=8.00 seconds=1.0\n")
    assert progress.fraction == (1 + 0.25) / 3
    assert progress.describe().startswith("Model 2 of 3: Epoch 1 of 4 done: training error 8.0%")
    progress.feed_stdout("member=3/3\nepoch=4 train_loss_pct=7.00 seconds=1.0\n")
    progress.feed_stderr("\repoch 4/4: 100%|##########| 2/2 [00:01<00:00]")
    assert progress.fraction == 1.0
    assert progress.summary() == "Done: 3 models fine-tuned on your dots and averaged"


def test_command_line():
    program, args = train_command("d", "a.pt", "b.pt", extra=("--device", "cpu"), python="py")
    assert program == "py"
    assert args == ["-m", "eyetracker", "train", "d", "--init", "a.pt", "--out", "b.pt",
                    "--device", "cpu"]  # fmt: skip
