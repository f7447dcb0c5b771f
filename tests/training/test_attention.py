"""Samples whose attention check failed are left out of training and evaluation, and counted."""

from __future__ import annotations

import json
import logging

from eyetracker.cli import main
from eyetracker.core.dataset import load_dataset
from eyetracker.core.manifest import MANIFEST
from eyetracker.model.checkpoint import load_checkpoint
from eyetracker.model.preprocess import Preprocessing
from eyetracker.training.data import prepare_measurement
from eyetracker.training.trainer import train
from tests.helpers.datasets import toy_train_config, write_toy_dataset


def fail_checks(folder, indices):
    """Mark the samples at `indices` of `folder`'s manifest as a failed attention check."""
    path = folder / MANIFEST
    data = json.loads(path.read_text())
    for index in indices:
        data["samples"][index].update(attended=False, letter="K")
    data["samples"][0].update(attended=True, letter="A")  # a passed check stays in
    path.write_text(json.dumps(data))


def test_training_leaves_out_the_samples_whose_check_failed(tmp_path, caplog, capsys):
    data = write_toy_dataset(tmp_path / "data", people=3, measurements=1, samples=12)
    fail_checks(data / "p01" / "m0", [3, 7])
    [measurement] = [m for m in load_dataset(data).measurements if m.person == "p01"]
    prepared = prepare_measurement(measurement, Preprocessing("square", 32, 32))
    assert (len(prepared), prepared.skipped, prepared.not_attended) == (10, 0, 2)
    failed_images = {measurement.samples[i].image for i in (3, 7)}
    assert not failed_images & set(prepared.images)

    out = tmp_path / "m.pt"
    with caplog.at_level(logging.INFO, logger="eyetracker.train"):
        train(toy_train_config(data, out, epochs=1))
    assert (
        "left out 2 samples not attended (a failed attention check or next to one)" in caplog.text
    )
    info = load_checkpoint(out).info
    trained = info.data["train"]["samples"] + info.data["unfamiliar_measurements"]["samples"]
    assert trained == 3 * 12 - 2 and info.data["not_attended"] == 2

    assert main(["evaluate", str(data), "--model", str(out), "--json", "-k", "4"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["not_attended"] == 2 and report["samples"] == 3 * 12 - 2
