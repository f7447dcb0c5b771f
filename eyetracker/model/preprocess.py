"""Turning a camera frame into the network's input: the front end of the one frame path.

A model's checkpoint stores its `Preprocessing`, so it always runs with the front end it was
trained with. Each stream of frames (a live camera, a video, a dataset) asks it for its own
front end, `preprocessing.front_end(video=...)`, and sends every frame through
`front_end.prepare(image)`: the usable-frame check, face finding and the crop all live there,
so training, evaluation, calibration, validation and tracking see the same inputs.

Kinds:

- ``square``: the study's choice. The largest centred square of the frame (the sides cut
  off), resized to ``width`` x ``width``.
- ``face``: OpenCV's Haar face detector finds the face; the band of the face box that holds
  both eyes is cut out at close to camera resolution. The face box itself (centre and width
  as fractions of the frame) goes to the network alongside, because the same eye rotation
  means a different screen point when the head sits elsewhere.
- ``landmarks``: MediaPipe's face landmarker; each eye warped to a canonical patch by its
  landmarks, with head pose, distance, iris offsets and eye openness beside the pixels
  (eyetracker.model.landmarks).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import cv2
import numpy as np

from eyetracker.model.front_end import FrontEnd, Prepared, too_dark
from eyetracker.model.haar import Box, FaceDetector, FaceTracker
from eyetracker.model.landmarks import GEOMETRY_SIZE, LandmarkFrontEnd
from eyetracker.model.native_log import quiet_native_stderr

KINDS = ("square", "face", "landmarks")

# The eye band inside a Haar face box, as fractions of the box: Haar boxes run from the
# brows to the chin, so both eyes sit between 20% and 55% of the height.
EYE_BAND_TOP, EYE_BAND_BOTTOM = 0.18, 0.56
EYE_BAND_LEFT, EYE_BAND_RIGHT = 0.06, 0.94

# The geometry vector of the `square` and `face` kinds: face box centre x, y and width.
BOX_GEOMETRY_SIZE = 3
_CENTRE_FACE = np.array([0.5, 0.5, 0.25], np.float32)


@dataclass(frozen=True)
class Preprocessing:
    kind: str = "landmarks"
    width: int = 120
    height: int = 36

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown preprocessing {self.kind!r}; choose one of {KINDS}")
        if self.kind == "square" and self.width != self.height:
            raise ValueError("square preprocessing needs width == height")

    @property
    def input_size(self) -> tuple[int, int]:
        return (self.height, self.width)

    @property
    def channels(self) -> int:
        return 1

    @property
    def geometry_size(self) -> int:
        if self.kind == "landmarks":
            return GEOMETRY_SIZE
        return BOX_GEOMETRY_SIZE

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Preprocessing:
        return cls(kind=str(data["kind"]), width=int(data["width"]), height=int(data["height"]))

    def front_end(self, video: bool = True) -> FrontEnd:
        """A new front end for one stream: `video` frames are continuous (track the face),
        otherwise every image stands alone (a dataset)."""
        if self.kind == "square":
            return SquareFrontEnd(self)
        if self.kind == "face":
            return HaarFrontEnd(self, FaceTracker() if video else FaceDetector())
        with quiet_native_stderr():  # MediaPipe's start-up lines (see native_log)
            return LandmarkFrontEnd(video=video, width=self.width, height=self.height)

    def invalid(self, reason: str) -> Prepared:
        """The empty input of a frame that gives no gaze, with why."""
        return Prepared(
            np.zeros((self.channels, self.height, self.width), np.float32),
            np.zeros(self.geometry_size, np.float32),
            False,
            reason,
        )


def gray_of(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


class SquareFrontEnd:
    """The study's preprocessing: no face finding, the centred square of the frame."""

    def __init__(self, preprocessing: Preprocessing) -> None:
        self.preprocessing = preprocessing

    def prepare(self, image: np.ndarray, timestamp_s: float | None = None) -> Prepared:
        if too_dark(image):
            return self.preprocessing.invalid("too dark")
        gray = gray_of(image)
        h, w = gray.shape
        side = min(h, w)
        top, left = (h - side) // 2, (w - side) // 2
        crop = gray[top : top + side, left : left + side]
        size = (self.preprocessing.width, self.preprocessing.height)
        resized = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
        return Prepared(_to_unit(resized), _CENTRE_FACE, True)

    def close(self) -> None:
        pass


class HaarFrontEnd:
    """The Haar face box's eye band, with the box as the geometry."""

    def __init__(self, preprocessing: Preprocessing, detector: FaceDetector) -> None:
        self.preprocessing = preprocessing
        self.detector = detector

    def prepare(self, image: np.ndarray, timestamp_s: float | None = None) -> Prepared:
        if too_dark(image):
            return self.preprocessing.invalid("too dark")
        gray = gray_of(image)
        box = self.detector.find(gray)
        if box is None:
            return self.preprocessing.invalid("no face")
        return self._eye_band(gray, box)

    def _eye_band(self, gray: np.ndarray, box: Box) -> Prepared:
        x, y, w, h = box
        frame_h, frame_w = gray.shape
        width, height = self.preprocessing.width, self.preprocessing.height
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
        return Prepared(_to_unit(band), geometry, True, box=fractions)

    def close(self) -> None:
        pass


def _to_unit(gray: np.ndarray) -> np.ndarray:
    return (gray.astype(np.float32) * (1.0 / 255.0))[None]
