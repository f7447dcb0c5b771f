"""Tiny real models for screen tests, as tests/runtime/test_backends.py builds them."""

from __future__ import annotations

from pathlib import Path

from eyetracker.model.checkpoint import create_model, save_checkpoint
from eyetracker.model.info import ModelInfo
from eyetracker.model.preprocess import Preprocessing


def face_model(path: Path) -> Path:
    """A slightly trained gazenet on the `face` preprocessing (96 x 48)."""
    from tests.model.test_statistics import trained_a_little

    save_checkpoint(
        path, trained_a_little("gazenet"), ModelInfo("gazenet", Preprocessing("face", 96, 48))
    )
    return path


def square_model(path: Path, size: int = 32) -> Path:
    """An untrained gazenet on a small `square` crop: enough to fine-tune in seconds."""
    info = ModelInfo("gazenet", Preprocessing("square", size, size))
    save_checkpoint(path, create_model(info), info)
    return path
