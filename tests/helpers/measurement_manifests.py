"""Small real measurements for the format tests: tiny images, manifests written by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np

TINY = np.full((4, 6, 3), 127, np.uint8)


def png_bytes(image: np.ndarray = TINY) -> bytes:
    """`image` encoded as a PNG file's bytes."""
    ok, encoded = cv2.imencode(".png", image)
    assert ok
    return encoded.tobytes()


def manifest(samples: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    """A format-1 measurement.json for `samples`; `top` adds or replaces top-level keys."""
    return {
        "format": 1,
        "person": "p01",
        "measurement": "m1",
        "screen": {"width_px": 1920, "height_px": 1080},
        "samples": samples,
        **top,
    }


def write_measurement(folder: Path, count: int = 3, **top: Any) -> dict[str, Any]:
    """A valid measurement of `count` tiny PNG samples, written without the package's writer."""
    folder.mkdir(parents=True, exist_ok=True)
    samples = []
    for index in range(count):
        name = f"{index:04d}.png"
        (folder / name).write_bytes(png_bytes())
        samples.append({"image": name, "x": index / max(count, 1), "y": 0.5})
    data = manifest(samples, **top)
    (folder / "measurement.json").write_text(json.dumps(data), encoding="utf-8")
    return data
