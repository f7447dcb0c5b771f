"""The validation result: targets, estimates and error vectors, drawn from a report dict.

It reads only the JSON report (eyetracker.runtime.validation_report), so a saved report can
be shown again. Rings are the targets, small dots the estimates, the line from each target
to its mean estimate the error vector.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from eyetracker.runtime.validation_report import summary_line

BACKGROUND = QColor("#2b2b2b")
TARGET = QColor("#ffffff")
ESTIMATE = QColor(90, 170, 255, 110)
MEAN = QColor("#5ab0ff")
VECTOR = QColor("#ffcc66")
TEXT = QColor("#d0d0d0")


class ValidationResultView(QWidget):
    """Paints one validation report; `footer` is a line under the summary (where it was saved)."""

    def __init__(self, report: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("validation-result")
        self.report = report
        self.footer = ""
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def set_footer(self, text: str) -> None:
        self.footer = text
        self.update()

    def _at(self, point) -> QPointF:
        return QPointF(point[0] * self.width(), point[1] * self.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), BACKGROUND)
        for entry in self.report["targets"]:
            self._paint_target(painter, entry)
        self._paint_text(painter)
        painter.end()

    def _paint_target(self, painter: QPainter, entry: dict[str, Any]) -> None:
        target = self._at(entry["target"])
        painter.setBrush(ESTIMATE)
        painter.setPen(Qt.PenStyle.NoPen)
        for estimate in entry.get("estimates", []):
            painter.drawEllipse(self._at(estimate), 3, 3)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(TARGET, 2))
        painter.drawEllipse(target, 10, 10)
        painter.drawPoint(target)
        if "mean_estimate" not in entry:
            painter.setPen(QPen(VECTOR, 1))
            painter.drawText(target + QPointF(14, -14), "no face")
            return
        mean = self._at(entry["mean_estimate"])
        painter.setPen(QPen(VECTOR, 2))
        painter.drawLine(target, mean)
        painter.setBrush(MEAN)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(mean, 5, 5)
        painter.setPen(TEXT)
        label = f"{entry['accuracy_pct']:.1f}%"
        if entry.get("accuracy_deg") is not None:
            label += f"  {entry['accuracy_deg']:.1f}°"
        painter.drawText(target + QPointF(14, 22), label)

    def _paint_text(self, painter: QPainter) -> None:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        painter.setFont(font)
        painter.setPen(TEXT)
        box = QRectF(self.rect()).adjusted(32, 20, -32, -20)
        top = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        painter.drawText(box, top | Qt.TextFlag.TextWordWrap, summary_line(self.report))
        font.setPointSizeF(font.pointSizeF() / 1.3)
        painter.setFont(font)
        legend = "○ target   • estimates   ● mean estimate   — error"
        bottom = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom
        text = "\n".join(t for t in (legend, self.footer) if t)
        painter.drawText(box, bottom | Qt.TextFlag.TextWordWrap, text)
