"""The row of choices above the preview: camera, model, backend, device, user, Start.

A view only: it holds the widgets and reports what is chosen; the window acts on it.
Every field has a mnemonic (Alt+C camera, Alt+M model, Alt+B backend, Alt+D device,
Alt+U user) so the window works without a mouse.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from eyetracker.app.elided_label import ElidedComboBox
from eyetracker.app.live.workers import SYNTHETIC

BACKENDS = [("Automatic (fastest)", "auto"), ("PyTorch", "torch"), ("ONNX Runtime", "onnxruntime")]
DEVICES = [("Automatic", "auto"), ("CPU", "cpu"), ("CUDA GPU", "cuda")]
DEFAULT_MODEL_LABEL = "Bundled default model"


class ControlsPanel(QWidget):
    browse_requested = Signal()
    start_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.camera = QComboBox()
        self.model = ElidedComboBox()  # a fine-tuned model's long file name loses its middle
        self.model.addItem(DEFAULT_MODEL_LABEL, "")
        self.model.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.model.setMinimumContentsLength(18)
        self.browse = QPushButton("&Open model…")
        self.browse.clicked.connect(self.browse_requested)
        self.backend = combo_of(BACKENDS)
        self.device = combo_of(DEVICES)
        self.user = QComboBox()
        self.user.setEditable(True)
        self.user.setInsertPolicy(QComboBox.InsertPolicy.InsertAlphabetically)
        self.user.lineEdit().setPlaceholderText("no profile")
        self.start = QPushButton("&Start tracking")
        self.start.setDefault(True)
        self.start.clicked.connect(self.start_requested)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        fields = [
            ("&Camera:", self.camera),
            ("&Model:", self.model),
            ("&Backend:", self.backend),
            ("&Device:", self.device),
            ("&User:", self.user),
        ]
        for column, (text, widget) in enumerate(fields):
            label = QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, 0, column)
            grid.addWidget(widget, 1, column)
        grid.addWidget(self.browse, 2, 1)
        grid.addWidget(self.start, 1, len(fields))

    # --- cameras -------------------------------------------------------------------------

    def set_cameras(self, cameras: list[tuple[str, str]]) -> None:
        """(label, choice) pairs; the synthetic demo camera is always offered last."""
        self.camera.blockSignals(True)
        self.camera.clear()
        for label, choice in cameras:
            self.camera.addItem(label, choice)
        self.camera.addItem("Synthetic demo camera", SYNTHETIC)
        self.camera.blockSignals(False)

    # --- values --------------------------------------------------------------------------

    def add_model(self, path: str, select: bool = True) -> None:
        """List model file `path` (once), and choose it when `select`."""
        index = self.model.findData(path)
        if index < 0:
            self.model.addItem(path.rsplit("/", 1)[-1], path)
            index = self.model.count() - 1
            self.model.setItemData(index, path, role=3)  # Qt.ToolTipRole: the full path
        if select:
            self.model.setCurrentIndex(index)

    def set_users(self, users: list[str], current: str) -> None:
        self.user.clear()
        self.user.addItems(users)
        self.user.setCurrentText(current)

    def set_tracking(self, tracking: bool) -> None:
        self.start.setText("&Stop tracking" if tracking else "&Start tracking")
        for widget in (self.camera, self.model, self.browse, self.backend, self.device, self.user):
            widget.setEnabled(not tracking)


def combo_of(items: list[tuple[str, str]]) -> QComboBox:
    """A combo box of (label, value) items."""
    combo = QComboBox()
    for label, value in items:
        combo.addItem(label, value)
    return combo


def select_data(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)
