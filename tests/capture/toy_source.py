"""A toy frame source in one file, plugged in through the registry as a new source would be."""

from __future__ import annotations

import time

import numpy as np
import pytest

from eyetracker.capture import base
from eyetracker.capture.base import EndOfStream, FrameSource, SourceLost, register_source
from eyetracker.core.types import Frame

TOY_FRAMES = 3


class CountingSource(FrameSource):
    """`frames` grey frames, frame i at brightness 10 i; "toy:N" gives N of them."""

    name = "toy"

    def __init__(self, frames: int | str = TOY_FRAMES, size: int = 8) -> None:
        self.frames = int(frames)
        self.size = size
        self._next: int | None = None

    def open(self) -> None:
        if self._next is None:
            self._next = 0

    def read(self) -> Frame:
        if self._next is None:
            raise SourceLost("The toy source is not open; open it before reading frames.")
        if self._next >= self.frames:
            raise EndOfStream("The toy source has no more frames.")
        index, self._next = self._next, self._next + 1
        image = np.full((self.size, self.size, 3), 10 * index % 256, np.uint8)
        return Frame(image=image, timestamp=time.monotonic(), index=index)

    def close(self) -> None:
        self._next = None

    @property
    def resolution(self) -> tuple[int, int]:
        return (self.size, self.size)


@pytest.fixture
def toy_registered(monkeypatch) -> str:
    """The toy registered as "toy" (its option: the frame count) for one test, then gone."""
    base.available_sources()  # the built-in sources register into the registry kept below
    monkeypatch.setattr(base, "_REGISTRY", dict(base._REGISTRY))
    register_source("toy", option="frames")(CountingSource)
    return "toy"
