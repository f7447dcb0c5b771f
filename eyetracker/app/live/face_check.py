"""The preview's face box and verdict, from the camera's own check or the tracker's sample.

While tracking, the tracker's sample says where the face is (its front end found it for the
gaze point): the camera runs no check of its own. With the camera on and tracking off, the
camera worker checks a frame a few times a second with the front end of the model's own
preprocessing (the last model loaded; the bundled model's kind before any).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eyetracker.core.types import Frame, GazeSample
from eyetracker.model.front_end import FrontEnd
from eyetracker.model.preprocess import Preprocessing

FACE_CHECK_SECONDS = 0.25


@dataclass(frozen=True)
class FaceCheck:
    """What the preview draws: the face box as fractions of the frame, or why there is none."""

    box: tuple[float, float, float, float] | None  # x, y, w, h
    reason: str = ""  # "" when a usable face was found, else the front end's reason
    timestamp: float = 0.0

    @classmethod
    def of_sample(cls, sample: GazeSample) -> FaceCheck:
        """The tracker's own verdict on its frame."""
        return cls(sample.face_box, sample.reason, sample.capture_time)


@dataclass
class FaceCheckSetting:
    """How the camera worker checks faces; the controller (GUI thread) changes it as tracking
    starts and stops and as a model is loaded, the camera thread reads it on each check."""

    preprocessing: Preprocessing = field(default_factory=Preprocessing)
    enabled: bool = True  # off while tracking: the tracker's samples carry the face box


class FaceChecker:
    """The camera thread's check: a front end of the setting's preprocessing, made when the
    first check is due and made again when the preprocessing changes."""

    def __init__(self, setting: FaceCheckSetting) -> None:
        self.setting = setting
        self._front_end: FrontEnd | None = None
        self._preprocessing: Preprocessing | None = None
        self._last = float("-inf")

    def due(self, frame: Frame) -> bool:
        return self.setting.enabled and frame.timestamp - self._last >= FACE_CHECK_SECONDS

    def check(self, frame: Frame) -> FaceCheck:
        self._last = frame.timestamp
        wanted = self.setting.preprocessing
        if self._front_end is None or wanted != self._preprocessing:
            self.close()
            self._front_end, self._preprocessing = wanted.front_end(video=True), wanted
        prepared = self._front_end.prepare(frame.image, frame.timestamp)
        return FaceCheck(prepared.box, prepared.reason, frame.timestamp)

    def close(self) -> None:
        if self._front_end is not None:
            self._front_end.close()
            self._front_end = None
