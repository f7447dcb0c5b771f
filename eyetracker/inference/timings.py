"""Per-stage timings of the tracker: recent durations in bounded deques, summarised on demand.

Recording is one deque append under a lock (microseconds); percentiles are computed only
when someone asks (the status bar a few times a second, a `--json` summary at the end).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

# capture: source.read(); preprocess: crop / face detection; inference: one forward pass;
# statistics: a BatchNorm statistics refresh (recorded only when one happened); total: the
# whole processing of a frame; latency: capture time to sample output.
STAGES = ("capture", "preprocess", "inference", "statistics", "total", "latency")


class Timings:
    """Durations in seconds per stage over the last `window` frames, fps and dropped frames."""

    def __init__(self, window: int = 300, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._stages: dict[str, deque[float]] = {s: deque(maxlen=window) for s in STAGES}
        self._outputs: deque[float] = deque(maxlen=window)
        self.frames = 0
        self.dropped = 0

    def add(self, stage: str, seconds: float) -> None:
        with self._lock:
            self._stages[stage].append(seconds)

    def count_frame(self, now: float | None = None) -> None:
        """One sample was emitted (for the output rate)."""
        with self._lock:
            self.frames += 1
            self._outputs.append(self._clock() if now is None else now)

    def count_drop(self, n: int = 1) -> None:
        with self._lock:
            self.dropped += n

    @property
    def fps(self) -> float:
        """Samples per second over the recent window; nan until two were emitted."""
        with self._lock:
            if len(self._outputs) < 2 or self._outputs[-1] <= self._outputs[0]:
                return math.nan
            return (len(self._outputs) - 1) / (self._outputs[-1] - self._outputs[0])

    def stage(self, name: str) -> dict[str, float]:
        """{"p50", "p95", "max"} in milliseconds (nan when the stage has no records), "n"."""
        with self._lock:
            values = sorted(self._stages[name])
        if not values:
            return {"p50": math.nan, "p95": math.nan, "max": math.nan, "n": 0}
        return {
            "p50": 1000.0 * _percentile(values, 0.50),
            "p95": 1000.0 * _percentile(values, 0.95),
            "max": 1000.0 * values[-1],
            "n": len(values),
        }

    def to_json(self) -> dict:
        """Everything, JSON-ready: unknown numbers are None rather than NaN."""
        stages = {name: {k: _finite(v) for k, v in self.stage(name).items()} for name in STAGES}
        return {
            "frames": self.frames,
            "dropped": self.dropped,
            "fps": _finite(self.fps),
            "stages_ms": stages,
        }


def _percentile(ordered: list[float], q: float) -> float:
    # Linear interpolation between closest ranks (numpy's default), on an already sorted list.
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _finite(value: float | int) -> float | int | None:
    return value if isinstance(value, int) or math.isfinite(value) else None
