"""The Tools menu: set up for me, measurement, quick calibration, validation, the dataset and
fine-tuning.

Each screen is built by its own module (measurement.py, calibration.py, ...) from the main
window's frame provider; this module only opens them with the window's current choices and
feeds their results back (a new profile, a new model). Calibration and validation load their
own model, in a worker thread (model_loader.py) while the status bar shows it; tracking is
paused while they run and resumed after. The dots the screens show go to the live
controller's `GazeTarget`, which the synthetic demo camera's person looks at.
"""

from __future__ import annotations

import functools
import sys
from datetime import datetime

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence

from eyetracker.app.errors import show_error
from eyetracker.app.live.workers import preload_model_loading
from eyetracker.app.paths import data_dir, profiles_dir
from eyetracker.app.window.model_loader import ModelLoader
from eyetracker.core.errors import UserError

FROZEN_FINETUNE = (
    "Fine-tuning needs the Python install of eyetracker (pip install eyetracker); "
    "this packaged app runs models but cannot train them."
)


def dataset_dir():
    return data_dir() / "dataset"


class Tools(QObject):
    """A child of the window, so the menu's connections live exactly as long as the window."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.open_screens: list = []  # keep Python references while a screen is open
        self.loader = ModelLoader(window.busy, parent=self)
        self.loader.failed.connect(self._load_failed)
        self._resume = False
        entries = [
            ("&Set up for me (measure, fine-tune, track)…", None, self.personal_setup),
            (None, None, None),
            ("&Measurement…", "Ctrl+M", self.measurement),
            ("Quick &calibration…", "Ctrl+K", self.calibration),
            ("&Validation…", "Ctrl+L", self.validation),
            (None, None, None),
            ("&Dataset…", "Ctrl+D", self.dataset),
            ("&Fine-tune on my measurements…", None, self.finetune),
        ]
        self.menu = window.tools_menu
        for text, shortcut, slot in entries:
            if text is None:
                self.menu.addSeparator()
                continue
            action = QAction(text, window)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            self.menu.addAction(action)

    # --- helpers -----------------------------------------------------------------------

    def _screen(self):
        screens = QGuiApplication.screens()
        index = self.window.settings.overlay_screen
        return screens[index] if 0 <= index < len(screens) else QGuiApplication.primaryScreen()

    def _keep(self, widget, closed_signal) -> None:
        self.open_screens.append(widget)
        closed_signal.connect(lambda *_: self._forget(widget))

    def _forget(self, widget) -> None:
        if widget in self.open_screens:
            self.open_screens.remove(widget)

    def load_model(self, then, profiles=None, resume: bool | None = None) -> None:
        """Pause tracking and load the chosen model in a worker; `then(backend, config)`.

        `resume`: whether to track again afterwards (None: if tracking now)."""
        window = self.window
        if self.loader.loading:
            window.statusBar().showMessage("A model is still loading; one moment.", 4000)
            return
        try:
            config = window.tracking_config()
        except UserError as error:
            show_error(window, str(error))
            return
        self._resume = window.live.tracking if resume is None else resume
        window.live.stop_tracking()
        self.loader.load(config, then, profiles)

    def _load_failed(self, text: str) -> None:
        show_error(self.window, text)
        self._resume_tracking()

    def _resume_tracking(self, *_args) -> None:
        if self._resume and not self.window.live.tracking:
            self.window.toggle_tracking()

    # --- entries -----------------------------------------------------------------------

    def personal_setup(self) -> None:
        from eyetracker.app.screens.personal_setup import PersonalSetup

        self.window.show_notice("setup", "")
        setup = PersonalSetup(self)
        self._keep(setup, setup.ended)
        setup.start()

    def measurement(self):
        """Open the measurement screen; returns it (its `finished` says where it was saved)."""
        from eyetracker.app.screens.measurement import MeasurementScreen

        screen = MeasurementScreen(
            self.window.frames,
            dataset_dir(),
            self._screen(),
            suggested_person=self.window.controls.user.currentText().strip(),
            settings=self.window.settings,
        )
        screen.publish_targets(self.window.live.gaze_target)
        screen.finished.connect(
            lambda folder: (
                self.window.statusBar().showMessage(f"Measurement saved in {folder}.", 8000)
                if folder
                else None
            )
        )
        self._keep(screen, screen.finished)
        screen.start()
        return screen

    def calibration(self) -> None:
        field = self.window.controls.user
        user = field.currentText().strip()
        if not user:
            # While tracking runs the field is locked: say how to unlock it.
            first = "Type your name" if field.isEnabled() else "Stop tracking, type your name"
            show_error(
                self.window,
                f"{first} in the User field first; the profile is saved under it.",
            )
            return
        self.load_model(lambda loaded, _config: self._open_calibration(loaded.backend, user))

    def _open_calibration(self, backend, user: str) -> None:
        from eyetracker.app.screens.calibration import CalibrationScreen

        screen = CalibrationScreen(
            self.window.frames, backend, profiles_dir(), user, self._screen()
        )
        screen.publish_targets(self.window.live.gaze_target)
        screen.profile_ready.connect(
            lambda profile, path: self.window.statusBar().showMessage(
                f"Profile of {user} saved ({profile.frames} frames); tracking uses it from now on.",
                8000,
            )
        )
        screen.profile_ready.connect(lambda *_: self.window.click_drift.recalibrated())
        screen.failed.connect(lambda text: show_error(self.window, text))
        screen.closed.connect(lambda: self._calibration_closed(screen))
        self._keep(screen, screen.closed)
        screen.start()

    def _calibration_closed(self, screen) -> None:
        if screen.validate_next:  # "Validate now": tracking waits until validation is over
            self._load_validation(resume=self._resume)
        else:
            self._resume_tracking()

    def validation(self) -> None:
        self._load_validation()

    def _load_validation(self, resume: bool | None = None) -> None:
        # The user's profile, if there is one for this model, is loaded with the model.
        self.load_model(
            lambda loaded, _config: self._open_validation(loaded), profiles_dir(), resume
        )

    def _open_validation(self, loaded) -> None:
        from eyetracker.app.screens.validation import ValidationScreen

        out = data_dir() / "validation" / datetime.now().strftime("%Y%m%d-%H%M%S")
        screen = ValidationScreen(
            self.window.frames, loaded.backend, out, self._screen(), correction=loaded.correction
        )
        screen.publish_targets(self.window.live.gaze_target)
        screen.report_ready.connect(
            lambda report, path: self.window.statusBar().showMessage(
                f"Validation report saved: {path}", 8000
            )
        )
        screen.report_ready.connect(
            lambda report, _path: self.window.click_drift.validated(report.get("accuracy_pct"))
        )
        screen.closed.connect(self._resume_tracking)
        self._keep(screen, screen.closed)
        screen.start()

    def dataset(self) -> None:
        from eyetracker.app.placement import place_over
        from eyetracker.app.viewer.dataset_view import DatasetView

        folder = dataset_dir()
        folder.mkdir(parents=True, exist_ok=True)
        view = DatasetView(folder)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.destroyed.connect(lambda *_: self._forget(view))
        self.open_screens.append(view)
        place_over(view, self.window)
        view.show()

    def shutdown(self) -> None:
        """The window is closing: a model still loading is dropped when it arrives."""
        self.loader.cancel()

    def finetune(self, measured=None, save_current: bool = False):
        """Open the fine-tuning dialog on the dataset and start it; returns it (None, after
        saying why, when it cannot run).

        Every few dots of one measurement (`measured`; by default the newest of the person in
        the User field) are kept out of the training; once it ends, the new model and the one
        in use are scored on them (eyetracker.training.model_choice) and the better one is
        used, with a profile from that measurement; the in-use model's new profile is saved
        only when `save_current` (Set up's)."""
        from eyetracker.app.screens.finetune import FinetuneDialog
        from eyetracker.training.model_choice import choose_and_save, hold_out, newest_measurement

        if getattr(sys, "frozen", False):  # no Python to run `-m eyetracker train` with
            show_error(self.window, FROZEN_FINETUNE)
            return None
        try:
            config = self.window.tracking_config()
        except UserError as error:
            show_error(self.window, str(error))
            return None
        out = data_dir() / "models" / f"finetuned-{datetime.now():%Y%m%d-%H%M%S}.pt"
        out.parent.mkdir(parents=True, exist_ok=True)
        measured = measured or newest_measurement(dataset_dir(), config.user)
        check = compare = None
        if measured is not None:
            preload_model_loading(config.backend)
            check = hold_out(measured)
            compare = functools.partial(
                choose_and_save,
                config.model,
                check=check,
                profiles=profiles_dir(),
                backend=config.backend,
                device=config.device,
                save_current=save_current,
            )
        dialog = FinetuneDialog(
            dataset_dir(), config.model, out, check=check, compare=compare, parent=self.window
        )
        dialog.model_ready.connect(lambda path: self.window.controls.add_model(str(path)))
        if not save_current:  # Set up applies the choice itself
            dialog.chosen.connect(
                lambda choice: (
                    self.use_choice(choice, out)
                    if choice.use_tuned  # else nothing changed: the dialog says why
                    else None
                )
            )
        self._keep(dialog, dialog.ended)
        dialog.show()
        dialog.start()
        return dialog

    def use_choice(self, choice, tuned_model, track: bool | None = None) -> None:
        """Track with what a fine-tuning's check chose (model_choice.ModelChoice): the new model
        `tuned_model` if it won, under the measured person's name, whose profile it saved.
        `track`: whether to track afterwards (None: if tracking now)."""
        window = self.window
        track = window.live.tracking if track is None else track
        window.live.stop_tracking()  # a running tracker keeps the model it loaded
        if choice.use_tuned:
            window.controls.add_model(str(tuned_model))
        window.controls.user.setCurrentText(choice.profile.user)
        window.statusBar().showMessage(choice.sentence, 15000)
        if track and not window.live.tracking:
            window.toggle_tracking()
