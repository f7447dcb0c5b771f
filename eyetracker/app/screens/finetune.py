""" "Fine-tune on my measurements": `eyetracker train --init` in a child process, with progress.

    dialog = FinetuneDialog(dataset_dir, current_model, new_model_path)
    dialog.model_ready.connect(switch_to_model)   # Path of the fine-tuned model
    dialog.show(); dialog.start()

Training runs in its own process (a QProcess), so the app stays responsive and Cancel is
immediate: it kills the process. Fine-tuning writes the new file only once its models are
averaged; what a cancelled or failed run kept for --resume is removed, since the app never
resumes (a single-model run, --members 1, may leave its epochs so far in the new file: the
dialog says so and does not offer it). The command line and the reading of progress are in
eyetracker.training.finetune_job (no Qt).

Given `check` (dots kept out of the training) and `compare` (a worker's call: the new model's
path -> eyetracker.training.model_choice.ModelChoice), the dialog checks the new model against
the one in use once training ends, says which is better with both figures and emits
`chosen`; there is then no button to press.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QProcess, QProcessEnvironment, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eyetracker.app.threads import WorkerCall
from eyetracker.training.finetune_job import Progress, train_command, unfinished_files
from eyetracker.training.model_choice import CheckDots, ModelChoice

STEPS = 1000  # progress bar resolution


def progress_text(progress: Progress) -> str:
    """The status while training runs, in percent of training as the bar is: the running
    model's share done (the bar shows all models together), and its latest training error."""
    if not progress.epochs:  # before the trainer's bar has said how many epochs
        return progress.describe()
    own = progress.fraction * progress.members - (progress.member - 1)
    text = (
        f"Model {progress.member} of {progress.members}: {own:.0%} of its training done"
        if progress.members > 1
        else f"{own:.0%} of the training done"
    )
    if not progress.finished:  # the history's last epoch is another model's
        return text
    loss = progress.history[-1].get("train_loss_pct")
    return text + (f"; training error {loss:.1f}% of the screen" if loss is not None else "")


class FinetuneDialog(QDialog):
    """Runs the fine-tuning of `init_model` on `dataset_dir` into `out_model`.

    The trainer's fine-tuning defaults shape the run, `extra_args` (more `eyetracker train`
    options) change them; `python` is the interpreter that runs `-m eyetracker`.
    """

    model_ready = Signal(object)  # Path of the new model, when the user chooses to use it
    chosen = Signal(object)  # the ModelChoice, when the new model was checked
    ended = Signal(str)  # "finished", "failed" or "cancelled"

    def __init__(
        self,
        dataset_dir: str | Path,
        init_model: str | Path,
        out_model: str | Path,
        *,
        extra_args: tuple[str, ...] = (),
        python: str = sys.executable,
        check: CheckDots | None = None,
        compare: Callable[[Path], ModelChoice] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Fine-tune on my measurements")
        self.out_model = Path(out_model)
        self.check, self.compare = check, compare if check is not None else None
        self.checking: WorkerCall | None = None
        self.leave_out: Path | None = None
        if check is not None:  # its dots never reach the training
            self.leave_out = self.out_model.with_name(f"{self.out_model.name}.check")
            check.write_list(self.leave_out)
            extra_args = ("--leave-out", str(self.leave_out), *extra_args)
        self.program, self.arguments = train_command(
            dataset_dir, init_model, out_model, extra=extra_args, python=python
        )
        self.progress = Progress()
        self.state = "idle"
        self._stderr_tail = ""
        self.process = QProcess(self)
        environment = QProcessEnvironment.systemEnvironment()
        environment.insert("PYTHONUNBUFFERED", "1")  # epoch lines as they happen
        self.process.setProcessEnvironment(environment)
        self.process.readyReadStandardOutput.connect(self._read_stdout)
        self.process.readyReadStandardError.connect(self._read_stderr)
        self.process.finished.connect(self._finished)
        self.process.errorOccurred.connect(self._error)

        self.label = QLabel(
            f"Fine-tunes {Path(init_model).name} on {dataset_dir} into {self.out_model}.",
            wordWrap=True,
        )
        self.status = QLabel("", objectName="finetune-status", wordWrap=True)
        self.bar = QProgressBar(maximum=STEPS)
        self.bar.setFormat("%p% of all training")  # the status says how far the running model is
        self.cancel_button = QPushButton("Cancel", objectName="cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.use_button = QPushButton("Use the new model", objectName="use", enabled=False)
        self.use_button.clicked.connect(self._use)
        self.use_button.setVisible(self.compare is None)  # a check chooses by itself
        self.close_button = QPushButton("Close", objectName="close")
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for button in (self.cancel_button, self.use_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        for widget in (self.label, self.bar, self.status):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.resize(520, 160)

    @property
    def running(self) -> bool:
        return self.process.state() != QProcess.ProcessState.NotRunning

    def start(self) -> None:
        if self.running:
            return
        self.state = "running"
        self.status.setText("Preparing the images…")
        self.bar.setValue(0)
        self.use_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.process.start(self.program, self.arguments)

    def cancel(self) -> None:
        """Kill the training; the new model file, if any, is left as it is and not offered."""
        if not self.running:
            return
        self.state = "cancelled"
        self.process.kill()

    def _read_stdout(self) -> None:
        text = bytes(self.process.readAllStandardOutput()).decode("utf-8", "replace")
        self.progress.feed_stdout(text)
        self._show_progress()

    def _read_stderr(self) -> None:
        text = bytes(self.process.readAllStandardError()).decode("utf-8", "replace")
        self._stderr_tail = (self._stderr_tail + text)[-4000:]
        self.progress.feed_stderr(text)
        self._show_progress()

    def _show_progress(self) -> None:
        if self.state == "running":
            self.status.setText(progress_text(self.progress))
        self.bar.setValue(round(STEPS * self.progress.fraction))

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._read_stdout()
        self.cancel_button.setEnabled(False)
        if self.leave_out is not None:  # read by the training only
            self.leave_out.unlink(missing_ok=True)
        if self.state == "cancelled" or code != 0 or status != QProcess.ExitStatus.NormalExit:
            for path in unfinished_files(self.out_model):  # kept for --resume; never used here
                path.unlink(missing_ok=True)
        if self.state == "cancelled":
            left = f" {self.out_model} holds the epochs finished so far;" if self._exists() else ""
            self.status.setText(f"Cancelled.{left} the current model stays in use.")
        elif code == 0 and status == QProcess.ExitStatus.NormalExit and self._exists():
            self.bar.setValue(STEPS)
            if self.compare is not None:
                self._check()
                return
            self.state = "finished"
            self.status.setText(f"{self.progress.summary()}. The new model is {self.out_model}.")
            self.use_button.setEnabled(True)
            self.use_button.setDefault(True)
        else:
            self.state = "failed"
            self.status.setText(f"Training stopped: {self._last_error_line()}")
        self.ended.emit(self.state)

    def _check(self) -> None:
        """Score the new model and the one in use on the dots kept aside, in a worker."""
        import eyetracker.model.landmarks  # noqa: F401 (imported in the GUI thread; workers.py)

        self.state = "checking"
        against = (
            f"Checking it against the model in use on {self.check.dots} dots kept aside…"
            if self.check.dots
            else "Making a profile from your measurement…"
        )
        self.status.setText(f"{self.progress.summary()}. {against}")
        self.checking = WorkerCall(self.compare, self.out_model, name="finetune-check")
        self.checking.done.connect(self._checked)
        self.checking.raised.connect(self._check_failed)
        self.checking.start()

    def _checked(self, choice: ModelChoice) -> None:
        self.state = "finished"
        self.status.setText(choice.sentence)
        self.chosen.emit(choice)
        self.ended.emit(self.state)

    def _check_failed(self, error: BaseException) -> None:
        self.state = "failed"
        self.status.setText(
            f"The new model could not be checked ({error}); the model in use stays. The new "
            f"model is {self.out_model}."
        )
        self.ended.emit(self.state)

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self.state = "failed"
            self.cancel_button.setEnabled(False)
            self.status.setText(f"Could not start {self.program}: {self.process.errorString()}.")
            self.ended.emit(self.state)

    def _exists(self) -> bool:
        return os.path.isfile(self.out_model)

    def _last_error_line(self) -> str:
        lines = [line.strip() for line in self._stderr_tail.replace("\r", "\n").splitlines()]
        lines = [line for line in lines if line and "%|" not in line]  # skip progress bars
        if not lines:
            return "the training process ended unexpectedly."
        return lines[-1].removeprefix("eyetracker: ")

    def _use(self) -> None:
        self.model_ready.emit(self.out_model)
        self.accept()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.running:
            self.cancel()
            self.process.waitForFinished(3000)
        if self.state == "checking":  # its answer is dropped; the model in use stays
            self.checking.cancel()
            self.state = "cancelled"
            self.ended.emit(self.state)
        super().closeEvent(event)
