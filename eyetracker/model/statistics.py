"""The one BatchNorm-statistics API used by training, evaluation, the runtime and export.

    with statistics_mode(model, "session"):        # moments of this batch, nothing stored
        gaze = model(pixels, face)
    stats = capture_statistics(model, pixels, face)  # exact moments of a set of frames
    gaze = predict(model, pixels[:1], face[:1], "captured", stats)   # one forward pass
    bake_statistics(model, stats)                    # every later call uses them (runtime)

A `Statistics` holds one (mean, var) pair per normalisation layer, in forward order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from torch import nn

from eyetracker.model.session_norm import MODES, session_norms


@dataclass
class Statistics:
    """Per-layer moments, keyed by layer name; `frames` says how many frames they came from."""

    moments: dict[str, tuple[torch.Tensor, torch.Tensor]]
    frames: int
    source: str

    def to_tensors(self) -> dict[str, torch.Tensor]:
        """Flat name -> tensor mapping (for safe, tensor-only files and ONNX inputs)."""
        flat: dict[str, torch.Tensor] = {}
        for name, (mean, var) in self.moments.items():
            flat[f"{name}.mean"] = mean.detach().cpu().contiguous()
            flat[f"{name}.var"] = var.detach().cpu().contiguous()
        return flat

    @classmethod
    def from_tensors(cls, flat: dict[str, torch.Tensor], frames: int, source: str) -> Statistics:
        names = [key[: -len(".mean")] for key in flat if key.endswith(".mean")]
        return cls({n: (flat[f"{n}.mean"], flat[f"{n}.var"]) for n in names}, frames, source)

    def check_fits(self, model: nn.Module) -> None:
        """Raise ValueError when these moments were not made for this model's layers."""
        layers = dict(session_norms(model))
        if set(layers) != set(self.moments):
            raise ValueError("these statistics belong to a different model (layer names differ)")
        for name, (mean, _) in self.moments.items():
            if mean.shape != (layers[name].num_features,):
                raise ValueError(
                    f"these statistics belong to a different model ({name} has another size)"
                )


def running_statistics(model: nn.Module) -> Statistics:
    """The training-set averages stored in the model (ordinary eval mode)."""
    moments = {n: (m.running_mean.clone(), m.running_var.clone()) for n, m in session_norms(model)}
    return Statistics(moments, frames=0, source="running")


@contextmanager
def statistics_mode(
    model: nn.Module, mode: str, statistics: Statistics | None = None
) -> Iterator[nn.Module]:
    """Evaluate `model` with moments from `mode`; everything is restored on exit.

    Stored running averages are never changed, whatever the mode.
    """
    if mode not in MODES:
        raise ValueError(f"unknown statistics mode {mode!r}; expected one of {MODES}")
    if mode == "captured" and statistics is None:
        raise ValueError("captured mode needs statistics")
    norms = session_norms(model)
    saved = [(m.mode, m.captured_mean.clone(), m.captured_var.clone()) for _, m in norms]
    was_training = model.training
    try:
        if mode == "captured":
            bake_statistics(model, statistics)
        else:
            model.eval()
            for _, norm in norms:
                norm.mode = mode
        yield model
    finally:
        for (_, norm), (old_mode, old_mean, old_var) in zip(norms, saved, strict=True):
            norm.mode = old_mode
            norm.captured_mean.copy_(old_mean)
            norm.captured_var.copy_(old_var)
        model.train(was_training)


@torch.no_grad()
def predict(
    model: nn.Module,
    pixels: torch.Tensor,
    face: torch.Tensor,
    mode: str = "running",
    statistics: Statistics | None = None,
) -> torch.Tensor:
    """Gaze points (N, 2) for a batch; in "session" mode the batch is one session."""
    with statistics_mode(model, mode, statistics):
        return model(pixels, face)


@torch.no_grad()
def predict_with_features(
    model: nn.Module,
    pixels: torch.Tensor,
    face: torch.Tensor,
    mode: str = "running",
    statistics: Statistics | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """`predict`, and the network's last hidden layer beside each point."""
    with statistics_mode(model, mode, statistics):
        return model.forward_with_features(pixels, face)


class _StopForward(Exception):
    pass


@torch.no_grad()
def capture_statistics(
    model: nn.Module,
    pixels: torch.Tensor,
    face: torch.Tensor,
    chunk_size: int = 256,
    source: str = "captured",
) -> Statistics:
    """Exact per-layer moments of the frames as one session, as "session" mode would see them.

    A set that fits in one chunk takes one forward pass. A larger set is done layer by layer:
    layer k's input depends only on layers before it, which are already frozen at their exact
    moments, so summing x and x^2 over all chunks gives layer k's exact mean and variance.
    """
    if len(pixels) == 0:
        raise ValueError("statistics need at least one frame")
    norms = session_norms(model)
    if len(pixels) <= chunk_size:
        with statistics_mode(model, "session"):
            model(pixels, face)
            moments = {n: (m.last_moments[0].clone(), m.last_moments[1].clone()) for n, m in norms}
        return Statistics(moments, frames=len(pixels), source=source)

    moments: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
    for name, norm in norms:
        total, total_sq, count = None, None, 0

        def accumulate(_module, inputs, _norm=norm):
            nonlocal total, total_sq, count
            x = inputs[0].double()
            dims = [0] + list(range(2, x.dim()))
            total = x.sum(dims) if total is None else total + x.sum(dims)
            total_sq = x.pow(2).sum(dims) if total_sq is None else total_sq + x.pow(2).sum(dims)
            count += x.numel() // _norm.num_features
            raise _StopForward

        handle = norm.register_forward_pre_hook(accumulate)
        try:
            partial = Statistics(dict(moments), len(pixels), source)
            with _frozen_before(model, partial):
                for start in range(0, len(pixels), chunk_size):
                    try:
                        model(pixels[start : start + chunk_size], face[start : start + chunk_size])
                    except _StopForward:
                        pass
        finally:
            handle.remove()
        mean = total / count
        var = (total_sq / count - mean.pow(2)).clamp_min(0)
        moments[name] = (mean.float(), var.float())
    return Statistics(moments, frames=len(pixels), source=source)


@contextmanager
def _frozen_before(model: nn.Module, partial: Statistics) -> Iterator[None]:
    # Layers with known moments use them; the rest are never reached (the hook stops the pass).
    with statistics_mode(model, "running"):
        for name, norm in session_norms(model):
            if name in partial.moments:
                norm.mode = "captured"
                norm.captured_mean.copy_(partial.moments[name][0])
                norm.captured_var.copy_(partial.moments[name][1])
        yield


def bake_statistics(model: nn.Module, statistics: Statistics | None) -> None:
    """Make every later call of `model` use `statistics`; None: its running averages.

    The runtime's one-pass-per-frame path: moments are written into the layers once per change
    of statistics, not handed over with every frame. Raises ValueError for another model's."""
    if statistics is not None:
        statistics.check_fits(model)
    model.eval()
    for name, norm in session_norms(model):
        if statistics is None:
            norm.mode = "running"
            continue
        norm.mode = "captured"
        norm.captured_mean.copy_(statistics.moments[name][0])
        norm.captured_var.copy_(statistics.moments[name][1])
