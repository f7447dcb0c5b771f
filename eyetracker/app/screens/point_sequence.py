"""A full-screen sequence of fixation points, shared by calibration and validation.

For each point (all of them, or those given to `begin`: a redo): the dot appears; once the
person has looked at it for `dwell_s` (or pressed Space earlier, but never before `settle_s`
has passed, while the eyes are still moving), the frames captured from then on are
collected, either `frames_per_point` of them or all of those in `collect_s` seconds. Esc
cancels. Subclasses handle the frames.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QScreen
from PySide6.QtWidgets import QWidget

from eyetracker.app.live.frame_wait import FrameWaiter
from eyetracker.app.live.frames import FrameProvider
from eyetracker.app.stimulus import StimulusScreen, Target
from eyetracker.core.types import Frame, GazePoint

NO_FRAMES = "The camera gave no images; check that it is running and start again."
FRAME_TIMEOUT_S = 2.0


class PointSequenceScreen(StimulusScreen):
    """Shows `points` one after another and collects frames at each (see module docstring)."""

    closed = Signal()

    def __init__(
        self,
        frames: FrameProvider,
        points: list[GazePoint],
        screen: QScreen | None = None,
        *,
        dwell_s: float = 1.0,
        settle_s: float = 0.3,
        frames_per_point: int | None = None,
        collect_s: float | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(screen, parent)
        if (frames_per_point is None) == (collect_s is None):
            raise ValueError("give either frames_per_point or collect_s")
        self.points = list(points)
        self.dwell_s, self.settle_s = dwell_s, settle_s
        self.frames_per_point, self.collect_s = frames_per_point, collect_s
        self.waiter = FrameWaiter(frames, self)
        self.index = -1  # the point shown; -1 before the first, len(points) after the last
        self._order: list[int] = []  # the points of this run, by index
        self._position = -1  # where in `_order` the run is
        self._shown_at = 0.0
        self._dwell = QTimer(self, singleShot=True)
        self._dwell.timeout.connect(self._trigger)
        self.running = False

    # --- hooks for subclasses -----------------------------------------------------------

    def point_frame(self, index: int, frame: Frame) -> None:
        """Called for each frame collected at point `index`."""

    def point_done(self, index: int, frames: list[Frame]) -> None:
        """Called when point `index` has its frames."""

    def sequence_done(self) -> None:
        """Called after the last point."""

    # --- flow ---------------------------------------------------------------------------

    def begin(self, indices: list[int] | None = None) -> None:
        """Show every point in turn, or only those at `indices` (to redo them)."""
        self.running = True
        self._order = list(range(len(self.points))) if indices is None else list(indices)
        self._position = -1
        self.index = -1
        self._next_point()

    def _next_point(self) -> None:
        self._position += 1
        if self._position >= len(self._order):
            self.index = len(self.points)
            self.running = False
            self.target = None
            self.progress = ""
            self.update()
            self.sequence_done()
            return
        self.index = self._order[self._position]
        point = self.points[self.index]
        self.target = Target(point.x, point.y, "#ffffff", 11, centre=True)
        self.progress = f"{self._position + 1} / {len(self._order)}"
        self._shown_at = time.monotonic()
        self._dwell.start(round(1000 * max(self.dwell_s, self.settle_s)))
        self.update()

    def _trigger(self) -> None:
        """The person is looking at the dot now: collect the frames captured from here on."""
        self._dwell.stop()
        if self.waiter.active or not self.running:
            return
        start = max(time.monotonic(), self._shown_at + self.settle_s)
        until = start + self.collect_s if self.collect_s is not None else None
        index = self.index
        self.waiter.collect(
            start,
            lambda frames: self._collected(index, frames),
            count=self.frames_per_point,
            until=until,
            timeout_s=FRAME_TIMEOUT_S,
            on_frame=lambda frame: self.point_frame(index, frame),
        )

    def _collected(self, index: int, frames: list[Frame]) -> None:
        if not frames:
            self.fail(NO_FRAMES)
            return
        self.point_done(index, frames)
        self._next_point()

    def fail(self, message: str) -> None:
        """Stop the sequence and say why (Esc closes)."""
        self.running = False
        self._dwell.stop()
        self.waiter.cancel()
        self.target = None
        self.set_message(message + " Press Esc to close.", warning=True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        elif event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            if self.running:
                self._trigger()
            else:
                self.space_when_idle()
        else:
            super().keyPressEvent(event)

    def space_when_idle(self) -> None:
        """Space before the sequence or after it (subclasses: start, or close)."""

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self.running = False
        self._dwell.stop()
        self.waiter.cancel()
        super().closeEvent(event)
        self.closed.emit()
