"""BatchNorm whose statistics can come from the training set, the batch itself, or a capture.

Every normalisation layer computes  y = (x - mean) / sqrt(var + eps) * weight + bias,
per channel. The whole idea of the project is *where mean and var come from*:

- ``running``:  averages collected during training (ordinary eval mode);
- ``session``:  the current batch, taken to be one session (the study's "train mode at
  evaluation"), without touching the stored running averages;
- ``captured``: exact per-layer moments computed once from a set of frames (a calibration or
  a measurement) and then frozen, so single frames cost one forward pass;
- ``external``: moments handed in from outside (ONNX graph inputs), with a per-call switch to
  use the batch's own moments instead.

In training, a batch may hold several sessions side by side (``groups``): each group is
normalised with its own moments, as if each were a separate measurement batch.
"""

from __future__ import annotations

import torch
from torch import nn

MODES = ("running", "session", "captured", "external")


class SessionNorm(nn.Module):
    """Drop-in BatchNorm for (N, C) or (N, C, H, W) inputs with selectable statistics."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        # Captured moments are session data, not model weights: never saved with the model.
        self.register_buffer("captured_mean", torch.zeros(num_features), persistent=False)
        self.register_buffer("captured_var", torch.ones(num_features), persistent=False)
        self.mode = "running"
        self.groups = 1
        self.external: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None
        self.last_moments: tuple[torch.Tensor, torch.Tensor] | None = None

    def _shape(self, x: torch.Tensor) -> list[int]:
        # Broadcast a per-channel vector against x: (C,) -> (1, C) or (1, C, 1, 1).
        return [1, self.num_features] + [1] * (x.dim() - 2)

    def batch_moments(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-channel mean and biased variance over the batch and spatial positions."""
        dims = [0] + list(range(2, x.dim()))
        mean = x.mean(dim=dims)
        var = (x - mean.view(self._shape(x))).pow(2).mean(dim=dims)
        return mean, var

    def normalize(self, x: torch.Tensor, mean: torch.Tensor, var: torch.Tensor) -> torch.Tensor:
        shape = self._shape(x)
        scale = self.weight / torch.sqrt(var + self.eps)
        return x * scale.view(shape) + (self.bias - mean * scale).view(shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            return self._forward_training(x)
        if self.mode == "running":
            mean, var = self.running_mean, self.running_var
        elif self.mode == "captured":
            mean, var = self.captured_mean, self.captured_var
        elif self.mode == "session":
            mean, var = self.batch_moments(x)
        elif self.mode == "external":
            assert self.external is not None, "external mode needs moments handed in"
            given_mean, given_var, use_batch = self.external
            batch_mean, batch_var = self.batch_moments(x)
            mean = torch.where(use_batch, batch_mean, given_mean)
            var = torch.where(use_batch, batch_var, given_var)
        else:
            raise ValueError(f"unknown statistics mode {self.mode!r}; expected one of {MODES}")
        self.last_moments = (mean, var)
        return self.normalize(x, mean, var)

    def _forward_training(self, x: torch.Tensor) -> torch.Tensor:
        groups = self.groups
        if groups <= 1 or x.shape[0] % groups:
            groups = 1
        # (G*B, C, ...) -> (G, B, C, ...): moments per group over its samples and positions.
        grouped = x.reshape(groups, x.shape[0] // groups, *x.shape[1:])
        dims = [1] + list(range(3, grouped.dim()))
        mean = grouped.mean(dim=dims, keepdim=True)
        var = (grouped - mean).pow(2).mean(dim=dims, keepdim=True)
        scale_shape = [1, 1, self.num_features] + [1] * (grouped.dim() - 3)
        y = (grouped - mean) / torch.sqrt(var + self.eps)
        y = y * self.weight.view(scale_shape) + self.bias.view(scale_shape)
        with torch.no_grad():
            count = grouped[0].numel() / self.num_features
            unbiased = var.flatten(1).mean(0) * count / max(count - 1, 1)
            self.running_mean.lerp_(mean.flatten(1).mean(0), self.momentum)
            self.running_var.lerp_(unbiased, self.momentum)
        return y.reshape(x.shape)


def session_norms(model: nn.Module) -> list[tuple[str, SessionNorm]]:
    """The model's normalisation layers in forward order (module registration order)."""
    return [(name, m) for name, m in model.named_modules() if isinstance(m, SessionNorm)]
