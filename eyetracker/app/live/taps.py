"""Plain callbacks the workers run on every camera frame and gaze sample (recording, streaming).

`frame` listeners run in the camera thread before the frame reaches the tracker (so a video
frame is indexed before its sample is written); `sample` listeners run in the tracking thread
before the sample's Qt signal. Listeners must be thread-safe and return at once. One that
raises is logged and dropped: a recorder or a stream never ends tracking.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Listener = Callable[[Any], object]


class Taps:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Replaced, never mutated: the worker threads iterate a snapshot without the lock.
        self._listeners: dict[str, tuple[Listener, ...]] = {"frame": (), "sample": ()}

    def add(self, on_sample: Listener | None = None, on_frame: Listener | None = None) -> None:
        self._change(on_sample, on_frame, add=True)

    def remove(self, on_sample: Listener | None = None, on_frame: Listener | None = None) -> None:
        self._change(on_sample, on_frame, add=False)

    def _change(self, on_sample: Listener | None, on_frame: Listener | None, add: bool) -> None:
        with self._lock:
            for kind, listener in (("sample", on_sample), ("frame", on_frame)):
                if listener is None:
                    continue
                kept = tuple(f for f in self._listeners[kind] if f != listener)
                self._listeners[kind] = (*kept, listener) if add else kept

    def frame(self, frame) -> None:
        """Called by the camera worker for every captured frame."""
        self._call("frame", frame)

    def sample(self, sample) -> None:
        """Called by the tracking worker for every gaze sample."""
        self._call("sample", sample)

    def _call(self, kind: str, item) -> None:
        for listener in self._listeners[kind]:
            try:
                listener(item)
            except Exception:
                log.exception("a %s listener failed and was removed", kind)
                self._change(*((listener, None) if kind == "sample" else (None, listener)), False)
