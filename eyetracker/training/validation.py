"""What a training run holds out, split by person as the study did, and how it scores the
held-out frames after each epoch."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from eyetracker.training.data import PreparedMeasurement, subset
from eyetracker.training.evaluate import evaluate


@dataclass
class Split:
    train: list[PreparedMeasurement]
    unfamiliar_people: list[PreparedMeasurement]
    unfamiliar_measurements: list[PreparedMeasurement]

    def summary(self) -> dict:
        def count(ms):
            return {
                "people": len({m.person for m in ms}),
                "measurements": len(ms),
                "samples": sum(len(m) for m in ms),
            }

        return {
            "train": count(self.train),
            "unfamiliar_people": count(self.unfamiliar_people),
            "unfamiliar_measurements": count(self.unfamiliar_measurements),
        }


# With fewer people than this, holding out whole people leaves too few to learn from (with 3,
# a 20% hold-out is one person): hold out dots of every sitting instead.
MIN_PEOPLE_TO_HOLD_OUT = 5


def split_dots(
    measurements: list[PreparedMeasurement], fraction: float = 0.15, seed: int = 0
) -> Split:
    """Hold out `fraction` of every sitting's dots (familiar people, familiar sittings, unseen
    dots): the validation set for fine-tuning on one person, for early stopping."""
    rng = np.random.default_rng(seed)
    train, held = [], []
    for m in measurements:
        n_out = int(round(len(m) * fraction)) if len(m) >= 8 else 0
        out = np.zeros(len(m), bool)
        out[rng.permutation(len(m))[:n_out]] = True
        train.append(subset(m, ~out))
        if n_out:
            held.append(subset(m, out))
    return Split(train, [], held)


def split_by_person(
    measurements: list[PreparedMeasurement], held_out_people: float = 0.2, seed: int = 0
) -> Split:
    """Hold out whole people (unfamiliar people) and, of every remaining person with two or
    more measurements, their last one (familiar people in a new sitting)."""
    rng = np.random.default_rng(seed)
    people = sorted({m.person for m in measurements})
    n_out = (
        int(round(len(people) * held_out_people)) if len(people) >= MIN_PEOPLE_TO_HOLD_OUT else 0
    )
    out = set(rng.permutation(people)[:n_out].tolist())
    train, new_people, new_sittings = [], [], []
    for person in people:
        own = sorted((m for m in measurements if m.person == person), key=lambda m: m.measurement)
        if person in out:
            new_people.extend(own)
        elif len(own) >= 2:
            train.extend(own[:-1])
            new_sittings.append(own[-1])
        else:
            train.extend(own)
    return Split(train, new_people, new_sittings)


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
