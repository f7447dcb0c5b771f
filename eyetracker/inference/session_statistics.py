"""Where the live BatchNorm statistics come from, and when they are refreshed.

The quick calibration's statistics (and correction), then frozen, came close to the oracle's
error (statistics of a full measurement) in every gaze scenario, while every rule that
refreshed them from recent frames drifted toward the region of a long dwell
(docs/benchmarks.md, "Real-time engine"). So:

- with `moments` (the user's profile, made by the quick calibration) they are set once and
  never refreshed;
- without, the model starts from its training statistics and, every `refresh_seconds`,
  takes new ones from a uniform reservoir over the whole session so far (Vitter's algorithm
  R): spread over time, so neither the last second nor one long dwell decides them. A
  refresh is one batch forward pass in the caller's (worker) thread, amortised over ~300
  frames.
"""

from __future__ import annotations

import random

import numpy as np

from eyetracker.inference.backends import Backend, Moments
from eyetracker.inference.calibration_models import CalibrationModel
from eyetracker.inference.profile import Profile
from eyetracker.model.moments import guard_moments


class SessionStatistics:
    """Sets the backend's statistics: frozen `moments`, or else a sample of the session.

    `correction` is the profile's calibration model, applied by the frame pipeline to
    every point predicted with these frozen moments (it was fitted on them).
    """

    def __init__(
        self,
        backend: Backend,
        moments: Moments | None = None,
        correction: CalibrationModel | None = None,
        refresh_seconds: float = 10.0,
        reservoir_size: int = 72,
        min_frames: int = 16,
        seed: int = 0,
    ) -> None:
        self.backend = backend
        self.frozen = moments is not None
        self.correction = correction if self.frozen else None
        self.refresh_seconds = refresh_seconds
        self.min_frames = min_frames
        self.refreshes = 0
        self._reservoir: list[tuple[np.ndarray, np.ndarray]] = []
        self._reservoir_size = reservoir_size
        self._seen = 0
        self._random = random.Random(seed)
        self._last_refresh: float | None = None
        self.backend.set_statistics(moments)
        self.source = (
            "user profile" if self.frozen else "model's training statistics (no calibration yet)"
        )

    @classmethod
    def of_profile(cls, backend: Backend, profile: Profile | None) -> SessionStatistics:
        """Frozen at `profile`'s statistics and correction; without one, a session sample."""
        if profile is None:
            return cls(backend)
        return cls(backend, moments=profile.moments, correction=profile.correction)

    def observe(self, pixels: np.ndarray, face: np.ndarray, now: float) -> bool:
        """Record one frame's prepared input, seen at `now` (seconds); refresh when due.

        Returns True when the statistics were refreshed by this call.
        """
        if self.frozen:
            return False
        entry = (pixels[0] if pixels.ndim == 4 else pixels, face[0] if face.ndim == 2 else face)
        self._seen += 1
        if len(self._reservoir) < self._reservoir_size:
            self._reservoir.append(entry)
        else:
            slot = self._random.randrange(self._seen)
            if slot < self._reservoir_size:
                self._reservoir[slot] = entry
        if self._last_refresh is None:
            self._last_refresh = now
        if now - self._last_refresh < self.refresh_seconds:
            return False
        self._last_refresh = now
        return self.refresh()

    def refresh(self) -> bool:
        """Capture statistics from the reservoir now (not when frozen or with too few frames)."""
        if self.frozen or len(self._reservoir) < self.min_frames:
            return False
        pixels = np.stack([p for p, _ in self._reservoir]).astype(np.float32)
        face = np.stack([f for _, f in self._reservoir]).astype(np.float32)
        captured = self.backend.capture(pixels, face)
        moments = guard_moments(captured, len(pixels), self.backend.running_moments())
        self.backend.set_statistics(moments)
        self.refreshes += 1
        self.source = f"{len(self._reservoir)} frames of this session"
        return True
