"""Where a new top-level window opens: over the main window, and wholly on its screen."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def place_over(window: QWidget, anchor: QWidget) -> None:
    """Centre `window` on `anchor`, shrunk and moved as needed to fit the available area of
    `anchor`'s screen (never partly off-screen, whatever its saved or default size)."""
    screen = anchor.screen() or QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    # Leave room for the window manager's frame, which the geometry does not include: as
    # thick as the anchor's where the window has none yet (it is not shown).
    own = window.frameGeometry().size() - window.geometry().size()
    frame = own.expandedTo(anchor.frameGeometry().size() - anchor.geometry().size())
    width = min(window.width(), area.width() - frame.width())
    height = min(window.height(), area.height() - frame.height())
    rect = QRect(0, 0, width, height)
    rect.moveCenter(anchor.frameGeometry().center())
    rect.moveLeft(max(area.left(), min(rect.left(), area.right() - width - frame.width() + 1)))
    rect.moveTop(max(area.top(), min(rect.top(), area.bottom() - height - frame.height() + 1)))
    window.resize(width, height)
    window.move(rect.topLeft())
