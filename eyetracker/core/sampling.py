"""Choosing which samples of a sitting calibrate: spread over the screen, never capture order;
and which axes a sitting's targets say anything about.

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
    target nearest it; a sample nearest two corners is named once."""
    targets = np.asarray(targets, np.float64).reshape(-1, 2)
    if len(targets) == 0:
        return np.zeros(0, int)
    nearest = np.linalg.norm(targets[None, :, :] - CORNERS[:, None, :], axis=-1).argmin(axis=1)
    return np.array(list(dict.fromkeys(nearest.tolist())), int)


def spread_indices(targets: np.ndarray, k: int, start: int | None = None) -> np.ndarray:
    """Indices of `k` targets spread over the screen by farthest-point sampling.

    Starts at `start` (default: the target nearest the top-left corner, `corner_starts`' first),
    then repeatedly adds the target farthest from all chosen so far: on a grid it picks the
    corners first, then fills in. Deterministic; ties go to the lower index; an index is never
    chosen twice, even among repeated targets. Returns sorted indices; all of them when
    k >= len(targets).
    """
    targets = np.asarray(targets, np.float64).reshape(-1, 2)
    n = len(targets)
    if k >= n:
        return np.arange(n)
    if k <= 0:
        return np.zeros(0, int)
    if start is None:
        start = int(corner_starts(targets)[0])
    if not 0 <= start < n:
        raise ValueError(f"start must index one of the {n} targets, not {start}")
    chosen = [start]
    nearest = np.linalg.norm(targets - targets[start], axis=1)
    for _ in range(k - 1):
        nearest[chosen] = -1.0  # chosen already: never again
        pick = int(np.argmax(nearest))
        chosen.append(pick)
        nearest = np.minimum(nearest, np.linalg.norm(targets - targets[pick], axis=1))
    return np.sort(np.array(chosen))


def spread_choices(targets: np.ndarray, k: int, draws: int) -> list[np.ndarray]:
    """Up to `draws` different choices of `k` spread indices, sampling started from the target
    nearest each corner in turn (`corner_starts`); a start that leads to a choice already made
    adds nothing. A benchmark that averages over them does not hang on one choice of K, which
    on a pursuit sitting moves a person's error (docs/benchmarks.md, "Real webcam frames,
    beside the peers")."""
    choices: list[np.ndarray] = []
    for start in corner_starts(targets)[:draws]:
        choice = spread_indices(targets, k, int(start))
        if not any(np.array_equal(choice, made) for made in choices):
            choices.append(choice)
    return choices


# A sitting whose targets hardly move along an axis (a horizontal sweep: the gaze's height
# varies by a few % of the screen) teaches nothing about that axis: with statistics of the
# sitting, what the network sees of the eyes' height is normalized noise, and fitting it to a
# constant teaches the network to ignore height. Fine-tuning leaves such an axis out of that
# sitting's loss (eyetracker.training.trainer), and the profile made from such a measurement
# leaves it out of its correction (eyetracker.inference.calibration.measurement_profile). A
# standard deviation of 0.1 is a band of about a third of the screen (a uniform spread over
# the whole screen has 0.29, a 3 x 3 grid 0.33).
MIN_AXIS_SPREAD = 0.1


def informative_axes(targets: np.ndarray) -> np.ndarray:
    """(2,) float32: 1 for an axis the sitting's targets spread over, 0 for one they do not."""
    return (np.std(targets, axis=0) >= MIN_AXIS_SPREAD).astype(np.float32)
