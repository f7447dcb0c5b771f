"""The attention check in the measurement format (format 2): `attended` true/false per
sample, absent where unchecked; a failed check's neighbours are marked not attended too;
format 1 files read as written; `dataset info` reports the attention rate per sitting."""

from __future__ import annotations

import json

import numpy as np

from eyetracker.commands.dataset import format_summary, summarize
from eyetracker.core.attention import NEAR_FAILED_CHECK
from eyetracker.core.dataset import load_dataset
from eyetracker.core.measurement import FORMAT_VERSION, MANIFEST, MeasurementWriter, Screen
from eyetracker.training.data import prepare_measurement

IMAGE = np.zeros((8, 8, 3), np.uint8)


def write(tmp_path, attended):
    with MeasurementWriter(tmp_path, "p01", Screen(1920, 1080)) as writer:
        for value in attended:
            extra = {} if value is None else {"attended": value}
            writer.add(IMAGE, 0.5, 0.5, **extra)
    return writer.folder


def test_attended_is_written_and_read_back_and_absent_means_unchecked(tmp_path):
    folder = write(tmp_path, [True, None, True])
    raw = json.loads((folder / MANIFEST).read_text())["samples"]
    assert [s.get("attended") for s in raw] == [True, None, True]
    assert "attended" not in raw[1]  # an old file's sample looks just like this one
    [measurement] = load_dataset(tmp_path).measurements
    assert [s.attended for s in measurement.samples] == [True, None, True]


def test_a_failed_check_marks_its_neighbours_not_attended_in_the_file(tmp_path):
    folder = write(tmp_path, [None, None, False, None, True, False, None])
    data = json.loads((folder / MANIFEST).read_text())
    assert data["format"] == FORMAT_VERSION == 2
    raw = data["samples"]
    assert [s.get("attended") for s in raw] == [None, False, False, False, True, False, False]
    # Each neighbour names the failed check; a passed check keeps its own result.
    assert [s.get(NEAR_FAILED_CHECK) for s in raw] == [
        None, raw[2]["image"], None, raw[2]["image"], None, None, raw[5]["image"]
    ]  # fmt: skip
    [measurement] = load_dataset(tmp_path).measurements
    assert [s.attended for s in measurement.samples] == [
        None,
        False,
        False,
        False,
        True,
        False,
        False,
    ]


def test_dropping_a_failed_check_takes_its_marks_away(tmp_path):
    with MeasurementWriter(tmp_path, "p01", Screen(1920, 1080)) as writer:
        writer.add(IMAGE, 0.5, 0.5)
        writer.add(IMAGE, 0.5, 0.5, attended=False)
        writer.drop_last()
    raw = json.loads((writer.folder / MANIFEST).read_text())["samples"]
    assert raw == [{"image": raw[0]["image"], "x": 0.5, "y": 0.5}]


def test_a_format_1_file_reads_as_written_and_resuming_it_marks_it(tmp_path):
    folder = write(tmp_path, [None, False, None])
    data = json.loads((folder / MANIFEST).read_text())
    data["format"] = 1
    for sample in data["samples"]:
        sample.pop(NEAR_FAILED_CHECK, None)
        if sample["image"] != data["samples"][1]["image"]:
            sample.pop("attended", None)
    (folder / MANIFEST).write_text(json.dumps(data))
    [measurement] = load_dataset(tmp_path).measurements
    assert [s.attended for s in measurement.samples] == [None, False, None]
    assert summarize(load_dataset(tmp_path))["attention"][0]["suspect"] == [
        measurement.samples[0].image,
        measurement.samples[2].image,
    ]
    MeasurementWriter.resume(folder).add(IMAGE, 0.5, 0.5)
    data = json.loads((folder / MANIFEST).read_text())
    assert data["format"] == 2
    assert [s.get("attended") for s in data["samples"]] == [False, False, False, None]


def test_training_leaves_out_the_failed_check_and_its_neighbours(tmp_path):
    from eyetracker.model.preprocess import Preprocessing

    write(tmp_path, [None, None, False, None, None, True])
    [measurement] = load_dataset(tmp_path).measurements
    prepared = prepare_measurement(measurement, Preprocessing("square", 32, 32))
    names = [s.image for s in measurement.samples]
    seen = set(prepared.images) | {f.image for f in prepared.failed}  # usable or not
    assert seen == {names[0], names[4], names[5]} and prepared.not_attended == 3


def test_an_attended_that_is_not_true_or_false_skips_the_sample(tmp_path):
    folder = write(tmp_path, [True, None])
    data = json.loads((folder / MANIFEST).read_text())
    data["samples"][1]["attended"] = "yes"
    (folder / MANIFEST).write_text(json.dumps(data))
    dataset = load_dataset(tmp_path)
    assert len(dataset.measurements[0].samples) == 1
    assert any("attended must be true or false" in str(p) for p in dataset.problems)


def test_dataset_info_reports_the_attention_rate_per_sitting(tmp_path):
    write(tmp_path / "a", [True, False, None, True, True])
    write(tmp_path / "b", [None, None])  # no checks: no line
    summary = summarize(load_dataset(tmp_path))
    [sitting] = summary["attention"]
    assert (sitting["checks"], sitting["failed"], sitting["not_attended"]) == (4, 1, 2)
    assert sitting["attention_rate"] == 0.75
    assert sitting["suspect"] == []  # the neighbours are marked: not attended, not suspect
    text = format_summary(summary)
    assert "attention 75% (3 of 4 attention checks passed)" in text
    assert "2 samples not attended, left out of training" in text


def test_dataset_info_suspects_no_sample_two_away_from_a_failed_check(tmp_path):
    # Format 2 marks the failed check's neighbours; the samples beyond them are not suspect.
    write(tmp_path, [None, None, False, None, None])
    [sitting] = summarize(load_dataset(tmp_path))["attention"]
    assert sitting["not_attended"] == 3 and sitting["suspect"] == []
