"""Fine-tuning from the app, without Qt: the command line to run, and reading its progress.

The app runs `python -m eyetracker train DATA --init MODEL --out NEW` as a child process, with
the trainer's fine-tuning defaults (a step budget, early stopping). The trainer prints one
line per finished epoch to stdout,

    epoch=3 train_loss_pct=7.91 seconds=41.0 val_unfamiliar_people_pct=9.12

and tqdm draws its bar on stderr ("epoch 3/12:  40%|####      | 8/20 ..."): the first gives
finished epochs and metrics, the second the number of epochs the budget makes and the
progress inside one. Early stopping may end the run before the last of them.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field

_FIELD = re.compile(r"(\w+)=(\S+)")
_BAR = re.compile(r"epoch (\d+)/(\d+):\s+(\d+)%")


def train_command(
    data: str | os.PathLike[str],
    init: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    extra: tuple[str, ...] = (),
    python: str = sys.executable,
) -> tuple[str, list[str]]:
    """(program, arguments) that fine-tune `init` on `data` into `out`."""
    args = ["-m", "eyetracker", "train", str(data), "--init", str(init), "--out", str(out)]
    return python, [*args, *extra]


def parse_epoch_line(line: str) -> dict[str, float | int] | None:
    """The metrics of an "epoch=N key=value ..." line, or None for any other line."""
    line = line.strip()
    if not line.startswith("epoch="):
        return None
    metrics: dict[str, float | int] = {}
    for key, value in _FIELD.findall(line):
        try:
            metrics[key] = int(value) if key == "epoch" else float(value)
        except ValueError:
            continue
    return metrics if "epoch" in metrics else None


@dataclass
class Progress:
    """Training progress from the child's output, as a fraction of all epochs (0 until the
    trainer's bar has said how many)."""

    epochs: int = 0
    finished: int = 0
    within: float = 0.0  # fraction of the running epoch, from the tqdm bar
    history: list[dict[str, float | int]] = field(default_factory=list)

    def feed_stdout(self, text: str) -> bool:
        """Read stdout; True when an epoch finished."""
        changed = False
        for line in text.splitlines():
            metrics = parse_epoch_line(line)
            if metrics is not None:
                self.history.append(metrics)
                self.finished, self.within, changed = int(metrics["epoch"]), 0.0, True
        return changed

    def feed_stderr(self, text: str) -> None:
        for match in _BAR.finditer(text):
            epoch, self.epochs, percent = (int(match.group(i)) for i in (1, 2, 3))
            if epoch == self.finished + 1:
                self.within = percent / 100

    @property
    def fraction(self) -> float:
        if not self.epochs:
            return 0.0
        return min(1.0, (self.finished + self.within) / self.epochs)

    def describe(self) -> str:
        if not self.epochs:
            return "Preparing the images…"
        if not self.history:
            return f"Epoch {self.finished + 1} of {self.epochs}…"
        last = self.history[-1]
        loss = last.get("train_loss_pct")
        text = f"Epoch {self.finished} of {self.epochs} done"
        return text + (f": training error {loss:.1f}% of the screen" if loss is not None else "")

    def summary(self) -> str:
        """What a finished run did: every epoch, or stopped early by the held-out dots."""
        if 0 < self.finished < self.epochs:
            return (
                f"Done after {self.finished} of {self.epochs} epochs: the error on the held-out "
                "dots stopped improving"
            )
        return self.describe()
