"""What every front end gives the network, `Prepared`, and the registry of front ends.

A front end turns one stream's camera frames into the network's input. It is a class,
registered under its kind name, that a checkpoint's `Preprocessing` builds for each stream:

    @register_front_end("mine")
    class MyFrontEnd:
        geometry_size = 3  # length of Prepared.geometry
        default_size = (96, 48)  # (width, height) of the network's input when none is asked
        summary = "what it gives the network, in a few words"  # for `train --help`

        @classmethod
        def check_size(cls, width: int, height: int) -> None: ...  # ValueError if unusable

        def __init__(self, *, width: int, height: int, video: bool) -> None: ...
        def prepare(self, image, timestamp_s=None) -> Prepared: ...
        def close(self) -> None: ...

The house's own are `square` (eyetracker.model.square), `face` (eyetracker.model.haar) and
`landmarks` (eyetracker.model.landmarks); eyetracker.model.preprocess imports them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cv2
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

    geometry_size: int
    default_size: tuple[int, int]
    summary: str

    def prepare(self, image: np.ndarray, timestamp_s: float | None = None) -> Prepared: ...

    def close(self) -> None: ...


FRONT_ENDS: dict[str, type] = {}  # kind name -> front end class


def register_front_end(kind: str):
    """Class decorator: make the class the front end of `kind` (see the module's docstring)."""

    def register(cls: type) -> type:
        FRONT_ENDS[kind] = cls
        return cls

    return register


def front_end_class(kind: str) -> type:
    """The class registered for `kind`; a ValueError naming the known kinds otherwise."""
    if kind not in FRONT_ENDS:
        raise ValueError(f"unknown preprocessing {kind!r}; choose one of {tuple(FRONT_ENDS)}")
    return FRONT_ENDS[kind]


def too_dark(image: np.ndarray) -> bool:
    """Mean brightness under MIN_BRIGHTNESS; every 8th pixel gives the same mean to within noise."""
    return float(image[::8, ::8].mean()) / 255.0 < MIN_BRIGHTNESS


def gray_of(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def unit_pixels(gray: np.ndarray) -> np.ndarray:
    """(1, height, width) float32 in [0, 1] of an 8-bit gray image."""
    return (gray.astype(np.float32) * (1.0 / 255.0))[None]


def unusable(width: int, height: int, geometry_size: int, reason: str, box=None) -> Prepared:
    """The empty input of a frame that gives no gaze, with why."""
    return Prepared(
        np.zeros((1, height, width), np.float32),
        np.zeros(geometry_size, np.float32),
        False,
        reason,
        box=box,
    )
