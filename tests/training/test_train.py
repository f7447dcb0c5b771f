from __future__ import annotations

import json

import numpy as np
import pytest
import torch

import eyetracker.training.loop as loop_module
from eyetracker.cli import main
from eyetracker.core.errors import UserError
from eyetracker.core.sampling import informative_axes
from eyetracker.model.checkpoint import load_checkpoint
from eyetracker.training.batches import Batch
from eyetracker.training.data import PreparedMeasurement
from eyetracker.training.loop import euclidean_loss, stack_batch
from eyetracker.training.resume import resume_path
from eyetracker.training.trainer import train
from tests.helpers.datasets import CountedLoss
from tests.helpers.datasets import toy_train_config as config


@pytest.mark.parametrize("sampler", ["random", "measurement", "multi"])
def test_training_writes_a_loadable_model_with_metadata(toy_dataset, tmp_path, sampler):
    metrics = train(config(toy_dataset, tmp_path / "m.pt", sampler=sampler))
    loaded = load_checkpoint(tmp_path / "m.pt")
    assert loaded.info.training["sampler"] == sampler
    assert loaded.info.training["statistics"] == ("running" if sampler == "random" else "session")
    # 3 people are too few to hold one out: a share of every sitting's dots is held out instead
    assert loaded.info.data["unfamiliar_people"]["people"] == 0
    assert loaded.info.data["unfamiliar_measurements"]["measurements"] == 6
    assert loaded.info.metrics["epoch"] == 2 == metrics["epoch"]
    assert not resume_path(tmp_path / "m.pt").exists()


def test_same_seed_gives_the_same_model(toy_dataset, tmp_path):
    train(config(toy_dataset, tmp_path / "a.pt", epochs=1))
    train(config(toy_dataset, tmp_path / "b.pt", epochs=1))
    a, b = load_checkpoint(tmp_path / "a.pt"), load_checkpoint(tmp_path / "b.pt")
    for (name, x), (_, y) in zip(
        a.model.state_dict().items(), b.model.state_dict().items(), strict=True
    ):
        assert torch.equal(x, y), name


def test_interrupt_leaves_a_usable_checkpoint_and_resume_finishes(
    toy_dataset, tmp_path, monkeypatch
):
    # 60 training frames in batches of 4: 15 steps an epoch; stopped in the second
    real_loss = loop_module.euclidean_loss
    monkeypatch.setattr(loop_module, "euclidean_loss", CountedLoss(interrupt_at=20))
    out = tmp_path / "m.pt"
    with pytest.raises(UserError, match="--resume"):
        train(config(toy_dataset, out, epochs=3, batch_size=4))
    assert load_checkpoint(out).info.metrics  # usable after the interrupt
    assert resume_path(out).exists()
    monkeypatch.setattr(loop_module, "euclidean_loss", real_loss)
    metrics = train(config(toy_dataset, out, epochs=3, batch_size=4, resume=True))
    assert metrics["epoch"] == 3


def test_fine_tuning_starts_from_the_given_model(toy_dataset, tmp_path):
    train(config(toy_dataset, tmp_path / "base.pt", epochs=1))
    train(
        config(
            toy_dataset,
            tmp_path / "tuned.pt",
            epochs=1,
            init=str(tmp_path / "base.pt"),
            preprocessing="face",
        )
    )
    tuned = load_checkpoint(tmp_path / "tuned.pt")
    assert tuned.info.preprocessing.kind == "square"  # the base model's preprocessing wins
    assert tuned.info.training["init"].endswith("base.pt")


def test_train_and_evaluate_commands(toy_dataset, tmp_path, capsys):
    out = tmp_path / "cli.pt"
    assert (
        main(
            [
                "train",
                str(toy_dataset),
                "--out",
                str(out),
                "--preprocessing",
                "square",
                "--size",
                "32",
                "32",
                "--epochs",
                "1",
                "--batch-size",
                "8",
                "--workers",
                "1",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["evaluate", str(toy_dataset), "--model", str(out), "--json", "-k", "4"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["samples"] == 72
    assert set(report["modes"]) == {"running", "session", "calibrated"}
    assert report["modes"]["calibrated"]["samples"] == 72 - 6 * 4
    assert report["modes"]["session"]["error_deg"] is not None


def test_train_on_a_folder_that_is_not_a_dataset_is_one_sentence(tmp_path, capsys):
    assert main(["train", str(tmp_path), "--out", str(tmp_path / "m.pt")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_an_unwritable_output_is_one_sentence(toy_dataset, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["train", str(toy_dataset), "--out", str(blocker / "m.pt"), "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("eyetracker: Cannot write") and err.count("\n") == 1


def sweep(person: str, targets: np.ndarray) -> PreparedMeasurement:
    n = len(targets)
    return PreparedMeasurement(
        person=person,
        measurement="m",
        pixels=np.zeros((n, 1, 4, 8), np.uint8),
        face=np.zeros((n, 3), np.float32),
        targets=targets.astype(np.float32),
    )


def test_a_sitting_that_sweeps_one_axis_leaves_the_other_out_of_the_loss():
    line = np.linspace(0.0, 1.0, 20)
    horizontal = sweep("a", np.column_stack([line, 0.3 + 0.05 * np.sin(line * 9)]))
    grid = sweep("b", np.array([(x, y) for x in (0.1, 0.5, 0.9) for y in (0.1, 0.5, 0.9)] * 2))
    assert informative_axes(horizontal.targets).tolist() == [1.0, 0.0]
    assert informative_axes(grid.targets).tolist() == [1.0, 1.0]

    batch = Batch([(0, 0), (0, 5), (1, 0), (1, 4)], groups=2)
    _, _, targets, axes = stack_batch([horizontal, grid], batch, torch.device("cpu"))
    assert axes.tolist() == [[1.0, 0.0], [1.0, 0.0], [1.0, 1.0], [1.0, 1.0]]

    # The horizontal sweep's frames pull only on x; the grid's on both.
    predicted = (targets + 0.2).requires_grad_()
    euclidean_loss(predicted, targets, axes).backward()
    assert predicted.grad[:2, 1].abs().max() == 0
    assert (predicted.grad[:2, 0] > 0).all() and (predicted.grad[2:] > 0).all()
    assert euclidean_loss(targets + 0.2, targets, axes).item() == pytest.approx(
        (2 * 0.2 + 2 * 0.2 * 2**0.5) / 4, abs=1e-3
    )
