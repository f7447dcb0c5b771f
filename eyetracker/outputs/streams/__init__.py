"""Streaming gaze to other programs on this computer: a WebSocket server and an LSL outlet.

Both are off unless asked for. The WebSocket listens on the loopback interface only; LSL
cannot (liblsl listens on every interface), so it needs `allow_network=True`:

    streams = GazeStreams(["websocket", "lsl"], fps=30.0, allow_network=True)
    streams.start()                       # UserError when a port is taken or pylsl is missing
    tracker = Tracker(..., on_sample=streams.publish)
    ...
    streams.stop()

`publish` never blocks the tracker: each stream keeps a bounded buffer and drops the oldest
samples for a client that cannot keep up. The wire formats are in docs/streaming.md; a new
kind plugs in through `register_stream` (base.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from eyetracker.core.types import GazeSample
from eyetracker.outputs.streams.base import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    GazeSink,
    StreamError,
    StreamSettings,
    available_stream_kinds,
    create_stream,
    register_stream,
    sample_to_json,
    stream_kinds,
    unknown_stream,
)

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "GazeSink",
    "GazeStreams",
    "StreamError",
    "StreamSettings",
    "available_stream_kinds",
    "parse_stream_kinds",
    "register_stream",
    "sample_to_json",
    "stream_kinds",
]


def parse_stream_kinds(text: str | Sequence[str] | None) -> list[str]:
    """`"websocket,lsl"` -> ["websocket", "lsl"]; an unknown kind is a StreamError."""
    if not text:
        return []
    parts = text.split(",") if isinstance(text, str) else list(text)
    known = stream_kinds()
    kinds: list[str] = []
    for part in (p.strip().lower() for p in parts):
        if part not in known:
            raise StreamError(unknown_stream(part))
        if part not in kinds:
            kinds.append(part)
    return kinds


class GazeStreams:
    """The chosen streams behind one `publish(sample)` that the tracker's on_sample calls."""

    def __init__(self, kinds: Iterable[str] = (), **settings) -> None:
        """`settings`: StreamSettings' fields. A StreamError for an unknown kind, a host that
        is not loopback, or LSL without `allow_network` (see lsl.NETWORK_REFUSAL)."""
        self.kinds = parse_stream_kinds(list(kinds))
        self.settings = StreamSettings(**settings)
        self._streams: list[GazeSink] = [create_stream(kind, self.settings) for kind in self.kinds]
        self.started = False

    def get(self, kind: str):
        """The stream of `kind`, if one was asked for (a WebSocket's `url` holds its port)."""
        return next((s for s in self._streams if getattr(s, "kind", "") == kind), None)

    def start(self) -> None:
        """Open every stream; if one fails, the ones already open are closed again."""
        started = []
        try:
            for stream in self._streams:
                stream.start()
                started.append(stream)
        except BaseException:
            for stream in reversed(started):
                stream.stop()
            raise
        self.started = True

    def publish(self, sample: GazeSample) -> None:
        """Hand one sample to every stream; returns at once (called in the tracker's thread)."""
        if self.started:
            for stream in self._streams:
                stream.publish(sample)

    def stop(self) -> None:
        """Close every stream; idempotent."""
        self.started = False
        for stream in reversed(self._streams):
            stream.stop()

    def describe(self) -> list[str]:
        """One line per stream for the terminal: where a client finds it."""
        return [stream.describe() for stream in self._streams]

    def __enter__(self) -> GazeStreams:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
