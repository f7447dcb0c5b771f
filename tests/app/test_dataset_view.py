"""The dataset view lists people and measurements and trashes one only after confirmation."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMessageBox

from eyetracker.app.viewer.dataset_view import DatasetView
from eyetracker.core.dataset import load_dataset
from tests.helpers.datasets import write_toy_dataset


def open_view(qtbot, tmp_path):
    root = write_toy_dataset(tmp_path / "data", people=2, measurements=2, samples=5)
    view = DatasetView(root)
    qtbot.addWidget(view)
    view.show()
    return root, view


def tree_rows(view):
    rows = {}
    for i in range(view.tree.topLevelItemCount()):
        top = view.tree.topLevelItem(i)
        rows[top.text(0)] = [
            (top.child(j).text(0), top.child(j).text(2)) for j in range(top.childCount())
        ]
    return rows


def test_lists_people_measurements_counts_and_thumbnails(qtbot, tmp_path):
    root, view = open_view(qtbot, tmp_path)
    assert tree_rows(view) == {
        "p00": [("m0", "5"), ("m1", "5")],
        "p01": [("m0", "5"), ("m1", "5")],
    }
    assert view.summary.text().startswith("2 people, 4 measurements, 20 samples")
    assert not view.trash_button.isEnabled()
    view.select(root / "p01" / "m1")
    thumbs = view.findChildren(QLabel, "thumbnail")
    assert len(thumbs) == 4 and all(not t.pixmap().isNull() for t in thumbs)
    assert view.trash_button.isEnabled()


def confirm(qtbot, view, button):
    view.trash_button.click()
    box = view.confirm_box
    qtbot.waitExposed(box)
    assert "p01" in box.text() and ".trash" in box.text()
    box.button(button).click()


def test_trash_asks_first_and_moves_the_measurement_into_dot_trash(qtbot, tmp_path):
    root, view = open_view(qtbot, tmp_path)
    view.select(root / "p01" / "m1")
    confirm(qtbot, view, QMessageBox.StandardButton.Cancel)
    assert (root / "p01" / "m1").is_dir()  # cancelled: nothing moved
    view.select(root / "p01" / "m1")
    with qtbot.waitSignal(view.trashed, timeout=2000) as moved:
        confirm(qtbot, view, QMessageBox.StandardButton.Yes)
    assert moved.args[0] == root / ".trash" / "p01" / "m1"
    assert (root / ".trash" / "p01" / "m1" / "measurement.json").is_file()
    assert not (root / "p01" / "m1").exists()
    assert len(load_dataset(root)) == 3  # the reader skips .trash
    assert tree_rows(view)["p01"] == [("m0", "5")]
    assert "Moved m1 to" in view.summary.text() and "move it back" in view.summary.text()


def test_a_second_measurement_of_the_same_name_does_not_overwrite_the_first(qtbot, tmp_path):
    root, view = open_view(qtbot, tmp_path)
    (root / ".trash" / "p00" / "m0").mkdir(parents=True)
    view.select(root / "p00" / "m0")
    with qtbot.waitSignal(view.trashed, timeout=2000) as moved:
        confirm_any(qtbot, view)
    assert moved.args[0] == root / ".trash" / "p00" / "m0-2"


def confirm_any(qtbot, view):
    view.trash_button.click()
    qtbot.waitExposed(view.confirm_box)
    view.confirm_box.button(QMessageBox.StandardButton.Yes).click()


def test_not_a_dataset_says_so(qtbot, tmp_path):
    view = DatasetView(tmp_path / "empty")
    qtbot.addWidget(view)
    assert "does not exist" in view.summary.text() and view.tree.topLevelItemCount() == 0
