"""Checks on the files a command will write, made before its slow work starts: a folder
where a file is wanted, a parent that is a file, a read-only place, a file that is there
already (replaced only with --force), each in one sentence."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from eyetracker.core.errors import UserError


def add_force_option(parser: argparse.ArgumentParser, option: str = "--out") -> None:
    parser.add_argument(
        "--force", action="store_true", help=f"replace the {option} file if it exists already"
    )


def writable_file(
    path: str | os.PathLike[str], option: str, example: str, *, replace: bool = True
) -> Path:
    """`path` as a Path once a file can be written there (its folders are made), else a
    UserError naming `option` (e.g. "--out") with `example`, a file name that would do.

    `replace=False` (no --force): a file that is there already is refused too.
    """
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{option} {path} is a folder; give a file name, e.g. {path / example}.")
    if not replace and (path.exists() or path.is_symlink()):
        raise UserError(
            f"{option} {path} exists already; add --force to replace it, or choose another "
            "file name."
        )
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise UserError(
            f"Cannot write {path}: {blocker} is a file, not a folder; choose another {option}."
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise cannot_write(path, error, option) from None
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UserError(
            f"Cannot write {path} (the folder is read-only); choose another {option} in a "
            "folder you can write to."
        )
    return path


def cannot_write(path: str | os.PathLike[str], error: OSError, option: str) -> UserError:
    """The one sentence for an OSError met while writing `path`."""
    reason = (error.strerror or str(error)).rstrip(".").lower()
    return UserError(
        f"Cannot write {path} ({reason}); choose another {option} in a folder you can write to."
    )
