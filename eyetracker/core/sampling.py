"""Choosing which samples of a sitting calibrate: spread over the screen, never capture order.

A measurement is often captured row by row; its first K samples would cover the top of the
screen only, and statistics or a correction fitted on them would be biased toward it. The one
implementation for the app's tools and the benchmarks (`eyetracker evaluate`,
benchmarks/protocols.py, which imports it by path inside the peers' venv: numpy only here).
"""

from __future__ import annotations

import numpy as np

# The screen's corners in normalized coordinates: where a spread choice starts.
CORNERS = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])


def corner_starts(targets: np.ndarray) -> np.ndarray:
    """Per screen corner (top-left, top-right, bottom-left, bottom-right), the index of the
    target nearest it; a sample nearest two corners is named once. Each is a start for
    `spread_indices`: a pursuit sitting calibrated from four starts gives four choices of K."""
    targets = np.asarray(targets, np.float64).reshape(-1, 2)
    if len(targets) == 0:
        return np.zeros(0, int)
    nearest = np.linalg.norm(targets[None, :, :] - CORNERS[:, None, :], axis=-1).argmin(axis=1)
    return np.array(list(dict.fromkeys(nearest.tolist())), int)


def spread_indices(targets: np.ndarray, k: int, start: int | None = None) -> np.ndarray:
    """Indices of `k` targets spread over the screen by farthest-point sampling.

    Starts at `start` (default: the target nearest any screen corner, ties to the lower
    index), then repeatedly adds the target farthest from all chosen so far: on a grid it
    picks the corners first, then fills in. Deterministic; ties go to the lower index; an
    index is never chosen twice, even among repeated targets. Returns sorted indices; all of
    them when k >= len(targets).
    """
    targets = np.asarray(targets, np.float64).reshape(-1, 2)
    n = len(targets)
    if k >= n:
        return np.arange(n)
    if k <= 0:
        return np.zeros(0, int)
    if start is None:
        to_corner = np.linalg.norm(targets[:, None, :] - CORNERS[None], axis=-1).min(axis=1)
        start = int(np.argmin(to_corner))
    chosen = [start]
    nearest = np.linalg.norm(targets - targets[start], axis=1)
    for _ in range(k - 1):
        nearest[chosen] = -1.0  # chosen already: never again
        pick = int(np.argmax(nearest))
        chosen.append(pick)
        nearest = np.minimum(nearest, np.linalg.norm(targets - targets[pick], axis=1))
    return np.sort(np.array(chosen))
