"""The live synthetic camera: one synthetic person in one sitting, following a gaze script.

Every frame knows the truth (the point the person really looks at), which is what lets the
tracker be tested and benchmarked without a webcam or real data.
"""

from __future__ import annotations

import time

import cv2
import numpy as np

from eyetracker.capture.base import EndOfStream, FrameSource, SourceOpenError, register_source
from eyetracker.capture.gaze_target import GazeTarget
from eyetracker.core.types import Frame
from eyetracker.synth.people import Person
from eyetracker.synth.render import render_frame
from eyetracker.synth.scripts import SCRIPTS, BlinkSchedule, TargetFollower, make_script
from eyetracker.synth.sittings import Sitting

EVENTS = {
    "dim": "the room light dims to a third over 2 s",
    "lean_back": "the head moves back 15 cm over 1.5 s",
}


def _ramp(t: float, start: float, length: float) -> float:
    return float(min(max((t - start) / length, 0.0), 1.0))


def parse_events(events) -> list[tuple[str, float]]:
    """("dim@30", "lean_back@60") -> [("dim", 30.0), ("lean_back", 60.0)]."""
    parsed = []
    for text in events:
        name, _, at = str(text).partition("@")
        try:
            seconds = float(at)
        except ValueError:
            seconds = -1.0
        if name not in EVENTS or seconds < 0:
            raise SourceOpenError(
                f"Cannot understand the event {text!r}; write NAME@SECONDS with NAME one of {', '.join(EVENTS)}."
            )
        parsed.append((name, seconds))
    return parsed


@register_source("synthetic", option="script")
class SyntheticCamera(FrameSource):
    """Frames of a synthetic person following `script` (one of `SCRIPTS`), with the truth.

    `realtime=True` delivers frames at `fps` on the monotonic clock (a slow reader skips
    frames, as with a real camera); `realtime=False` renders as fast as asked, scene time
    advancing 1/fps per frame. `duration` (s of scene time) makes the stream finite.
    `events` such as ("dim@30", "lean_back@60") change the scene mid-run. `compress`
    passes each frame through JPEG at the sitting's quality, as a webcam's MJPEG stream.
    `gaze_target`: while it holds a point (the dot an app shows), the person looks at that
    point instead of following the script (eyetracker.synth.scripts.TargetFollower).
    """

    name = "synthetic"

    def __init__(
        self,
        script: str = "fixations",
        seed: int = 0,
        fps: float = 30.0,
        realtime: bool = True,
        size: tuple[int, int] = (640, 480),
        duration: float | None = None,
        events=(),
        compress: bool = True,
        gaze_target: GazeTarget | None = None,
    ) -> None:
        if script not in SCRIPTS:
            raise SourceOpenError(
                f"There is no synthetic script {script!r}; choose one of {', '.join(SCRIPTS)}."
            )
        if fps <= 0:
            raise SourceOpenError("The synthetic camera needs a positive frame rate (fps).")
        self.script_name = script
        self.seed = int(seed)
        self._fps = float(fps)
        self.realtime = bool(realtime)
        self.size = (int(size[0]), int(size[1]))
        self.duration = duration
        self.events = parse_events(events)
        self.compress = compress
        rng = np.random.default_rng([self.seed, 0])
        self.person = Person.sample(rng, id="p01")
        self.sitting = Sitting.sample(self.person, rng, id="live", size=self.size)
        self._script = make_script(script, np.random.default_rng([self.seed, 1]))
        self._blinks = BlinkSchedule(
            np.random.default_rng([self.seed, 2]), self.sitting.blink_rate_per_min
        )
        self.gaze_target = gaze_target
        self._follower = TargetFollower(np.random.default_rng([self.seed, 4]))
        self._opened = False
        self._start = 0.0
        self._slot = -1

    @property
    def fps(self) -> float:
        return self._fps

    @property
    def resolution(self) -> tuple[int, int]:
        return self.size

    def open(self) -> None:
        self._opened = True
        self._start = time.monotonic()
        self._slot = -1

    def close(self) -> None:
        self._opened = False

    def scene(self, t: float) -> tuple[float, np.ndarray]:
        """(light scale, head offset in world mm) at scene time `t` from the events."""
        light, offset = 1.0, np.zeros(3)
        for name, at in self.events:
            if name == "dim":
                light *= 1.0 - (2.0 / 3.0) * _ramp(t, at, 2.0)
            elif name == "lean_back":
                offset[2] -= 150.0 * _ramp(t, at, 1.5)  # away from the screen: -z
        return light, offset

    def read(self) -> Frame:
        if not self._opened:
            raise SourceOpenError(
                "The synthetic camera is not open; call open() (or use it in a with-block) first."
            )
        slot = self._slot + 1
        dropped = 0
        if self.realtime:
            due = self._start + slot / self._fps
            now = time.monotonic()
            if now < due:
                time.sleep(due - now)
            else:  # behind: like a real camera, deliver the newest frame and skip the rest
                newest = int((now - self._start) * self._fps)
                dropped = max(newest - slot, 0)
                slot += dropped
        t = slot / self._fps
        if self.duration is not None and t >= self.duration:
            raise EndOfStream(
                f"The synthetic {self.script_name} script ended after {self.duration:g} s."
            )
        self._slot = slot
        where = self._script(t)
        if self.gaze_target is not None:
            where = self._follower(t, self.gaze_target.get(), where)
        light, offset = self.scene(t)
        rng = np.random.default_rng([self.seed, 3, slot])
        image, info = render_frame(
            self.person,
            self.sitting,
            where.point,
            rng,
            t=t,
            blink=self._blinks(t),
            light=light,
            head_offset_mm=offset,
        )
        if self.compress:
            ok, data = cv2.imencode(
                ".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, self.sitting.jpeg_quality]
            )
            image = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else image
        meta = {
            "time": t,
            "phase": where.phase,
            "script": self.script_name,
            "person": self.person.id,
            "sitting": self.sitting.id,
            "dropped": dropped,
            "light": light,
            **info,
        }
        return Frame(
            image=image, timestamp=time.monotonic(), index=slot, truth=where.point, meta=meta
        )
