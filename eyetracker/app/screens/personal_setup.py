"""Set up for me: measure (about 100 dots) -> fine-tune -> check -> track, one guided sequence.

    setup = PersonalSetup(tools)      # Tools menu "Set up for me…", offered on a first run
    setup.start()

1. The measurement screen (measurement.py) saves the person's dots into the dataset.
2. The fine-tuning dialog (finetune.py) tunes the model in use on the dataset, with the
   trainer's fine-tuning defaults (a few minutes on 2 CPU cores), every few dots of the new
   measurement left out.
3. Both the model in use and the new one get a profile (statistics and correction,
   eyetracker.inference.calibration.measurement_profile) from the other dots and are scored on
   the dots left out (eyetracker.training.model_choice); the better one becomes the model in
   use with its profile, under the person's name, and tracking starts. No calibration on top.

Cancelling a step ends the sequence; what was saved stays (the measurement, a model).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from eyetracker.core.manifest import MANIFEST, read_manifest


class PersonalSetup(QObject):
    """Runs the three steps with the Tools menu's screens (see the module docstring)."""

    ended = Signal(str)  # "tracking", "cancelled" or "failed"

    def __init__(self, tools) -> None:
        super().__init__(tools)
        self.tools = tools
        self.window = tools.window
        self.folder: Path | None = None
        self.person = ""
        self.choice = None  # what the check chose (model_choice.ModelChoice), once it has
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
        dialog = self.tools.finetune(self.folder, save_current=True)
        if dialog is None:  # the tools said why
            self._end("failed")
            return
        dialog.setWindowTitle("Set up, steps 2 and 3 of 3: fine-tune on your measurement, check")
        dialog.ended.connect(lambda state: None if state == "finished" else self._end(state))
        dialog.chosen.connect(lambda choice: self._chosen(choice, dialog.out_model))
        dialog.rejected.connect(lambda: self._end("cancelled"))  # closed before the end

    def _chosen(self, choice, tuned_model: Path) -> None:
        # The chosen model's profile is saved: track with it.
        self.choice = choice
        self.tools.use_choice(choice, tuned_model, track=True)
        self._end("tracking")
