"""`evaluate` counts every frame and calibrates on samples spread over the screen."""

from __future__ import annotations

import csv
import json

import numpy as np

from eyetracker.cli import main
from eyetracker.core.measurement import MeasurementWriter, Screen
from tests.helpers.datasets import toy_train_config as config


def add_dark_frame(root):
    writer = MeasurementWriter(
        root, "p00", Screen(1920, 1080, 344, 194), measurement="dark", image_format="png"
    )
    for x in (0.1, 0.5, 0.9):
        writer.add(np.full((48, 64, 3), 200, np.uint8), x, x)
    writer.add(np.zeros((48, 64, 3), np.uint8), 0.2, 0.8)  # too dark: no prediction


def test_predictions_csv_has_every_sample_and_its_role(toy_dataset, tmp_path, capsys):
    from eyetracker.training.trainer import train

    model = tmp_path / "m.pt"
    train(config(toy_dataset, model, epochs=1))
    add_dark_frame(toy_dataset)
    rows_file = tmp_path / "rows.csv"
    args = ["evaluate", str(toy_dataset), "--model", str(model), "--json", "-k", "2"]
    assert main([*args, "--predictions", str(rows_file)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["samples"] == 72 + 4 and report["no_usable_face"] == 1
    assert report["no_usable_face_reasons"] == {"too dark": 1}
    assert report["per_measurement"]["p00/dark"] == {"usable": 3, "no_usable_face": 1}
    assert report["modes"]["session"]["face_found_pct"] < 100
    with open(rows_file, newline="") as handle:
        rows = list(csv.DictReader(handle))
    for mode in ("running", "session", "calibrated"):
        own = [r for r in rows if r["mode"] == mode]
        assert len(own) == 76  # every sample once, calibration rows included
        dark = [r for r in own if r["face_found"] == "0"]
        assert len(dark) == 1 and dark[0]["pred_x"] == "" and dark[0]["role"] == "test"
        assert dark[0]["reason"] == "too dark" and dark[0]["expected_error"] == ""
        tested = [r for r in own if r["role"] == "test" and r["face_found"] == "1"]
        assert all(float(r["expected_error"]) > 0 and r["reason"] == "" for r in tested)
    calibrated = [r for r in rows if r["mode"] == "calibrated" and r["role"] == "calibration"]
    assert len(calibrated) == 7 * 2


def test_a_sitting_too_short_to_calibrate_is_one_sentence(toy_dataset, tmp_path, capsys):
    from eyetracker.training.trainer import train

    model = tmp_path / "m.pt"
    train(config(toy_dataset, model, epochs=1))
    capsys.readouterr()
    args = ["evaluate", str(toy_dataset), "--model", str(model), "-k", "12", "--json"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "too few to calibrate on 12" in err[0]


def test_screen_values_reported_as_ignored_are_not_used(tmp_path, capsys):
    from tests.helpers.datasets import write_toy_dataset
    from tests.helpers.models import save_tiny_model

    root = write_toy_dataset(tmp_path / "data", people=1, measurements=1, samples=6)
    manifest = root / "p00" / "m0" / "measurement.json"
    data = json.loads(manifest.read_text())
    data["screen"] |= {"width_mm": -344, "height_mm": "x"}
    data["viewing_distance_mm"] = True
    manifest.write_text(json.dumps(data))
    model = save_tiny_model(tmp_path / "m.pt")

    args = ["evaluate", str(root), "--model", str(model), "--json", "-k", "2"]
    assert main([*args, "--modes", "running"]) == 0
    out = capsys.readouterr().out
    warnings = [line for line in out.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 3 and all("ignored" in line for line in warnings)
    report = json.loads(out[out.index("{") :])
    running = report["modes"]["running"]
    assert running["error_mm"] is None and running["error_deg"] is None
    assert running["error_px"] is not None
