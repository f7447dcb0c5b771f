"""The gaze overlay: a click-through, always-on-top window that draws the smoothed gaze point.

It never takes focus or input: Qt.WindowTransparentForInput and WA_ShowWithoutActivating on
every platform; on X11 also an empty input shape, and no window-manager frame (a frame would
catch the clicks the window lets through). Where the desktop composites, it is a translucent
window over the whole screen that draws only the dot; an X11 desktop without a compositor
draws transparent pixels black, so there it is a small frameless window, shaped to the dot,
that moves with the gaze (`limitation` says so; the window shows it). It repaints on a timer from the latest
sample and a dirty flag, not once per sample.

Around the dot, a faint halo shows the sample's expected error: the ellipse of the screen
points that lie that far from the dot, in % of the screen's width and height (the error's
metric), so a tight halo is a point to trust.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap, QRegion, QScreen
from PySide6.QtWidgets import QWidget

from eyetracker.app import x11
from eyetracker.core.types import GazeSample

REPAINT_MS = 16
RAISE_EVERY = 30  # repaint ticks: an X11 window outside the window manager is kept on top by hand
NO_TRANSLUCENCY = (
    "No compositing window manager: the gaze overlay is a small dot window that follows your "
    "gaze instead of a transparent layer over the screen."
)


class GazeOverlay(QWidget):
    def __init__(
        self, size: int = 40, color: str = "#ff3b30", translucent: bool | None = None
    ) -> None:
        flags = (
            Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.Tool
            | Qt.WindowType.WindowTransparentForInput
            | Qt.WindowType.WindowDoesNotAcceptFocus
        )
        if x11.is_x11():
            flags |= Qt.WindowType.X11BypassWindowManagerHint
        super().__init__(None, flags)
        self.translucent = x11.compositing() if translucent is None else translucent
        self.limitation = "" if self.translucent else NO_TRANSLUCENCY
        if self.translucent:
            self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWindowTitle("eyetracker gaze overlay")
        self.dot_size = size
        self.color = QColor(color)
        self.samples_received = 0
        self.latest: GazeSample | None = None
        self.area = QRect(0, 0, 0, 0)  # the screen it covers (in dot mode: where the dot moves)
        self._shape: tuple[int, bool] | None = None  # (size, solid) the dot window is cut to
        self._dirty = False
        self._ticks = 0
        self._timer = QTimer(self)
        self._timer.setInterval(REPAINT_MS)
        self._timer.timeout.connect(self._repaint_if_dirty)
        self._timer.start()

    def set_appearance(self, size: int, color: str) -> None:
        self.dot_size, self.color = max(4, int(size)), QColor(color)
        self._dirty = True

    def place_on(self, screen: QScreen) -> None:
        """Cover the whole of `screen` (in dot mode: move the dot within it)."""
        if self.windowHandle() is not None:
            self.windowHandle().setScreen(screen)
        self.area = screen.geometry()
        self._place()

    def show_sample(self, sample: GazeSample) -> None:
        """Keep the newest sample; the timer repaints."""
        self.latest = sample
        self.samples_received += 1
        self._dirty = True

    # --- where and what ---------------------------------------------------------------------

    def gaze_position(self) -> QPointF:
        """The latest gaze point on the screen, in global pixels (its centre before any)."""
        sample, area = self.latest, QRectF(self.area)
        if sample is None or sample.point is None:
            return area.center()
        return QPointF(
            area.x() + sample.point.x * area.width(), area.y() + sample.point.y * area.height()
        )

    def _side(self) -> int:
        return int(self.dot_size) + 8  # the dot and its two rings

    def _solid(self) -> bool:
        return self.latest is not None and self.latest.valid and self.latest.point is not None

    def _place(self) -> None:
        if self.translucent:
            self.setGeometry(self.area)
            return
        side = self._side()
        centre = self.gaze_position().toPoint()
        self.setGeometry(QRect(centre.x() - side // 2, centre.y() - side // 2, side, side))
        shape = (side, self._solid())
        if shape != self._shape:
            # A disc while the face is found, a ring while it is lost (no alpha to fade with).
            self._shape = shape
            region = QRegion(0, 0, side, side, QRegion.RegionType.Ellipse)
            if not shape[1]:
                region -= QRegion(8, 8, side - 16, side - 16, QRegion.RegionType.Ellipse)
            self.setMask(region)
            self._clear_input_shape()

    def picture(self) -> QPixmap:
        """The overlay as it shows on screen: its drawing, cut to the dot window's shape (grab()
        draws the whole square, background included; the screen shows only the shape)."""
        drawn = self.grab()
        if self.mask().isEmpty():
            return drawn
        shaped = QPixmap(drawn.size())
        shaped.fill(Qt.GlobalColor.transparent)
        painter = QPainter(shaped)
        painter.setClipRegion(self.mask())
        painter.drawPixmap(0, 0, drawn)
        painter.end()
        return shaped

    def _clear_input_shape(self) -> None:
        if x11.is_x11() and self.windowHandle() is not None:
            x11.clear_input_shape(int(self.winId()))

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._place()
        if x11.is_x11():  # outside the window manager: on top only when raised
            self._clear_input_shape()
            self.raise_()

    def _repaint_if_dirty(self) -> None:
        if not self.isVisible():
            return
        self._ticks += 1
        if self._ticks % RAISE_EVERY == 0 and x11.is_x11():
            self.raise_()
        if self._dirty:
            self._dirty = False
            if not self.translucent:
                self._place()
            self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        sample = self.latest
        if self.translucent and (sample is None or sample.point is None):
            return
        valid = sample is not None and sample.valid
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.translucent:
            centre = self.gaze_position() - QPointF(self.area.topLeft())
        else:
            centre = QPointF(self.width() / 2, self.height() / 2)
        if self.translucent and valid and sample.expected_error is not None:
            self._draw_halo(painter, centre, sample.expected_error)  # under the dot
        radius = self.dot_size / 2
        fill = QColor(self.color)
        fill.setAlpha((140 if valid else 50) if self.translucent else 255)
        # A dark outer ring and a white inner one: visible on light and dark screens alike.
        painter.setBrush(QColor(0, 0, 0) if not self.translucent else Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(0, 0, 0, 120), 4))
        painter.drawEllipse(centre, radius + 2, radius + 2)
        painter.setPen(QPen(QColor(255, 255, 255, 220), 2))
        painter.setBrush(fill)
        painter.drawEllipse(centre, radius, radius)
        painter.setBrush(QColor(self.color))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(centre, 3, 3)
        painter.end()

    def _draw_halo(self, painter: QPainter, centre: QPointF, error_pct: float) -> None:
        """The expected error around the dot: an ellipse of error_pct % of the screen's width
        across and of its height down (a dot window has no room for it)."""
        rx, ry = self.halo_radii(error_pct)
        halo = QColor(self.color)
        halo.setAlpha(18)  # a faint tint: the screen under it stays readable
        painter.setBrush(halo)
        edge = QColor(self.color)
        edge.setAlpha(110)
        painter.setPen(QPen(edge, 1.5))
        painter.drawEllipse(centre, rx, ry)

    def halo_radii(self, error_pct: float) -> tuple[float, float]:
        """The halo's radii in pixels for an expected error in % of the screen."""
        scale = max(float(error_pct), 0.0) / 100.0
        return scale * self.area.width(), scale * self.area.height()
