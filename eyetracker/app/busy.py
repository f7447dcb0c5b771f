"""Busy indicators for work running in a worker thread: the window stays usable meanwhile.

`BusyIndicator` sits in the main window's status bar (loading a model); `BusyPanel` sits in
the middle of a full-screen calibration or validation (computing the result). Both show an
indeterminate progress bar, which Qt animates on its own timer: it keeps moving exactly as
long as the GUI thread is free.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from eyetracker.app.stimulus import CentredPanel


def busy_bar(width: int | None = None) -> QProgressBar:
    """An indeterminate progress bar (a range of 0..0 means "busy, progress unknown")."""
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setMaximumHeight(14)
    if width is not None:
        bar.setFixedWidth(width)
    return bar


class BusyIndicator(QWidget):
    """What is being done and a moving bar, for the status bar; hidden while nothing is.

    Several things can be busy at once, each under its own key: the newest one's text shows.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="busy")
        self.label = QLabel(objectName="busy-text")
        self.bar = busy_bar(width=120)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self._texts: dict[str, str] = {}
        self.hide()

    @property
    def busy(self) -> bool:
        return bool(self._texts)

    @property
    def text(self) -> str:
        return self.label.text()

    def start(self, key: str, text: str) -> None:
        self._texts.pop(key, None)
        self._texts[key] = text
        self._refresh()

    def stop(self, key: str) -> None:
        self._texts.pop(key, None)
        self._refresh()

    def _refresh(self) -> None:
        self.label.setText(next(reversed(self._texts.values()), ""))
        self.setVisible(self.busy)


class BusyPanel(CentredPanel):
    """The centred panel of a stimulus screen with a text and a moving bar under it."""

    def __init__(self, parent: QWidget, name: str) -> None:
        super().__init__(parent, name, width=360)
        self.bar = self.add(busy_bar())

    def show_text(self, text: str) -> None:
        self.label.setText(text)
        self.popup()
