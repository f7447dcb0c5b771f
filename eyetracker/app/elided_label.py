"""A one-line label for the status bar: as much of its text as fits, ending in "…", and the
whole text as its tooltip; it never asks for more than `max_width` pixels, so the status
bar's messages keep room (Qt clips, rather than elides, what does not fit)."""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QLabel, QWidget

MIN_WIDTH = 48  # what a label shrinks to in a narrow window: a few characters and "…"


class ElidedLabel(QLabel):
    def __init__(self, max_width: int = 260, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_width = max_width
        self._full = ""

    def text(self) -> str:  # the whole text, not what is shown
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        if text == self._full:
            return
        self._full = text
        self._elide()
        self.updateGeometry()

    def shown_text(self) -> str:
        return super().text()

    def _advance(self, text: str) -> int:
        """Whole pixels that hold `text`: its fractional advance rounded up. (The integer
        QFontMetrics.horizontalAdvance rounds 37.14 px down to 37, and elidedText then cuts
        "18 fps" to "18 f…" in the 37 px it was given.)"""
        return math.ceil(QFontMetricsF(self.font()).horizontalAdvance(text))

    def _extra_width(self) -> int:
        """Margins, padding and border around the text (from the style sheet too)."""
        return max(0, super().sizeHint().width() - self._advance(super().text()))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().sizeHint()
        full = self._advance(self._full) + self._extra_width()
        return QSize(min(full, self.max_width), hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(min(MIN_WIDTH, self.sizeHint().width()), super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = min(self.width(), self.max_width) - self._extra_width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(room, 0))
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")
