"""What the calibration screen shows after the fit: each point's residual, a verdict, and what next.

`paint_residuals` draws every calibration dot as a ring, the mean of its predictions as a dot
and the line between them (as the validation result draws its error vectors), labelled with
the point's number and residual. `CalibrationFeedback` is the panel under the centre dot: the
verdict and three buttons: Validate now, Redo point N (or Calibrate again), Done. The numbers
come from eyetracker.inference.calibration_quality (no Qt).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from eyetracker.app.stimulus import CentredPanel
from eyetracker.inference.calibration_quality import CalibrationQuality, PointResidual

TARGET = QColor("#ffffff")
REDO = QColor("#ff6b5e")
MEAN = QColor("#5ab0ff")
VECTOR = QColor("#ffcc66")
TEXT = QColor("#d0d0d0")
GOOD = "#8fd694"
WARN = "#ffcc66"
PANEL_Y = 0.7  # the panel's centre, as a fraction of the height: between the grid's rows
LEGEND = (
    "○ calibration dot   ● mean estimate of its frames with the new profile   "
    "— residual, in % of the screen"
)


def paint_residuals(painter: QPainter, rect: QRect, quality: CalibrationQuality) -> None:
    """Each calibration point's dot, mean estimate and residual, drawn into `rect`."""
    for index, point in enumerate(quality.points):
        _paint_point(painter, rect, point, redo=index == quality.redo)
    painter.setPen(TEXT)
    box = QRectF(rect).adjusted(32, 0, -32, -20)
    painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, LEGEND)


def _at(rect: QRect, x: float, y: float) -> QPointF:
    return QPointF(rect.x() + x * rect.width(), rect.y() + y * rect.height())


def _paint_point(painter: QPainter, rect: QRect, point: PointResidual, redo: bool) -> None:
    target = _at(rect, point.target.x, point.target.y)
    if point.estimate is not None:
        mean = _at(rect, point.estimate.x, point.estimate.y)
        painter.setPen(QPen(VECTOR, 2))
        painter.drawLine(target, mean)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(MEAN)
        painter.drawEllipse(mean, 5, 5)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(REDO if redo else TARGET, 3 if redo else 2))
    painter.drawEllipse(target, 11, 11)
    painter.setPen(REDO if redo else TEXT)
    residual = "no gaze" if point.residual_pct is None else f"{point.residual_pct:.1f}%"
    painter.drawText(target + QPointF(16, 24), f"{point.number}: {residual}")


class CalibrationFeedback(CentredPanel):
    """The verdict on a calibration and what to do next (see the module docstring)."""

    validate_requested = Signal()
    redo_requested = Signal(object)  # the point's index, or None: the whole calibration
    done_requested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, "calibration-feedback", width=520)
        self.quality: CalibrationQuality | None = None
        self.verdict = QLabel(wordWrap=True, objectName="verdict")
        self.layout_.insertWidget(0, self.verdict)
        row = QWidget()
        buttons = QHBoxLayout(row)
        buttons.setContentsMargins(0, 8, 0, 0)
        self.validate = QPushButton("Validate now", objectName="validate")
        self.redo = QPushButton("Redo point", objectName="redo")
        self.done = QPushButton("Done", objectName="done")
        for button in (self.validate, self.redo, self.done):
            buttons.addWidget(button)
        self.add(row)
        self.validate.clicked.connect(self.validate_requested)
        self.redo.clicked.connect(lambda: self.redo_requested.emit(self._redo_index()))
        self.done.clicked.connect(self.done_requested)

    def show_quality(self, quality: CalibrationQuality, note: str = "") -> None:
        """Show the verdict on `quality` (and `note` under it: what was saved); pop up."""
        self.quality = quality
        colour = GOOD if quality.good else WARN
        self.verdict.setText(f'<b style="color:{colour}">{quality.verdict}</b>')
        self.label.setText(note)
        self.label.setVisible(bool(note))
        if quality.redo is not None:
            self.redo.setText(f"Redo point {quality.points[quality.redo].number}")
        else:
            self.redo.setText("Calibrate again")
        # Enter takes the advice: validate a good calibration, redo what the verdict names.
        default = self.validate if quality.good else self.redo
        for button in (self.validate, self.redo, self.done):
            button.setDefault(button is default)
        self.popup()
        default.setFocus()

    def _redo_index(self) -> int | None:
        return None if self.quality is None else self.quality.redo

    def place(self) -> None:
        """Centred across, under the middle row of dots (the centre dot stays visible)."""
        parent = self.parentWidget()
        self.adjustSize()
        y = round(PANEL_Y * parent.height() - self.height() / 2)
        self.move((parent.width() - self.width()) // 2, max(0, y))
