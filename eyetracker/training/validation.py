"""What a training run holds out and how it scores the held-out frames after each epoch."""

from __future__ import annotations

from eyetracker.training.data import (
    MIN_PEOPLE_TO_HOLD_OUT,
    PreparedMeasurement,
    Split,
    split_by_person,
    split_dots,
)
from eyetracker.training.evaluate import evaluate


def choose_split(prepared: list[PreparedMeasurement], config) -> Split:
    """Whole people held out when there are enough of them and the model starts afresh;
    otherwise (fine-tuning, a few people) a share of every sitting's dots. `config` is the
    run's TrainConfig."""
    people = {m.person for m in prepared}
    if config.init or len(people) < MIN_PEOPLE_TO_HOLD_OUT:
        return split_dots(prepared, seed=config.seed)
    return split_by_person(prepared, config.held_out_people, seed=config.seed)


def validation_score(metrics: dict) -> float | None:
    """The error early stopping watches: held-out sittings or dots, else held-out people."""
    for key in ("val_unfamiliar_measurements_pct", "val_unfamiliar_people_pct"):
        if metrics.get(key) is not None:
            return float(metrics[key])
    return None


def validate(model, split: Split, statistics: str) -> dict:
    """Error on held-out people and sittings, in the statistics mode the model is trained for."""
    out = {}
    for name, ms in (
        ("unfamiliar_people", split.unfamiliar_people),
        ("unfamiliar_measurements", split.unfamiliar_measurements),
    ):
        if ms:
            out[f"val_{name}_pct"] = evaluate(model, ms, modes=(statistics,))[statistics].error_pct
    return out
