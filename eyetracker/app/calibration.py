"""Quick calibration: 9 (or 16) grid points, the person's statistics saved as a profile.

    screen = CalibrationScreen(provider, backend, profiles_dir, "ada", qscreen)
    screen.profile_ready.connect(use_profile)   # (Profile, Path): track with it from now on
    screen.start()

The backend is used here from the GUI thread: give the screen a backend no other thread is
using at the same time (or pause tracking while it runs). The frames, preprocessing and
profile logic live in eyetracker.runtime.calibration (no Qt).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QResizeEvent, QScreen
from PySide6.QtWidgets import QCheckBox, QPushButton, QWidget

from eyetracker import __version__
from eyetracker.app.errors import show_error
from eyetracker.app.frames import FrameProvider
from eyetracker.app.point_sequence import PointSequenceScreen
from eyetracker.app.stimulus import CentredPanel, screen_info
from eyetracker.core.errors import UserError
from eyetracker.core.measurement import MeasurementError, MeasurementWriter
from eyetracker.core.types import Frame
from eyetracker.runtime.calibration import (
    CalibrationCollector,
    grid_points,
    save_profile,
    serpentine,
)

INTRO = (
    "Quick calibration: {n} dots appear one after another. Look at the centre of each until "
    "it moves on (or press Space when you are looking at it). Sit as you normally do."
)
CLOSE_AFTER_MS = 1500


class CalibrationScreen(PointSequenceScreen):
    """Full-screen quick calibration.

    `frames`: the app's FrameProvider. `backend`: the model (eyetracker.runtime.backends).
    `profiles_dir`: where profiles live (the profile goes to profile_path(dir, user,
    fingerprint)). `dataset_dir`: where to keep the frames as a measurement when the
    checkbox is ticked (the checkbox is disabled without it).
    """

    profile_ready = Signal(object, object)  # Profile, Path of the saved profile
    failed = Signal(str)

    def __init__(
        self,
        frames: FrameProvider,
        backend,
        profiles_dir: str | Path,
        user: str,
        screen: QScreen | None = None,
        *,
        points: int = 9,
        frames_per_point: int = 5,
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

    def start(self) -> None:
        """Go full screen with the intro; Space or Start begins."""
        self.show_full_screen()
        self.intro.popup()
        self.setFocus()

    def space_when_idle(self) -> None:
        if self.intro.isVisible():
            self._start_points()
        elif self.profile is not None:
            self.close()

    def _start_points(self) -> None:
        self.intro.hide()
        self.set_message("")
        self.setFocus()
        self.begin()

    def point_done(self, index: int, frames: list[Frame]) -> None:
        for frame in frames:
            self.collector.add(index, frame)

    def sequence_done(self) -> None:
        self.set_message("Computing your profile…")
        self.repaint()
        QTimer.singleShot(0, self._fit)

    def _fit(self) -> None:
        try:
            profile = self.collector.fit(self.backend, self.user)
            path = save_profile(profile, self.profiles_dir)
        except UserError as error:
            self.fail(str(error))
            self.failed.emit(str(error))
            return
        except OSError as error:
            message = f"Could not save the profile ({error.strerror or error}); calibrate again."
            self.fail(message)
            self.failed.emit(message)
            return
        self.profile, self.profile_file = profile, path
        if self.keep.isChecked():
            self._keep_as_measurement()
        self.set_message(
            f"Calibrated from {profile.frames} frames ({profile.source}). Tracking uses it now."
        )
        self.profile_ready.emit(profile, path)
        QTimer.singleShot(CLOSE_AFTER_MS, self.close)

    def _keep_as_measurement(self) -> None:
        height, width = self.collector.points[0].frames[0].image.shape[:2]
        try:
            writer = MeasurementWriter(
                self.dataset_dir,
                self.user,
                screen_info(self.target_screen),
                camera={"width": int(width), "height": int(height)},
                extra={"app_version": __version__, "mode": "calibration"},
            )
            self.measurement_folder = writer.folder
            for entry in self.collector.points:
                for frame in entry.frames:
                    writer.add(
                        frame.image, entry.point.x, entry.point.y, frame_index=int(frame.index)
                    )
        except MeasurementError as error:
            show_error(self, f"The profile is saved, but not the measurement: {error}")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        self.intro.place()
        super().resizeEvent(event)
