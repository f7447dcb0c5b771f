"""Whether a folder can be made or written, said in one sentence before any work."""

from __future__ import annotations

import os
from pathlib import Path

from eyetracker.core.errors import UserError


def writable_folder(path: str | os.PathLike[str], purpose: str) -> Path:
    """`path` as a Path once a folder can be made or written there, else a UserError
    ("Cannot <purpose> afile: it is a file, not a folder; choose a new folder.")."""
    path = Path(path)
    blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        where = "it" if blocker == path else str(blocker)
        raise UserError(
            f"Cannot {purpose} {path}: {where} is a file, not a folder; choose a new folder."
        )
    existing = next(p for p in (path, *path.parents, Path.cwd()) if p.exists())
    if not os.access(existing, os.W_OK):
        raise UserError(
            f"Cannot {purpose} {path}: {existing} is read-only; choose a folder you can write to."
        )
    return path
