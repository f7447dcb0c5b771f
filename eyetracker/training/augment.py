"""Label-preserving augmentation: light, exposure, sensor noise and blur (never a flip)."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def augment(pixels: torch.Tensor, groups: int, generator: torch.Generator) -> torch.Tensor:
    """Vary exposure per session (a room's light is shared by its frames) and noise per frame."""
    n = pixels.shape[0]
    device = pixels.device

    def uniform(size, low, high):
        return torch.rand(size, generator=generator).to(device) * (high - low) + low

    per_group = n // groups if groups > 0 and n % groups == 0 else n
    gain = uniform((n // per_group, 1, 1, 1), 0.7, 1.3).repeat_interleave(per_group, 0)
    offset = uniform((n // per_group, 1, 1, 1), -0.08, 0.08).repeat_interleave(per_group, 0)
    gain = gain * uniform((n, 1, 1, 1), 0.95, 1.05)
    out = pixels * gain + offset
    blurred = F.avg_pool2d(out, 3, stride=1, padding=1, count_include_pad=False)
    blend = uniform((n, 1, 1, 1), 0.0, 1.0) * (uniform((n, 1, 1, 1), 0, 1) < 0.3)
    out = out + (blurred - out) * blend
    noise = torch.randn(out.shape, generator=generator).to(device) * uniform(
        (n, 1, 1, 1), 0.0, 0.03
    )
    return (out + noise).clamp_(0.0, 1.0)
