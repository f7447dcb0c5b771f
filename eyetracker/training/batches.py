"""Batch samplers. What a batch holds decides what BatchNorm learns to normalise away.

- ``random``: frames from random measurements (the study's baseline);
- ``measurement``: every batch is frames of one measurement, so each layer learns to work on
  features normalised *within a sitting* (the study's finding);
- ``multi``: several measurements per step, each normalised on its own (SessionNorm groups):
  the measurement idea with more sittings per gradient step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from eyetracker.training.data import PreparedMeasurement

SAMPLERS = ("random", "measurement", "multi")


@dataclass(frozen=True)
class Batch:
    """Indices into the training measurements: `groups` sessions of equal size, back to back."""

    items: list[tuple[int, int]]  # (measurement index, sample index)
    groups: int


def batches(
    measurements: list[PreparedMeasurement],
    sampler: str,
    batch_size: int,
    rng: np.random.Generator,
    groups: int = 4,
) -> Iterator[Batch]:
    """One epoch: about as many frames as the training set holds."""
    sizes = np.array([len(m) for m in measurements])
    steps = max(1, int(sizes.sum()) // batch_size)
    if sampler == "random":
        flat = np.array([(i, j) for i, n in enumerate(sizes) for j in range(n)])
        order = rng.permutation(len(flat))
        for step in range(steps):
            chosen = flat[order[step * batch_size : (step + 1) * batch_size]]
            yield Batch([tuple(map(int, item)) for item in chosen], 1)
        return
    if sampler not in SAMPLERS:
        raise ValueError(f"unknown sampler {sampler!r}; choose one of {SAMPLERS}")
    per_group = batch_size if sampler == "measurement" else max(2, batch_size // groups)
    n_groups = 1 if sampler == "measurement" else groups
    eligible = np.flatnonzero(sizes >= 2)
    # Larger measurements are drawn more often, so every frame is seen about once an epoch.
    weights = sizes[eligible] / sizes[eligible].sum()
    for _ in range(steps * batch_size // (per_group * n_groups)):
        items: list[tuple[int, int]] = []
        for m in rng.choice(eligible, size=n_groups, replace=len(eligible) < n_groups, p=weights):
            picks = rng.choice(sizes[m], size=min(per_group, sizes[m]), replace=False)
            if len(picks) < per_group:  # a short measurement: repeat frames to keep groups equal
                picks = np.concatenate([picks, rng.choice(sizes[m], per_group - len(picks))])
            items.extend((int(m), int(j)) for j in picks)
        yield Batch(items, n_groups)
