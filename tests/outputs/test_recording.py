"""Gaze recordings: CSV + sidecar + video, crash-safe, and the `record` command."""

from __future__ import annotations

import csv
import errno
import json
import os
import signal
import subprocess
import sys
import textwrap

import cv2
import pytest

from eyetracker.cli import main
from eyetracker.core.types import Frame, GazePoint, GazeSample
from eyetracker.outputs.gaze_csv import COLUMNS, read_gaze_csv
from eyetracker.outputs.recorder import GazeRecorder, RecordingError, RecordingWriteError
from eyetracker.outputs.recording import read
from tests.helpers.gaze_samples import SAMPLES, assert_rows_match
from tests.helpers.models import save_tiny_model
from tests.helpers.runtime_fakes import drawn_image


def sample(i: int, valid: bool = True, start: float = 50.0) -> GazeSample:
    point = GazePoint(i / 10, 0.5) if valid else None
    return GazeSample(point, point, valid, start + i / 30, start + i / 30 + 0.01, i)


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_rows_and_sidecar_describe_the_recording(tmp_path):
    metadata = {"model": {"fingerprint": "abc"}, "screen": {"width_px": 1920, "height_px": 1080}}
    with GazeRecorder(tmp_path / "rec", metadata) as recorder:
        sidecar = json.loads((tmp_path / "rec" / "recording.json").read_text())
        assert "stopped" not in sidecar and sidecar["model"] == {"fingerprint": "abc"}
        for i in range(3):
            recorder.publish(sample(i, valid=i != 1))
    rows = read_rows(tmp_path / "rec" / "gaze.csv")
    assert tuple(rows[0]) == COLUMNS
    assert [r["frame"] for r in rows] == ["0", "1", "2"]
    assert [r["valid"] for r in rows] == ["1", "0", "1"]
    assert rows[1]["x"] == "" and float(rows[2]["x"]) == pytest.approx(0.2)
    assert float(rows[0]["latency_ms"]) == pytest.approx(10.0)
    assert all(r["video_frame"] == "" for r in rows)
    sidecar = json.loads((tmp_path / "rec" / "recording.json").read_text())
    assert sidecar["rows"] == 3 and sidecar["stopped"] and sidecar["columns"] == list(COLUMNS)
    assert sidecar["screen"] == {"width_px": 1920, "height_px": 1080}


def test_read_gaze_csv_gives_back_every_sample_the_recorder_wrote(tmp_path):
    recorder = GazeRecorder(tmp_path / "rec", video=True).start()
    for sample in SAMPLES:
        if sample.frame_index != 8:  # the tracker skipped frame 8 in the video: no video_frame
            recorder.add_frame(Frame(drawn_image(sample.frame_index), 0.0, sample.frame_index))
        recorder.publish(sample)
    recorder.stop()
    table = read_gaze_csv(recorder.csv_path)
    assert_rows_match(table, SAMPLES, start=recorder.started_at)
    assert table.video_frame.tolist() == [0, -1, 1, 2]


def test_an_existing_recording_is_never_overwritten(tmp_path):
    GazeRecorder(tmp_path).start().stop()
    with pytest.raises(RecordingError, match="already holds a recording"):
        GazeRecorder(tmp_path).start()


def test_video_frames_are_linked_to_rows(tmp_path):
    recorder = GazeRecorder(tmp_path / "rec", video=True, fps=30.0).start()
    for i in range(6):
        frame = Frame(drawn_image(i), 50.0 + i / 30, 100 + i)
        recorder.add_frame(frame)
        if i % 2 == 0:  # the tracker dropped the odd frames: rows link to the right ones
            recorder.publish(
                GazeSample(
                    GazePoint(0.5, 0.5), None, True, frame.timestamp, frame.timestamp, frame.index
                )
            )
    recorder.stop()
    rows = read_rows(tmp_path / "rec" / "gaze.csv")
    assert [(r["frame"], r["video_frame"]) for r in rows] == [
        ("100", "0"),
        ("102", "2"),
        ("104", "4"),
    ]
    video = cv2.VideoCapture(str(tmp_path / "rec" / "video.avi"))
    frames = []
    while (frame := video.read())[0]:
        frames.append(frame[1])
    video.release()
    assert len(frames) == 6 == recorder.video_frames
    # MJPG is lossy; the moving disc still puts each frame nearest its own original.
    for index, image in enumerate(frames):
        distances = [cv2.norm(image, drawn_image(i)) for i in range(6)]
        assert distances.index(min(distances)) == index


def test_a_killed_process_leaves_a_valid_csv_of_the_rows_written(tmp_path):
    folder = tmp_path / "rec"
    script = textwrap.dedent(
        f"""
        import sys
        from eyetracker.core.types import GazePoint, GazeSample
        from eyetracker.outputs.recorder import GazeRecorder
        recorder = GazeRecorder({str(folder)!r}).start()
        for i in range(25):
            recorder.publish(GazeSample(GazePoint(0.5, 0.25), None, True, i / 30, i / 30, i))
        print("written", flush=True)
        sys.stdin.read()  # wait to be killed
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "written"
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        child.kill()
        child.stdin.close()
        child.stdout.close()
    rows = read_rows(folder / "gaze.csv")
    assert [int(r["frame"]) for r in rows] == list(range(25))
    assert all(r["x"] == "0.500000" for r in rows)
    sidecar = json.loads((folder / "recording.json").read_text())
    assert "stopped" not in sidecar  # how a reader tells an abrupt end


class NearlyFullDisk:
    """The recorder's file on a disk with `room` bytes left: a write takes what fits, as
    write(2) does, and the next one fails with ENOSPC."""

    def __init__(self, file, room: int) -> None:
        self.file, self.room = file, room

    def write(self, data) -> int:
        if self.room == 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        taken = self.file.write(bytes(data[: self.room]))
        self.room -= taken
        return taken

    def __getattr__(self, name):
        return getattr(self.file, name)


def test_a_write_that_fails_at_any_byte_of_a_row_keeps_every_whole_row(tmp_path):
    samples = [sample(i, valid=i % 3 != 1) for i in range(4)]
    whole = GazeRecorder(tmp_path / "whole").start()
    for s in samples[:3]:
        whole.publish(s)
    before = whole.csv_path.stat().st_size
    whole.publish(samples[3])
    row_bytes = whole.csv_path.stat().st_size - before
    whole.stop()

    for room in range(row_bytes):  # the disk fills up at every byte of the fourth row
        recorder = GazeRecorder(tmp_path / f"at-{room}").start()
        for s in samples[:3]:
            recorder.publish(s)
        recorder._file = NearlyFullDisk(recorder._file, room)
        with pytest.raises(RecordingWriteError) as caught:
            recorder.publish(samples[3])
        message = str(caught.value)
        assert message.startswith("Recording stopped because no space left on device")
        assert "the 3 rows written before are kept" in message and "\n" not in message
        recorder.publish(samples[3])  # closed: later samples are dropped, not raised again
        recorder.stop()  # and stopping is quiet

        recording = read(recorder.folder)
        assert recorder.csv_path.stat().st_size == before  # cut back to the last whole row
        assert recording.gaze.damaged_tail == ""
        assert recording.gaze.frame.tolist() == [0, 1, 2]
        assert not recording.complete
        assert recording.metadata["incomplete"] == "no space left on device"
        assert recording.metadata["rows"] == 3


def test_record_on_a_full_disk_is_one_sentence_and_keeps_the_rows(
    model, tmp_path, capsys, monkeypatch
):
    start = GazeRecorder.start

    def start_on_a_nearly_full_disk(recorder):
        start(recorder)
        recorder._file = NearlyFullDisk(recorder._file, room=700)  # a few rows' worth
        return recorder

    monkeypatch.setattr(GazeRecorder, "start", start_on_a_nearly_full_disk)
    folder = tmp_path / "rec"
    args = ("--source", "synthetic:fixations", "--model", model, "--seconds", "5")
    assert cli("record", folder, *args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "Recording stopped because no space left on device" in err
    recording = read(folder)
    assert len(recording.gaze) > 0 and recording.gaze.damaged_tail == ""
    assert recording.metadata["rows"] == len(recording.gaze) and not recording.complete


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return save_tiny_model(tmp_path_factory.mktemp("model") / "square.pt")


def cli(*args):
    return main([*map(str, args), "--backend", "torch", "--device", "cpu"])


def test_record_command_writes_rows_video_and_metadata(model, tmp_path, capsys):
    folder = tmp_path / "rec"
    args = ("--source", "synthetic:fixations", "--model", model, "--video", "--screen", "800x600")
    assert cli("record", folder, "--seconds", "0.5", *args) == 0
    rows = read_rows(folder / "gaze.csv")
    sidecar = json.loads((folder / "recording.json").read_text())
    assert len(rows) == sidecar["rows"] > 0
    assert sidecar["model"]["fingerprint"] and sidecar["screen"] == {
        "width_px": 800,
        "height_px": 600,
    }
    assert sidecar["source"] == "synthetic:fixations" and sidecar["camera"]["resolution"]
    assert sidecar["statistics"]["source"]
    linked = [int(r["video_frame"]) for r in rows if r["video_frame"]]
    assert linked and max(linked) < sidecar["video_frames"]
    assert all(r["true_x"] != "" for r in rows)  # the synthetic camera knows where it looked
    assert f"recorded {len(rows)} rows" in capsys.readouterr().out
    # The same folder again: refused before anything starts.
    assert cli("record", folder, "--seconds", "0.5", *args) == 2
    assert "already holds a recording" in capsys.readouterr().err


def test_record_refuses_a_bad_screen_size(model, tmp_path, capsys):
    assert cli("record", tmp_path / "r", "--screen", "wide", "--model", model) == 2
    assert "--screen wide is not WIDTHxHEIGHT" in capsys.readouterr().err
