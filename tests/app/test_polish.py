"""The small things of issue #11: no stale "Loading…", status text that fits, the dataset
window on the screen and in good English, the measurement asking with the user filled in,
no row before the recording's start, no development path in recording.json, and Help."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

from eyetracker.app.elided_label import ElidedLabel
from eyetracker.app.paths import data_dir
from eyetracker.app.placement import place_over
from eyetracker.app.viewer.dataset_view import DatasetView
from eyetracker.app.window.help import DocumentationDialog, log_file
from eyetracker.core.types import GazePoint, GazeSample
from eyetracker.model.facts import model_facts
from eyetracker.outputs.recorder import GazeRecorder
from tests.helpers.app_window import use_model
from tests.helpers.datasets import write_toy_dataset

TIMEOUT_MS = 60000  # loading the model shares the CPU with the other tests


def test_no_loading_text_stays_once_tracking_runs(make_window, qtbot, model_file):
    window = make_window()
    use_model(window, model_file)
    window.toggle_tracking()
    assert window.busy.isVisible() and window.busy.text == "Loading tiny.pt…"
    qtbot.waitUntil(lambda: window.overlay.samples_received >= 1, timeout=TIMEOUT_MS)
    assert not window.busy.isVisible() and "Loading" not in window.statusBar().currentMessage()
    window.toggle_tracking()
    assert not window.busy.isVisible()


def test_a_long_status_field_is_elided_with_the_whole_text_as_tooltip(qtbot):
    label = ElidedLabel(max_width=120)
    qtbot.addWidget(label)
    text = "statistics: model's training statistics (no calibration yet)"
    label.setText(text)
    label.resize(label.sizeHint())
    assert label.sizeHint().width() <= 120
    assert label.text() == text and label.toolTip() == text
    assert label.shown_text().endswith("…") and len(label.shown_text()) < len(text)
    label.setText("3 fps")
    label.resize(label.sizeHint())
    assert label.shown_text() == "3 fps" and label.toolTip() == ""


@pytest.mark.parametrize(
    "text", ["18 fps", "3 fps", "latency 63 ms", "onnxruntime on cpu", "statistics: user profile"]
)
def test_a_status_field_that_fits_is_shown_whole(qtbot, text):
    # Text advances are fractional ("18 fps" is 37.14 px in DejaVu Sans); a size hint rounded
    # down cut the fps field to "18 f…" with room to spare in the window, once it had shown
    # "– fps" (the text before the first frame).
    label = ElidedLabel()
    qtbot.addWidget(label)
    label.setStyleSheet("QLabel { padding: 0 8px; border-left: 1px solid palette(mid); }")
    label.show()  # a hidden widget gets its resize events only when shown
    for shown in ("– fps", text):
        label.setText(shown)
        label.resize(label.sizeHint())
    assert label.shown_text() == text and label.toolTip() == ""


def test_the_status_bar_fields_leave_room_for_messages(make_window, qtbot):
    window = make_window()
    window.resize(980, 720)
    labels = window.status_labels
    labels["statistics"].setText("statistics: " + "a very long statistics source " * 5)
    used = sum(label.sizeHint().width() for label in labels.values())
    assert used <= window.width() / 2
    assert labels["statistics"].toolTip().startswith("statistics: a very long")


def test_the_dataset_window_says_1_person_and_opens_on_the_screen(make_window, qtbot, tmp_path):
    root = write_toy_dataset(tmp_path / "dataset", people=1, measurements=1, samples=3)
    view = DatasetView(root)
    qtbot.addWidget(view)
    assert view.summary.text().startswith("1 person, 1 measurement, 3 samples")
    window = make_window()
    area = window.screen().availableGeometry()
    window.move(area.right() - 200, area.bottom() - 150)  # mostly off to the bottom right
    view.resize(area.width() + 300, 520)  # and wider than the screen
    place_over(view, window)
    view.show()
    assert area.contains(view.geometry())


def test_tools_dataset_opens_over_the_main_window(make_window, qtbot):
    window = make_window()
    window.tools.dataset()
    view = window.tools.open_screens[-1]
    qtbot.waitExposed(view)
    assert window.screen().availableGeometry().contains(view.geometry())
    view.close()


def test_the_measurement_question_starts_with_the_user(make_window, qtbot):
    window = make_window()
    window.controls.user.setEditText("Ada L.")
    window.tools.measurement()
    screen = window.tools.open_screens[-1]
    qtbot.waitExposed(screen.person_dialog)
    assert screen.person_dialog.name_edit.text() == "Ada L."
    with qtbot.waitSignal(screen.finished, timeout=3000):
        screen.person_dialog.reject()


def test_a_sample_captured_before_the_recording_started_is_not_written(
    make_window, qtbot, tmp_path
):
    window = make_window()
    recording = window.outputs.recording
    recorder = GazeRecorder(tmp_path / "rec").start()
    recording.recorder = recorder
    point = GazePoint(0.5, 0.5)
    before = recorder.started_at - 0.2  # its frame was in flight when recording began
    recording._write(GazeSample(point, point, True, before, before + 0.25, 1))
    recording._write(GazeSample(point, point, True, before + 0.3, before + 0.35, 2))
    recording.recorder = None
    recorder.stop()
    lines = (tmp_path / "rec" / "gaze.csv").read_text().splitlines()
    assert len(lines) == 2 and float(lines[1].split(",")[0]) >= 0


def test_recording_metadata_names_the_training_data_without_its_path(model_file):
    from eyetracker.model.checkpoint import load_checkpoint

    info = load_checkpoint(model_file).info
    info.data = {"path": "/work/runs/big/data", "train": {"people": 3}}
    facts = model_facts(info)
    assert facts["data"]["path"] == "data" and facts["data"]["train"] == {"people": 3}
    assert info.data["path"] == "/work/runs/big/data"  # the model itself is left as it was


def test_help_has_the_documentation_and_the_log_folder(make_window, qtbot):
    window = make_window()
    help_menu = window.menuBar().actions()[-1].menu()
    texts = [a.text().replace("&", "") for a in help_menu.actions() if a.text()]
    assert texts[:2] == ["Documentation", "Open log folder"]
    dialog = DocumentationDialog(window)
    qtbot.addWidget(dialog)
    assert "eyetracker" in dialog.browser.toPlainText()
    assert "Two commands" in dialog.browser.toPlainText()  # the README, rendered


class OpenedUrls(QObject):
    """Stands in for the desktop's file manager: what it was asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toLocalFile())


def test_open_log_folder_opens_the_folder_the_log_is_in(make_window, qtbot):
    window = make_window()
    opened = OpenedUrls()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        window.actions["log folder"].trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert opened.urls == [str(data_dir())] and log_file().parent == data_dir()
    assert Path(opened.urls[0]).is_dir()
    window.actions["documentation"].trigger()
    dialogs = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, DocumentationDialog) and w.isVisible()  # not one an earlier test closed
    ]
    assert len(dialogs) == 1
    dialogs[0].close()
