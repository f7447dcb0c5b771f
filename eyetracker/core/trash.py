"""Removing a bad measurement without losing it: it moves to DATASET/.trash/, which readers skip.

Folders whose names start with "." are ignored by `load_dataset` (docs/measurement-format.md),
so a trashed measurement leaves the dataset at once and can be restored by moving it back.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from eyetracker.core.errors import UserError

TRASH = ".trash"


class TrashError(UserError):
    """A measurement could not be moved to the trash."""


def trash_folder(dataset: str | os.PathLike[str]) -> Path:
    return Path(dataset) / TRASH


def move_to_trash(dataset: str | os.PathLike[str], measurement: str | os.PathLike[str]) -> Path:
    """Move the `measurement` folder (inside `dataset`) to DATASET/.trash/<same relative path>.

    A name already in the trash gets "-2", "-3", ...; returns where the folder now is.
    """
    root, folder = Path(dataset).resolve(), Path(measurement).resolve()
    try:
        relative = folder.relative_to(root)
    except ValueError:
        raise TrashError(f"{folder} is not inside the dataset {root}; nothing was moved.") from None
    if not relative.parts or relative.parts[0] == TRASH:
        raise TrashError(f"{folder} cannot be moved to the trash; nothing was moved.")
    target = trash_folder(root) / relative
    for attempt in range(2, 1000):
        if not target.exists():
            break
        target = trash_folder(root) / relative.parent / f"{relative.name}-{attempt}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(folder), str(target))
    except OSError as error:
        raise TrashError(
            f"Could not move {folder} to {target.parent} ({error.strerror or error}); "
            "it is still in the dataset."
        ) from None
    parent = folder.parent
    if parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()  # the person's folder held only this measurement
    return target
