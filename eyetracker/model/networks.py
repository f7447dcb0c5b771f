"""Gaze networks: (pixels, face box) -> normalized screen point (x, y).

Every network normalises with `SessionNorm`, so all of them support the statistics modes.
`pixels` is (N, C, H, W) float in [0, 1]; `face` is (N, G): the geometry of the head that
the front end measured (the face box, or pose, distance and eye landmarks; see
eyetracker.model.preprocess): where the head is tells where the eyes can look.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from eyetracker.model.session_norm import SessionNorm


def conv_norm_relu(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
        SessionNorm(cout),
        nn.ReLU(inplace=True),
    )


class GazeNet(nn.Module):
    """The default: a plain CNN, cheap on CPU (about 10 M multiply-adds for a 48x96 crop).

    The feature map is flattened rather than pooled, because *where* the iris sits inside the
    eye is the signal; global pooling would throw that position away.
    """

    def __init__(
        self,
        in_channels: int = 1,
        input_size: tuple[int, int] = (48, 96),
        widths: tuple[int, ...] = (16, 32, 64, 96),
        hidden: int = 128,
        geometry_size: int = 3,
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        cin = in_channels
        for i, width in enumerate(widths):
            layers.append(conv_norm_relu(cin, width, stride=2))
            if i < len(widths) - 1:
                layers.append(conv_norm_relu(width, width))
            cin = width
        self.features = nn.Sequential(*layers)
        with torch.no_grad():
            flat = (
                self.features.eval()(torch.zeros(2, in_channels, *input_size)).flatten(1).shape[1]
            )
        self.head = nn.Sequential(
            nn.Linear(flat + geometry_size, hidden, bias=False),
            SessionNorm(hidden),
            nn.ReLU(inplace=True),
            nn.Linear(hidden, 2),
        )
        nn.init.zeros_(self.head[-1].weight)
        nn.init.constant_(self.head[-1].bias, 0.5)  # start at the screen's centre

    def forward(self, pixels: torch.Tensor, face: torch.Tensor) -> torch.Tensor:
        return self.forward_with_features(pixels, face)[0]

    def forward_with_features(
        self, pixels: torch.Tensor, face: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The point and the last hidden layer it is a linear readout of (N, hidden): what a
        calibration with many dots can re-read (eyetracker.core.correction)."""
        features = self.features(pixels).flatten(1)
        hidden = self.head[:-1](torch.cat([features, face], dim=1))
        return self.head[-1](hidden), hidden


class MBConv(nn.Module):
    """EfficientNet's inverted residual: expand, depthwise 3x3, squeeze-excite, project."""

    def __init__(self, cin: int, cout: int, stride: int, expand: int = 4) -> None:
        super().__init__()
        mid = cin * expand
        squeeze = max(4, cin // 4)
        self.expand = nn.Sequential(nn.Conv2d(cin, mid, 1, bias=False), SessionNorm(mid), nn.SiLU())
        self.depthwise = nn.Sequential(
            nn.Conv2d(mid, mid, 3, stride=stride, padding=1, groups=mid, bias=False),
            SessionNorm(mid),
            nn.SiLU(),
        )
        self.excite = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Conv2d(mid, squeeze, 1),
            nn.SiLU(),
            nn.Conv2d(squeeze, mid, 1),
            nn.Sigmoid(),
        )
        self.project = nn.Sequential(nn.Conv2d(mid, cout, 1, bias=False), SessionNorm(cout))
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.depthwise(self.expand(x))
        y = self.project(y * self.excite(y))
        return x + y if self.residual else y


class UNetEfficient(nn.Module):
    """The study's architecture in small: a U-Net whose encoder is built from EfficientNet blocks.

    The decoder's one-channel output is read as a heatmap over the *screen*; a soft-argmax
    (the probability-weighted mean of the cell coordinates) turns it into a differentiable
    point. Written here rather than taken from segmentation_models_pytorch or timm because
    both require torchvision, which has no CPU build on our package index.
    """

    def __init__(self, in_channels: int = 1, widths: tuple[int, ...] = (16, 24, 40, 80)) -> None:
        super().__init__()
        self.stem = conv_norm_relu(in_channels, widths[0], stride=2)
        self.encoder = nn.ModuleList(
            MBConv(widths[i], widths[i + 1], stride=2) for i in range(len(widths) - 1)
        )
        self.decoder = nn.ModuleList(
            conv_norm_relu(widths[i + 1] + widths[i], widths[i])
            for i in reversed(range(len(widths) - 1))
        )
        self.to_heatmap = nn.Conv2d(widths[0], 1, 1)

    def forward(self, pixels: torch.Tensor, face: torch.Tensor) -> torch.Tensor:
        return self.forward_with_features(pixels, face)[0]

    def forward_with_features(
        self, pixels: torch.Tensor, face: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The point and the decoder's last layer averaged over the map (N, widths[0])."""
        skips = [self.stem(pixels)]
        for block in self.encoder:
            skips.append(block(skips[-1]))
        x = skips.pop()
        for block in self.decoder:
            skip = skips.pop()
            x = F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=False)
            x = block(torch.cat([x, skip], dim=1))
        return soft_argmax(self.to_heatmap(x)), x.mean(dim=(2, 3))


def soft_argmax(heatmap: torch.Tensor) -> torch.Tensor:
    """(N, 1, H, W) scores -> (N, 2) expected (x, y) of the softmax, cell centres in [0, 1]."""
    n, _, h, w = heatmap.shape
    weights = torch.softmax(heatmap.reshape(n, h * w), dim=1).reshape(n, h, w)
    xs = (torch.arange(w, dtype=heatmap.dtype, device=heatmap.device) + 0.5) / w
    ys = (torch.arange(h, dtype=heatmap.dtype, device=heatmap.device) + 0.5) / h
    return torch.stack([(weights.sum(1) * xs).sum(1), (weights.sum(2) * ys).sum(1)], dim=1)


ARCHITECTURES = {"gazenet": GazeNet, "unet-efficient": UNetEfficient}


def build_network(
    architecture: str, in_channels: int, input_size: tuple[int, int], geometry_size: int = 3
) -> nn.Module:
    if architecture == "gazenet":
        return GazeNet(in_channels=in_channels, input_size=input_size, geometry_size=geometry_size)
    if architecture == "unet-efficient":
        return UNetEfficient(in_channels=in_channels)
    raise ValueError(
        f"unknown architecture {architecture!r}; choose one of {sorted(ARCHITECTURES)}"
    )
