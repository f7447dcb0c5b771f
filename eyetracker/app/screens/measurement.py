"""Measurement mode: collect a measurement as in the original study.

    screen = MeasurementScreen(provider, dataset_dir, qscreen, count=100)
    screen.finished.connect(on_done)      # the measurement folder, or None if nothing saved
    screen.start()                        # asks name and notes, then goes full screen

Keys: Space saves the frame captured right after the press with the dot's position; at a
random one in ten dots a letter shows inside the dot, and typing it instead of Space is the
attention check (any other key saves the sample, and the ones before and after it, marked
`"attended": false`);
Shift+Space saves even when no face is found (marked "face": false); Backspace drops the
last sample; Esc pauses (Resume / Finish). Each sample is on disk as soon as it is taken.
The sequencing and saving live in eyetracker.runtime.measurement_collector (no Qt).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent, QScreen
from PySide6.QtWidgets import QPushButton, QWidget

from eyetracker import __version__
from eyetracker.app.errors import show_error
from eyetracker.app.live.frame_wait import FrameWaiter
from eyetracker.app.live.frames import FrameProvider
from eyetracker.app.screens.person_dialog import PersonDialog
from eyetracker.app.settings import AppSettings
from eyetracker.app.stimulus import CentredPanel, StimulusScreen, Target, screen_info
from eyetracker.core.measurement import MeasurementError, MeasurementWriter
from eyetracker.core.types import Frame
from eyetracker.runtime.measurement_collector import CHECK_EVERY, MeasurementCollector, Outcome

NO_FACE = (
    "No face in the camera image, so this one was not saved. Face the camera and press "
    "Space again (Shift+Space saves it anyway)."
)
NO_FRAME = "The camera gave no image; check that it is running and press Space again."
FRAME_TIMEOUT_S = 1.0


def attention_check_every(settings: AppSettings) -> int:
    """One dot in how many gets the attention check's letter under `settings` (0: none)."""
    return CHECK_EVERY if settings.attention_check else 0


class PausePanel(CentredPanel):
    """Shown on Esc: how much is saved, Resume (Enter) or Finish."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, "pause-panel", width=360)
        self.resume = self.add(QPushButton("Resume", objectName="resume", default=True))
        self.finish = self.add(QPushButton("Finish", objectName="finish"))


class MeasurementScreen(StimulusScreen):
    """Full-screen data collection (see the module docstring).

    `frames`: the app's FrameProvider. `dataset_dir`: where DATASET/<person>/<time>/ goes.
    `screen`: the QScreen to fill (primary when None). `person`/`notes`: skip the question;
    `suggested_person`: the name it starts with.
    `camera`: camera facts for the manifest (default: the frame size). `has_face`: the
    face check (default: the bundled model's front end, the tracker's own check).
    `check_every`: the attention check's letter at about one dot in that many (0: none).
    `settings`: where the check is turned on or off (`attention_check`, in Preferences) when
    `check_every` is not given: the window's; by default, as saved.
    """

    finished = Signal(object)  # Path of the measurement folder, or None

    def __init__(
        self,
        frames: FrameProvider,
        dataset_dir: str | Path,
        screen: QScreen | None = None,
        *,
        count: int = 100,
        person: str | None = None,
        notes: str = "",
        suggested_person: str = "",
        camera: dict[str, Any] | None = None,
        has_face: Callable[[np.ndarray], bool] | None = None,
        seed: int | None = None,
        writer_factory: Callable[..., MeasurementWriter] = MeasurementWriter,
        check_every: int | None = None,
        settings: AppSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(screen, parent)
        self.setWindowTitle("Measurement")
        self.dataset_dir = Path(dataset_dir)
        if check_every is None:
            check_every = attention_check_every(settings or AppSettings.load())
        self._options = dict(
            count=count,
            camera=camera,
            has_face=has_face,
            seed=seed,
            writer_factory=writer_factory,
            check_every=check_every,
        )
        self._person, self._notes = person, notes
        self._suggested_person = suggested_person  # prefilled in the question (the User field)
        self.collector: MeasurementCollector | None = None
        self.person_dialog: PersonDialog | None = None
        self.waiter = FrameWaiter(frames, self)
        self.pause_panel = PausePanel(self)
        self.pause_panel.resume.clicked.connect(self.resume)
        self.pause_panel.finish.clicked.connect(self.finish)
        self._done = False

    # --- flow --------------------------------------------------------------------------

    def start(self) -> None:
        """Ask for the person (unless given), then go full screen with the first dot."""
        if self._person:
            self._begin(self._person, self._notes)
            return
        self.person_dialog = PersonDialog(self.parentWidget(), name=self._suggested_person)
        self.person_dialog.accepted.connect(
            lambda: self._begin(self.person_dialog.name, self.person_dialog.notes)
        )
        self.person_dialog.rejected.connect(lambda: self.finished.emit(None))
        self.person_dialog.open()

    def _begin(self, person: str, notes: str) -> None:
        info = screen_info(self.target_screen)
        self.collector = MeasurementCollector(
            self.dataset_dir,
            person,
            info,
            notes=notes,
            extra={"app_version": __version__, "mode": "measurement"},
            **self._options,
        )
        self.message = (
            "Look at the dot and press Space; when a letter shows in it, type that letter "
            "instead. Esc pauses."
        )
        self._show_dot()
        self.show_full_screen()

    def _show_dot(self) -> None:
        dot = self.collector.dot
        letter = self.collector.letter or ""
        # A dot with a letter is drawn larger, so the letter can be read.
        radius = max(dot.radius_px, 14.0) if letter else dot.radius_px
        self.target = Target(dot.x, dot.y, dot.colour, radius, letter=letter)
        self.progress = self.collector.progress_text()
        self.update()

    @property
    def paused(self) -> bool:
        return self.pause_panel.isVisible()

    def pause(self) -> None:
        self.waiter.cancel()
        collector = self.collector
        where = f" in {collector.folder}" if collector and collector.folder else ""
        saved = collector.saved if collector else 0
        self.pause_panel.label.setText(
            f"Paused. {saved} of {collector.count if collector else 0} samples are saved{where}."
        )
        self.pause_panel.popup()
        self.pause_panel.resume.setFocus()

    def resume(self) -> None:
        self.pause_panel.hide()
        self.set_message("")
        self.setFocus()

    def finish(self) -> None:
        """Close; everything saved so far stays saved."""
        if self._done:
            return
        self._done = True
        self.waiter.cancel()
        self.close()
        self.finished.emit(self.collector.folder if self.collector else None)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if not self._done:
            self._done = True
            self.finished.emit(self.collector.folder if self.collector else None)
        super().closeEvent(event)

    # --- keys --------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        key = event.key()
        if self.collector is None or event.isAutoRepeat():
            return
        if self.paused:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
                self.resume()
            return
        typed = event.text().strip()
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if key == Qt.Key.Key_Escape:
            self.pause()
        elif self.collector.letter and typed.isalpha() and not self.waiter.active:
            self._capture(time.monotonic(), force=shift, key=typed)  # the check's answer
        elif key == Qt.Key.Key_Space and not self.waiter.active:
            self._capture(time.monotonic(), force=shift)
        elif key == Qt.Key.Key_Backspace and not self.waiter.active:
            self._drop_last()
        else:
            super().keyPressEvent(event)

    def _capture(self, pressed_at: float, force: bool, key: str = " ") -> None:
        def captured(frames: list[Frame]) -> None:
            if not frames:
                self.set_message(NO_FRAME, warning=True)
                return
            self._save(frames[0], pressed_at, force, key)

        self.waiter.collect(pressed_at, captured, count=1, timeout_s=FRAME_TIMEOUT_S)

    def _save(self, frame: Frame, pressed_at: float, force: bool, key: str = " ") -> None:
        try:
            outcome = self.collector.capture(frame, pressed_at, force=force, key=key)
        except MeasurementError as error:
            self.pause()
            show_error(self, str(error))
            return
        if outcome is Outcome.NO_FACE:
            self.set_message(NO_FACE, warning=True)
            return
        self.message = ""
        self._show_dot()
        if outcome is Outcome.DONE:
            self.finish()

    def _drop_last(self) -> None:
        try:
            dropped = self.collector.drop_last()
        except MeasurementError as error:
            show_error(self, str(error))
            return
        if dropped is not None:
            self._show_dot()
            self.set_message("Dropped the last sample; look at this dot again.")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        self.pause_panel.place()
        super().resizeEvent(event)
