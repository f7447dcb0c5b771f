"""Per-sitting static layers, cached per process: the room behind the person and sensor noise.

Rendering these once per sitting (not per frame) is what makes the renderer fast.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

import cv2
import numpy as np

from eyetracker.synth.sittings import Sitting

NOISE_MARGIN = 48
_CACHE: OrderedDict[Hashable, object] = OrderedDict()
_CACHE_SIZE = 48  # about 1 MB each; a few sittings of three layers


def cached(key: Hashable, build: Callable[[], object]) -> object:
    """A small per-process LRU cache for per-sitting layers."""
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    value = build()
    _CACHE[key] = value
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return value


def room_image(sitting: Sitting, brightness: float = 1.0) -> np.ndarray:
    """The room behind the person (BGR uint8), lit and exposed like the sitting's face."""
    key = ("room", sitting.key, round(brightness, 2), sitting.camera.width, sitting.camera.height)
    return cached(key, lambda: _build_room(sitting, brightness))  # type: ignore[return-value]


def _build_room(sitting: Sitting, brightness: float) -> np.ndarray:
    rng = np.random.default_rng(sitting.room_key)
    w, h = sitting.camera.width, sitting.camera.height
    light = (sitting.ambient_light * 1.3 + sitting.key_light * 0.5) * sitting.gain * brightness
    wall = np.array(sitting.wall, dtype=np.float32)
    # Vertical gradient plus a horizontal one toward the key light's side of the image.
    ys = np.linspace(1.1, 0.8, h, dtype=np.float32)[:, None]
    side = float(-sitting.key_light_dir[0]) * rng.uniform(0.1, 0.3)  # camera x mirrors world x
    xs = (1 + side * np.linspace(-1, 1, w, dtype=np.float32))[None, :]
    image = (ys * xs)[:, :, None] * wall[None, None, :]
    # Low-frequency texture (plaster, wallpaper, out-of-focus clutter).
    coarse = rng.normal(0, 1, (8, 10, 1)) + rng.normal(0, 0.25, (8, 10, 3))
    coarse = coarse.astype(np.float32)
    image += cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC) * rng.uniform(3, 14)
    # Furniture, shelves, doors, pictures, windows: rectangles in other colours.
    for _ in range(int(rng.integers(3, 9))):
        x0, y0 = rng.uniform(-0.2, 1.0) * w, rng.uniform(-0.2, 0.9) * h
        x1, y1 = x0 + rng.uniform(0.05, 0.5) * w, y0 + rng.uniform(0.05, 0.7) * h
        kind = rng.random()
        if kind < 0.15:
            colour = np.full(3, rng.uniform(230, 300))  # a window: brighter than the wall
        elif kind < 0.6:
            colour = wall * rng.uniform(0.4, 0.9)
        else:
            colour = rng.uniform(20, 220, 3)
        cv2.rectangle(image, (int(x0), int(y0)), (int(x1), int(y1)), colour.tolist(), -1)
        if rng.random() < 0.5:  # shelves and frames: a few darker lines
            for k in range(int(rng.integers(1, 4))):
                y = int(y0 + (y1 - y0) * (k + 1) / 4)
                cv2.line(image, (int(x0), y), (int(x1), y), (colour * 0.5).tolist(), 2)
    if rng.random() < 0.7:  # the back of the chair behind the shoulders
        cx = w / 2 + rng.normal(0, w * 0.05)
        colour = rng.uniform(15, 120, 3)
        cv2.rectangle(
            image, (int(cx - w * 0.2), int(h * 0.55)), (int(cx + w * 0.2), h), colour.tolist(), -1
        )
    image *= light[None, None, :].astype(np.float32)
    image = cv2.GaussianBlur(image, (0, 0), rng.uniform(1.5, 3.5))
    # Vignetting: corners darker.
    yy, xx = np.mgrid[-1 : 1 : h * 1j, -1 : 1 : w * 1j].astype(np.float32)
    image *= (1 - rng.uniform(0.1, 0.3) * (xx**2 + yy**2) / 2)[:, :, None]
    return np.clip(image, 0, 255).astype(np.uint8)


def noise_tiles(sitting: Sitting, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Positive and negative parts of a sensor-noise field a bit larger than the frame.

    Each frame adds a random crop of it: two saturating uint8 operations instead of drawing
    a fresh normal sample for every pixel.
    """
    key = ("noise", sitting.key, round(scale, 2), sitting.camera.width, sitting.camera.height)
    return cached(key, lambda: _build_noise(sitting, scale))  # type: ignore[return-value]


def _build_noise(sitting: Sitting, scale: float) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(sitting.room_key + 1)
    h, w = sitting.camera.height + NOISE_MARGIN, sitting.camera.width + NOISE_MARGIN
    noise = rng.standard_normal((h, w, 3), dtype=np.float32)
    # Demosaicing correlates neighbouring pixels; luma noise is shared by the channels.
    noise = cv2.GaussianBlur(noise, (0, 0), 0.6) * 1.6
    noise = 0.6 * noise + 0.4 * noise.mean(axis=2, keepdims=True)
    noise *= sitting.noise_sigma * scale
    positive = np.clip(noise, 0, 255).astype(np.uint8)
    negative = np.clip(-noise, 0, 255).astype(np.uint8)
    return positive, negative
