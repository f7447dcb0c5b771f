"""Measurement mode without Qt: where the next dot goes, and what to save when Space is pressed.

The screen (eyetracker/app/screens/measurement.py) shows `collector.dot` and hands each captured frame
to `collector.capture(frame)`. A frame in which no face is found is **not saved**: the person is
warned and the same dot stays up, so a measurement holds only usable images (the study threw
such frames away too). `capture(frame, force=True)` saves it anyway, marked `"face": false`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np

from eyetracker.core.measurement import MeasurementWriter, Sample, Screen
from eyetracker.core.types import Frame
from eyetracker.model.preprocess import Preprocessing

# Colours and sizes vary between dots, as in the study: people should look at the dot, not
# get used to one stimulus. Radii are in logical screen pixels.
COLOURS = ("#ff3b30", "#34c759", "#0a84ff", "#ffcc00", "#af52de", "#ff9500", "#ffffff")
RADII = (6, 8, 10, 12, 16)


@dataclass(frozen=True)
class Dot:
    """A dot at normalized (x, y) (origin top-left), drawn `radius_px` wide in `colour`."""

    x: float
    y: float
    colour: str
    radius_px: int


def random_dot(rng: np.random.Generator, width_px: float, height_px: float) -> Dot:
    """A dot anywhere on the screen, kept whole: its centre stays one radius from each edge."""
    radius = int(rng.choice(RADII))
    mx, my = radius / width_px, radius / height_px
    x, y = rng.uniform(mx, 1 - mx), rng.uniform(my, 1 - my)
    return Dot(round(float(x), 5), round(float(y), 5), str(rng.choice(COLOURS)), radius)


def face_detector_check(preprocessing: Preprocessing | None = None) -> Callable[[np.ndarray], bool]:
    """True when the front end of `preprocessing` (the default model's kind when None) finds a
    usable face in a BGR image: the same check the tracker makes before predicting."""
    front_end = (preprocessing or Preprocessing()).front_end(video=False)

    def has_face(image: np.ndarray) -> bool:
        return front_end.prepare(image).found

    return has_face


class Outcome(Enum):
    SAVED = "saved"
    NO_FACE = "no face"  # not saved; the same dot stays
    DONE = "done"  # saved, and that was the last one


CHECK_LETTERS = "ACDEFHKLNPRSTUXZ"  # distinct at a glance; no I/O/Q/B, which look alike
CHECK_EVERY = 10  # the attention check's letter at a random one in ten dots


class MeasurementCollector:
    """The sequence of `count` random dots and the writer they are saved with.

    The writer is created at the first capture, so a measurement abandoned before any sample
    leaves no empty folder behind, and the camera's frame size is known by then.
    `MeasurementError` from the writer passes through; everything saved before stays saved.
    """

    def __init__(
        self,
        dataset: str | Path,
        person: str,
        screen: Screen,
        *,
        count: int = 100,
        notes: str = "",
        camera: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        has_face: Callable[[np.ndarray], bool] | None = None,
        seed: int | None = None,
        writer_factory: Callable[..., MeasurementWriter] = MeasurementWriter,
        check_every: int = CHECK_EVERY,
    ) -> None:
        self.dataset, self.person, self.screen = Path(dataset), person, screen
        self.count = count
        self.camera = camera
        self.extra = {**(extra or {}), **({"notes": notes} if notes else {})}
        self.has_face = has_face if has_face is not None else face_detector_check()
        self._rng = np.random.default_rng(seed)
        self._writer_factory = writer_factory
        self.writer: MeasurementWriter | None = None
        self.dots: list[Dot] = []  # the dot of each saved sample, in order
        self.dot = self._next_dot()
        # The attention check (as GazeCapture's): at about one dot in `check_every`, at random
        # (0: never), a letter inside the dot that the person types instead of Space; a wrong
        # key marks that sample and its neighbours not attended (core/attention.py). Its own
        # generator, so the dots of a seed stay the same with the check on or off.
        self.check_every = check_every
        self._check_rng = np.random.default_rng(None if seed is None else seed + 1)
        self.letter = self._next_letter()
        self.started = time.monotonic()

    def _next_letter(self) -> str | None:
        if self.check_every <= 0 or self._check_rng.random() >= 1.0 / self.check_every:
            return None
        return str(self._check_rng.choice(list(CHECK_LETTERS)))

    def _next_dot(self) -> Dot:
        return random_dot(self._rng, self.screen.width_px, self.screen.height_px)

    @property
    def saved(self) -> int:
        return len(self.dots)

    @property
    def done(self) -> bool:
        return self.saved >= self.count

    @property
    def folder(self) -> Path | None:
        return self.writer.folder if self.writer is not None else None

    def progress_text(self) -> str:
        return f"{self.saved} / {self.count}"

    def capture(
        self, frame: Frame, pressed_at: float, *, force: bool = False, key: str = " "
    ) -> Outcome:
        """Save `frame` as looking at the current dot, unless it shows no face (see above).
        `key`: what was typed; at a dot with a letter, the sample records whether it was that
        letter (`attended`), so a sample taken without looking can be left out later."""
        face = self.has_face(frame.image)
        if not face and not force:
            return Outcome.NO_FACE
        if self.writer is None:
            height, width = frame.image.shape[:2]
            camera = self.camera or {"width": int(width), "height": int(height)}
            self.writer = self._writer_factory(
                self.dataset, self.person, self.screen, camera=camera, extra=self.extra
            )
        extras: dict[str, Any] = {
            "t": round(frame.timestamp - self.started, 4),
            "key_to_frame_s": round(frame.timestamp - pressed_at, 4),
            "frame_index": int(frame.index),
            "dot": {"colour": self.dot.colour, "radius_px": self.dot.radius_px},
        }
        if not face:
            extras["face"] = False
        if self.letter is not None:
            extras["attended"] = key.upper() == self.letter
            extras["letter"] = self.letter
        self.writer.add(frame.image, self.dot.x, self.dot.y, **extras)
        self.dots.append(self.dot)
        self.dot = self._next_dot()
        self.letter = self._next_letter()
        return Outcome.DONE if self.done else Outcome.SAVED

    def drop_last(self) -> Sample | None:
        """Forget the last saved sample; its dot comes back so it can be captured again."""
        if self.writer is None or not self.dots:
            return None
        sample = self.writer.drop_last()
        self.dot = self.dots.pop()
        self.letter = self._next_letter()
        return sample
