"""Quick calibration: 9 (or 16) grid points, the person's statistics saved as a profile.

    screen = CalibrationScreen(provider, backend, profiles_dir, "ada", qscreen)
    screen.profile_ready.connect(use_profile)   # (Profile, Path): track with it from now on
    screen.validate_requested.connect(validate)  # "Validate now" (the screen then closes)
    screen.start()

After the last dot the profile is computed (face detection, a capture pass, the profile and
perhaps the frames written to disk) in a worker thread, behind a busy panel: the screen keeps
painting and Esc keeps working. The same worker then predicts every calibration frame with the
new profile: the screen shows each point's residual, a verdict, and Validate now / Redo point
(that dot again, then a refit of all) / Done (calibration_feedback.py). The backend is used
in that thread: give the screen a backend no other thread is using at the same time (or
pause tracking while it runs). What that thread runs is calibration_fit.py; the frames,
preprocessing and profile logic live in eyetracker.inference.calibration, the residuals in
inference.calibration_quality (no Qt).
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QPainter, QResizeEvent, QScreen
from PySide6.QtWidgets import QCheckBox, QPushButton, QWidget

from eyetracker.app.busy import BusyPanel
from eyetracker.app.errors import describe, show_error
from eyetracker.app.live.frames import FrameProvider
from eyetracker.app.live.workers import preload_front_end
from eyetracker.app.screens.calibration_feedback import CalibrationFeedback, paint_residuals
from eyetracker.app.screens.calibration_fit import Calibrated, KeepFrames, compute_profile
from eyetracker.app.screens.point_sequence import PointSequenceScreen
from eyetracker.app.stimulus import CentredPanel, screen_info
from eyetracker.app.threads import WorkerCall
from eyetracker.core.errors import UserError
from eyetracker.core.types import Frame
from eyetracker.inference.calibration import (
    CALIBRATION_POINTS,
    FRAMES_PER_POINT,
    CalibrationCollector,
    grid_points,
    serpentine,
)
from eyetracker.inference.calibration_quality import CalibrationQuality

INTRO = (
    "Quick calibration: {n} dots appear one after another. Look at the centre of each until "
    "it moves on (or press Space when you are looking at it). Sit as you normally do."
)
COMPUTING = "Computing your profile…"
REDOING = "Look at the dot again."


class CalibrationScreen(PointSequenceScreen):
    """Full-screen quick calibration.

    `frames`: the app's FrameProvider. `backend`: the model (eyetracker.inference.backends).
    `profiles_dir`: where profiles live (the profile goes to profile_path(dir, user,
    fingerprint)). `dataset_dir`: where to keep the frames as a measurement when the
    checkbox is ticked (the checkbox is disabled without it).
    """

    profile_ready = Signal(object, object)  # Profile, Path of the saved profile
    failed = Signal(str)
    validate_requested = Signal()  # "Validate now": the screen closes right after

    def __init__(
        self,
        frames: FrameProvider,
        backend,
        profiles_dir: str | Path,
        user: str,
        screen: QScreen | None = None,
        *,
        points: int = CALIBRATION_POINTS,
        frames_per_point: int = FRAMES_PER_POINT,
        dwell_s: float = 1.0,
        settle_s: float = 0.3,
        dataset_dir: str | Path | None = None,
        keep_as_measurement: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        grid = serpentine(grid_points(points))
        super().__init__(
            frames,
            grid,
            screen,
            dwell_s=dwell_s,
            settle_s=settle_s,
            frames_per_point=frames_per_point,
            parent=parent,
        )
        self.setWindowTitle("Calibration")
        self.backend, self.user = backend, user
        self.profiles_dir = Path(profiles_dir)
        self.dataset_dir = Path(dataset_dir) if dataset_dir is not None else None
        self.collector = CalibrationCollector(grid)
        self.profile = None
        self.profile_file: Path | None = None
        self.measurement_folder: Path | None = None
        self.intro = CentredPanel(self, "calibration-intro")
        self.intro.label.setText(INTRO.format(n=len(grid)))
        self.keep = self.intro.add(
            QCheckBox("Also keep these frames as a measurement", objectName="keep-measurement")
        )
        self.keep.setChecked(keep_as_measurement and self.dataset_dir is not None)
        self.keep.setEnabled(self.dataset_dir is not None)
        self.start_button = self.intro.add(QPushButton("Start (Space)", objectName="start"))
        self.start_button.clicked.connect(self._start_points)
        self.busy = BusyPanel(self, "calibration-busy")
        self.fitting: WorkerCall | None = None  # the worker computing the profile
        self._cancel = threading.Event()
        self.quality: CalibrationQuality | None = None  # shown once the profile is computed
        self.feedback = CalibrationFeedback(self)
        self.feedback.validate_requested.connect(self._validate)
        self.feedback.redo_requested.connect(self.redo)
        self.feedback.done_requested.connect(self.close)
        self.validate_next = False  # closed by "Validate now"

    def start(self) -> None:
        """Go full screen with the intro; Space or Start begins."""
        self.show_full_screen()
        self.intro.popup()
        self.setFocus()

    def space_when_idle(self) -> None:
        if self.intro.isVisible():
            self._start_points()
        elif self.profile is not None and not self.busy.isVisible():
            self.close()

    def _start_points(self) -> None:
        self.intro.hide()
        self.set_message("")
        self.setFocus()
        self.begin()

    def point_done(self, index: int, frames: list[Frame]) -> None:
        for frame in frames:
            self.collector.add(index, frame)

    def redo(self, index: int | None) -> None:
        """Collect point `index` again (None: every point), then fit the profile again."""
        self.feedback.hide()
        self.quality = None
        indices = list(range(len(self.points))) if index is None else [index]
        for i in indices:
            self.collector.points[i].frames.clear()
        self.set_message(REDOING)
        self.setFocus()
        self.begin(indices)

    def _validate(self) -> None:
        self.validate_next = True
        self.validate_requested.emit()
        self.close()

    def sequence_done(self) -> None:
        keep = None
        if self.keep.isChecked():
            keep = KeepFrames(self.dataset_dir, self.user, screen_info(self.target_screen))
        preload_front_end(self.backend.info.preprocessing)
        self.busy.show_text(COMPUTING)
        self.fitting = WorkerCall(
            compute_profile,
            self.collector,
            self.backend,
            self.user,
            self.profiles_dir,
            keep,
            self._cancel,
            name="calibration-fit",
        )
        self.fitting.done.connect(self._fitted)
        self.fitting.raised.connect(self._fit_failed)
        self.fitting.start()

    def _fitted(self, calibrated: Calibrated | None) -> None:
        self.busy.hide()
        if calibrated is None:
            return
        profile = calibrated.profile
        self.profile, self.profile_file = profile, calibrated.path
        self.measurement_folder = calibrated.measurement_folder
        self.quality = calibrated.quality
        if calibrated.measurement_error:
            show_error(
                self,
                f"The profile is saved, but not the measurement: {calibrated.measurement_error}",
            )
        self.set_message("")
        note = (
            f"Calibrated from {profile.frames} frames ({profile.source}); saved as your profile, "
            "which tracking uses."
        )
        if self.quality is not None:
            self.feedback.show_quality(self.quality, note)
        else:
            self.set_message(note)
        self.update()
        self.profile_ready.emit(profile, calibrated.path)

    def paint_content(self, painter: QPainter) -> None:
        if self.quality is not None and not self.running:
            paint_residuals(painter, self.rect(), self.quality)

    def _fit_failed(self, error: Exception) -> None:
        self.busy.hide()
        if isinstance(error, UserError):
            message = str(error)
        elif isinstance(error, OSError):
            message = f"Could not save the profile ({error.strerror or error}); calibrate again."
        else:
            message = describe(error)
        self.fail(message)
        self.failed.emit(message)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        # Esc while the profile is computed: the fit ends in its thread, nothing is saved.
        self._cancel.set()
        if self.fitting is not None:
            self.fitting.cancel()
        super().closeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        self.intro.place()
        self.busy.place()
        self.feedback.place()
        super().resizeEvent(event)
