"""What every gaze stream shares: the JSON form of a sample, the loopback rule, the error."""

from __future__ import annotations

import ipaddress
import math
import time

from eyetracker.core.errors import UserError
from eyetracker.core.types import GazeSample

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class StreamError(UserError):
    """A stream could not start: a host that is not this computer, a taken port, no pylsl."""


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
    `latency_ms` capture to output.

    `wall_offset` is time.time() - time.monotonic(); measured now when not given.
    """
    if wall_offset is None:
        wall_offset = time.time() - time.monotonic()
    point = sample.point if sample.valid else None
    return {
        "t": round(sample.capture_time + wall_offset, 6),
        "x": _finite(point.x) if point else None,
        "y": _finite(point.y) if point else None,
        "valid": bool(sample.valid),
        "expected_error": _rounded(sample.expected_error) if point else None,
        "reason": sample.reason,
        "latency_ms": round(1000.0 * sample.latency, 3),
        "frame": sample.frame_index,
    }
