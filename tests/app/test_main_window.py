"""The main window with the synthetic camera: preview, tracking, overlay, settings, errors."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import Qt

from eyetracker.app.window.main_window import MainWindow
from eyetracker.core.types import GazeSample
from tests.helpers.app_window import open_dialogs, use_model


def test_opens_with_the_synthetic_camera_and_shows_frames(make_window, qtbot):
    window = make_window(cameras=[])
    assert window.controls.camera.currentData() == "synthetic"
    assert "synthetic demo camera" in window.notice.text()
    qtbot.waitUntil(lambda: window.preview.frames_shown >= 3, timeout=15000)
    # A face check reached the preview; the synthetic person's face is found.
    qtbot.waitUntil(lambda: window.preview._face is not None, timeout=15000)


def test_missing_bundled_model_is_said_plainly(make_window, qtbot, qapp):
    window = make_window()
    window.toggle_tracking()  # bundled default: absent in a test checkout or not, no traceback
    if not window.live.tracking:
        assert "No model found" in window.notice.text()  # said before anyone clicks, too
        dialogs = open_dialogs(qapp)
        assert dialogs and dialogs[0].text().startswith("No model found")
        for box in dialogs:
            box.close()
    else:
        window.toggle_tracking()


def test_tracking_produces_samples_for_the_overlay(make_window, qtbot, model_file):
    window = make_window()
    use_model(window, model_file)
    window.set_overlay_visible(True)
    window.toggle_tracking()
    assert window.live.tracking
    assert window.controls.start.text() == "&Stop tracking"
    qtbot.waitUntil(lambda: window.overlay.samples_received >= 3, timeout=30000)
    assert isinstance(window.overlay.latest, GazeSample)
    # The preview's face box is the tracker's own; the camera checks no more, and will check
    # with the model's preprocessing once tracking stops.
    face_check, tracker = window.live.face_check, window.live.tracker
    assert not face_check.enabled
    assert face_check.preprocessing == tracker.backend.info.preprocessing
    shown = window.preview._face
    assert shown.timestamp == window.overlay.latest.capture_time and shown.box is not None
    window.refresh_status()
    qtbot.waitUntil(lambda: window.status_labels["backend"].text() == "torch on cpu", timeout=5000)
    assert "statistics:" in window.status_labels["statistics"].text()
    window.toggle_tracking()
    assert not window.live.tracking and face_check.enabled
    assert window.controls.start.text() == "&Start tracking"


def test_settings_persist_across_windows(make_window, qtbot, model_file, isolated_settings):
    from eyetracker.app.settings import qsettings

    first = make_window()
    use_model(first, model_file)
    first.controls.user.setCurrentText("ada")
    first.set_overlay_visible(True)
    first.close()
    second = make_window()
    assert second.controls.model.currentData() == str(model_file)
    assert second.controls.backend.currentData() == "torch"
    assert second.controls.device.currentData() == "cpu"
    assert second.controls.user.currentText() == "ada"
    assert second.overlay.isVisible()
    assert str(isolated_settings) in qsettings().fileName()  # never the user's real settings


def test_a_bad_model_file_shows_a_dialog_not_a_traceback(make_window, qtbot, qapp, tmp_path):
    bad = tmp_path / "broken.pt"
    bad.write_bytes(b"this is not a checkpoint")
    window = make_window()
    use_model(window, bad)
    window.toggle_tracking()
    qtbot.waitUntil(lambda: bool(open_dialogs(qapp)), timeout=15000)
    box = open_dialogs(qapp)[0]
    assert "broken.pt" in box.text()
    box.close()
    qtbot.waitUntil(lambda: not window.live.tracking, timeout=5000)
    shown = window.preview.frames_shown
    qtbot.waitUntil(lambda: window.preview.frames_shown > shown, timeout=10000)  # still running


def test_keyboard_shortcuts_toggle_overlay_and_tracking(make_window, qtbot, model_file):
    window = make_window()
    use_model(window, model_file)
    with qtbot.waitActive(window):
        window.activateWindow()

    def press(key) -> None:
        qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)

    press(Qt.Key.Key_G)
    assert window.overlay.isVisible()
    assert not window.overlay.isActiveWindow()  # the overlay never takes focus
    press(Qt.Key.Key_G)
    assert not window.overlay.isVisible()
    press(Qt.Key.Key_T)
    assert window.live.tracking
    press(Qt.Key.Key_T)
    assert not window.live.tracking


def test_frame_provider_gives_a_frame_captured_after_the_request(make_window, qtbot):
    window = make_window()
    qtbot.waitUntil(lambda: window.frames.latest() is not None, timeout=15000)
    pressed = time.monotonic()
    frame = window.frames.next_frame_after(pressed, timeout=5.0)
    assert frame is not None and frame.timestamp > pressed


def test_uncaught_exceptions_become_dialogs(make_window, qtbot, qapp, monkeypatch, tmp_path):
    import threading

    from eyetracker.app.errors import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    make_window()
    install_excepthook(tmp_path / "log" / "eyetracker.log")
    try:
        raise OSError(28, "No space left on device")
    except OSError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    qtbot.waitUntil(lambda: bool(open_dialogs(qapp)), timeout=5000)
    box = open_dialogs(qapp)[0]
    assert box.text().startswith("The disk is full")
    box.close()
    assert "No space left" in (tmp_path / "log" / "eyetracker.log").read_text()


def test_window_class_is_importable_without_a_display():
    assert MainWindow.__name__ == "MainWindow"


def test_cuda_chosen_without_cuda_is_a_dialog(make_window, qtbot, qapp, model_file):
    import pytest
    import torch

    from eyetracker.app.window.controls import select_data

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    window = make_window()
    use_model(window, model_file)
    select_data(window.controls.device, "cuda")
    window.toggle_tracking()
    qtbot.waitUntil(lambda: bool(open_dialogs(qapp)), timeout=15000)
    box = open_dialogs(qapp)[0]
    assert "CUDA is not available" in box.text()
    box.close()
    qtbot.waitUntil(lambda: not window.live.tracking, timeout=5000)
