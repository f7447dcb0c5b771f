"""Turning a camera frame into the network's input. Stored in every checkpoint, so a model
always runs with the preprocessing it was trained with.

- ``square``: the study's choice. The largest centred square of the frame (the sides cut
  off), resized to ``width`` x ``width``.
- ``face``: OpenCV's Haar face detector finds the face; the band of the face box that holds
  both eyes is cut out at close to camera resolution. The face box itself (centre and width
  as fractions of the frame) goes to the network alongside, because the same eye rotation
  means a different screen point when the head sits elsewhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import cv2
import numpy as np

KINDS = ("square", "face")

# The eye band inside a Haar face box, as fractions of the box: Haar boxes run from the
# brows to the chin, so both eyes sit between 20% and 55% of the height.
EYE_BAND_TOP, EYE_BAND_BOTTOM = 0.18, 0.56
EYE_BAND_LEFT, EYE_BAND_RIGHT = 0.06, 0.94
DETECTION_WIDTH = 320  # faces are found on a downscaled copy: ~4x cheaper, same boxes


@dataclass(frozen=True)
class Prepared:
    """One frame ready for the network; `found` is False when no face was detected."""

    pixels: np.ndarray  # (1, height, width) float32 in [0, 1]
    face: np.ndarray  # (3,) float32: box centre x, centre y, width; fractions of the frame
    found: bool


@dataclass(frozen=True)
class Preprocessing:
    kind: str = "face"
    width: int = 96
    height: int = 48

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown preprocessing {self.kind!r}; choose one of {KINDS}")
        if self.kind == "square" and self.width != self.height:
            raise ValueError("square preprocessing needs width == height")

    @property
    def input_size(self) -> tuple[int, int]:
        return (self.height, self.width)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Preprocessing:
        return cls(kind=str(data["kind"]), width=int(data["width"]), height=int(data["height"]))

    def __call__(self, image: np.ndarray, detector: FaceDetector | None = None) -> Prepared:
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        if self.kind == "square":
            return self._square(gray)
        box = (detector or default_detector()).find(gray)
        if box is None:
            return Prepared(np.zeros((1, self.height, self.width), np.float32), _CENTRE_FACE, False)
        return self._eye_band(gray, box)

    def _square(self, gray: np.ndarray) -> Prepared:
        h, w = gray.shape
        side = min(h, w)
        top, left = (h - side) // 2, (w - side) // 2
        crop = gray[top : top + side, left : left + side]
        resized = cv2.resize(crop, (self.width, self.height), interpolation=cv2.INTER_AREA)
        return Prepared(_to_unit(resized), _CENTRE_FACE, True)

    def _eye_band(self, gray: np.ndarray, box: tuple[int, int, int, int]) -> Prepared:
        x, y, w, h = box
        frame_h, frame_w = gray.shape
        # Map the output pixel grid onto the band with one affine warp: crop and resize in a
        # single interpolation, and parts of the band outside the frame read as black.
        x0, x1 = x + EYE_BAND_LEFT * w, x + EYE_BAND_RIGHT * w
        y0, y1 = y + EYE_BAND_TOP * h, y + EYE_BAND_BOTTOM * h
        sx, sy = (x1 - x0) / self.width, (y1 - y0) / self.height
        to_source = np.array(
            [[sx, 0, x0 + 0.5 * sx - 0.5], [0, sy, y0 + 0.5 * sy - 0.5]], np.float32
        )
        band = cv2.warpAffine(
            gray,
            to_source,
            (self.width, self.height),
            flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
        )
        face = np.array([(x + w / 2) / frame_w, (y + h / 2) / frame_h, w / frame_w], np.float32)
        return Prepared(_to_unit(band), face, True)


_CENTRE_FACE = np.array([0.5, 0.5, 0.25], np.float32)


def _to_unit(gray: np.ndarray) -> np.ndarray:
    return (gray.astype(np.float32) * (1.0 / 255.0))[None]


class FaceDetector:
    """OpenCV's frontal-face Haar cascade (shipped in opencv-python 4.x), run on a small copy.

    Returns the largest face as (x, y, w, h) in full-frame pixels, or None.
    """

    def __init__(self, min_neighbors: int = 4) -> None:
        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
        self._cascade = cv2.CascadeClassifier(path)
        if self._cascade.empty():
            raise RuntimeError(f"OpenCV's face detector could not be loaded from {path}")
        self.min_neighbors = min_neighbors

    def find(self, gray: np.ndarray) -> tuple[int, int, int, int] | None:
        small, scale = _downscaled(gray)
        return self._largest(small, scale, (0, 0), (30, 30), (0, 0))

    def _largest(self, image, scale, offset, min_size, max_size):
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
        self.last: tuple[int, int, int, int] | None = None

    def find(self, gray: np.ndarray) -> tuple[int, int, int, int] | None:
        box = self._find_near(gray, self.last) if self.last is not None else None
        self.last = box if box is not None else super().find(gray)
        return self.last

    def _find_near(self, gray, last):
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


_DETECTOR: FaceDetector | None = None


def default_detector() -> FaceDetector:
    """One shared detector per process (loading the cascade takes ~20 ms)."""
    global _DETECTOR
    if _DETECTOR is None:
        _DETECTOR = FaceDetector()
    return _DETECTOR
