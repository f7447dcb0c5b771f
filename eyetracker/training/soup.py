"""Fine-tuning as a model soup: several models fine-tuned from one starting model, averaged.

Fine-tuning on one person's few hundred frames is noisy: on the real development frames
(protocol B, docs/benchmarks.md) five seeds of the same run gave 21.9-22.7% of the screen in
session mode and 19.7-21.7% with the earlier sittings' profile, one person moving by 7 points.
Models fine-tuned from the same starting weights stay in one basin of the loss, so their
weights can be averaged into one network (a "model soup", Wortsman et al., ICML 2022): it
costs one forward pass like any of them, and it scored better than every one of its members
(3 members: 20.9-21.5% over every choice of 3 of the 5 seeds; 5 members: 21.0%).

Each member is an ordinary run of `eyetracker.training.trainer.train` with its own seed
(seed, seed + 1, ...: its own batches, augmentation and held-out dots) into OUT.memberK; the
soup is written to OUT and the member files are removed. A member that finished before an
interruption is kept and reused by --resume.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from eyetracker.core.errors import UserError
from eyetracker.model.checkpoint import load_checkpoint, save_checkpoint
from eyetracker.training.data import PreparedMeasurement, prepare_dataset
from eyetracker.training.distributed import Distributed

log = logging.getLogger("eyetracker.train")


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


def train_members(config, prepared: list[PreparedMeasurement] | None = None) -> dict:
    """Fine-tune `config.members` models from `config.init` and write their average to
    `config.out`. Returns the members' mean metrics (each member's validation is on its own
    held-out dots, which the others may have trained on), "members" and their "epochs".
    The soup's data description (info.data) is the first member's split."""
    from eyetracker.training.trainer import (
        TrainingInterrupted,
        explained_save,
        resume_path,
        train,
    )

    if not config.init:
        raise UserError(
            "--members averages models fine-tuned from one starting model: give --init too."
        )
    if Distributed.from_environment().enabled:
        raise UserError(
            "--members trains its models one after another: run it without torchrun, or pass "
            "--members 1."
        )
    if config.resume and not any(
        member_path(config.out, n).exists() or resume_path(member_path(config.out, n)).exists()
        for n in range(1, config.members + 1)
    ):
        raise UserError(
            f"Nothing to resume: no model of {config.out} was started; start without --resume."
        )
    if prepared is None:
        preprocessing = load_checkpoint(config.init).info.preprocessing
        prepared = prepare_dataset(
            config.data, preprocessing, workers=config.workers, progress=config.progress
        )
    paths = []
    for number in range(1, config.members + 1):
        path = member_path(config.out, number)
        say = f"member={number}/{config.members}"
        log.info(say)
        if config.progress:
            tqdm.write(say)  # the app's progress reads it (eyetracker.runtime.finetune_job)
        paths.append(path)
        if config.resume and path.is_file() and not resume_path(path).exists():
            continue  # it finished before the stop
        member = dataclasses.replace(
            config,
            members=1,
            seed=config.seed + number - 1,
            out=str(path),
            resume=config.resume and resume_path(path).exists(),
        )
        try:
            train(member, prepared=prepared)
        except TrainingInterrupted:
            raise TrainingInterrupted(
                f"Training interrupted in model {number} of {config.members} for {config.out}; "
                "continue with the same command plus --resume."
            ) from None

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
    with explained_save(config.out):
        save_checkpoint(config.out, soup.model, soup.info)
    for path in paths:
        path.unlink(missing_ok=True)
    return soup.info.metrics
