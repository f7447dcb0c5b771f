"""The `face` front end: OpenCV's Haar face detector finds the face; the band of the face box
that holds both eyes is cut out at close to camera resolution. The face box itself (centre and
width as fractions of the frame) goes to the network alongside, because the same eye rotation
means a different screen point when the head sits elsewhere.

`FaceDetector` searches the whole (downscaled) frame; `FaceTracker`, for video, searches
around the last face first. A detector holds an OpenCV cascade, which is not safe to share
between threads: every stream makes its own (through `Preprocessing.front_end`).
"""

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

DETECTION_WIDTH = 320  # faces are found on a downscaled copy: ~4x cheaper, same boxes
Box = tuple[int, int, int, int]  # x, y, width, height in full-frame pixels

# The eye band inside a Haar face box, as fractions of the box: Haar boxes run from the
# brows to the chin, so both eyes sit between 20% and 55% of the height.
EYE_BAND_TOP, EYE_BAND_BOTTOM = 0.18, 0.56
EYE_BAND_LEFT, EYE_BAND_RIGHT = 0.06, 0.94


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


@register_front_end("face")
class HaarFrontEnd:
    """The Haar face box's eye band, with the box (centre x, y and width) as the geometry."""

    geometry_size = 3
    default_size = (96, 48)
    summary = "the eyes' band of the Haar face box plus the box"

    @classmethod
    def check_size(cls, width: int, height: int) -> None:
        pass

    def __init__(self, *, width: int, height: int, video: bool = True) -> None:
        self.width, self.height = width, height
        self.detector = FaceTracker() if video else FaceDetector()

    def prepare(self, image: np.ndarray, timestamp_s: float | None = None) -> Prepared:
        if too_dark(image):
            return unusable(self.width, self.height, self.geometry_size, "too dark")
        gray = gray_of(image)
        box = self.detector.find(gray)
        if box is None:
            return unusable(self.width, self.height, self.geometry_size, "no face")
        return self._eye_band(gray, box)

    def _eye_band(self, gray: np.ndarray, box: Box) -> Prepared:
        x, y, w, h = box
        frame_h, frame_w = gray.shape
        width, height = self.width, self.height
        # Map the output pixel grid onto the band with one affine warp: crop and resize in a
        # single interpolation, and parts of the band outside the frame read as black.
        x0, x1 = x + EYE_BAND_LEFT * w, x + EYE_BAND_RIGHT * w
        y0, y1 = y + EYE_BAND_TOP * h, y + EYE_BAND_BOTTOM * h
        sx, sy = (x1 - x0) / width, (y1 - y0) / height
        to_source = np.array(
            [[sx, 0, x0 + 0.5 * sx - 0.5], [0, sy, y0 + 0.5 * sy - 0.5]], np.float32
        )
        band = cv2.warpAffine(
            gray,
            to_source,
            (width, height),
            flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
        )
        geometry = np.array([(x + w / 2) / frame_w, (y + h / 2) / frame_h, w / frame_w], np.float32)
        fractions = (x / frame_w, y / frame_h, w / frame_w, h / frame_h)
        return Prepared(unit_pixels(band), geometry, True, box=fractions)

    def close(self) -> None:
        pass
