"""Clicks keep the calibration honest: each mouse click is a labelled sample of the error.

    check = ClickCheck()
    check.add_sample(sample)                  # every GazeSample while tracking
    result = check.add_click(GazePoint(x, y), time.monotonic())   # pointer, normalized
    estimate = check.estimate()               # DriftEstimate: running error, whether to recalibrate

When people click they look at the pointer, and their eyes get there before the hand: the
gaze of a short window that ends a little before the click (GAZE_WINDOW_S ending LEAD_S
before it) is compared with where the pointer was. The per-click error is the mean distance of
the window's raw points to the pointer, in % of the screen (the study's metric,
eyetracker.core.metrics.error_pct), so that it estimates what validation would measure.

The running estimate is a robust mean of the last CLICKS_KEPT clicks: clicks whose error is
far above the median (OUTLIER_RATIO) are left out, as the person looked elsewhere while
clicking. It is compared with a reference: the validated error when there is one, otherwise a
baseline taken once from the first MIN_CLICKS clicks after a calibration: the lesser of their
estimate and the error their samples expected (GazeSample.expected_error). The baseline is
frozen because the expected error rises with the drift itself (a head beyond what the
calibration saw makes every point less sure), so the current one would excuse it. Drift is said when, over
at least MIN_CLICKS clicks, the estimate exceeds the reference by both DRIFT_RATIO and
DRIFT_MARGIN_PCT; the app then offers a quick recalibration.

Nothing is kept beyond what the estimate needs: gaze samples of the last SAMPLES_KEPT_S
seconds and the errors of the last CLICKS_KEPT clicks.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from eyetracker.core.metrics import error_pct
from eyetracker.core.types import GazePoint, GazeSample

GAZE_WINDOW_S = 0.3  # how much gaze before the click counts
LEAD_S = 0.05  # the window ends this long before the click: the eyes arrive first
MIN_SAMPLES = 2  # fewer gaze samples in the window: no gaze near the click, ignored
SAMPLES_KEPT_S = 1.0  # gaze samples older than this are dropped
CLICKS_KEPT = 20  # the running estimate's clicks
MIN_CLICKS = 5  # no drift is said on fewer clicks
OUTLIER_RATIO = 3.0  # a click this far above the median was not looked at
DRIFT_RATIO = 1.5  # drift: the estimate is this many times the reference ...
DRIFT_MARGIN_PCT = 2.0  # ... and this many points (% of the screen) above it

VALIDATED = "validated"
BASELINE = "baseline"


@dataclass(frozen=True)
class ClickSample:
    """One click that had gaze before it: where the pointer was, the window's mean gaze,
    and the error (% of the screen) with the number of samples it rests on."""

    pointer: GazePoint
    gaze: GazePoint
    time: float
    error_pct: float
    samples: int
    expected_error: float | None = None


@dataclass(frozen=True)
class DriftEstimate:
    """The running error estimate from clicks (None before the first), the reference it is
    compared with and where that comes from (VALIDATED, BASELINE or ""), and whether the
    rule says the calibration has drifted."""

    error_pct: float | None
    clicks: int
    reference_pct: float | None
    reference: str
    drifted: bool

    def text(self) -> str:
        """ "clicks: 6.2% (8 clicks)" for a status bar."""
        if self.error_pct is None:
            return "clicks: –"
        plural = "click" if self.clicks == 1 else "clicks"
        return f"clicks: {self.error_pct:.1f}% ({self.clicks} {plural})"


def robust_mean(errors: np.ndarray) -> float:
    """The mean of the errors that are not far above their median."""
    errors = np.asarray(errors, float)
    kept = errors[errors <= OUTLIER_RATIO * np.median(errors)]
    return float(kept.mean()) if len(kept) else float(np.median(errors))


class ClickCheck:
    """One tracking stream's clicks and gaze; samples and clicks in time order (monotonic s)."""

    def __init__(self, validated_pct: float | None = None) -> None:
        self.validated_pct = validated_pct
        self._samples: deque[tuple[float, np.ndarray, float | None]] = deque()
        self._clicks: deque[ClickSample] = deque(maxlen=CLICKS_KEPT)
        self._baseline: float | None = None  # the reference without validation

    def reset(self, validated_pct: float | None = None) -> None:
        """A new calibration or validation: forget every click, keep the new reference."""
        self.validated_pct = validated_pct
        self._clicks.clear()
        self._baseline = None

    def add_sample(self, sample: GazeSample) -> None:
        """A tracker sample; one without a fresh point of its own (no face, a blink) is not
        evidence of where the eyes were."""
        if not sample.valid or sample.reason or sample.raw_point is None:
            return
        t = sample.capture_time
        point = np.array([sample.raw_point.x, sample.raw_point.y])
        self._samples.append((t, point, sample.expected_error))
        while self._samples and t - self._samples[0][0] > SAMPLES_KEPT_S:
            self._samples.popleft()

    def add_click(self, pointer: GazePoint, t: float) -> ClickSample | None:
        """A click at `pointer` (normalized screen point) at time `t`; None when no gaze was
        tracked just before it (the click is ignored)."""
        start, end = t - LEAD_S - GAZE_WINDOW_S, t - LEAD_S
        window = [(p, e) for s, p, e in self._samples if start <= s <= end]
        if len(window) < MIN_SAMPLES:
            return None
        points = np.stack([p for p, _ in window])
        target = np.array([pointer.x, pointer.y])
        expected = [e for _, e in window if e is not None]
        mean = points.mean(axis=0)
        click = ClickSample(
            pointer=pointer,
            gaze=GazePoint(float(mean[0]), float(mean[1])),
            time=t,
            error_pct=float(error_pct(points, target).mean()),
            samples=len(window),
            expected_error=float(np.mean(expected)) if expected else None,
        )
        self._clicks.append(click)
        if self._baseline is None and len(self._clicks) == MIN_CLICKS:
            clicks = list(self._clicks)
            baseline = robust_mean(np.array([c.error_pct for c in clicks]))
            expected = [c.expected_error for c in clicks if c.expected_error is not None]
            self._baseline = min(baseline, float(np.mean(expected))) if expected else baseline
        return click

    def clicks(self) -> tuple[ClickSample, ...]:
        """The clicks the estimate rests on, oldest first."""
        return tuple(self._clicks)

    def estimate(self) -> DriftEstimate:
        clicks = list(self._clicks)
        if not clicks:
            return DriftEstimate(None, 0, *self._reference(clicks), drifted=False)
        error = robust_mean(np.array([c.error_pct for c in clicks]))
        reference, kind = self._reference(clicks)
        drifted = (
            len(clicks) >= MIN_CLICKS
            and reference is not None
            and error > DRIFT_RATIO * reference
            and error > reference + DRIFT_MARGIN_PCT
        )
        return DriftEstimate(error, len(clicks), reference, kind, drifted)

    def _reference(self, clicks: list[ClickSample]) -> tuple[float | None, str]:
        if self.validated_pct is not None:
            return self.validated_pct, VALIDATED
        return (self._baseline, BASELINE) if self._baseline is not None else (None, "")
