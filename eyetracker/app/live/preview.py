"""The camera preview: the newest frame, scaled to fit, with a face / validity indicator.

It repaints on a timer when a newer frame than the one shown exists (newest wins, a dirty
flag), never once per camera signal, so a slow GUI cannot fall behind the camera.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from eyetracker.app.images import to_qimage
from eyetracker.app.live.face_check import FaceCheck
from eyetracker.app.live.frames import FrameProvider

GOOD = QColor("#2ecc71")
BAD = QColor("#e74c3c")
REPAINT_MS = 33


class PreviewWidget(QWidget):
    def __init__(self, provider: FrameProvider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.provider = provider
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Camera preview")
        self.frames_shown = 0
        self.placeholder = "Starting the camera…"
        self._image: QImage | None = None
        self._shown_timestamp: float | None = None
        self._face: FaceCheck | None = None
        self._gaze_reason: str | None = None  # the tracker's verdict while tracking
        self._timer = QTimer(self)
        self._timer.setInterval(REPAINT_MS)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def set_face(self, check: FaceCheck) -> None:
        self._face = check
        self.update()

    def set_tracking_reason(self, reason: str | None) -> None:
        """ "" when the tracker's last sample was valid, its reason when not, None: not tracking."""
        self._gaze_reason = reason

    def clear(self, placeholder: str) -> None:
        self._image, self._face, self._shown_timestamp = None, None, None
        self.placeholder = placeholder
        self.update()

    def _poll(self) -> None:
        frame = self.provider.latest()
        if frame is None or frame.timestamp == self._shown_timestamp:
            return
        self._shown_timestamp = frame.timestamp
        self._image = to_qimage(frame.image)
        self.frames_shown += 1
        self.update()

    def image_rect(self) -> QRectF:
        """Where the frame is drawn: as large as fits, aspect kept, centred."""
        if self._image is None:
            return QRectF(self.rect())
        w, h = self._image.width(), self._image.height()
        scale = min(self.width() / w, self.height() / h)
        return QRectF(
            (self.width() - w * scale) / 2, (self.height() - h * scale) / 2, w * scale, h * scale
        )

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#1e1e1e"))
        if self._image is None:
            painter.setPen(QColor("#cccccc"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
            return
        target = self.image_rect()
        painter.drawImage(target, self._image)
        self._draw_indicator(painter, target)

    def _draw_indicator(self, painter: QPainter, target: QRectF) -> None:
        face = self._face
        reason = face.reason if face is not None else "checking…"
        if face is not None and face.box is not None:
            x, y, w, h = face.box
            painter.setPen(QPen(GOOD, 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(
                QRectF(
                    target.x() + x * target.width(),
                    target.y() + y * target.height(),
                    w * target.width(),
                    h * target.height(),
                )
            )
        if self._gaze_reason:  # tracking, and the tracker could not use the frame
            reason = self._gaze_reason
        ok = reason == ""
        label = "face found" if ok else reason
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.2)
        font.setBold(True)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        box = QRectF(
            target.x() + 8,
            target.y() + 8,
            metrics.horizontalAdvance(label) + 36,
            metrics.height() + 10,
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 160))
        painter.drawRoundedRect(box, 6, 6)
        painter.setBrush(GOOD if ok else BAD)
        dot = metrics.height() * 0.6
        painter.drawEllipse(QRectF(box.x() + 8, box.center().y() - dot / 2, dot, dot))
        painter.setPen(QColor("white"))
        painter.drawText(box.adjusted(16 + dot, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, label)
