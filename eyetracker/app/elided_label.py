"""Texts that fit where Qt would clip them, whole in a tooltip: a one-line label for the
status bar (as much of its text as fits, ending in "…"; it never asks for more than
`max_width` pixels, so the status bar's messages keep room) and a status bar whose messages
lose their middle when too long, and a combo box whose chosen item does the same."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QSizeGrip,
    QStatusBar,
    QStyle,
    QStyleOption,
    QStyleOptionComboBox,
    QStylePainter,
    QWidget,
)

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


class ElidingStatusBar(QStatusBar):
    """A status bar whose message, when too long for the room left of the permanent widgets,
    loses its middle (a path keeps its start and its file name) and is whole in the tooltip.
    QStatusBar would cut it off at the right; every showMessage (Qt's own status tips too)
    goes through the painting here."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messageChanged.connect(lambda _message: self._update_tooltip())

    def message_rect(self) -> QRect:
        """Where the message goes: from the left edge to the first permanent widget (while
        a message shows, only permanent widgets and the size grip are visible)."""
        right = self.width()
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isVisible():
                right = min(right, child.x())
        return QRect(6, 0, max(0, right - 6 - 6), self.height())

    def shown_message(self) -> str:
        """The message as it is drawn: whole, or with "…" in its middle."""
        room = self.message_rect().width()
        return self.fontMetrics().elidedText(
            self.currentMessage(), Qt.TextElideMode.ElideMiddle, room
        )

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """QStatusBar's own painting, with the message elided instead of clipped."""
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        style = self.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isVisible() and not isinstance(child, QSizeGrip):
                frame = QStyleOption()
                frame.rect = child.geometry().adjusted(-2, -1, 2, 1)
                frame.palette = self.palette()
                style.drawPrimitive(
                    QStyle.PrimitiveElement.PE_FrameStatusBarItem, frame, painter, child
                )
        message, shown = self.currentMessage(), self.shown_message()
        if message:
            painter.setPen(self.palette().windowText().color())
            align = Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(self.message_rect(), align | Qt.TextFlag.TextSingleLine, shown)
        painter.end()
        self._update_tooltip()  # the permanent widgets' texts change the room too

    def _update_tooltip(self) -> None:
        message = self.currentMessage()
        self.setToolTip(message if self.shown_message() != message else "")

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._update_tooltip()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:  # the room as it is now
            self._update_tooltip()
        return super().event(event)


class ElidedComboBox(QComboBox):
    """A combo box whose chosen item, when too long for the box, loses its middle (a file
    name keeps its start and its end), whole in the tooltip (the item's own tooltip when it has one); the list shows it whole."""

    def shown_text(self) -> str:
        return self.fontMetrics().elidedText(
            self.currentText(), Qt.TextElideMode.ElideMiddle, self._text_rect().width()
        )

    def _text_rect(self) -> QRect:
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        control = QStyle.ComplexControl.CC_ComboBox
        field = QStyle.SubControl.SC_ComboBoxEditField
        return self.style().subControlRect(control, option, field, self).adjusted(1, 0, -1, 0)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
        painter.end()

    def _update_tooltip(self) -> None:
        whole = self.currentData(Qt.ItemDataRole.ToolTipRole) or self.currentText()
        self.setToolTip(whole if self.shown_text() != self.currentText() else "")

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._update_tooltip()
