"""The attention check in the measurement format: `attended` true/false per sample, absent
(unchecked) in older files; `dataset info` reports the failed share per sitting."""

from __future__ import annotations

import json

import numpy as np

from eyetracker.commands.dataset import format_summary, summarize
from eyetracker.core.dataset import load_dataset
from eyetracker.core.measurement import MANIFEST, MeasurementWriter, Screen

IMAGE = np.zeros((8, 8, 3), np.uint8)


def write(tmp_path, attended):
    with MeasurementWriter(tmp_path, "p01", Screen(1920, 1080)) as writer:
        for value in attended:
            extra = {} if value is None else {"attended": value}
            writer.add(IMAGE, 0.5, 0.5, **extra)
    return writer.folder


def test_attended_is_written_and_read_back_and_absent_means_unchecked(tmp_path):
    folder = write(tmp_path, [True, False, None])
    raw = json.loads((folder / MANIFEST).read_text())["samples"]
    assert [s.get("attended") for s in raw] == [True, False, None]
    assert "attended" not in raw[2]  # an old file's sample looks just like this one
    [measurement] = load_dataset(tmp_path).measurements
    assert [s.attended for s in measurement.samples] == [True, False, None]


def test_an_attended_that_is_not_true_or_false_skips_the_sample(tmp_path):
    folder = write(tmp_path, [True, None])
    data = json.loads((folder / MANIFEST).read_text())
    data["samples"][1]["attended"] = "yes"
    (folder / MANIFEST).write_text(json.dumps(data))
    dataset = load_dataset(tmp_path)
    assert len(dataset.measurements[0].samples) == 1
    assert any("attended must be true or false" in str(p) for p in dataset.problems)


def test_dataset_info_reports_the_share_of_failed_checks_per_sitting(tmp_path):
    write(tmp_path / "a", [True, False, None, True, True])
    write(tmp_path / "b", [None, None])  # no checks: no line
    summary = summarize(load_dataset(tmp_path))
    [sitting] = summary["attention"]
    assert (sitting["checks"], sitting["failed"]) == (4, 1)
    assert sitting["failed_share"] == 0.25
    assert "1 of 4 attention checks failed (25%)" in format_summary(summary)


def test_dataset_info_names_the_samples_next_to_a_failed_check(tmp_path):
    write(tmp_path, [None, False, None, True, False, False, None])
    [measurement] = load_dataset(tmp_path).measurements
    names = [s.image for s in measurement.samples]
    summary = summarize(load_dataset(tmp_path))
    # Before and after each failed one, in capture order; the failed ones themselves are not
    # "next to" one, and a passed check beside a failed one is suspect too.
    assert summary["attention"][0]["suspect"] == [names[0], names[2], names[3], names[6]]
    assert f"next to a failed check: {names[0]}, {names[2]}" in format_summary(summary)
