"""What every front end gives the network: `Prepared`, one frame's input or why it has none.

The front ends themselves (the centred square, the Haar face box, the landmarks) live in
eyetracker.model.preprocess and eyetracker.model.landmarks; `Preprocessing.front_end` picks one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

# Mean brightness (0..1) below which a frame is "too dark": a lit face averages 0.3-0.6; at
# under 0.08 the camera's noise dominates and no face finder works anyway.
MIN_BRIGHTNESS = 0.08


@dataclass(frozen=True)
class Prepared:
    """One frame ready for the network, or the reason it is not usable.

    `reason` is "" for a usable frame, else what a user can act on: "too dark", "no face",
    "eyes closed", "face partly outside the frame". `box` is the face as fractions of the
    frame (x, y, width, height) when one was found, for the preview.
    """

    pixels: np.ndarray  # (C, height, width) float32 in [0, 1]
    geometry: np.ndarray  # (geometry_size,) float32: where the head is (see each kind)
    found: bool
    reason: str = ""
    box: tuple[float, float, float, float] | None = None


class FrontEnd(Protocol):
    """One stream's front end: it may keep state between frames (tracking the face)."""

    def prepare(self, image: np.ndarray, timestamp_s: float | None = None) -> Prepared: ...

    def close(self) -> None: ...


def too_dark(image: np.ndarray) -> bool:
    """Mean brightness under MIN_BRIGHTNESS; every 8th pixel gives the same mean to within noise."""
    return float(image[::8, ::8].mean()) / 255.0 < MIN_BRIGHTNESS
