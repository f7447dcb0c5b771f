"""Captured statistics that cannot explode: few frames are shrunk toward the model's own.

A normalisation layer divides by sqrt(var). Moments captured from n frames estimate each
channel's variance from n values (the fully connected layers have no spatial positions to
average over), so with 2 frames some channels' variance is near zero and a prediction lands
many screens away (docs/benchmarks.md, "Statistics from few frames").

The guard treats the model's running moments (the average session seen in training) as
`prior_frames` extra frames drawn from that average session, i.e. the moments of the union:

    mean' = (n mean + k running_mean) / (n + k)
    var'  = (n (var + (mean - mean')^2) + k (running_var + (running_mean - mean')^2)) / (n + k)

and then floors each variance at `var_floor * running_var`. Many frames keep their own
moments (k / (n + k) -> 0); two frames get a safe mix. The floor is what stops frames that
all looked at one spot from exploding, however many. Constants chosen by measurement
(benchmarks/statistics_guard.py, docs/benchmarks.md). NumPy only: profiles, the ONNX Runtime
path and the packaged app use it without torch.
"""

from __future__ import annotations

import numpy as np

Moments = dict[str, np.ndarray]  # {"<layer>.mean": (C,), "<layer>.var": (C,)}, float32

# Fewest usable frames a calibration or profile may capture statistics from.
MIN_FRAMES = 6
# The running moments count as half a frame, and no variance falls below a quarter of the
# running one: chosen on unseen synthetic people, near the best setting tried from 2 or 4
# frames, nearly free from 9 or more, and no output runs off the screen from spread or random
# frames (docs/benchmarks.md, "Statistics from few frames").
PRIOR_FRAMES = 0.5
VAR_FLOOR = 0.25


def guard_moments(
    captured: Moments,
    frames: int,
    running: Moments,
    prior_frames: float = PRIOR_FRAMES,
    var_floor: float = VAR_FLOOR,
    shrink_mean: bool = True,
) -> Moments:
    """`captured` (from `frames` frames) shrunk toward `running` and floored; see the module.

    `shrink_mean=False` shrinks the variances only (var' = (n var + k running_var) / (n + k)).
    """
    if set(captured) != set(running):
        raise ValueError("captured and running moments name different layers")
    if frames < 0 or prior_frames < 0 or var_floor < 0:
        raise ValueError("frames, prior_frames and var_floor must not be negative")
    n, k = float(frames), float(prior_frames)
    weight = k / (n + k) if n + k > 0 else 1.0  # the running moments' share
    guarded: Moments = {}
    for key in captured:
        if not key.endswith(".mean"):
            continue
        layer = key[: -len(".mean")]
        mean, var = _float(captured[f"{layer}.mean"]), _float(captured[f"{layer}.var"])
        prior_mean, prior_var = _float(running[f"{layer}.mean"]), _float(running[f"{layer}.var"])
        if shrink_mean:
            new_mean = (1 - weight) * mean + weight * prior_mean
            new_var = (1 - weight) * (var + (mean - new_mean) ** 2) + weight * (
                prior_var + (prior_mean - new_mean) ** 2
            )
        else:
            new_mean = mean
            new_var = (1 - weight) * var + weight * prior_var
        new_var = np.maximum(new_var, var_floor * prior_var)
        guarded[f"{layer}.mean"] = new_mean.astype(np.float32)
        guarded[f"{layer}.var"] = new_var.astype(np.float32)
    if set(guarded) != set(captured):
        raise ValueError("every layer needs both a .mean and a .var")
    return guarded


def _float(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)
