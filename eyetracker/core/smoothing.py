"""Gaze smoothing with the One Euro filter (Casiez, Roussel & Vogel, CHI 2012).

The filter is a low-pass whose cutoff rises with speed: while the eyes rest on a point the
cutoff stays at `min_cutoff` and frame-to-frame jitter is averaged away; during a saccade the
estimated speed raises the cutoff (`beta` per screen/second) so the point follows with little
lag. We use the authors' own implementation (PyPI `OneEuroFilter`), one filter per axis.
"""

from __future__ import annotations

from dataclasses import dataclass

from OneEuroFilter import OneEuroFilter

from eyetracker.core.types import GazePoint


@dataclass(frozen=True)
class SmoothingSettings:
    """Tuning for normalized gaze (screen = 1 x 1) sampled at about 30 fps.

    - `min_cutoff` 1.0 Hz: at 30 fps the fixation filter is an EMA with alpha ~0.17, which
      cuts the standard deviation of white jitter about 3x (sqrt(alpha / (2 - alpha))) for a
      time constant of 0.16 s -- steady enough to read a word, still responsive to drift.
    - `beta` 3.0 per (screen/s): a saccade across half the screen moves at ~15 screen/s
      between two frames; after the derivative filter that is ~2.6 screen/s, lifting the
      cutoff to ~9 Hz (alpha ~0.65), so the point lands within 5% in ~3 frames instead of
      ~15 at the fixation cutoff. Fixation jitter of 2% of the screen gives filtered speeds
      of ~0.2 screen/s, i.e. only about +0.5 Hz: jitter is still cut ~2.5x (beta 1 would cut
      it 3x but take a frame longer per saccade; lag hurts more than a little jitter).
    - `d_cutoff` 1.0 Hz: the authors' recommended default for the speed estimate.
    - `max_gap` 0.5 s: with no valid sample for longer (a blink, a look away, a lost face),
      the filter starts afresh, so the first point after the gap is not dragged from the
      old one.
    """

    min_cutoff: float = 1.0
    beta: float = 3.0
    d_cutoff: float = 1.0
    max_gap: float = 0.5
    nominal_fps: float = 30.0  # used until two timestamps give the real rate

    def __post_init__(self) -> None:
        for name in ("min_cutoff", "d_cutoff", "max_gap", "nominal_fps"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)}")
        if self.beta < 0:
            raise ValueError(f"beta must be >= 0, not {self.beta}")


# The one knob the app offers (Preferences > Smoothing): how long the point takes to settle
# while the eyes rest. Each halves the fixation cutoff of the one before; the time constant
# 1 / (2 pi min_cutoff) is 0.08 s, 0.16 s and 0.32 s. `beta` stays, so saccades stay as fast.
# "off" gives the model's raw points (no smoother at all).
SMOOTHING_STRENGTHS: dict[str, SmoothingSettings | None] = {
    "off": None,
    "light": SmoothingSettings(min_cutoff=2.0),
    "normal": SmoothingSettings(),
    "strong": SmoothingSettings(min_cutoff=0.5),
}


class GazeSmoother:
    """`smoother(point, t) -> point`: One Euro filtering of x and y with timestamps in seconds."""

    def __init__(
        self,
        min_cutoff: float | None = None,
        beta: float | None = None,
        d_cutoff: float | None = None,
        settings: SmoothingSettings | None = None,
    ) -> None:
        settings = settings or SmoothingSettings()
        overrides = {"min_cutoff": min_cutoff, "beta": beta, "d_cutoff": d_cutoff}
        changed = {k: float(v) for k, v in overrides.items() if v is not None}
        self.settings = SmoothingSettings(**{**settings.__dict__, **changed})
        self._filters: tuple[OneEuroFilter, OneEuroFilter] | None = None
        self._last_time: float | None = None
        self.resets = 0

    def reset(self) -> None:
        """Forget the past: the next point passes through unchanged."""
        # Fresh filters rather than OneEuroFilter.reset(): in 0.2.1 that keeps the last
        # filtered value, so the first speed after a reset would be a spurious jump.
        self._filters = None
        self._last_time = None

    def __call__(self, point: GazePoint, t: float) -> GazePoint:
        s = self.settings
        if self._last_time is not None and t - self._last_time > s.max_gap:
            self.reset()
            self.resets += 1
        if self._filters is None:
            self._filters = tuple(
                OneEuroFilter(s.nominal_fps, s.min_cutoff, s.beta, s.d_cutoff) for _ in range(2)
            )
        elif t > self._last_time:
            # The rate comes from our own timestamps: the library tests `if timestamp`, so a
            # clock starting at 0.0 would be ignored there. Equal timestamps keep the last rate.
            for axis in self._filters:
                axis.setFrequency(1.0 / (t - self._last_time))
        self._last_time = t if self._last_time is None else max(t, self._last_time)
        x_filter, y_filter = self._filters
        return GazePoint(float(x_filter(point.x)), float(y_filter(point.y)))
