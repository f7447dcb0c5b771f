"""Drawing in a webcam frame: OpenCV primitives with anti-aliasing at 1/16 pixel
(`shift=4`), so that features move by fractions of a pixel as they do in a real camera, and
the sitting's lights as the camera sees them."""

from __future__ import annotations

import cv2
import numpy as np

from eyetracker.synth.sittings import Sitting

SHIFT = 4
ONE = 1 << SHIFT


def fixed(points: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(points) * ONE).astype(np.int32)


def fill_ellipse(image: np.ndarray, centre, axes, angle: float, colour, offset=(0.0, 0.0)) -> None:
    c = fixed((centre[0] - offset[0], centre[1] - offset[1]))
    a = np.maximum(fixed(axes), 1)
    cv2.ellipse(image, (int(c[0]), int(c[1])), (int(a[0]), int(a[1])), float(angle), 0, 360,
                colour, -1, cv2.LINE_AA, SHIFT)  # fmt: skip


def colour_of(values: np.ndarray) -> tuple[float, float, float]:
    b, g, r = np.clip(values, 0, 255).tolist()
    return (b, g, r)


class Light:
    """The sitting's lights at a brightness `scale` (1 = as sampled) and the camera's response."""

    def __init__(self, sitting: Sitting, position: np.ndarray, scale: float) -> None:
        self.sitting = sitting
        self.scale = scale
        self.to_screen = sitting.screen.centre - position
        self.to_screen /= np.linalg.norm(self.to_screen)
        level = float(sitting.key_light.mean() * 0.6 * scale + sitting.ambient_light.mean() * scale
                      + sitting.screen_light)  # fmt: skip
        # Auto exposure compensates most of a change in light, and amplifies noise with it.
        self.gain = float(min(sitting.gain * (sitting.scene_level / level) ** 0.8, 4.0))

    def shade(self, normals: np.ndarray) -> np.ndarray:
        """Per-channel light reaching surfaces with the given world normals, times camera gain."""
        s = self.sitting
        # "Wrapped" Lambert: skin scatters light a little past the terminator.
        key = (
            np.maximum((normals @ s.key_light_dir + 0.4) / 1.4, 0.0)[:, None] * s.key_light[None, :]
        )
        screen = np.maximum(normals @ self.to_screen, 0.0)[:, None] * s.screen_light
        return (s.ambient_light[None, :] * self.scale + key * self.scale + screen) * self.gain
