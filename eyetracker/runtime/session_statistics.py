"""Where the live BatchNorm statistics come from, and when they are refreshed.

The trap: statistics of the last second of frames are not representative when the user
reads one paragraph; a session-trained model given them collapses toward that corner.
So the manager keeps a *gaze-balanced reservoir*: the screen is cut into a grid of cells,
each cell keeps its own most recent frames (seeded with the calibration frames that looked
there), and statistics are computed from all cells together, each cell weighing the same.
A refresh happens only when recent gaze has visited most of the cells (`min_cells` of 9
within `coverage_seconds`): free viewing renews the statistics, so slow changes (light,
posture) are followed, while reading one paragraph or dwelling in one region keeps the
statistics it has, because predictions in one region also leak into neighbouring cells and
would pull the mix toward that region. Refreshes run every `refresh_seconds` at most, in the
caller's (worker) thread: one batch forward pass, amortised over ~300 frames.

Policies, for the benchmark:
- ``auto`` (the default): ``calibration`` when there is a calibration or a profile, else
  ``balanced`` (which then uses its time-spread reservoir);
- ``calibration``: the calibration statistics, frozen;
- ``recent``: the naive buffer of the last N frames (the row to beat);
- ``balanced``: the design above.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass

import numpy as np

from eyetracker.runtime.backends import Backend, Moments

POLICIES = ("auto", "calibration", "recent", "balanced")


@dataclass
class Calibration:
    """Prepared inputs of calibration frames and the points they looked at."""

    pixels: np.ndarray  # (N, 1, H, W) float32
    face: np.ndarray  # (N, 3)
    points: np.ndarray  # (N, 2) normalized screen points


class SessionStatistics:
    def __init__(
        self,
        backend: Backend,
        policy: str = "auto",
        calibration: Calibration | None = None,
        moments: Moments | None = None,
        refresh_seconds: float = 10.0,
        grid: int = 3,
        per_cell: int = 8,
        min_cells: int = 6,
        coverage_seconds: float = 30.0,
        recent_frames: int = 32,
        seed: int = 0,
    ) -> None:
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r}; choose one of {POLICIES}")
        if policy == "auto":
            # Measured choice (docs/benchmarks.md, real-time engine): with a calibration, frozen
            # statistics stayed within 1.1x of the oracle in every gaze scenario, while every
            # refresh rule we tried drifted toward the region of a long dwell. Without one, the
            # time-spread reservoir is the only source of session statistics there is.
            policy = "calibration" if calibration is not None or moments is not None else "balanced"
        self.backend = backend
        self.policy = policy
        self.refresh_seconds = refresh_seconds
        self.grid = grid
        self.min_cells = min_cells
        self.coverage_seconds = coverage_seconds
        # When each cell last received a live frame: the refresh needs a spread of them.
        self._visited = [float("-inf")] * (grid * grid)
        self._now = 0.0
        self._cells: list[deque] = [deque(maxlen=per_cell) for _ in range(grid * grid)]
        self._recent: deque = deque(maxlen=recent_frames)
        # Without a calibration, a uniform reservoir over the whole session (Vitter's
        # algorithm R) stands in for one: spread over time, though not over the screen.
        self._reservoir: list = []
        self._reservoir_size = grid * grid * per_cell
        self._seen = 0
        self._random = random.Random(seed)
        self._last_refresh: float | None = None
        self.refreshes = 0
        if calibration is not None:
            for p, f, point in zip(
                calibration.pixels, calibration.face, calibration.points, strict=True
            ):
                self._cells[self._cell(point)].append((p, f))
            moments = moments or backend.capture(calibration.pixels, calibration.face)
        self.has_calibration = moments is not None
        self.backend.set_statistics(moments)
        self.source = (
            f"calibration ({len(calibration.points)} frames)"
            if calibration is not None
            else "user profile"
            if moments is not None
            else "model's training statistics (no calibration yet)"
        )

    def _cell(self, point) -> int:
        col = min(self.grid - 1, max(0, int(float(point[0]) * self.grid)))
        row = min(self.grid - 1, max(0, int(float(point[1]) * self.grid)))
        return row * self.grid + col

    def observe(self, pixels: np.ndarray, face: np.ndarray, point, now: float) -> bool:
        """Record one frame's prepared input and predicted point; refresh when due.

        Returns True when the statistics were refreshed by this call.
        """
        entry = (pixels[0] if pixels.ndim == 4 else pixels, face[0] if face.ndim == 2 else face)
        self._seen += 1
        self._now = now
        if self.policy == "recent":
            self._recent.append(entry)
        elif self.policy == "balanced":
            if self.has_calibration:
                cell = self._cell(point)
                self._cells[cell].append(entry)
                self._visited[cell] = now
            elif len(self._reservoir) < self._reservoir_size:
                self._reservoir.append(entry)
            else:
                slot = self._random.randrange(self._seen)
                if slot < self._reservoir_size:
                    self._reservoir[slot] = entry
        if self._last_refresh is None:
            self._last_refresh = now
        if self.policy == "calibration" or now - self._last_refresh < self.refresh_seconds:
            return False
        self._last_refresh = now
        return self.refresh()

    def _frames_for_statistics(self) -> list | None:
        if self.policy == "recent":
            return list(self._recent) if len(self._recent) >= 8 else None
        if not self.has_calibration:
            return self._reservoir if len(self._reservoir) >= 16 else None
        fresh = sum(self._now - t <= self.coverage_seconds for t in self._visited)
        if fresh < self.min_cells:
            return None  # recent gaze too concentrated to be representative: keep what we have
        filled = [cell for cell in self._cells if cell]
        # Every cell weighs the same: a cell with fewer frames repeats them (a weighted batch),
        # so a long dwell fills one cell but still counts as one ninth of the screen.
        size = max(len(cell) for cell in filled)
        return [cell[i % len(cell)] for cell in filled for i in range(size)]

    def refresh(self) -> bool:
        frames = self._frames_for_statistics()
        if frames is None:
            return False
        pixels = np.stack([p for p, _ in frames]).astype(np.float32)
        face = np.stack([f for _, f in frames]).astype(np.float32)
        self.backend.set_statistics(self.backend.capture(pixels, face))
        self.refreshes += 1
        kind = {"recent": "the last", "balanced": "a gaze-balanced set of"}[self.policy]
        self.source = f"{kind} {len(frames)} frames" + (
            " + calibration" if self.has_calibration and self.policy == "balanced" else ""
        )
        return True
