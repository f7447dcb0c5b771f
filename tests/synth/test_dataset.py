from __future__ import annotations

import json
import sys

import cv2
import pytest

from eyetracker.cli import main
from eyetracker.synth.dataset import measurement_counts


def _manifests(root):
    return sorted(root.glob("*/*/measurement.json"))


def test_synth_command_writes_a_valid_measurement_tree(tmp_path, capsys):
    out = tmp_path / "data"
    assert (
        main(
            [
                "synth",
                str(out),
                "--people",
                "2",
                "--measurements",
                "1-2",
                "--samples",
                "3",
                "--seed",
                "4",
                "--workers",
                "1",
            ]
        )
        == 0
    )
    manifests = _manifests(out)
    assert len(manifests) == sum(measurement_counts(4, 2, (1, 2)))
    for path in manifests:
        data = json.loads(path.read_text())
        assert data["person"] in ("p01", "p02") and data["measurement"].startswith("m")
        assert data["screen"]["width_mm"] > 0 and data["camera"] == {"width": 640, "height": 480}
        assert data["synthetic"]["seed"] == 4
        assert len(data["samples"]) == 3
        for sample in data["samples"]:
            assert (
                0 <= sample["x"] <= 1
                and 0 <= sample["y"] <= 1
                and isinstance(sample["blink"], bool)
            )
            image = cv2.imread(str(path.parent / sample["image"]))
            assert image.shape == (480, 640, 3)
    assert "frames/s" in capsys.readouterr().out


def test_parallel_workers_write_the_same_bytes_as_one(tmp_path):
    args = ["--people", "2", "--measurements", "1", "--samples", "2", "--seed", "9"]
    assert main(["synth", str(tmp_path / "one"), *args, "--workers", "1"]) == 0
    assert main(["synth", str(tmp_path / "two"), *args, "--workers", "2"]) == 0
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.jpg"))
    assert len(files) == 4
    for name in files:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_refuses_to_write_into_a_non_empty_folder(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["synth", str(tmp_path), "--people", "1", "--samples", "1"]) == 2
    assert "not empty" in capsys.readouterr().err


def test_needs_a_folder_or_a_preview(capsys):
    assert main(["synth"]) == 2
    assert "--preview" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["0", "5-2", "two"])
def test_rejects_bad_measurement_counts(text, capsys):
    with pytest.raises(SystemExit):
        main(["synth", "out", "--measurements", text])


def test_preview_writes_a_contact_sheet(tmp_path):
    sheet = tmp_path / "sheet.png"
    assert main(["synth", "--preview", str(sheet), "--seed", "1"]) == 0
    image = cv2.imread(str(sheet))
    assert image.shape == (720, 1280, 3)
    assert image.std() > 20


def test_an_interrupted_synth_leaves_a_sitting_that_dataset_info_calls_short(
    tmp_path, capsys, monkeypatch
):
    import eyetracker.synth.dataset as synth_dataset

    render = synth_dataset.render_frame
    calls = []

    def interrupted_at_the_fourth_frame(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return render(*args, **kwargs)

    monkeypatch.setattr(synth_dataset, "render_frame", interrupted_at_the_fourth_frame)
    out = tmp_path / "data"
    args = ["--people", "1", "--measurements", "1", "--samples", "5", "--workers", "1"]
    assert main(["synth", str(out), *args]) == 130
    capsys.readouterr()
    assert main(["dataset", "info", str(out)]) == 0
    text = capsys.readouterr().out
    assert "No problems" not in text
    assert "m1/measurement.json: holds 3 of its 5 planned samples: it was cut short" in text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal")
def test_workers_die_with_a_killed_synth(tmp_path):
    import os
    import signal
    import subprocess
    import time

    out = tmp_path / "data"
    # Two sittings long enough that a worker left alone would still be writing seconds later.
    args = ["--people", "2", "--measurements", "1", "--samples", "400", "--workers", "2"]
    synth = subprocess.Popen(
        [sys.executable, "-m", "eyetracker", "synth", str(out), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(out.rglob("*.jpg"))) < 4:  # both workers are rendering
            assert synth.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        os.kill(synth.pid, signal.SIGKILL)
        synth.wait()
    time.sleep(1)  # a worker dies at once; one that outlived its parent keeps writing
    images = len(list(out.rglob("*.jpg")))
    time.sleep(2)
    assert len(list(out.rglob("*.jpg"))) == images
