"""Fine-tuning from the app, without Qt: the command line to run, and reading its progress.

The app runs `python -m eyetracker train DATA --init MODEL --out NEW` as a child process, with
the trainer's fine-tuning defaults (3 models, each a step budget with early stopping,
averaged). The trainer prints one line per finished epoch to stdout,

    epoch=3 train_loss_pct=7.91 seconds=41.0 val_unfamiliar_people_pct=9.12

and tqdm draws its bar on stderr ("epoch 3/12:  40%|####      | 8/20 ..."): the first gives
finished epochs and metrics, the second the number of epochs the budget makes and the
progress inside one. Early stopping may end the run before the last of them. Fine-tuning
trains several models in turn (a "member=2/3" line starts each) and averages them.
"""

from __future__ import annotations

import glob
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

_FIELD = re.compile(r"(\w+)=(\S+)")
_BAR = re.compile(r"epoch (\d+)/(\d+):\s+(\d+)%")
_MEMBER = re.compile(r"^member=(\d+)/(\d+)$")


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


def unfinished_files(out: str | os.PathLike[str]) -> list[Path]:
    """What a stopped fine-tuning into `out` leaves beside it for `--resume`: the trainer's
    resume state (OUT.resume) and the averaged models' members (OUT.memberK and their
    OUT.memberK.resume; eyetracker.training.soup). The app never resumes, so it removes them
    when a run is cancelled or fails."""
    out = Path(out)
    return sorted(
        path
        for pattern in (f"{glob.escape(out.name)}.resume", f"{glob.escape(out.name)}.member*")
        for path in out.parent.glob(pattern)
        if path.is_file()
    )


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
    trainer's bar has said how many). Fine-tuning trains several models one after another
    (eyetracker.training.soup), each announced by a "member=K/N" line; each is 1/N of the way."""

    epochs: int = 0
    finished: int = 0  # epochs of the running model
    within: float = 0.0  # fraction of the running epoch, from the tqdm bar
    member: int = 1
    members: int = 1
    history: list[dict[str, float | int]] = field(default_factory=list)

    def feed_stdout(self, text: str) -> bool:
        """Read stdout; True when an epoch finished or the next model started."""
        changed = False
        for line in text.splitlines():
            member = _MEMBER.match(line.strip())
            if member is not None:
                self.member, self.members = int(member.group(1)), int(member.group(2))
                self.epochs, self.finished, self.within, changed = 0, 0, 0.0, True
                continue
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
        done = min(1.0, (self.finished + self.within) / self.epochs) if self.epochs else 0.0
        return (self.member - 1 + done) / self.members

    def describe(self) -> str:
        model = f"Model {self.member} of {self.members}: " if self.members > 1 else ""
        if not self.epochs:
            return f"{model}starting…" if model else "Preparing the images…"
        if not self.finished:
            return f"{model}Epoch 1 of {self.epochs}…"
        loss = self.history[-1].get("train_loss_pct")
        text = f"{model}Epoch {self.finished} of {self.epochs} done"
        return text + (f": training error {loss:.1f}% of the screen" if loss is not None else "")

    def summary(self) -> str:
        """What a finished run did: every epoch, or stopped early by the held-out dots; with
        several models, that they were averaged."""
        if self.members > 1:
            return f"Done: {self.members} models fine-tuned on your dots and averaged"
        if 0 < self.finished < self.epochs:
            return (
                f"Done after {self.finished} of {self.epochs} epochs: the error on the held-out "
                "dots stopped improving"
            )
        return self.describe()
