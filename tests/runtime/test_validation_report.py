"""Accuracy and precision of a validation, in % of the screen, pixels and degrees."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from eyetracker.core.manifest import Screen
from eyetracker.core.types import GazePoint
from eyetracker.runtime.validation_report import (
    Units,
    ValidationCollector,
    save_report,
    summary_line,
)

SCREEN = Screen(1000, 500, 400.0, 200.0)  # 0.4 mm per pixel both ways


def collector(distance=None):
    return ValidationCollector([GazePoint(0.2, 0.2), GazePoint(0.8, 0.6)], Units(SCREEN, distance))


def test_constant_offset_is_accuracy_and_alternating_jitter_is_precision():
    c = collector(distance=600.0)
    for i in range(6):
        c.add(0, (0.2 + 0.03, 0.2 + (0.01 if i % 2 else -0.01)))  # right, up and down
        c.add(1, GazePoint(0.8, 0.6 - 0.04))  # straight up, no jitter
    report = c.report(user="ada")
    first, second = report["targets"]
    assert first["accuracy_pct"] == pytest.approx(100 * math.hypot(0.03, 0.01))
    assert first["precision_pct"] == pytest.approx(2.0)
    assert second["accuracy_pct"] == pytest.approx(4.0) and second["precision_pct"] == 0
    assert second["accuracy_px"] == pytest.approx(20.0)  # 0.04 of 500 px
    assert second["accuracy_deg"] == pytest.approx(math.degrees(math.atan(8.0 / 600)))
    assert second["mean_estimate"] == pytest.approx([0.8, 0.56])
    assert report["accuracy_pct"] == pytest.approx((first["accuracy_pct"] + 4.0) / 2)
    # pooled over all successive steps: 5 steps of 0.02 and 5 of 0
    assert report["precision_pct"] == pytest.approx(math.sqrt(5 * 2.0**2 / 10))
    assert report["user"] == "ada" and report["targets_with_samples"] == 2


def test_no_degrees_without_a_viewing_distance_and_missing_targets_are_named():
    c = collector()
    c.add(0, (0.25, 0.2))
    report = c.report()
    assert report["accuracy_deg"] is None and "accuracy_deg" not in report["targets"][0]
    assert report["targets"][1] == {"target": [0.8, 0.6], "samples": 0}
    assert report["precision_pct"] is None  # one sample gives no step
    assert report["accuracy_pct"] == pytest.approx(5.0)
    assert summary_line(report) == "Accuracy 5.0% of the screen (50 px); 1 of 2 targets had no face"


def test_nothing_at_all_is_reported_plainly(tmp_path):
    report = collector().report()
    assert report["accuracy_pct"] is None
    assert summary_line(report).startswith("No gaze estimates")
    path = save_report(report, tmp_path / "out" / "v.json")
    assert json.loads(path.read_text())["targets_with_samples"] == 0


def test_report_is_plain_json(tmp_path):
    c = collector(600.0)
    rng = np.random.default_rng(0)
    for point in rng.random((5, 2)):
        c.add(0, tuple(point))
    data = json.loads(save_report(c.report(), tmp_path / "v.json").read_text())
    assert data["format"] == "eyetracker-validation" and len(data["targets"][0]["estimates"]) == 5


def test_the_expected_error_is_reported_beside_the_measured_one():
    c = collector()
    for i in range(4):
        c.add(0, (0.25, 0.2), expected_error=4.0 + i)  # measured 5.0
        c.add(1, (0.8, 0.6 - 0.03), expected_error=None)  # said nothing: not averaged
    report = c.report()
    assert report["targets"][0]["expected_error_pct"] == pytest.approx(5.5)
    assert "expected_error_pct" not in report["targets"][1]
    assert report["expected_error_pct"] == pytest.approx(5.5)
    assert "expected 5.5%" in summary_line(report)
