"""What every gaze sink shares: the protocol, the registry of stream kinds, the JSON form
of a sample, the loopback rule, the error.

A sink is anything that takes gaze samples: the streams here, the recorder
(outputs/recorder.py), the replay's CSV (runtime/replay.py). A new stream kind is one module
in this package whose class is decorated with `@register_stream("name")` and built by its
`from_settings(StreamSettings)`; `--stream`, its help and GazeStreams find it from there.
"""

from __future__ import annotations

import importlib
import ipaddress
import math
import pkgutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from eyetracker.core.errors import UserError
from eyetracker.core.types import GazeSample

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class StreamError(UserError):
    """A stream could not start: a host that is not this computer, a taken port, no pylsl."""


class GazeSink(Protocol):
    """Where samples go: `start` (a UserError when it cannot), `publish` from the tracker's
    thread (never blocking it), `stop` (idempotent), `describe`: one line for the user."""

    def start(self) -> object: ...

    def publish(self, sample: GazeSample) -> None: ...

    def stop(self) -> None: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class StreamSettings:
    """Every stream kind's settings; each kind reads the ones it needs."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT  # WebSocket; 0: any free port
    fps: float = 30.0  # the nominal rate LSL announces
    origins: Sequence[str] = ()  # web pages whose WebSocket clients are accepted
    lsl_name: str = "eyetracker"
    lsl_source_id: str = ""
    allow_network: bool = False  # the user accepted a stream reachable from the network


_STREAMS: dict[str, type] = {}


def register_stream(kind: str) -> Callable[[type], type]:
    """Class decorator: a stream kind built by `cls.from_settings(StreamSettings)`; a class
    may say whether what it needs is installed with a static `available() -> bool`."""

    def decorate(cls: type) -> type:
        cls.kind = kind  # type: ignore[attr-defined]
        _STREAMS[kind] = cls
        return cls

    return decorate


def stream_kinds() -> list[str]:
    """Every registered stream kind, in registration order (this package's modules first)."""
    import eyetracker.outputs.streams

    for module in pkgutil.iter_modules(eyetracker.outputs.streams.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"eyetracker.outputs.streams.{module.name}")
    return list(_STREAMS)


def available_stream_kinds() -> list[str]:
    """The kinds whose libraries load here (LSL needs pylsl and its liblsl)."""
    return [kind for kind in stream_kinds() if getattr(_STREAMS[kind], "available", lambda: True)()]


def create_stream(kind: str, settings: StreamSettings) -> GazeSink:
    """A registered stream, not yet started; a StreamError for an unknown kind."""
    if kind not in stream_kinds():
        raise StreamError(unknown_stream(kind))
    return _STREAMS[kind].from_settings(settings)


def unknown_stream(kind: str) -> str:
    kinds = stream_kinds()
    return (
        f"Unknown stream {kind!r}; choose {', '.join(kinds)}, or several with commas "
        f"(--stream {','.join(kinds)})."
    )


def loopback_host(host: str) -> str:
    """`host` if it is a loopback address ("localhost" -> 127.0.0.1), else a StreamError.

    Gaze is personal data: the streams never listen where another computer can connect.
    """
    if host.strip().lower() == "localhost":
        return DEFAULT_HOST
    try:
        loopback = ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise StreamError(
            f"The gaze stream listens on this computer only; {host!r} is not a loopback "
            f"address, use {DEFAULT_HOST} (the default)."
        )
    return host.strip().strip("[]")


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _rounded(value: float | None) -> float | None:
    value = _finite(value)
    return None if value is None else round(value, 3)


def sample_to_json(sample: GazeSample, wall_offset: float | None = None) -> dict:
    """The wire form: `t` is the capture time in Unix seconds, `x`/`y` the smoothed point
    (0..1, origin top-left; null when not valid), `expected_error` the error expected of it
    (% of the screen; null when not valid), `reason` why not valid ("" when valid),
    `latency_ms` capture to output; `click_error` the app's running error estimate from
    clicks (% of the screen), only while it has one.

    `wall_offset` is time.time() - time.monotonic(); measured now when not given.
    """
    if wall_offset is None:
        wall_offset = time.time() - time.monotonic()
    point = sample.point if sample.valid else None
    clicks = {} if sample.click_error is None else {"click_error": _rounded(sample.click_error)}
    return {
        "t": round(sample.capture_time + wall_offset, 6),
        "x": _finite(point.x) if point else None,
        "y": _finite(point.y) if point else None,
        "valid": bool(sample.valid),
        "expected_error": _rounded(sample.expected_error) if point else None,
        "reason": sample.reason,
        "latency_ms": round(1000.0 * sample.latency, 3),
        "frame": sample.frame_index,
        **clicks,
    }
