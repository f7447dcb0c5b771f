"""Measurement mode writes a valid measurement, one sample per Space, as the dots were shown."""

from __future__ import annotations

import errno

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

import eyetracker.core.measurement as measurement_module
from eyetracker.app.screens.measurement import NO_FACE, MeasurementScreen
from eyetracker.core.dataset import load_dataset
from tests.helpers.app_feeds import FeedingProvider, synthetic_faces


@pytest.fixture(scope="module")
def faces():
    return synthetic_faces(3)


@pytest.fixture
def provider(qtbot, faces):
    feed = FeedingProvider(lambda i: faces[i % len(faces)])
    yield feed
    feed.stop()


def open_screen(qtbot, provider, tmp_path, **options):
    screen = MeasurementScreen(provider, tmp_path / "data", person="Ada L.", seed=1, **options)
    qtbot.addWidget(screen)
    screen.start()
    qtbot.waitExposed(screen)
    return screen


def press_space(qtbot, screen, modifier=Qt.KeyboardModifier.NoModifier):
    before = screen.collector.saved
    qtbot.keyClick(screen, Qt.Key.Key_Space, modifier)
    qtbot.waitUntil(lambda: not screen.waiter.active, timeout=3000)
    return screen.collector.saved - before


def test_space_saves_the_dot_shown_and_the_dataset_reads_back(qtbot, provider, tmp_path):
    screen = open_screen(qtbot, provider, tmp_path, count=5, notes="glasses")
    shown = []
    with qtbot.waitSignal(screen.finished, timeout=5000) as done:
        for _ in range(5):
            shown.append((screen.collector.dot.x, screen.collector.dot.y))
            assert screen.progress == f"{len(shown) - 1} / 5"
            assert press_space(qtbot, screen) == 1
    folder = done.args[0]
    dataset = load_dataset(tmp_path / "data")
    assert not dataset.problems
    [measurement] = dataset.measurements
    assert measurement.folder == folder and measurement.person == "Ada L."
    assert [(s.x, s.y) for s in measurement] == shown
    first = measurement.samples[0].extra
    assert {"t", "frame_index", "key_to_frame_s"} <= set(first)
    assert first["key_to_frame_s"] > 0  # a frame captured after the key press
    assert set(first["dot"]) == {"colour", "radius_px"}
    assert measurement.extras["notes"] == "glasses"
    assert measurement.camera == {"width": 640, "height": 480}
    qscreen = QApplication.primaryScreen()
    ratio = qscreen.devicePixelRatio()
    assert measurement.screen.width_px == round(qscreen.geometry().width() * ratio)
    assert measurement.screen.extra["device_pixel_ratio"] == ratio
    assert not screen.isVisible()


def test_backspace_drops_and_esc_finish_keeps_what_was_captured(qtbot, provider, tmp_path):
    screen = open_screen(qtbot, provider, tmp_path, count=100)
    shown = []
    for _ in range(3):
        shown.append((screen.collector.dot.x, screen.collector.dot.y))
        press_space(qtbot, screen)
    qtbot.keyClick(screen, Qt.Key.Key_Backspace)
    assert screen.collector.saved == 2
    assert (screen.collector.dot.x, screen.collector.dot.y) == shown[2]  # the dropped dot is back
    assert screen.progress == "2 / 100"
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    assert screen.paused and "2 of 100" in screen.pause_panel.label.text()
    qtbot.keyClick(screen, Qt.Key.Key_Space)  # ignored while paused
    assert screen.collector.saved == 2
    with qtbot.waitSignal(screen.finished, timeout=2000):
        qtbot.mouseClick(screen.pause_panel.finish, Qt.MouseButton.LeftButton)
    [measurement] = load_dataset(tmp_path / "data").measurements
    assert [(s.x, s.y) for s in measurement] == shown[:2]
    assert sorted(p.name for p in measurement.folder.iterdir()) == [
        "0000.jpg",
        "0001.jpg",
        "measurement.json",
    ]


def test_resume_after_pause_continues_the_same_measurement(qtbot, provider, tmp_path):
    screen = open_screen(qtbot, provider, tmp_path, count=3)
    press_space(qtbot, screen)
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    qtbot.mouseClick(screen.pause_panel.resume, Qt.MouseButton.LeftButton)
    assert not screen.paused
    with qtbot.waitSignal(screen.finished, timeout=3000):
        press_space(qtbot, screen)
        press_space(qtbot, screen)
    assert load_dataset(tmp_path / "data").sample_count == 3


def test_no_face_warns_and_saves_nothing_unless_forced(qtbot, tmp_path):
    feed = FeedingProvider(lambda i: np.full((480, 640, 3), 90, np.uint8))
    try:
        screen = open_screen(qtbot, feed, tmp_path, count=10)
        dot = screen.collector.dot
        assert press_space(qtbot, screen) == 0
        assert screen.message == NO_FACE and screen.collector.dot == dot
        assert not (tmp_path / "data").exists()  # nothing written, not even an empty folder
        assert press_space(qtbot, screen, Qt.KeyboardModifier.ShiftModifier) == 1
        [measurement] = load_dataset(tmp_path / "data").measurements
        assert measurement.samples[0].extra["face"] is False
        screen.finish()
    finally:
        feed.stop()


def test_disk_full_shows_a_dialog_and_keeps_the_samples(qtbot, provider, tmp_path, monkeypatch):
    screen = open_screen(qtbot, provider, tmp_path, count=10)
    press_space(qtbot, screen)
    press_space(qtbot, screen)

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(measurement_module, "_write_new_file", disk_full)
    assert press_space(qtbot, screen) == 0
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "error-dialog"]
    qtbot.waitUntil(lambda: any(b.isVisible() for b in boxes) if boxes else False, timeout=2000)
    [box] = [b for b in boxes if b.isVisible()]
    assert isinstance(box, QMessageBox)
    assert "disk is full" in box.text() and "2 samples before it are safe" in box.text()
    assert screen.paused
    box.close()
    screen.finish()
    [measurement] = load_dataset(tmp_path / "data").measurements
    assert len(measurement) == 2 and not load_dataset(tmp_path / "data").problems


def test_asks_for_the_person_first(qtbot, provider, tmp_path):
    screen = MeasurementScreen(provider, tmp_path / "data", count=1)
    qtbot.addWidget(screen)
    screen.start()
    dialog = screen.person_dialog
    qtbot.waitExposed(dialog)
    assert not screen.isVisible()
    dialog.name_edit.setText("p07")
    dialog.notes_edit.setPlainText("window on the left")
    dialog.accept()
    qtbot.waitExposed(screen)
    with qtbot.waitSignal(screen.finished, timeout=3000):
        press_space(qtbot, screen)
    [measurement] = load_dataset(tmp_path / "data").measurements
    assert measurement.person == "p07" and measurement.extras["notes"] == "window on the left"


def test_the_attention_check_records_whether_the_letter_was_typed(qtbot, provider, tmp_path):
    screen = open_screen(qtbot, provider, tmp_path, count=3, check_every=1)  # every dot
    letters = []
    with qtbot.waitSignal(screen.finished, timeout=5000) as done:
        for key in ("right", "wrong", "space"):
            letter = screen.collector.letter
            assert letter and screen.target.letter == letter  # drawn inside the dot
            letters.append(letter)
            before = screen.collector.saved
            if key == "right":
                qtbot.keyClicks(screen, letter.lower())
            elif key == "wrong":
                other = "Z" if letter != "Z" else "A"
                qtbot.keyClicks(screen, other.lower())
            else:
                qtbot.keyClick(screen, Qt.Key.Key_Space)
            qtbot.waitUntil(lambda b=before: screen.collector.saved == b + 1, timeout=3000)
    [measurement] = load_dataset(done.args[0].parent.parent).measurements
    assert [s.attended for s in measurement.samples] == [True, False, False]
    assert [s.extra["letter"] for s in measurement.samples] == letters


def test_without_the_check_no_sample_says_it_was_attended(qtbot, provider, tmp_path):
    screen = open_screen(qtbot, provider, tmp_path, count=2, check_every=0)
    with qtbot.waitSignal(screen.finished, timeout=5000):
        for _ in range(2):
            assert screen.collector.letter is None
            qtbot.keyClicks(screen, "a")  # a letter where none is asked: nothing happens
            assert screen.collector.saved == _
            press_space(qtbot, screen)
    [measurement] = load_dataset(tmp_path / "data").measurements
    assert [s.attended for s in measurement.samples] == [None, None]
    assert all("attended" not in s.to_json() for s in measurement.samples)
