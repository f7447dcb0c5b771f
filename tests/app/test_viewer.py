"""The recording viewer: the time range and toggles change the picture, Export PNG writes it,
and File > Open recording opens one (or says in a dialog why it cannot)."""

from __future__ import annotations

import cv2
import numpy as np

import eyetracker.outputs.recording
from eyetracker.app.viewer.recording_view import RecordingViewer
from tests.helpers.app_window import open_dialogs
from tests.helpers.gaze_samples import record


def make_viewer(qtbot, tmp_path) -> RecordingViewer:
    viewer = RecordingViewer(eyetracker.outputs.recording.read(record(tmp_path / "rec")))
    qtbot.addWidget(viewer)
    viewer.show()
    return viewer


def test_the_time_range_and_the_toggles_change_the_picture(qtbot, tmp_path):
    viewer = make_viewer(qtbot, tmp_path)
    whole = viewer.image.copy()
    assert whole.shape == (720, 1280, 3) and not viewer.view.image.isNull()
    with qtbot.waitSignal(viewer.rendered, timeout=5000):
        viewer.end.setValue(4)  # the first 0.4 s: the first fixation only
    assert not np.array_equal(viewer.image, whole)
    assert viewer.time_range() == (0.0, 0.4)
    assert "1 fixations" in viewer.summary.text()
    with qtbot.waitSignal(viewer.rendered, timeout=5000):
        viewer.start.setValue(6)  # past the end: the end follows
    assert viewer.end.value() == 6
    with qtbot.waitSignal(viewer.rendered, timeout=5000):
        viewer.set_time_range(0, 99)
    assert np.array_equal(viewer.image, whole)
    with qtbot.waitSignal(viewer.rendered, timeout=5000):
        viewer.heatmap.setChecked(False)
    without_heatmap = viewer.image.copy()
    assert not np.array_equal(without_heatmap, whole)
    with qtbot.waitSignal(viewer.rendered, timeout=5000):
        viewer.scanpath.setChecked(False)
    assert np.array_equal(viewer.image, viewer.backdrop)


def test_export_writes_the_picture_as_png(qtbot, tmp_path, monkeypatch):
    viewer = make_viewer(qtbot, tmp_path)
    chosen = tmp_path / "out" / "picture"  # no suffix typed: .png is added
    chosen.parent.mkdir()
    monkeypatch.setattr(
        "eyetracker.app.viewer.recording_view.QFileDialog.getSaveFileName",
        lambda *args, **kwargs: (str(chosen), "PNG images (*.png)"),
    )
    viewer.export_action.trigger()
    written = cv2.imread(str(chosen) + ".png")
    assert written is not None and np.array_equal(written, viewer.image)


def test_export_into_a_missing_folder_is_a_dialog(qtbot, qapp, tmp_path):
    viewer = make_viewer(qtbot, tmp_path)
    assert viewer.export_png(str(tmp_path / "no" / "such" / "x.png")) is None
    qtbot.waitUntil(lambda: bool(open_dialogs(qapp)), timeout=5000)
    box = open_dialogs(qapp)[0]
    assert box.text().startswith("Cannot write")
    box.close()


def test_file_open_recording_shows_it_or_says_why_not(
    make_window, qtbot, qapp, tmp_path, monkeypatch
):
    window = make_window()
    folder = record(tmp_path / "rec")
    answer = {"folder": str(folder)}
    monkeypatch.setattr(
        "PySide6.QtWidgets.QFileDialog.getExistingDirectory", lambda *a, **k: answer["folder"]
    )
    window.actions["open_recording"].trigger()
    viewers = window.findChildren(RecordingViewer)
    assert len(viewers) == 1 and viewers[0].isVisible()
    assert viewers[0].recording.folder == folder
    viewers[0].close()

    answer["folder"] = str(tmp_path)  # a folder with no gaze.csv
    window.actions["open_recording"].trigger()
    qtbot.waitUntil(lambda: bool(open_dialogs(qapp)), timeout=5000)
    box = open_dialogs(qapp)[0]
    assert "is not a recording" in box.text()
    box.close()
