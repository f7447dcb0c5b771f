"""Screenshots of the main window and of the overlay on its screen (docs and the e2e test)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPainter


def save_screenshots(window, folder: Path) -> list[Path]:
    """main-window.png (the window as drawn) and overlay.png (its screen with the overlay)."""
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    main = folder / "main-window.png"
    if window.grab().save(str(main)):
        saved.append(main)
    overlay = window.overlay
    screen = overlay.screen() or window.screen()
    # Grab the desktop, then draw the overlay on it ourselves: without a compositing window
    # manager (Xvfb) a translucent window is not blended into a screen grab.
    picture = screen.grabWindow(0)
    if not picture.isNull():
        if overlay.isVisible():
            painter = QPainter(picture)
            painter.drawPixmap(
                overlay.geometry().topLeft() - screen.geometry().topLeft(), overlay.picture()
            )
            painter.end()
        path = folder / "overlay.png"
        if picture.save(str(path)):
            saved.append(path)
    return saved
