"""Fine-tuning as a model soup: several seeds from one starting model, their weights averaged."""

from __future__ import annotations

import pytest
import torch

import eyetracker.training.loop as loop_module
from eyetracker.cli import main
from eyetracker.core.errors import UserError
from eyetracker.model.checkpoint import load_checkpoint
from eyetracker.training.finetune_job import unfinished_files
from eyetracker.training.resume import resume_path
from eyetracker.training.soup import member_path
from eyetracker.training.trainer import train
from tests.helpers.datasets import CountedLoss
from tests.helpers.datasets import toy_train_config as config


@pytest.fixture
def base_model(toy_dataset, tmp_path):
    path = tmp_path / "base.pt"
    train(config(toy_dataset, path, epochs=1))
    return path


def assert_same_weights(a, b):
    for (name, x), (_, y) in zip(a.state_dict().items(), b.state_dict().items(), strict=True):
        assert torch.allclose(x.float(), y.float(), atol=1e-6), name


def test_the_soup_is_the_mean_of_its_members_fine_tuned_with_their_own_seeds(
    toy_dataset, base_model, tmp_path
):
    tuned = dict(epochs=1, init=str(base_model))
    metrics = train(config(toy_dataset, tmp_path / "soup.pt", members=2, **tuned))
    for seed in (0, 1):
        train(config(toy_dataset, tmp_path / f"seed{seed}.pt", seed=seed, **tuned))
    seeds = [load_checkpoint(tmp_path / f"seed{seed}.pt").model for seed in (0, 1)]
    expected = load_checkpoint(tmp_path / "seed0.pt").model
    with torch.no_grad():
        for (_, mean), a, b in zip(
            expected.state_dict().items(),
            seeds[0].state_dict().values(),
            seeds[1].state_dict().values(),
            strict=True,
        ):
            if mean.is_floating_point():
                mean.copy_((a + b) / 2)
    soup = load_checkpoint(tmp_path / "soup.pt")
    assert_same_weights(soup.model, expected)
    assert soup.info.training["members"] == 2 and soup.info.metrics["members"] == 2
    assert metrics["members"] == 2 and "val_unfamiliar_measurements_pct" in metrics
    assert not any(member_path(tmp_path / "soup.pt", n).exists() for n in (1, 2))


def test_a_soup_needs_a_starting_model(toy_dataset, tmp_path):
    with pytest.raises(UserError, match="--init"):
        train(config(toy_dataset, tmp_path / "m.pt", members=2))


def test_resuming_a_soup_that_never_started_says_so(toy_dataset, base_model, tmp_path):
    tuned = dict(epochs=1, init=str(base_model), members=2, resume=True)
    with pytest.raises(UserError, match="Nothing to resume"):
        train(config(toy_dataset, tmp_path / "m.pt", **tuned))
    assert not list(tmp_path.glob("m.pt*"))


def test_the_command_keeps_the_log_of_an_interrupted_soup(
    toy_dataset, base_model, tmp_path, monkeypatch, capsys
):
    options = ["--epochs", "2", "--batch-size", "4", "--workers", "1", "--init", str(base_model)]
    one_model = CountedLoss()
    monkeypatch.setattr(loop_module, "euclidean_loss", one_model)
    one = ["train", str(toy_dataset), "--out", str(tmp_path / "one.pt"), "--members", "1"]
    assert main([*one, *options]) == 0
    # the same run as a soup of 2, stopped at the second model's first step
    interrupted = CountedLoss(interrupt_at=one_model.calls + 1)
    monkeypatch.setattr(loop_module, "euclidean_loss", interrupted)
    out = tmp_path / "m.pt"
    assert main(["train", str(toy_dataset), "--out", str(out), "--members", "2", *options]) != 0
    assert "model 2 of 2" in capsys.readouterr().err
    # the first model, the second so far and its resume state are kept for --resume, and so
    # is the log
    assert sorted(p.name for p in tmp_path.glob("m.pt*")) == [
        "m.pt.log",
        "m.pt.member1",
        "m.pt.member2",
        "m.pt.member2.resume",
    ]


def test_an_interrupted_soup_resumes_keeping_the_members_that_finished(
    toy_dataset, base_model, tmp_path, monkeypatch
):
    tuned = dict(epochs=2, batch_size=4, init=str(base_model), members=2)
    train(config(toy_dataset, tmp_path / "whole.pt", **tuned))
    # 60 training frames in batches of 4: 30 steps a member; stopped in the second
    monkeypatch.setattr(loop_module, "euclidean_loss", CountedLoss(interrupt_at=40))
    out = tmp_path / "m.pt"
    with pytest.raises(UserError, match="interrupted in model 2 of 2 for .*--resume"):
        train(config(toy_dataset, out, **tuned))
    first = member_path(out, 1)
    assert first.is_file() and not out.exists()
    counted = CountedLoss()
    monkeypatch.setattr(loop_module, "euclidean_loss", counted)
    train(config(toy_dataset, out, resume=True, **tuned))
    assert counted.calls == 30  # the second member's two epochs again; the first is reused
    assert_same_weights(load_checkpoint(out).model, load_checkpoint(tmp_path / "whole.pt").model)
    assert not first.exists()  # removed once the soup is written


def test_the_app_finds_what_a_stopped_soup_leaves_by_the_trainers_names(tmp_path):
    out = tmp_path / "mine.pt"
    left = [member_path(out, 1), resume_path(member_path(out, 2)), resume_path(out)]
    kept = [out, tmp_path / "other.pt.member1", tmp_path / "mine.pt.log"]
    for path in left + kept:
        path.write_bytes(b"")
    assert unfinished_files(out) == sorted(left)
