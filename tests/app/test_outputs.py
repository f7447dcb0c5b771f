"""Record gaze and Stream gaze in the main window, with the synthetic camera and a tiny model."""

from __future__ import annotations

import csv
import json
import socket
from pathlib import Path

import pytest

import eyetracker.outputs.recording
from eyetracker.outputs.recorder import CSV_NAME, SIDECAR_NAME, VIDEO_NAME
from tests.helpers.app_window import open_dialogs, use_model

TIMEOUT_MS = 60000  # loading the model and tracking share the CPU with the other tests


def tracking_window(make_window, model_file):
    window = make_window()
    use_model(window, model_file)  # the session's tiny face model (see conftest.py)
    return window


def read_recording(folder):
    with open(folder / CSV_NAME, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    sidecar = json.loads((folder / SIDECAR_NAME).read_text(encoding="utf-8"))
    return rows, sidecar


def test_record_gaze_starts_tracking_and_writes_rows_and_sidecar(
    make_window, qtbot, tmp_path, model_file
):
    window = tracking_window(make_window, model_file)
    outputs = window.outputs
    window.actions["record"].trigger()  # not tracking yet: Record starts tracking
    assert window.live.tracking and window.actions["record"].isChecked()
    qtbot.waitUntil(
        lambda: outputs.recording.recorder is not None and outputs.recording.recorder.rows >= 5,
        timeout=TIMEOUT_MS,
    )
    recorder = outputs.recording.recorder
    assert recorder.folder.parent == tmp_path / "data" / "recordings"
    qtbot.waitUntil(
        lambda: outputs.labels["recording"].text().startswith("recording: "), timeout=5000
    )

    window.actions["record"].trigger()  # stop recording; tracking goes on
    assert outputs.recording.recorder is None and not window.actions["record"].isChecked()
    assert window.live.tracking
    rows, sidecar = read_recording(recorder.folder)
    assert len(rows) == sidecar["rows"] == recorder.rows >= 5
    assert all(row["video_frame"] == "" for row in rows)
    assert any(row["valid"] == "1" and row["x"] and row["true_x"] for row in rows)
    assert sidecar["stopped"] and sidecar["video"] is None
    assert sidecar["model"]["architecture"] == "gazenet" and sidecar["model"]["fingerprint"]
    assert sidecar["backend"] == {"name": "torch", "device": "cpu"}
    assert sidecar["source"] == "synthetic" and sidecar["screen"]["width_px"] > 0
    assert sidecar["statistics"]["source"]
    # The screen when recording started: the viewer's background (offscreen: a blank screen).
    assert (
        eyetracker.outputs.recording.read(recorder.folder).screenshot
        == recorder.folder / "screen.png"
    )
    window.toggle_tracking()


def test_stopping_tracking_ends_a_recording_with_video(make_window, qtbot, tmp_path, model_file):
    window = tracking_window(make_window, model_file)
    window.actions["record_video"].trigger()
    assert window.settings.record_video
    window.toggle_tracking()
    qtbot.waitUntil(lambda: window.live.tracker is not None, timeout=TIMEOUT_MS)
    window.actions["record"].trigger()  # tracking: the recorder starts at once
    recorder = window.outputs.recording.recorder
    assert recorder is not None and recorder.video
    qtbot.waitUntil(lambda: recorder.rows >= 5, timeout=TIMEOUT_MS)

    window.toggle_tracking()
    assert window.outputs.recording.recorder is None
    assert not window.actions["record"].isChecked()
    rows, sidecar = read_recording(recorder.folder)
    assert sidecar["stopped"] and sidecar["rows"] == len(rows) >= 5
    assert sidecar["video"] == VIDEO_NAME and sidecar["video_frames"] >= 1
    assert (recorder.folder / VIDEO_NAME).stat().st_size > 0
    linked = [int(row["video_frame"]) for row in rows if row["video_frame"]]
    assert linked and max(linked) < sidecar["video_frames"]


def test_closing_the_window_ends_the_recording(make_window, qtbot, tmp_path, model_file):
    window = tracking_window(make_window, model_file)
    window.actions["record"].trigger()
    qtbot.waitUntil(
        lambda: (
            window.outputs.recording.recorder is not None
            and window.outputs.recording.recorder.rows >= 2
        ),
        timeout=TIMEOUT_MS,
    )
    folder = window.outputs.recording.recorder.folder
    window.close()
    rows, sidecar = read_recording(folder)
    assert sidecar["stopped"] and sidecar["rows"] == len(rows) >= 2


def test_a_recording_folder_that_cannot_be_made_is_a_dialog(
    make_window, qtbot, qapp, tmp_path, model_file
):
    window = tracking_window(make_window, model_file)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "recordings").write_text("a file where the folder should be")
    window.toggle_tracking()
    qtbot.waitUntil(lambda: window.live.tracker is not None, timeout=TIMEOUT_MS)
    window.actions["record"].trigger()
    boxes = open_dialogs(qapp)
    assert len(boxes) == 1 and "Cannot record into" in boxes[0].text()
    boxes[0].close()
    assert not window.actions["record"].isChecked() and window.live.tracking
    window.toggle_tracking()


def test_streamed_gaze_reaches_a_websocket_client(make_window, qtbot, tmp_path, model_file):
    from websockets.sync.client import connect

    window = tracking_window(make_window, model_file)
    window.settings.stream_port = 0  # any free port: the status bar and `url` say which
    window.actions["stream"].trigger()  # a setting: nothing runs until tracking does
    assert window.settings.stream_gaze and window.outputs.streams is None
    window.toggle_tracking()
    streams = window.outputs.streams
    assert streams is not None and streams.started
    assert streams.get("lsl") is None  # open to the network: only when Preferences allow it
    url = streams.get("websocket").url
    qtbot.waitUntil(lambda: url in window.outputs.labels["streams"].text(), timeout=5000)

    messages = []

    def received(client) -> bool:
        try:
            messages.append(json.loads(client.recv(timeout=0)))
        except TimeoutError:
            pass
        return len(messages) >= 3

    with connect(url, open_timeout=10) as client:
        qtbot.waitUntil(lambda: received(client), timeout=TIMEOUT_MS)
        frames = [m["frame"] for m in messages]
        assert frames == sorted(frames) and {"t", "x", "y", "valid"} <= messages[0].keys()
        window.toggle_tracking()  # the streams stop with tracking
    assert window.outputs.streams is None and not streams.started
    assert window.outputs.labels["streams"].isHidden()
    assert window.settings.stream_gaze  # still on for the next tracking


def test_a_taken_port_is_a_dialog_and_tracking_goes_on(
    make_window, qtbot, qapp, tmp_path, model_file
):
    window = tracking_window(make_window, model_file)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        window.settings.stream_port = taken.getsockname()[1]
        window.actions["stream"].trigger()
        window.toggle_tracking()
        boxes = open_dialogs(qapp)
        assert len(boxes) == 1
        text = boxes[0].text()
        assert f"Cannot listen on 127.0.0.1:{window.settings.stream_port}" in text
        assert "tracking goes on" in text and "--stream-port" not in text
        boxes[0].close()
    assert window.outputs.streams is None and not window.actions["stream"].isChecked()
    with qtbot.waitSignal(window.live.sample, timeout=TIMEOUT_MS):
        pass  # tracking runs without streaming
    assert window.live.tracking
    window.toggle_tracking()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a disk that is full)")
def test_a_full_disk_ends_the_recording_with_a_dialog_and_keeps_the_rows(
    make_window, qtbot, qapp, model_file
):
    window = tracking_window(make_window, model_file)
    window.actions["record"].trigger()
    recording = window.outputs.recording
    qtbot.waitUntil(
        lambda: recording.recorder is not None and recording.recorder.rows >= 3,
        timeout=TIMEOUT_MS,
    )
    recorder = recording.recorder
    # From now on every write lands on /dev/full, which fails with ENOSPC as a full disk does.
    with recorder._lock:
        recorder._file.close()
        recorder._file = open("/dev/full", "wb", buffering=0)
        kept = recorder.rows
    qtbot.waitUntil(lambda: bool(open_dialogs(qapp)), timeout=TIMEOUT_MS)
    box = open_dialogs(qapp)[0]
    assert "Recording stopped because no space left on device" in box.text()
    assert str(recorder.folder) in box.text() and "incomplete" in box.text()
    box.close()
    assert recording.recorder is None and not window.actions["record"].isChecked()
    assert window.live.tracking  # tracking goes on without the recording
    rows, _sidecar = read_recording(recorder.folder)
    assert len(rows) == kept >= 3  # every row written before the disk filled up
    window.toggle_tracking()
