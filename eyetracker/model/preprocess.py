"""Turning a camera frame into the network's input: the front end of the one frame path.

A model's checkpoint stores its `Preprocessing`, so it always runs with the front end it was
trained with. Each stream of frames (a live camera, a video, a dataset) asks it for its own
front end, `preprocessing.front_end(video=...)`, and sends every frame through
`front_end.prepare(image)`: the usable-frame check, face finding and the crop all live there,
so training, evaluation, calibration, validation and tracking see the same inputs.

`kind` names a front end in the registry (eyetracker.model.front_end):

- ``square``: the study's choice, the centred square of the frame (eyetracker.model.square);
- ``face``: the eyes' band of OpenCV's Haar face box, and the box (eyetracker.model.haar);
- ``landmarks``: MediaPipe's face landmarker; each eye warped to a canonical patch by its
  landmarks, with head pose, distance, iris offsets and eye openness beside the pixels
  (eyetracker.model.landmarks).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

# The house's front ends, imported for their registration.
from eyetracker.model import haar, landmarks, square  # noqa: F401
from eyetracker.model.front_end import FrontEnd, Prepared, front_end_class, unusable


@dataclass(frozen=True)
class Preprocessing:
    kind: str = "landmarks"
    width: int = 120
    height: int = 36

    def __post_init__(self) -> None:
        front_end_class(self.kind).check_size(self.width, self.height)

    @property
    def input_size(self) -> tuple[int, int]:
        return (self.height, self.width)

    @property
    def channels(self) -> int:
        return 1

    @property
    def geometry_size(self) -> int:
        return front_end_class(self.kind).geometry_size

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Preprocessing:
        return cls(kind=str(data["kind"]), width=int(data["width"]), height=int(data["height"]))

    def front_end(self, video: bool = True) -> FrontEnd:
        """A new front end for one stream: `video` frames are continuous (track the face),
        otherwise every image stands alone (a dataset)."""
        return front_end_class(self.kind)(width=self.width, height=self.height, video=video)

    def invalid(self, reason: str) -> Prepared:
        """The empty input of a frame that gives no gaze, with why."""
        return unusable(self.width, self.height, self.geometry_size, reason)
