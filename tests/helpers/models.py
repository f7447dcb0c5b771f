"""Tiny real models for the tests: networks trained for a few steps, saved as checkpoints."""

from __future__ import annotations

from pathlib import Path

import torch

from eyetracker.model.checkpoint import create_model, save_checkpoint
from eyetracker.model.info import ModelInfo
from eyetracker.model.networks import build_network
from eyetracker.model.preprocess import Preprocessing


def trained_a_little(architecture: str) -> torch.nn.Module:
    """A network whose running averages differ from any one batch (so modes are distinguishable)."""
    torch.manual_seed(0)
    model = build_network(architecture, 1, (48, 96))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    model.train()
    for step in range(3):
        pixels = torch.rand(8, 1, 48, 96) * (1 + step)
        loss = model(pixels, torch.rand(8, 3)).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval()


def session_set(n: int = 20) -> tuple[torch.Tensor, torch.Tensor]:
    """`n` (pixels, face) inputs of one 48 x 96 session, the same on every call."""
    generator = torch.Generator().manual_seed(1)
    return torch.rand(n, 1, 48, 96, generator=generator) * 0.5 + 0.2, torch.rand(
        n, 3, generator=generator
    )


def save_tiny_model(path: Path, kind: str = "square") -> Path:
    """An untrained GazeNet whose output still depends on the image (random last layer)."""
    torch.manual_seed(0)
    preprocessing = (
        Preprocessing("square", 64, 64) if kind == "square" else Preprocessing("face", 96, 48)
    )
    model = build_network("gazenet", 1, preprocessing.input_size)
    torch.nn.init.normal_(model.head[-1].weight, std=0.05)
    save_checkpoint(path, model.eval(), ModelInfo("gazenet", preprocessing))
    return path


def face_model(path: Path) -> Path:
    """A slightly trained gazenet on the `face` preprocessing (96 x 48)."""
    save_checkpoint(
        path, trained_a_little("gazenet"), ModelInfo("gazenet", Preprocessing("face", 96, 48))
    )
    return path


def square_model(path: Path, size: int = 32) -> Path:
    """An untrained gazenet on a small `square` crop: enough to fine-tune in seconds."""
    info = ModelInfo("gazenet", Preprocessing("square", size, size))
    save_checkpoint(path, create_model(info), info)
    return path
