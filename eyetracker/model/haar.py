"""OpenCV's Haar face detector: the `face` front end's way of finding the head.

`FaceDetector` searches the whole (downscaled) frame; `FaceTracker`, for video, searches
around the last face first. A detector holds an OpenCV cascade, which is not safe to share
between threads: every stream makes its own (through `Preprocessing.front_end`).
"""

from __future__ import annotations

import cv2
import numpy as np

DETECTION_WIDTH = 320  # faces are found on a downscaled copy: ~4x cheaper, same boxes
Box = tuple[int, int, int, int]  # x, y, width, height in full-frame pixels


class FaceDetector:
    """OpenCV's frontal-face Haar cascade (shipped in the OpenCV wheels), run on a small copy.

    Returns the largest face as (x, y, w, h) in full-frame pixels, or None.
    """

    def __init__(self, min_neighbors: int = 4) -> None:
        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
        self._cascade = cv2.CascadeClassifier(path)
        if self._cascade.empty():
            raise RuntimeError(f"OpenCV's face detector could not be loaded from {path}")
        self.min_neighbors = min_neighbors

    def find(self, gray: np.ndarray) -> Box | None:
        small, scale = _downscaled(gray)
        return self._largest(small, scale, (0, 0), (30, 30), (0, 0))

    def _largest(self, image, scale, offset, min_size, max_size) -> Box | None:
        faces = self._cascade.detectMultiScale(
            image,
            scaleFactor=1.1,
            minNeighbors=self.min_neighbors,
            minSize=min_size,
            maxSize=max_size,
        )
        if len(faces) == 0:
            return None
        x, y, w, h = max(faces, key=lambda f: f[2] * f[3])
        x, y = x + offset[0], y + offset[1]
        return (round(x / scale), round(y / scale), round(w / scale), round(h / scale))


class FaceTracker(FaceDetector):
    """A detector for video: it searches around the last face first, at nearby sizes only.

    The search runs on the same downscaled image with the same cascade settings, so it finds
    the boxes a full-frame search would, at a fraction of the cost (a region twice the face's
    size, scales 0.75x-1.35x); when the face is not there it falls back to the whole frame.
    """

    def __init__(self, min_neighbors: int = 4) -> None:
        super().__init__(min_neighbors)
        self.last: Box | None = None

    def find(self, gray: np.ndarray) -> Box | None:
        box = self._find_near(gray, self.last) if self.last is not None else None
        self.last = box if box is not None else super().find(gray)
        return self.last

    def _find_near(self, gray: np.ndarray, last: Box) -> Box | None:
        small, scale = _downscaled(gray)
        x, y, w, h = (round(v * scale) for v in last)
        x0, y0 = max(0, x - w // 2), max(0, y - h // 2)
        x1, y1 = min(small.shape[1], x + w + w // 2), min(small.shape[0], y + h + h // 2)
        low, high = max(30, int(w * 0.75)), int(w * 1.35) + 1
        return self._largest(small[y0:y1, x0:x1], scale, (x0, y0), (low, low), (high, high))


def _downscaled(gray: np.ndarray) -> tuple[np.ndarray, float]:
    scale = DETECTION_WIDTH / gray.shape[1]
    if scale >= 1:
        return gray, 1.0
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), scale
