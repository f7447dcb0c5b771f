"""Fine-tuning as a model soup: several models fine-tuned from one starting model, averaged.

Fine-tuning on one person's few hundred frames is noisy: the seed alone (batches,
augmentation, the held-out dots early stopping watches) moves the result. Models fine-tuned
from the same starting weights stay in one basin of the loss, so their weights can be
averaged into one network (a "model soup", Wortsman et al., ICML 2022): it costs one forward
pass like any of them, and on real frames it scored better than every one of its members
(docs/benchmarks.md, "Fine-tuning's luck, and averaging it away").

Each member is an ordinary run of `eyetracker.training.trainer.train` with its own seed
(seed, seed + 1, ...: its own batches, augmentation and held-out dots) into OUT.memberK; the
trainer runs them (`train_members`), this module checks the request and averages the members
into the soup the trainer writes to OUT. A member that finished before an interruption is kept
and reused by --resume.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from eyetracker.core.errors import UserError
from eyetracker.model.checkpoint import LoadedModel, load_checkpoint
from eyetracker.training.distributed import Distributed


def member_path(out: str | Path, number: int) -> Path:
    return Path(f"{out}.member{number}")


def average_state(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The element-wise mean of every floating-point tensor; other tensors (counters) from the
    first state. SessionNorm's running moments are averaged too, which only approximates the
    averaged network's own; tracking takes its statistics from the session or the profile."""
    return {
        name: (
            torch.stack([state[name].float() for state in states]).mean(0).to(first.dtype)
            if first.is_floating_point()
            else first
        )
        for name, first in states[0].items()
    }


def check_members(config) -> None:
    """Refuse a soup that cannot be made, in one sentence, before any work."""
    if not config.init:
        raise UserError(
            "--members averages models fine-tuned from one starting model: give --init too."
        )
    if Distributed.from_environment().enabled:
        raise UserError(
            "--members trains its models one after another: run it without torchrun, or pass "
            "--members 1."
        )


def average_members(paths: list[Path], config) -> LoadedModel:
    """The soup of the member files `paths`, not yet written: their averaged weights, their mean
    metrics (each member's validation is on its own held-out dots, which the others may have
    trained on), "members" and their "epochs". Its data description (info.data) is the first
    member's split."""
    loaded = [load_checkpoint(path) for path in paths]
    soup = loaded[0]
    soup.model.load_state_dict(average_state([m.model.state_dict() for m in loaded]))
    # Each member's metrics are those of the epoch it kept (early stopping's best).
    metrics = [m.info.metrics for m in loaded]
    mean = {
        key: float(np.mean([m[key] for m in metrics]))
        for key in metrics[0]
        if all(isinstance(m.get(key), float) for m in metrics)
    }
    soup.info.metrics = {
        **mean,
        "members": config.members,
        "epochs": [m.get("epoch") for m in metrics],
    }
    soup.info.training = {
        **soup.info.training,
        "out": str(config.out),
        "seed": config.seed,
        "members": config.members,
    }
    return soup
