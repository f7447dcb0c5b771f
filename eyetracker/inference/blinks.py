"""Blinks in a stream: a short, sharp dip of both eyes' openness below this person's own.

    blinks = BlinkFilter()
    if blinks.is_blink(openness, t, expected):   # openness: (right, left) lid gaps in eye units
        ...                                       # the eyes cannot be read: reason BLINK

A narrow eye is not a closed one. When people look down (the lower half of a tall screen, a
laptop below eye level, the last line of a page) their upper lids follow the eye and the gap
narrows for as long as they look there; a blink closes both eyes for about 100-400 ms and opens
them again. So a frame is a blink only while both eyes sit well below their baseline
(DIP_RATIO) and the dip is younger than BLINK_MAX_S; a dip that lasts longer is the eyes looking
down, its frames give gaze again, and it becomes the baseline a later blink is measured against.

The baseline is what this person's eyes look like here: the lesser of `expected`, the openness
the calibration saw at the same vertical gaze and head pitch (Correction.openness),
and the median of the last BASELINE_S of this stream's frames outside blinks. Timing needs a
video: frames further apart than VIDEO_GAP_S (a folder of photos, dots a second apart) carry no
timing, and only the front end's rule (both lids meeting) refuses them.
"""

from __future__ import annotations

from collections import deque

import numpy as np

BLINK = "blink"

BLINK_MAX_S = 0.4  # the longest blink; a longer dip is a narrowed eye
# Both eyes below this share of their baseline: a dip. In a stream MediaPipe follows a closing
# lid only part of the way, so a full blink reads well above a shut eye's gap; a look at the
# screen's bottom edge narrows the eyes less (docs/benchmarks.md, "Closed eyes and looking
# down").
DIP_RATIO = 0.7
BASELINE_S = 2.0  # the running baseline's window
VIDEO_GAP_S = 0.2  # frames further apart carry no timing


class BlinkFilter:
    """One stream's blink decision; frames in capture order."""

    def __init__(self) -> None:
        self._recent: deque[tuple[float, np.ndarray]] = deque()  # (t, openness) outside blinks
        self._dip_start: float | None = None
        self._last_t: float | None = None

    def is_blink(self, openness: np.ndarray, t: float, expected: np.ndarray | None = None) -> bool:
        """Whether this frame falls in a blink; `openness` and `expected` are (right, left)."""
        openness = np.asarray(openness, float)
        if self._last_t is None or not 0.0 <= t - self._last_t <= VIDEO_GAP_S:
            self._recent.clear()  # no video before this frame: start afresh
            self._dip_start = None
        self._last_t = t
        baseline = self._baseline(expected)
        dipped = baseline is not None and bool(np.all(openness < DIP_RATIO * baseline))
        if not dipped:
            self._dip_start = None
        elif self._dip_start is None:
            self._dip_start = t
        blink = dipped and t - self._dip_start <= BLINK_MAX_S
        if not blink:
            self._recent.append((t, openness))
            while self._recent and t - self._recent[0][0] > BASELINE_S:
                self._recent.popleft()
        return blink

    def _baseline(self, expected: np.ndarray | None) -> np.ndarray | None:
        """The lesser of the calibration's expectation and the recent median, per eye: a look
        down that the calibration saw is no dip, and neither is an eye that has stayed narrow
        (tired, squinting) for a while; a blink is a dip from both."""
        recent = (
            np.median(np.stack([openness for _, openness in self._recent]), axis=0)
            if self._recent
            else None
        )
        if expected is None:
            return recent
        expected = np.asarray(expected, float)
        return expected if recent is None else np.minimum(expected, recent)
