"""Fine-tuning defaults that suit one person and a few hundred frames."""

from __future__ import annotations

from eyetracker.model.checkpoint import load_checkpoint
from eyetracker.model.preprocess import Preprocessing
from eyetracker.training.data import prepare_dataset
from eyetracker.training.trainer import train
from eyetracker.training.validation import choose_split, validation_score
from tests.helpers.datasets import toy_train_config as config


def prepared(toy_dataset):
    return prepare_dataset(
        toy_dataset, Preprocessing("square", 32, 32), workers=1, cache=False, progress=False
    )


def test_with_few_people_dots_of_every_sitting_are_held_out_not_a_person(toy_dataset, tmp_path):
    measurements = prepared(toy_dataset)
    split = choose_split(measurements, config(toy_dataset, tmp_path / "m.pt"))
    assert not split.unfamiliar_people  # 3 people: nobody is held out whole
    assert {m.key for m in split.train} == {m.key for m in measurements}  # every sitting trains
    assert {m.key for m in split.unfamiliar_measurements} == {m.key for m in measurements}
    for m in measurements:
        kept = next(t for t in split.train if t.key == m.key)
        held = next(h for h in split.unfamiliar_measurements if h.key == m.key)
        assert len(kept) + len(held) == len(m) and len(held) >= 1
        assert not set(kept.images) & set(held.images)


def test_a_step_budget_replaces_epochs(toy_dataset, tmp_path):
    # 72 frames in batches of 8 are 9 steps an epoch: 4 steps end within the first epoch.
    metrics = train(config(toy_dataset, tmp_path / "m.pt", epochs=50, steps=4))
    assert metrics["epoch"] == 1


def test_early_stopping_keeps_the_best_model(toy_dataset, tmp_path):
    out = tmp_path / "m.pt"
    last = train(config(toy_dataset, out, epochs=6, patience=1, lr=0.5))
    saved = load_checkpoint(out).info.metrics
    assert validation_score(saved) is not None
    assert validation_score(saved) <= validation_score(last)
    assert saved["epoch"] <= last["epoch"] <= 6


def test_the_train_command_fine_tunes_with_the_step_budget_unless_told_otherwise(
    toy_dataset, tmp_path, monkeypatch
):
    from eyetracker.cli import main
    from eyetracker.training import trainer

    seen = []

    def record(config, **_):
        seen.append(config)
        return {}

    monkeypatch.setattr(trainer, "train", record)
    base = ["train", str(toy_dataset), "--out", str(tmp_path / "m.pt")]
    for extra in (
        ["--init", "a.pt"],
        ["--init", "a.pt", "--epochs", "2"],
        ["--init", "a.pt", "--members", "1"],
        [],
    ):
        main([*base, *extra])
    fine_tuned, told, single, scratch = seen
    assert (fine_tuned.steps, fine_tuned.patience, fine_tuned.members) == (
        trainer.FINETUNE_STEPS,
        trainer.FINETUNE_PATIENCE,
        trainer.FINETUNE_MEMBERS,
    )
    assert (told.epochs, told.steps, told.patience, told.members) == (2, None, None, 3)
    assert single.members == 1
    assert (scratch.epochs, scratch.steps, scratch.patience, scratch.members) == (12, None, None, 1)
