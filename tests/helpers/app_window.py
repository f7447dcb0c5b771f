"""Driving the main window in screen tests: its menus, its model choice, its dialogs, and
what its screenshots show."""

from __future__ import annotations

from pathlib import Path


def open_dialogs(qapp) -> list:
    """The message boxes on screen now (a test that expects one must close it)."""
    from PySide6.QtWidgets import QMessageBox

    return [w for w in qapp.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def use_model(window, path: Path) -> None:
    """Choose `path` with the torch backend on the CPU (fast to load, no ONNX export)."""
    from eyetracker.app.window.controls import select_data

    window.controls.add_model(str(path))
    select_data(window.controls.backend, "torch")
    select_data(window.controls.device, "cpu")


def action(window, text: str):
    """The Tools menu's action whose text (without its & shortcut mark) starts with `text`."""
    return next(
        a for a in window.tools_menu.actions() if a.text().replace("&", "").startswith(text)
    )


def distinct_colours(path: Path) -> int:
    """How many colours a grid of about 80 x 60 pixels of the image at `path` shows (blank: 1)."""
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not an image"
    step_x, step_y = max(image.width() // 80, 1), max(image.height() // 60, 1)
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step_x)
            for y in range(0, image.height(), step_y)
        }
    )
