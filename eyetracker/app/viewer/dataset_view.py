"""The dataset view: people, their measurements, sample counts, a few thumbnails each.

    view = DatasetView(dataset_dir)
    view.show()

"Move to trash…" asks first, then moves the measurement to DATASET/.trash/ (readers skip
dot-folders), so a mistake can be undone by moving the folder back. Moving is done by
eyetracker.core.trash (no Qt).
"""

from __future__ import annotations

from pathlib import Path

import cv2
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eyetracker.app.errors import show_error
from eyetracker.app.images import to_qimage
from eyetracker.core.dataset import Dataset, Measurement, NotADatasetError, load_dataset
from eyetracker.core.images import read_image
from eyetracker.core.trash import TrashError, move_to_trash, trash_folder
from eyetracker.core.wording import count

THUMBNAILS = 4
THUMB_WIDTH = 120
FOLDER_ROLE = Qt.ItemDataRole.UserRole


def thumbnail(measurement: Measurement, index: int) -> QPixmap | None:
    """The index-th sample's camera image, THUMB_WIDTH wide; None if it cannot be read."""
    sample = measurement.samples[index]
    image = read_image(measurement.image_path(sample))
    if image is None:
        return None
    height, width = image.shape[:2]
    small = cv2.resize(image, (THUMB_WIDTH, max(1, round(height * THUMB_WIDTH / width))))
    return QPixmap.fromImage(to_qimage(small))


class DatasetView(QWidget):
    """A tree of people and measurements with thumbnails of the selected one."""

    trashed = Signal(object)  # the Path the measurement was moved to

    def __init__(self, dataset_dir: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Dataset {dataset_dir}")
        self.dataset_dir = Path(dataset_dir)
        self.dataset: Dataset | None = None
        self.tree = QTreeWidget(objectName="dataset-tree")
        self.tree.setHeaderLabels(["Person / measurement", "Measurements", "Samples", "Problems"])
        # itemSelectionChanged carries no items: currentItemChanged would hand Python an item
        # that clear() is deleting.
        self.tree.itemSelectionChanged.connect(self._show_selected)
        self.summary = QLabel(objectName="dataset-summary", wordWrap=True)
        self.thumbnails = QHBoxLayout()
        self.trash_button = QPushButton("Move to trash…", objectName="trash", enabled=False)
        self.trash_button.clicked.connect(self.confirm_trash)
        self.confirm_box: QMessageBox | None = None
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.trash_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addLayout(self.thumbnails)
        layout.addLayout(buttons)
        self.resize(720, 520)
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        self._show_selected()
        try:
            self.dataset = load_dataset(self.dataset_dir)
        except NotADatasetError as error:
            self.dataset = None
            self.summary.setText(str(error))
            return
        for person, measurements in self.dataset.people.items():
            samples = sum(len(m) for m in measurements)
            top = QTreeWidgetItem([person, str(len(measurements)), str(samples), ""])
            for m in measurements:
                child = QTreeWidgetItem([m.name, "", str(len(m)), str(len(m.problems) or "")])
                child.setData(0, FOLDER_ROLE, str(m.folder))
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        for column in range(4):
            self.tree.resizeColumnToContents(column)
        d = self.dataset
        self.summary.setText(
            f"{count(len(d.people), 'person', 'people')}, {count(len(d), 'measurement')}, "
            f"{count(d.sample_count, 'sample')}"
            + (
                f"; {count(len(d.problems), 'problem')} (see `eyetracker dataset info`)"
                if d.problems
                else ""
            )
        )

    def selected_measurement(self) -> Measurement | None:
        item = self.tree.currentItem()
        folder = item.data(0, FOLDER_ROLE) if item is not None else None
        if folder is None or self.dataset is None:
            return None
        return next((m for m in self.dataset if str(m.folder) == folder), None)

    def select(self, folder: Path) -> None:
        """Select the measurement in `folder` (for the main window and tests)."""
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                if top.child(j).data(0, FOLDER_ROLE) == str(folder):
                    self.tree.setCurrentItem(top.child(j))

    def _show_selected(self) -> None:
        while (item := self.thumbnails.takeAt(0)) is not None:
            if item.widget() is not None:
                item.widget().deleteLater()
        measurement = self.selected_measurement()
        self.trash_button.setEnabled(measurement is not None)
        if measurement is None or not measurement.samples:
            return
        count = len(measurement.samples)
        picks = sorted({round(i * (count - 1) / max(1, THUMBNAILS - 1)) for i in range(THUMBNAILS)})
        for index in picks:
            label = QLabel(objectName="thumbnail")
            pixmap = thumbnail(measurement, index)
            if pixmap is None:
                label.setText("(unreadable)")
            else:
                label.setPixmap(pixmap)
            self.thumbnails.addWidget(label)
        self.thumbnails.addStretch()

    def confirm_trash(self) -> None:
        measurement = self.selected_measurement()
        if measurement is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Move to trash",
            f"Move the measurement {measurement.name} of {measurement.person} "
            f"({len(measurement)} samples) to {trash_folder(self.dataset_dir)}? "
            "Training will no longer use it; you can move it back later.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("confirm-trash")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        folder = measurement.folder
        yes = box.button(QMessageBox.StandardButton.Yes)
        # Run after the box has closed, not inside its finished() emission.
        box.finished.connect(
            lambda _: (
                QTimer.singleShot(0, lambda: self._trash(folder))
                if box.clickedButton() is yes
                else None
            )
        )
        self.confirm_box = box
        box.open()

    def _trash(self, folder: Path) -> None:
        try:
            target = move_to_trash(self.dataset_dir, folder)
        except TrashError as error:
            show_error(self, str(error))
            return
        self.refresh()
        self.summary.setText(
            f"Moved {folder.name} to {target}. Delete that folder to free the space, "
            "or move it back to restore it. " + self.summary.text()
        )
        self.trashed.emit(target)
