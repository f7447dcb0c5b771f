from __future__ import annotations

import csv
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

import eyetracker
from eyetracker.capture.base import available_sources
from eyetracker.cli import main
from eyetracker.inference.backends.torch import TorchBackend
from eyetracker.model import resources
from eyetracker.model.resources import ResourceMissingError, default_model_path
from eyetracker.outputs.gaze_csv import COLUMNS, read_gaze_csv
from eyetracker.runtime.replay import open_replay_source, replay
from tests.helpers.gaze_samples import assert_rows_match
from tests.helpers.models import save_tiny_model
from tests.helpers.runtime_fakes import DrawnSource, drawn_image

FRAMES = 12


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return save_tiny_model(tmp_path_factory.mktemp("model") / "square.pt")


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    path = tmp_path_factory.mktemp("video") / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (160, 120))
    assert writer.isOpened()
    for i in range(FRAMES):
        writer.write(drawn_image(i))
    writer.release()
    return path


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def replay_cli(*args):
    return main(["replay", *map(str, args), "--backend", "torch", "--device", "cpu"])


def test_replay_of_a_video_writes_a_row_per_frame(model, video, tmp_path, capsys):
    out = tmp_path / "gaze.csv"
    assert replay_cli(video, "--model", model, "--out", out) == 0
    rows = read_rows(out)
    assert [int(r["frame"]) for r in rows] == list(range(FRAMES))
    assert tuple(rows[0]) == COLUMNS
    assert all(r["valid"] == "1" and 0 <= float(r["x"]) <= 1 for r in rows)
    assert all(r["true_x"] == "" for r in rows)  # a plain video knows no truth
    assert f"wrote {FRAMES} rows" in capsys.readouterr().out


def test_realtime_replay_uses_the_live_tracker(model, video, tmp_path, capsys):
    out = tmp_path / "gaze.csv"
    assert replay_cli(video, "--model", model, "--out", out, "--realtime", "--json") == 0
    summary = json.loads(capsys.readouterr().out)
    rows = read_rows(out)
    # Frames that arrive while one is processed are dropped: together they are every frame.
    assert summary["frames"] == len(rows) >= 1
    assert summary["frames"] + summary["dropped"] == FRAMES
    frames = [int(r["frame"]) for r in rows]
    assert frames == sorted(frames) and frames[-1] == FRAMES - 1


@pytest.mark.skipif("synthetic" not in available_sources(), reason="no synthetic source")
def test_synthetic_replay_reports_the_error(model, tmp_path, capsys):
    out = tmp_path / "gaze.csv"
    args = ("synthetic:fixations", "--seconds", "0.5", "--seed", "1", "--model", model)
    assert replay_cli(*args, "--out", out, "--json") == 0
    summary = json.loads(capsys.readouterr().out)
    rows = read_rows(out)
    assert summary["frames"] == len(rows) == 15
    assert summary["valid"] == sum(r["valid"] == "1" for r in rows)
    assert summary["error_pct"] is not None and 0 <= summary["error_pct"] <= 150
    assert summary["dropped"] == 0 and summary["latency_p50_ms"] is not None
    assert all(r["true_x"] != "" for r in rows)
    assert replay_cli(*args, "--out", out, "--force") == 0
    assert "mean error" in capsys.readouterr().out


def test_rows_written_before_a_crash_are_kept(model, tmp_path):
    class FailingBackend(TorchBackend):
        calls = 0

        def predict(self, pixels, face):
            self.calls += 1
            if self.calls == 4:
                raise RuntimeError("the GPU fell off")
            return super().predict(pixels, face)

    backend = FailingBackend(model, "cpu")
    out = tmp_path / "gaze.csv"
    with pytest.raises(RuntimeError):
        replay(DrawnSource(count=10), backend, None, out)
    assert [r["frame"] for r in read_rows(out)] == ["0", "1", "2"]


def test_read_gaze_csv_gives_back_every_sample_the_replay_wrote(model, tmp_path):
    samples = []
    out = tmp_path / "gaze.csv"
    backend = TorchBackend(model, "cpu")
    replay(DrawnSource(count=6, dark={2, 3}), backend, None, out, on_sample=samples.append)
    table = read_gaze_csv(out)
    assert_rows_match(table, samples, start=samples[0].capture_time - table.time[0])
    assert table.valid.tolist() == [True, True, False, False, True, True]
    assert all(table.reason[2:4]) and np.isnan(table.x[2:4]).all()
    assert (table.video_frame == -1).all()  # a replay writes no video


def one_line_error(capsys):
    err = capsys.readouterr().err.strip()
    assert err.startswith("eyetracker: ") and "\n" not in err and "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("source", "expected"),
    [("missing.mp4", "does not exist"), ("webcamx:0", "Unknown source kind")],
)
def test_bad_sources_exit_2_with_one_line(model, tmp_path, capsys, source, expected):
    assert (
        replay_cli(
            tmp_path / source if "." in source else source,
            "--model",
            model,
            "--out",
            tmp_path / "g.csv",
        )
        == 2
    )
    assert expected in one_line_error(capsys)


def test_a_file_that_is_not_a_model_exits_2(video, tmp_path, capsys):
    fake = tmp_path / "model.pt"
    fake.write_text("not a model")
    assert replay_cli(video, "--model", fake, "--out", tmp_path / "g.csv") == 2
    assert "not a readable eyetracker model" in one_line_error(capsys)


def test_the_bundled_model_ships_inside_the_package(tmp_path, monkeypatch):
    # So a wheel, an editable install and the PyInstaller bundle all carry it.
    package = Path(eyetracker.__file__).resolve().parent
    assert default_model_path() == package / "resources" / "models" / "default.pt"

    monkeypatch.setattr(resources, "resource_roots", lambda: [tmp_path / "empty"])
    with pytest.raises(ResourceMissingError, match="pass --model"):
        default_model_path()


def test_missing_default_model_exits_2(video, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(resources, "resource_roots", lambda: [tmp_path / "empty"])
    assert replay_cli(video, "--out", tmp_path / "g.csv") == 2
    assert "bundled model" in one_line_error(capsys)


def test_source_specs(tmp_path, video):
    assert open_replay_source(str(video)).name.startswith("Video")
    assert open_replay_source(str(tmp_path)).name.startswith("Folder")


def test_replay_starts_from_a_user_profile(model, video, tmp_path, capsys):
    from eyetracker.inference.profile import Profile

    backend = TorchBackend(model, "cpu")
    with DrawnSource(count=8) as source:
        front_end = backend.info.preprocessing.front_end(video=True)
        prepared = [front_end.prepare(frame.image) for frame in source]
    moments = backend.capture(
        np.stack([p.pixels for p in prepared]), np.stack([p.geometry for p in prepared])
    )
    profile = Profile("ada", backend.info.fingerprint, moments, 8, "test").save(tmp_path / "p.npz")
    out = tmp_path / "gaze.csv"
    assert replay_cli(video, "--model", model, "--out", out, "--profile", profile) == 0
    assert len(read_rows(out)) == FRAMES

    broken = tmp_path / "broken.npz"
    broken.write_text("no")
    assert replay_cli(video, "--model", model, "--out", out, "--profile", broken, "--force") == 2
    assert "not a readable eyetracker profile" in one_line_error(capsys)


def test_a_model_from_an_unfinished_training_run_is_named_once(video, tmp_path, capsys):
    from eyetracker.model.checkpoint import load_checkpoint, save_checkpoint

    loaded = load_checkpoint(save_tiny_model(tmp_path / "cut.pt"))
    loaded.info.training = {"complete": False, "epochs": 12}
    loaded.info.metrics = {"epoch": 2}
    save_checkpoint(tmp_path / "cut.pt", loaded.model, loaded.info)
    assert replay_cli(video, "--model", tmp_path / "cut.pt", "--out", tmp_path / "g.csv") == 0
    [warning] = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert "cut.pt is from a training run that did not finish (saved after epoch 2 of 12)" in (
        warning
    )
