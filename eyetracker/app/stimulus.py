"""The full-screen canvas the measurement, calibration and validation screens draw on.

It paints a dark background, at most one dot at normalized coordinates, a discreet progress
text in the bottom-right corner and a message line; the screens add the sequencing.
`shown_screens().changed` says when the first opens and the last closes: the main window
hides the gaze overlay meanwhile (its dot would sit beside the target, frozen or distracting).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QScreen,
)
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from eyetracker.capture.gaze_target import GazeTarget
from eyetracker.core.manifest import Screen
from eyetracker.core.types import GazePoint

BACKGROUND = QColor("#2b2b2b")
TEXT = QColor("#9a9a9a")
WARNING = QColor("#ffcc66")


class ShownScreens(QObject):
    """Which stimulus screens are on screen; `changed(bool)`: whether any is, when that flips."""

    changed = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self._shown: set[int] = set()

    @property
    def any_shown(self) -> bool:
        return bool(self._shown)

    def set_shown(self, key: int, shown: bool) -> None:
        """Screen `key` (its id()) is shown, or hidden or gone."""
        before = self.any_shown
        if shown:
            self._shown.add(key)
        else:
            self._shown.discard(key)
        if self.any_shown != before:
            self.changed.emit(self.any_shown)


_shown_screens: ShownScreens | None = None


def shown_screens() -> ShownScreens:
    """The one record of the stimulus screens shown, for the whole app."""
    global _shown_screens
    if _shown_screens is None:
        _shown_screens = ShownScreens()
    return _shown_screens


@dataclass(frozen=True)
class Target:
    """What to draw: a dot at normalized (x, y) with a radius in logical pixels."""

    x: float
    y: float
    colour: str = "#ffffff"
    radius_px: float = 10.0
    centre: bool = False  # a small dark centre helps the eye land on one point
    letter: str = ""  # the attention check: a letter inside the dot, to be typed


def screen_info(screen: QScreen) -> Screen:
    """The QScreen as the measurement format records it: native pixels, mm, and Qt's facts."""
    geometry, ratio = screen.geometry(), screen.devicePixelRatio()
    size = screen.physicalSize()
    width_mm = round(size.width(), 1) if size.width() > 0 else None
    height_mm = round(size.height(), 1) if size.height() > 0 else None
    extra = {
        "name": screen.name(),
        "logical_width": geometry.width(),
        "logical_height": geometry.height(),
        "device_pixel_ratio": ratio,
        "refresh_hz": round(screen.refreshRate(), 2),
    }
    native = (round(geometry.width() * ratio), round(geometry.height() * ratio))
    return Screen(native[0], native[1], width_mm, height_mm, extra)


class StimulusScreen(QWidget):
    """A frameless full-screen widget on `screen` (the primary screen when None).

    Every dot it shows (`target`) is also published to the `GazeTarget` given to
    `publish_targets` (the live controller's: the synthetic demo person looks at it), and withdrawn
    when the dot goes or the screen closes."""

    def __init__(self, screen: QScreen | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target_screen = screen or QGuiApplication.primaryScreen()
        self.gaze_target: GazeTarget | None = None
        self._target: Target | None = None
        self.progress = ""
        self.message = ""
        self.message_is_warning = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setCursor(Qt.CursorShape.BlankCursor)
        key = id(self)  # the widget is gone by the time `destroyed` arrives
        self.destroyed.connect(lambda *_: shown_screens().set_shown(key, False))

    @property
    def target(self) -> Target | None:
        return self._target

    @target.setter
    def target(self, target: Target | None) -> None:
        self._target = target
        if self.gaze_target is not None:
            self.gaze_target.set(None if target is None else GazePoint(target.x, target.y))

    def publish_targets(self, gaze_target: GazeTarget | None) -> None:
        """Publish the dot shown, from now on, to `gaze_target` (None: to nobody)."""
        if self.gaze_target is not None and gaze_target is not self.gaze_target:
            self.gaze_target.set(None)
        self.gaze_target = gaze_target
        self.target = self._target

    def show_full_screen(self) -> None:
        self.setScreen(self.target_screen)
        self.setGeometry(self.target_screen.geometry())
        self.showFullScreen()
        self.activateWindow()
        self.setFocus()

    def set_message(self, text: str, warning: bool = False) -> None:
        self.message, self.message_is_warning = text, warning
        self.update()

    def target_position(self, target: Target) -> QPointF:
        return QPointF(target.x * self.width(), target.y * self.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), BACKGROUND)
        if self.target is not None:
            self.paint_target(painter, self.target)
        self.paint_content(painter)
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, font.pointSizeF() * 0.9))
        painter.setFont(font)
        if self.progress:
            painter.setPen(TEXT)
            box = QRectF(self.rect()).adjusted(0, 0, -16, -12)
            align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
            painter.drawText(box, align, self.progress)
        if self.message:
            painter.setPen(WARNING if self.message_is_warning else TEXT)
            box = QRectF(self.rect()).adjusted(40, 24, -40, 0)
            align = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
            painter.drawText(box, align | Qt.TextFlag.TextWordWrap, self.message)
        painter.end()

    def paint_content(self, painter: QPainter) -> None:
        """Subclasses: draw more over the background and the dot, under the texts."""

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        shown_screens().set_shown(id(self), True)

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        shown_screens().set_shown(id(self), False)
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.gaze_target is not None:
            self.gaze_target.set(None)  # nothing to look at any more
        super().closeEvent(event)

    def paint_target(self, painter: QPainter, target: Target) -> None:
        centre = self.target_position(target)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(target.colour))
        painter.drawEllipse(centre, target.radius_px, target.radius_px)
        if target.centre:
            painter.setBrush(BACKGROUND)
            inner = max(1.5, target.radius_px / 5)
            painter.drawEllipse(centre, inner, inner)
        if target.letter:
            font = QFont(self.font())
            font.setBold(True)
            font.setPixelSize(max(8, round(target.radius_px * 1.3)))
            painter.setFont(font)
            painter.setPen(BACKGROUND)
            r = target.radius_px
            box = QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, target.letter)


class CentredPanel(QFrame):
    """A small panel in the middle of a stimulus screen: a text and the widgets added to it."""

    def __init__(self, parent: QWidget, name: str, width: int = 420) -> None:
        super().__init__(parent, objectName=name)
        self.setStyleSheet(
            f"#{name} {{ background: #3a3a3a; border-radius: 8px; }}"
            "QLabel, QCheckBox { color: #e0e0e0; } QPushButton { padding: 6px 18px; }"
        )
        self.label = QLabel(wordWrap=True)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(24, 20, 24, 20)
        self.layout_.addWidget(self.label)
        self.setFixedWidth(width)
        self.hide()

    def add(self, widget: QWidget) -> QWidget:
        self.layout_.addWidget(widget)
        return widget

    def place(self) -> None:
        """Centre on the parent; call on show and on the parent's resize."""
        parent = self.parentWidget()
        self.adjustSize()
        self.move((parent.width() - self.width()) // 2, (parent.height() - self.height()) // 2)

    def popup(self) -> None:
        self.show()
        self.place()
        self.raise_()
