"""Streaming gaze to other programs on this computer: a WebSocket server and an LSL outlet.

Both are off unless asked for. The WebSocket listens on the loopback interface only; LSL
cannot (liblsl listens on every interface), so it needs `allow_network=True`:

    streams = GazeStreams(["websocket", "lsl"], fps=30.0, allow_network=True)
    streams.start()                       # UserError when a port is taken or pylsl is missing
    tracker = Tracker(..., on_sample=streams.publish)
    ...
    streams.stop()

`publish` never blocks the tracker: each stream keeps a bounded buffer and drops the oldest
samples for a client that cannot keep up. The wire formats are in docs/streaming.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from eyetracker.core.types import GazeSample
from eyetracker.runtime.streams.base import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    StreamError,
    sample_to_json,
)

STREAM_KINDS = ("websocket", "lsl")

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "STREAM_KINDS",
    "GazeStreams",
    "StreamError",
    "parse_stream_kinds",
    "sample_to_json",
]


def parse_stream_kinds(text: str | Sequence[str] | None) -> list[str]:
    """`"websocket,lsl"` -> ["websocket", "lsl"]; an unknown kind is a StreamError."""
    if not text:
        return []
    parts = text.split(",") if isinstance(text, str) else list(text)
    kinds: list[str] = []
    for part in (p.strip().lower() for p in parts):
        if part not in STREAM_KINDS:
            raise StreamError(
                f"Unknown stream {part!r}; choose websocket, lsl or both (--stream websocket,lsl)."
            )
        if part not in kinds:
            kinds.append(part)
    return kinds


class GazeStreams:
    """The chosen streams behind one `publish(sample)` that the tracker's on_sample calls."""

    def __init__(
        self,
        kinds: Iterable[str] = (),
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        fps: float = 30.0,
        origins: Sequence[str] = (),
        lsl_name: str = "eyetracker",
        lsl_source_id: str = "",
        allow_network: bool = False,
    ) -> None:
        """A StreamError for an unknown kind, a host that is not loopback, or LSL without
        `allow_network` (see lsl.NETWORK_REFUSAL)."""
        self.kinds = parse_stream_kinds(list(kinds))
        self._streams: list = []
        for kind in self.kinds:
            if kind == "websocket":
                from eyetracker.runtime.streams.websocket import WebSocketStream

                self._streams.append(WebSocketStream(host, port, origins=origins))
            else:
                from eyetracker.runtime.streams.lsl import LslStream

                self._streams.append(
                    LslStream(
                        fps, name=lsl_name, source_id=lsl_source_id, allow_network=allow_network
                    )
                )
        self.started = False

    @property
    def websocket(self):
        """The WebSocketStream, if one was asked for (its `url` holds the bound port)."""
        return next((s for s in self._streams if s.kind == "websocket"), None)

    @property
    def lsl(self):
        """The LslStream, if one was asked for."""
        return next((s for s in self._streams if s.kind == "lsl"), None)

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
