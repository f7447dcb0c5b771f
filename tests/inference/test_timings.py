from __future__ import annotations

import json
import math

from eyetracker.inference.timings import STAGES, Timings


def test_percentiles_fps_drops_and_json():
    timings = Timings(window=100)
    for i in range(1, 101):
        timings.add("inference", i / 1000)  # 1..100 ms
        timings.count_frame(now=i / 50)  # 50 samples per second
    timings.count_drop(3)
    summary = timings.stage("inference")
    assert summary["p50"] == 50.5 and summary["max"] == 100.0 and summary["n"] == 100
    assert 95 <= summary["p95"] <= 96
    assert math.isclose(timings.fps, 50.0)
    data = json.loads(json.dumps(timings.to_json(), allow_nan=False))
    assert data["dropped"] == 3 and data["frames"] == 100
    assert set(data["stages_ms"]) == set(STAGES)
    assert data["stages_ms"]["capture"]["p50"] is None  # nothing recorded: null, not NaN


def test_deques_are_bounded():
    timings = Timings(window=10)
    for i in range(1000):
        timings.add("total", 0.001)
        timings.count_frame(now=float(i))
    assert timings.stage("total")["n"] == 10
    assert timings.frames == 1000
