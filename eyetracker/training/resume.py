"""What a training run leaves for --resume, and saving that explains a full disk.

The state (weights, optimizer, schedule, epoch, history, the augmentation's generator) is
written at epoch boundaries only, into OUT.resume, so a resumed run replays whole epochs
exactly.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import torch

from eyetracker.core.atomic import atomic_write
from eyetracker.core.errors import UserError


def resume_path(out: str | os.PathLike[str]) -> Path:
    return Path(f"{out}.resume")


@contextmanager
def explained_save(out: str | os.PathLike[str]) -> Iterator[None]:
    """Turn a failed write of the model or its --resume state into one sentence. torch.save
    reports a full disk as a RuntimeError of its zip writer, with the OSError as its cause."""
    try:
        yield
    except (OSError, RuntimeError) as error:
        cause = error if isinstance(error, OSError) else error.__context__
        reason = getattr(cause, "strerror", None) or "the file could not be written"
        raise UserError(
            f"Could not save the model to {out} ({reason}); free some space "
            "or choose another --out, then continue with --resume."
        ) from None


def save_resume_state(out, model, optimizer, schedule, generator, epoch: int, history) -> None:
    """Write OUT.resume: everything a run needs to continue after `epoch` whole epochs."""
    state = {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "schedule": schedule.state_dict(),
        "epoch": epoch,
        "history": json.dumps(history),
        "generator": generator.get_state(),
    }
    with explained_save(out):
        atomic_write(resume_path(out), lambda handle: torch.save(state, handle), durable=True)


def load_resume_state(out, device, model, optimizer, schedule, generator) -> tuple[int, list]:
    """Load OUT.resume into the run's objects: (the epoch to continue from, the history)."""
    state_file = resume_path(out)
    if not state_file.exists():
        raise UserError(f"Nothing to resume: {state_file} does not exist; start without --resume.")
    try:
        # weights_only: a .resume file runs no code; torch's hint to load it with
        # weights_only=False on failure must never reach the user.
        state = torch.load(state_file, map_location=device, weights_only=True)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        start_epoch, history = int(state["epoch"]), json.loads(state["history"])
        generator.set_state(state["generator"])
    except Exception:
        raise UserError(
            f"{state_file} is not a resumable training state of this model (damaged, "
            "foreign or from other settings); delete it and start without --resume."
        ) from None
    return start_epoch, history
