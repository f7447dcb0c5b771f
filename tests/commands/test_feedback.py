"""The commands as a user runs them: a mistake is one sentence and exit 2 (no traceback, no
false success, nothing left behind); long runs show progress; `stream` says when it is ready."""

from __future__ import annotations

import io
import sys

import pytest

from eyetracker.cli import main
from tests.helpers.datasets import write_toy_dataset
from tests.helpers.models import save_tiny_model


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return save_tiny_model(tmp_path_factory.mktemp("model") / "square.pt")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def terminal_stderr(monkeypatch) -> Terminal:
    """stderr as a terminal: where progress and notes are shown (not in logs). Called in the
    test itself: capsys sets its own stderr after the fixtures."""
    stream = Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    return stream


def one_sentence(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("eyetracker: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.strip()


def test_export_to_a_folder_or_below_a_file_is_one_sentence(model, tmp_path, capsys):
    assert main(["export", str(model), "--out", str(tmp_path)]) == 2
    assert "is a folder; give a file name, e.g." in one_sentence(capsys)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main(["export", str(model), "--out", str(blocker / "m.onnx")]) == 2
    assert "a-file is a file, not a folder" in one_sentence(capsys)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_export_where_nothing_can_be_written_is_one_sentence(model, capsys):
    assert main(["export", str(model), "--out", "/proc/eyetracker-model.onnx"]) == 2
    assert one_sentence(capsys).startswith("eyetracker: Cannot write /proc/eyetracker-model.onnx")


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--batch-size", "0", "--batch-size must be at least 1, not 0."),
        ("--epochs", "0", "--epochs must be at least 1, not 0."),
        ("--groups", "-1", "--groups must be at least 1, not -1."),
        ("--lr", "0", "--lr must be positive, not 0."),
        ("--held-out-people", "1", "--held-out-people is a fraction from 0 to below 1, not 1."),
    ],
)
def test_train_refuses_numbers_it_cannot_use_and_leaves_nothing(
    tmp_path, capsys, option, value, message
):
    data = write_toy_dataset(tmp_path / "data", people=2, measurements=1, samples=4)
    assert main(["train", str(data), "--out", str(tmp_path / "m.pt"), option, value]) == 2
    assert one_sentence(capsys) == f"eyetracker: {message}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # no model, no log


def test_a_failed_train_leaves_no_log(tmp_path, capsys):
    (tmp_path / "not-a-dataset").mkdir()
    out = tmp_path / "m.pt"
    assert main(["train", str(tmp_path / "not-a-dataset"), "--out", str(out)]) == 2
    one_sentence(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-dataset"]


def test_replay_shows_its_progress_over_every_frame(model, tmp_path, capsys, monkeypatch):
    terminal = terminal_stderr(monkeypatch)
    out = tmp_path / "gaze.csv"
    args = ["synthetic:fixations", "--seconds", "0.5", "--model", str(model), "--out", str(out)]
    assert main(["replay", *args, "--backend", "torch", "--device", "cpu"]) == 0
    err = terminal.getvalue()
    assert "loading the model square.pt" in err
    assert "replay:" in err and "0/15 [" in err  # tqdm over the 15 frames
    assert "wrote 15 rows" in capsys.readouterr().out


def test_in_a_log_only_results_and_errors_are_written(model, tmp_path, capsys):
    out = tmp_path / "gaze.csv"
    args = ["synthetic:fixations", "--seconds", "0.5", "--model", str(model), "--out", str(out)]
    assert main(["replay", *args, "--backend", "torch", "--device", "cpu"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out.startswith("wrote 15 rows")


def test_replay_to_a_folder_is_refused_before_the_model_loads(model, tmp_path, capsys):
    args = ["synthetic:fixations", "--model", str(model), "--out", str(tmp_path)]
    assert main(["replay", *args]) == 2
    assert "is a folder" in one_sentence(capsys)  # and no "loading the model" line before it


def test_stream_says_it_is_loading_and_then_that_it_is_ready(model, capsys, monkeypatch):
    terminal = terminal_stderr(monkeypatch)
    args = ["--source", "synthetic:fixations", "--seconds", "0.5", "--model", str(model)]
    args += ["--stream-port", "0", "--backend", "torch", "--device", "cpu"]
    assert main(["stream", *args]) == 0
    captured = capsys.readouterr()
    assert "the stream opens once the model is loaded" in terminal.getvalue()
    assert "loading the model square.pt" in terminal.getvalue()
    lines = captured.out.splitlines()
    ready = next(i for i, line in enumerate(lines) if line.startswith("ready: clients can"))
    assert lines[ready - 1].startswith("streaming WebSocket: ws://127.0.0.1:")


def test_record_into_a_file_is_refused_before_the_model_loads(model, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    args = ["--source", "synthetic:fixations", "--seconds", "0.5", "--model", str(model)]
    assert main(["record", str(blocker), *args]) == 2
    assert one_sentence(capsys) == (
        f"eyetracker: Cannot record into {blocker}: it is a file, not a folder; "
        "choose a new folder."
    )


@pytest.mark.parametrize("device", ["banana", "cuda:x", "meta"])
def test_train_and_evaluate_refuse_an_unknown_device_in_one_sentence(
    model, tmp_path, capsys, device
):
    data = write_toy_dataset(tmp_path / "data", people=2, measurements=1, samples=4)
    assert main(["train", str(data), "--out", str(tmp_path / "m.pt"), "--device", device]) == 2
    expected = f"eyetracker: --device {device} is not a device; use auto, cpu, cuda or cuda:N."
    assert one_sentence(capsys) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # no model, no log
    assert main(["evaluate", str(data), "--model", str(model), "--device", device]) == 2
    assert one_sentence(capsys) == expected


@pytest.mark.parametrize("opset", ["3", "99"])
def test_export_refuses_an_opset_it_cannot_write_in_one_sentence(model, tmp_path, capsys, opset):
    out = tmp_path / "m.onnx"
    assert main(["export", str(model), "--out", str(out), "--opset", opset]) == 2
    assert one_sentence(capsys) == (
        f"eyetracker: ONNX opset {opset} cannot be exported; choose --opset from 9 to 20 "
        "(default 17)."
    )
    assert not out.exists()


def test_synth_into_a_file_is_one_sentence(tmp_path, capsys):
    existing = tmp_path / "notes.txt"
    existing.write_text("keep me")
    assert main(["synth", str(existing), "--people", "1", "--samples", "1"]) == 2
    assert one_sentence(capsys) == (
        f"eyetracker: Cannot write a dataset into {existing}: it is a file, not a folder; "
        "choose a new folder."
    )
    assert existing.read_text() == "keep me"


def test_replay_into_a_log_says_how_far_it_is_now_and_then(model, tmp_path, capsys, monkeypatch):
    import itertools

    import eyetracker.commands.replay as replay_command
    from eyetracker.commands._status import StatusLine

    ticks = itertools.count()  # a clock one second on at each look: a line every 5 frames
    monkeypatch.setattr(
        replay_command,
        "StatusLine",
        lambda details: StatusLine(details, clock=lambda: float(next(ticks)), plain_interval=5),
    )
    out = tmp_path / "gaze.csv"
    args = ["synthetic:fixations", "--seconds", "0.5", "--model", str(model), "--out", str(out)]
    assert main(["replay", *args, "--backend", "torch", "--device", "cpu"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert [line.partition(", replayed ")[2] for line in lines] == [
        f"{n} of 15 frames" for n in (5, 10, 15)
    ], lines


@pytest.mark.parametrize("command", ["stream", "record"])
@pytest.mark.parametrize("seconds", ["-3", "0"])
def test_a_run_of_no_length_is_refused_before_the_model_loads(
    model, tmp_path, capsys, command, seconds
):
    args = ["--source", "synthetic:fixations", "--seconds", seconds, "--model", str(model)]
    folder = [str(tmp_path / "rec")] if command == "record" else []
    assert main([command, *folder, *args]) == 2
    assert one_sentence(capsys) == f"eyetracker: --seconds must be positive, not {seconds}."
    assert not (tmp_path / "rec").exists()


@pytest.mark.parametrize("command", ["stream", "record"])
def test_no_camera_says_how_to_run_without_one(model, tmp_path, capsys, command):
    args = ["--source", "webcam:/dev/no-such-camera", "--seconds", "1", "--model", str(model)]
    args += ["--stream-port", "0", "--backend", "torch", "--device", "cpu"]
    folder = [str(tmp_path / "rec")] if command == "record" else []
    assert main([command, *folder, *args]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("eyetracker: Could not open camera /dev/no-such-camera: no such device")
    assert last.endswith("; to run without a camera, use --source synthetic:fixations.")
