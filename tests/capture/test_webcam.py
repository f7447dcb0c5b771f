"""The webcam source on this machine, which has no camera: nothing is mocked (one test counts
the real probes)."""

from __future__ import annotations

import sys

import pytest

from eyetracker.capture import webcam
from eyetracker.capture.base import SourceOpenError, create_source
from eyetracker.capture.webcam import CameraInfo, WebcamSource, list_cameras


def test_list_cameras_probes_only_what_can_exist_and_is_quiet(monkeypatch, capfd):
    # A probe of a missing index can cost seconds off Linux, so what keeps listing quick is
    # which indices get probed: on Linux only the /dev/video* nodes there are, elsewhere the
    # indices up to the second miss in a row. The real probe runs; the test only counts.
    probed: list[tuple[int, CameraInfo | None]] = []
    real_probe = webcam._probe

    def counting_probe(index, path, backend):
        info = real_probe(index, path, backend)
        probed.append((index, info))
        return info

    monkeypatch.setattr(webcam, "_probe", counting_probe)
    cameras = list_cameras(max_index=10)
    assert cameras == [info for _, info in probed if info is not None]
    indices = [index for index, _ in probed]
    if sys.platform.startswith("linux"):
        assert indices == [index for index, _ in webcam._linux_video_nodes() if index < 10]
    else:
        n = webcam._MISSES_BEFORE_GIVING_UP
        found = "".join("-" if info is None else "+" for _, info in probed)
        assert indices == list(range(len(indices)))
        assert "-" * n not in found[:-1]  # never n misses in a row before the last probe...
        assert len(found) == 10 or found.endswith("-" * n)  # ...and it stops at the n-th
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
