"""Choosing which samples of a sitting calibrate: spread over the screen, never capture order.

A measurement is often captured row by row; its first K samples would cover the top of the
screen only, and statistics or a correction fitted on them would be biased toward it.
"""

from __future__ import annotations

import numpy as np


def spread_indices(targets: np.ndarray, k: int) -> np.ndarray:
    """Indices of `k` targets spread over the screen by farthest-point sampling.

    Starts at the target nearest the top-left corner, then repeatedly adds the target farthest
    from all chosen so far: on a grid it picks the corners first, then fills in. Deterministic;
    ties go to the lower index. Returns sorted indices; all of them when k >= len(targets).
    """
    targets = np.asarray(targets, np.float64).reshape(-1, 2)
    n = len(targets)
    if k >= n:
        return np.arange(n)
    if k <= 0:
        return np.zeros(0, int)
    chosen = [int(np.argmin(np.linalg.norm(targets, axis=1)))]
    nearest = np.linalg.norm(targets - targets[chosen[0]], axis=1)
    for _ in range(k - 1):
        pick = int(np.argmax(nearest))
        chosen.append(pick)
        nearest = np.minimum(nearest, np.linalg.norm(targets - targets[pick], axis=1))
    return np.sort(np.array(chosen))
