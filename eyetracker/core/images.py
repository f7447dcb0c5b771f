"""The one way an image file becomes a frame: decoded to BGR uint8, as the camera delivers.

Training, evaluation, image-folder replay and the dataset viewer all read through
`read_image`, so a model sees at run time exactly the pixels it was trained on.
"""

from __future__ import annotations

import os

import cv2
import numpy as np


def decode_image(data: bytes | np.ndarray) -> np.ndarray | None:
    """Encoded bytes (PNG, JPEG, ...) -> H x W x 3 BGR uint8, or None when they are not an image."""
    buffer = np.frombuffer(data, np.uint8) if isinstance(data, bytes) else data
    if buffer.size == 0:
        return None
    try:
        return cv2.imdecode(buffer, cv2.IMREAD_COLOR)
    except cv2.error:
        return None


def read_image(path: str | os.PathLike[str]) -> np.ndarray | None:
    """The image at `path` as BGR uint8, or None when it is missing, unreadable or not an image.

    np.fromfile + imdecode rather than imread: it also handles non-ASCII paths on Windows.
    """
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError:
        return None
    return decode_image(data)
