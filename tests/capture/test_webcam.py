"""The webcam source on this machine, which has no camera: nothing is mocked."""

from __future__ import annotations

import time

import pytest

from eyetracker.capture.base import SourceOpenError, create_source
from eyetracker.capture.webcam import CameraInfo, WebcamSource, list_cameras


def test_list_cameras_is_fast_and_quiet(capfd):
    started = time.monotonic()
    cameras = list_cameras(max_index=10)
    elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert all(isinstance(camera, CameraInfo) for camera in cameras)
    assert capfd.readouterr().err == ""


def test_list_cameras_finds_none_on_a_machine_without_one():
    if list_cameras():
        pytest.skip("this machine has a camera")
    assert list_cameras() == []


def test_opening_a_missing_camera_says_what_was_found(capfd):
    cameras = list_cameras()
    source = create_source("webcam", device=63)
    with pytest.raises(SourceOpenError) as error:
        source.open()
    message = str(error.value)
    assert message.startswith("Could not open camera 63;")
    assert message.endswith(".") and "\n" not in message
    if cameras:
        assert all(camera.label in message for camera in cameras)
    else:
        assert "no cameras were found" in message
    assert capfd.readouterr().err == "", "OpenCV's own warnings leaked to stderr"
    source.close()  # closing a source that never opened is harmless


def test_default_camera_on_a_machine_without_one_is_a_clear_error():
    if list_cameras():
        pytest.skip("this machine has a camera")
    with pytest.raises(SourceOpenError, match="no cameras were found on this computer"):
        with WebcamSource():
            pass


def test_a_missing_device_path_is_named(capfd, tmp_path):
    missing = str(tmp_path / "video9")
    with pytest.raises(SourceOpenError, match="no such device") as error:
        WebcamSource(missing).open()
    assert missing in str(error.value)
    assert capfd.readouterr().err == ""


def test_a_digit_string_means_an_index():
    assert WebcamSource("2").device == 2
    assert WebcamSource("/dev/video2").device == "/dev/video2"


def test_an_unknown_backend_is_a_clear_error():
    with pytest.raises(SourceOpenError, match="Unknown camera backend 'quicktime'"):
        WebcamSource(0, backend="quicktime").open()


def test_requested_settings_are_not_reported_as_actual_before_opening():
    source = WebcamSource(0, width=1280, height=720, fps=60)
    assert source.resolution is None and source.fps is None


def test_camera_labels_show_what_is_known():
    full = CameraInfo(0, "/dev/video0", "HD Webcam", (1280, 720))
    assert full.label == '0 (/dev/video0, "HD Webcam", 1280x720)'
    assert CameraInfo(1).label == "1"
