"""Set up for me: measure (about 100 dots) -> fine-tune -> track, one guided sequence.

    setup = PersonalSetup(tools)      # Tools menu "Set up for me…", offered on a first run
    setup.start()

1. The measurement screen (measurement.py) saves the person's dots into the dataset.
2. The fine-tuning dialog (finetune.py) tunes the model in use on the dataset, with the
   trainer's fine-tuning defaults (a few minutes on 2 CPU cores).
3. "Use the new model" makes it the model in use; its profile (statistics and correction,
   eyetracker.runtime.calibration.measurement_profile) comes from the same measurement, in a
   worker thread, under the person's name; then tracking starts. No calibration on top.

Cancelling a step ends the sequence; what was saved stays (the measurement, a model).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from eyetracker.app.errors import show_error
from eyetracker.app.paths import profiles_dir
from eyetracker.app.tasks import Task
from eyetracker.app.workers import preload_front_end
from eyetracker.core.manifest import MANIFEST, read_manifest
from eyetracker.runtime.calibration import measurement_profile, save_profile


def fit_and_save(backend, folder: Path, user: str, profiles: Path) -> Path:
    """The measurement's profile for `backend`, saved where tracking looks for it (a worker)."""
    return save_profile(measurement_profile(backend, [folder], user), profiles)


class PersonalSetup(QObject):
    """Runs the three steps with the Tools menu's screens (see the module docstring)."""

    ended = Signal(str)  # "tracking", "cancelled" or "failed"

    def __init__(self, tools) -> None:
        super().__init__(tools)
        self.tools = tools
        self.window = tools.window
        self.folder: Path | None = None
        self.person = ""
        self.fitting: Task | None = None
        self.state = ""  # how it ended, once it has

    def _end(self, state: str) -> None:
        if not self.state:
            self.state = state
            self.ended.emit(state)

    def start(self) -> None:
        self.window.statusBar().showMessage(
            "Set up, step 1 of 3: look at each dot and press Space (about 100 dots).", 15000
        )
        self.tools.measurement().finished.connect(self._measured)

    def _measured(self, folder: Path | None) -> None:
        manifest = read_manifest(Path(folder) / MANIFEST) if folder is not None else None
        if not manifest or not manifest["samples"]:  # closed before the first dot was saved
            self._end("cancelled")
            return
        self.folder = Path(folder)
        self.person = str(manifest["person"])
        dialog = self.tools.finetune()
        if dialog is None:  # the tools said why
            self._end("failed")
            return
        dialog.setWindowTitle("Set up, step 2 of 3: fine-tune on your measurement")
        dialog.ended.connect(lambda state: None if state == "finished" else self._end(state))
        dialog.model_ready.connect(self._tuned)
        dialog.rejected.connect(lambda: self._end("cancelled"))  # closed without the model

    def _tuned(self, _model: Path) -> None:
        # The Tools menu has made the new model the model in use; its profile is this person's.
        self.window.controls.user.setCurrentText(self.person)
        self.tools.load_model(self._fit_profile, resume=False)

    def _fit_profile(self, loaded, _config) -> None:
        preload_front_end(loaded.backend.info.preprocessing)
        self.window.busy.start("setup", "Set up, step 3 of 3: your profile from the measurement…")
        self.fitting = Task(
            fit_and_save, loaded.backend, self.folder, self.person, profiles_dir(), name="setup"
        )
        self.fitting.done.connect(self._ready)
        self.fitting.raised.connect(self._failed)
        self.fitting.start()

    def _ready(self, path: Path) -> None:
        self.window.busy.stop("setup")
        self.window.statusBar().showMessage(
            f"Set up for {self.person}: your model and profile ({path.name}) are in use.", 15000
        )
        if not self.window.session.tracking:
            self.window.toggle_tracking()
        self._end("tracking")

    def _failed(self, error: BaseException) -> None:
        self.window.busy.stop("setup")
        show_error(self.window, f"The profile could not be made from the measurement: {error}")
        self._end("failed")
