"""The one interface every frame source implements, its typed errors, and a registry."""

from __future__ import annotations

import abc
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eyetracker.core.errors import UserError
from eyetracker.core.types import Frame


class SourceError(UserError):
    """Base class: the message is one sentence a user can act on."""


class SourceOpenError(SourceError):
    """The source could not be opened (no camera, missing file, device busy)."""


class SourceLost(SourceError):
    """An open source stopped delivering frames (camera unplugged, taken by another program)."""


class EndOfStream(SourceError):
    """A finite source (video file, image folder, script) has no more frames."""


class FrameSource(abc.ABC):
    """A source of `Frame`s. `open()` before `read()`; `close()` is idempotent.

    Use as a context manager: `with create_source("synthetic") as src: frame = src.read()`.
    """

    name: str = "source"
    # Whether consecutive frames show one continuous scene (a camera, a video), so a front end
    # may track the face from frame to frame; an image folder's frames each stand alone.
    continuous: bool = True
    # Whether a read after `SourceLost` tries again: the source reopens itself (a webcam in
    # a ReconnectingSource); a video file, a folder or a bare device is gone for good.
    reopens: bool = False

    @abc.abstractmethod
    def open(self) -> None:
        """Acquire the device or file; raise `SourceOpenError` with a helpful message."""

    @abc.abstractmethod
    def read(self) -> Frame:
        """Block until the next frame; raise `SourceLost` or `EndOfStream`."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the device or file; safe to call more than once."""

    @property
    def fps(self) -> float | None:
        """Nominal frames per second, when the source knows it."""
        return None

    @property
    def resolution(self) -> tuple[int, int] | None:
        """(width, height) actually delivered, when known."""
        return None

    def __enter__(self) -> FrameSource:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self):
        """Frames until the end of the stream."""
        while True:
            try:
                yield self.read()
            except EndOfStream:
                return


@dataclass(frozen=True)
class Registered:
    """A registered source kind and how a source specification reaches it (capture/spec.py).

    `option`: the keyword that receives the text after "kind:" ("webcam:1" -> device="1").
    `claims`: whether a bare specification names this kind (an existing folder, a camera index).
    """

    factory: Callable[..., FrameSource]
    option: str | None = None
    claims: Callable[[str], bool] | None = None


_REGISTRY: dict[str, Registered] = {}


def register_source(
    kind: str, option: str | None = None, claims: Callable[[str], bool] | None = None
) -> Callable[[Callable[..., FrameSource]], Callable[..., FrameSource]]:
    """Class decorator: make a source available to `create_source(kind, ...)` and, through
    `option` and `claims`, to the source specifications of capture/spec.py."""

    def decorate(factory: Callable[..., FrameSource]) -> Callable[..., FrameSource]:
        _REGISTRY[kind] = Registered(factory, option, claims)
        return factory

    return decorate


def available_sources() -> list[str]:
    return sorted(registered_sources())


def registered_sources() -> dict[str, Registered]:
    """Every registered kind, the package's own sources imported first."""
    _load_builtin_sources()
    return dict(_REGISTRY)


def create_source(kind: str, **options: Any) -> FrameSource:
    """Build a registered source ("webcam", "video", "folder", "synthetic") from options."""
    _load_builtin_sources()
    try:
        entry = _REGISTRY[kind]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise SourceOpenError(f"Unknown source kind {kind!r}; choose one of: {known}.") from None
    return entry.factory(**options)


def _load_builtin_sources() -> None:
    # A new source is one module in this package: importing it runs its @register_source.
    import eyetracker.capture

    for module in pkgutil.iter_modules(eyetracker.capture.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"eyetracker.capture.{module.name}")
