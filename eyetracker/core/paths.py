"""Containment: a file that a manifest or a sidecar names must stay inside its folder."""

from __future__ import annotations

from pathlib import Path


def leads_outside(path: Path, folder: Path) -> bool:
    """True when `path`, with every link on the way followed, is not inside `folder`.

    A name with `..`, an absolute name, a symlink to a file elsewhere or a file inside a
    symlinked subfolder all lead outside; a link to another file of the folder does not.
    """
    try:
        return not path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):  # a loop of links, a NUL in the name
        return True
