"""Replacing a file atomically: a reader sees the old content or the new, never half of it.

Every file the program rewrites in place (the measurement manifest, a recording's sidecar,
a validation report, a model, a profile, a preprocessing cache) goes through `atomic_write`,
and each caller states how durable the new content must be.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

Content = bytes | str | Callable[[BinaryIO], object]


_TOKEN_BYTES = 4  # a temporary file's random part: 8 hex digits


def temporary_glob(name: str) -> str:
    """The glob that matches the temporary files `atomic_write` leaves when killed mid-write.

    "measurement.json" -> ".measurement-[0-9a-f]...[0-9a-f].json": hidden, with the target's
    own suffix, and exactly as many hex digits as the writer draws, so that "m.pt" does not
    match the temporary files of "m-best.pt".
    """
    target = Path(name)
    return f".{target.stem}-{'[0-9a-f]' * (2 * _TOKEN_BYTES)}{target.suffix}"


def remove_temporaries(path: str | os.PathLike[str]) -> int:
    """Delete the temporary files a killed `atomic_write` of `path` left beside it; how many.

    Call it where no other process can be writing `path` at the same time."""
    path = Path(path)
    removed = 0
    for stale in path.parent.glob(temporary_glob(path.name)):
        stale.unlink(missing_ok=True)
        removed += 1
    return removed


def atomic_write(path: str | os.PathLike[str], content: Content, *, durable: bool) -> Path:
    """Write `content` to a temporary file beside `path`, then rename it over `path`.

    `content` is bytes, text (written as UTF-8) or a function that writes into the open
    binary file (``lambda f: np.savez(f, ...)``). `durable=True` also flushes the file and
    then its folder to disk, so the new content survives a power cut (for what cannot be made
    again: measurements, models, profiles); `durable=False` survives a killed process but
    not a power cut (for caches). If anything fails, the temporary file is removed, `path`
    is left as it was and the error is raised.
    """
    file = AtomicFile(path, durable=durable)
    try:
        if isinstance(content, str):
            file.handle.write(content.encode("utf-8"))
        elif isinstance(content, bytes | bytearray | memoryview):
            file.handle.write(content)
        else:
            content(file.handle)
    except BaseException:
        file.discard()
        raise
    return file.commit()


class AtomicFile:
    """The new content of `path` while it is written (`handle`, a temporary file beside it):
    `commit` renames it over `path`, `discard` removes it and leaves `path` as it was. For a
    writer that cannot hand `atomic_write` all its content at once (rows as they come)."""

    def __init__(self, path: str | os.PathLike[str], *, durable: bool) -> None:
        self.path = Path(path)
        self.durable = durable
        self.temporary, fd = _create_temporary(self.path)
        self.handle: BinaryIO = os.fdopen(fd, "wb")

    def commit(self) -> Path:
        """Flush (and with `durable`, sync), then replace `path`; on failure, discard and raise."""
        try:
            self.handle.flush()
            if self.durable:
                os.fsync(self.handle.fileno())
            self.handle.close()
            os.replace(self.temporary, self.path)
        except BaseException:
            self.discard()
            raise
        if self.durable:
            _fsync_folder(self.path.parent)
        return self.path

    def discard(self) -> None:
        with contextlib.suppress(OSError):  # a full disk fails the close's flush too
            self.handle.close()
        self.temporary.unlink(missing_ok=True)


def _create_temporary(path: Path) -> tuple[Path, int]:
    # A fresh name per write, so concurrent writers (torchrun ranks) never share one; created
    # like any new file (mode 0o666 less the umask), unlike mkstemp's private 0o600.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = path.with_name(f".{path.stem}-{secrets.token_hex(_TOKEN_BYTES)}{path.suffix}")
        try:
            return temporary, os.open(temporary, flags, 0o666)
        except FileExistsError:
            continue


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable on POSIX. Windows cannot open folders; and a failure
    # here must not be reported as a failed write, because the new file is already in place.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
