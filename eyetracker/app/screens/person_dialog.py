"""Asks who is being measured (and optional notes) before a measurement or calibration."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)


class PersonDialog(QDialog):
    """Name (required) and notes; open it with `open()` and listen to `accepted`."""

    def __init__(
        self, parent: QWidget | None = None, name: str = "", with_notes: bool = True
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is this?")
        self.setObjectName("person-dialog")
        self.name_edit = QLineEdit(name, objectName="person-name")
        self.name_edit.setPlaceholderText("a name or a code, e.g. p07")
        self.notes_edit = QPlainTextEdit(objectName="person-notes")
        self.notes_edit.setPlaceholderText("glasses, lighting, where you sit... (optional)")
        self.notes_edit.setMaximumHeight(80)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Name", self.name_edit)
        if with_notes:
            form.addRow("Notes", self.notes_edit)
        form.addRow(self.buttons)
        self.name_edit.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.name))

    @property
    def name(self) -> str:
        return self.name_edit.text().strip()

    @property
    def notes(self) -> str:
        return self.notes_edit.toPlainText().strip()
