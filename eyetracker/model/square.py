"""The `square` front end, the study's choice: no face finding, the largest centred square of
the frame (the sides cut off), resized to width x width."""

from __future__ import annotations

import cv2
import numpy as np

from eyetracker.model.front_end import (
    Prepared,
    gray_of,
    register_front_end,
    too_dark,
    unit_pixels,
    unusable,
)

# The geometry of a frame without face finding: a face box at the centre, a quarter wide
# (centre x, y and width as fractions of the frame, as the `face` front end's box).
CENTRE_FACE = np.array([0.5, 0.5, 0.25], np.float32)


@register_front_end("square")
class SquareFrontEnd:
    """The centred square of every frame, with the centre box as the geometry."""

    geometry_size = len(CENTRE_FACE)
    default_size = (128, 128)
    summary = "the largest centred square of the frame"

    @classmethod
    def check_size(cls, width: int, height: int) -> None:
        if width != height:
            raise ValueError("square preprocessing needs width == height")

    def __init__(self, *, width: int, height: int, video: bool = True) -> None:
        self.width, self.height = width, height

    def prepare(self, image: np.ndarray, timestamp_s: float | None = None) -> Prepared:
        if too_dark(image):
            return unusable(self.width, self.height, self.geometry_size, "too dark")
        gray = gray_of(image)
        h, w = gray.shape
        side = min(h, w)
        top, left = (h - side) // 2, (w - side) // 2
        crop = gray[top : top + side, left : left + side]
        resized = cv2.resize(crop, (self.width, self.height), interpolation=cv2.INTER_AREA)
        return Prepared(unit_pixels(resized), CENTRE_FACE, True)

    def close(self) -> None:
        pass
