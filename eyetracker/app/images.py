"""numpy BGR frames to Qt images."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def to_qimage(image: np.ndarray) -> QImage:
    """A QImage that owns a copy of the BGR (H x W x 3, uint8) `image`."""
    image = np.ascontiguousarray(image)
    height, width = image.shape[:2]
    if image.ndim == 2:
        return QImage(image.data, width, height, width, QImage.Format.Format_Grayscale8).copy()
    # Format_BGR888 reads OpenCV's byte order directly: no channel swap in numpy.
    return QImage(image.data, width, height, 3 * width, QImage.Format.Format_BGR888).copy()
