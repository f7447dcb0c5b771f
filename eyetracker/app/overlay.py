"""The gaze overlay: a transparent, click-through, always-on-top window over one screen that
draws the smoothed gaze point.

It never takes focus or input (Qt.WindowTransparentForInput, WA_ShowWithoutActivating) and
repaints on a timer from the latest sample and a dirty flag, not once per sample.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen, QScreen
from PySide6.QtWidgets import QWidget

from eyetracker.core.types import GazeSample

REPAINT_MS = 16


class GazeOverlay(QWidget):
    def __init__(self, size: int = 40, color: str = "#ff3b30") -> None:
        super().__init__(
            None,
            Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.Tool
            | Qt.WindowType.WindowTransparentForInput
            | Qt.WindowType.WindowDoesNotAcceptFocus,
        )
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWindowTitle("eyetracker gaze overlay")
        self.dot_size = size
        self.color = QColor(color)
        self.samples_received = 0
        self.latest: GazeSample | None = None
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setInterval(REPAINT_MS)
        self._timer.timeout.connect(self._repaint_if_dirty)
        self._timer.start()

    def set_appearance(self, size: int, color: str) -> None:
        self.dot_size, self.color = max(4, int(size)), QColor(color)
        self._dirty = True

    def place_on(self, screen: QScreen) -> None:
        """Cover the whole of `screen`."""
        if self.windowHandle() is not None:
            self.windowHandle().setScreen(screen)
        self.setGeometry(screen.geometry())

    def show_sample(self, sample: GazeSample) -> None:
        """Keep the newest sample; the timer repaints."""
        self.latest = sample
        self.samples_received += 1
        self._dirty = True

    def _repaint_if_dirty(self) -> None:
        if self._dirty and self.isVisible():
            self._dirty = False
            self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        sample = self.latest
        if sample is None or sample.point is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        centre = QPointF(sample.point.x * self.width(), sample.point.y * self.height())
        radius = self.dot_size / 2
        fill = QColor(self.color)
        fill.setAlpha(140 if sample.valid else 50)  # faded while the face is lost
        # A dark outer ring and a white inner one: visible on light and dark screens alike.
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(0, 0, 0, 120), 4))
        painter.drawEllipse(centre, radius + 2, radius + 2)
        painter.setPen(QPen(QColor(255, 255, 255, 220), 2))
        painter.setBrush(fill)
        painter.drawEllipse(centre, radius, radius)
        painter.setBrush(QColor(self.color))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(centre, 3, 3)
