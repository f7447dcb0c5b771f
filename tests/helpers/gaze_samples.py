"""Gaze samples for the recording tests: a few of every kind, two fixations joined by a
saccade, a recording written from them, and a check that CSV rows say what the samples said."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from eyetracker.core.types import GazePoint, GazeSample
from eyetracker.outputs.recorder import GazeRecorder

# Valid and invalid samples, with and without a raw point, a truth, a reason that needs quoting.
SAMPLES = [
    GazeSample(
        GazePoint(0.25, 0.5), GazePoint(0.2, 0.55), True, 10.0, 10.012, 7, expected_error=8.25
    ),
    GazeSample(None, None, False, 10.033, 10.04, 8, reason="no face"),
    GazeSample(GazePoint(0.3, 0.5), None, True, 10.066, 10.07, 9, truth=GazePoint(0.3, 0.4)),
    GazeSample(None, None, False, 10.1, 10.11, 10, reason='too dark, "really"'),
]


def assert_rows_match(table, samples, start=0.0):
    """Every row of `table` says what its GazeSample said (to the CSV's 6 decimals)."""

    def coordinates(points):
        return np.array([(p.x, p.y) if p else (math.nan, math.nan) for p in points])

    assert len(table) == len(samples)
    assert table.frame.tolist() == [s.frame_index for s in samples]
    assert table.valid.tolist() == [s.valid for s in samples]
    assert table.reason.tolist() == [s.reason for s in samples]
    close = {"atol": 1e-6, "equal_nan": True}
    times = [s.capture_time - start for s in samples]
    np.testing.assert_allclose(table.time, times, atol=2e-6)  # two roundings when start is read
    np.testing.assert_allclose(table.capture_time, [s.capture_time for s in samples], **close)
    np.testing.assert_allclose(table.latency_ms, [1e3 * s.latency for s in samples], atol=1e-3)
    expected = [math.nan if s.expected_error is None else s.expected_error for s in samples]
    np.testing.assert_allclose(table.expected_error, expected, atol=1e-3, equal_nan=True)
    for name, points in [
        ("", [s.point for s in samples]),
        ("raw_", [s.raw_point for s in samples]),
        ("true_", [s.truth for s in samples]),
    ]:
        found = np.stack([getattr(table, f"{name}x"), getattr(table, f"{name}y")], axis=1)
        np.testing.assert_allclose(found, coordinates(points), **close)


SCREEN = {"width_px": 1600, "height_px": 900}


def fixation_samples(start: float = 100.0) -> list[GazeSample]:
    """Two half-second fixations joined by a saccade, at 30 Hz, with a frame without a face in the saccade."""
    targets = [(0.25, 0.3)] * 15 + [(0.4, 0.4), (0.55, 0.5), (0.7, 0.6)] + [(0.75, 0.65)] * 15
    samples = []
    for i, (x, y) in enumerate(targets):
        valid = i != 16  # in the saccade
        point = GazePoint(x + 0.002 * (i % 3), y) if valid else None
        t = start + i / 30
        samples.append(GazeSample(point, point, valid, t, t + 0.02, i, "" if valid else "no face"))
    return samples


def record(folder: Path, samples=None, metadata=None, stop: bool = True) -> Path:
    """A recording of `samples` (the fixations by default) in `folder`, its clock starting at
    100 s; `stop=False` leaves it as a killed recorder would."""
    recorder = GazeRecorder(folder, {"screen": SCREEN, **(metadata or {})})
    recorder.start()
    recorder.started_at = recorder._writer.start = 100.0  # the samples' clock
    for sample in samples if samples is not None else fixation_samples():
        recorder.publish(sample)
    if stop:
        recorder.stop()
    return folder
