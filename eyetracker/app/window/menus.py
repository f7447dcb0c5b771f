"""Menus, shortcuts, status-bar fields and the tray icon of the main window.

Shortcuts: Ctrl+T start/stop tracking, Ctrl+G show/hide the gaze overlay, Ctrl+O open a
model, Ctrl+Q quit, F1 the documentation; every menu has a mnemonic (Alt+F, Alt+T, Alt+V,
Alt+H).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import QColorDialog, QLabel, QMenu, QMessageBox, QSystemTrayIcon

from eyetracker.app.elided_label import ElidedLabel
from eyetracker.app.live.click_drift import EXPLANATION as CLICK_CHECK_TIP
from eyetracker.app.window.help import open_log_folder, show_documentation

OVERLAY_SIZES = [("&Small dot", 24), ("&Medium dot", 40), ("&Large dot", 64)]


def build_status_bar(window) -> dict[str, QLabel]:
    labels = {}
    for key in ("fps", "latency", "backend", "statistics", "clicks"):
        label = ElidedLabel()  # the whole text in its tooltip: the messages keep their room
        label.setObjectName(f"status-{key}")
        label.setStyleSheet("QLabel { padding: 0 8px; border-left: 1px solid palette(mid); }")
        window.statusBar().addPermanentWidget(label)
        labels[key] = label
    return labels


def _action(window, text: str, slot, shortcut=None, checkable: bool = False) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        # Window context (the default): the overlay never takes focus, so the main window is
        # where keys arrive; an application-wide context would clash with a second window.
        action.setShortcut(QKeySequence(shortcut))
    action.setCheckable(checkable)
    if slot is not None:
        action.triggered.connect(slot)
    return action


def build_menus(window) -> dict[str, QAction]:
    actions = {
        "open": _action(
            window, "&Open model…", window.choose_model_file, QKeySequence.StandardKey.Open
        ),
        "open_recording": _action(
            window, "Open &recording…", lambda: choose_recording(window), "Ctrl+Shift+O"
        ),
        "preferences": _action(
            window,
            "&Preferences…",
            lambda: open_preferences(window),
            QKeySequence.StandardKey.Preferences,
        ),
        "quit": _action(window, "&Quit", window.close, QKeySequence.StandardKey.Quit),
        "track": _action(window, "&Start/stop tracking", None, "Ctrl+T", True),
        "overlay": _action(window, "Show gaze &overlay", None, "Ctrl+G", True),
        "color": _action(window, "Overlay dot &colour…", lambda: choose_color(window)),
        "click_check": _action(window, "Check accuracy from my &clicks", None, checkable=True),
    }
    actions["click_check"].setStatusTip(CLICK_CHECK_TIP)
    actions["click_check"].setToolTip(CLICK_CHECK_TIP)
    actions["click_check"].triggered.connect(lambda checked: window.set_click_check(checked))
    # The checkable actions mirror state: the window sets their check marks itself.
    actions["track"].triggered.connect(lambda _checked: window.toggle_tracking())
    actions["overlay"].triggered.connect(lambda checked: window.set_overlay_visible(checked))

    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(actions["open"])
    file_menu.addAction(actions["open_recording"])
    file_menu.addSeparator()
    file_menu.addAction(actions["preferences"])
    file_menu.addSeparator()
    file_menu.addAction(actions["quit"])
    window.tracking_menu = bar.addMenu("&Tracking")
    window.tracking_menu.addAction(actions["track"])
    window.tracking_menu.addAction(actions["click_check"])
    view = bar.addMenu("&View")
    view.addAction(actions["overlay"])
    screens = view.addMenu("Overlay &screen")
    group = QActionGroup(window)
    for index, screen in enumerate(QGuiApplication.screens()):
        geometry = screen.geometry()
        item = QAction(
            f"&{index + 1} {screen.name()} ({geometry.width()}x{geometry.height()})", window
        )
        item.setCheckable(True)
        item.setChecked(index == window.settings.overlay_screen)
        item.triggered.connect(lambda _c=False, i=index: place_overlay(window, i))
        group.addAction(item)
        screens.addAction(item)
    sizes = view.addMenu("Overlay dot si&ze")
    size_group = QActionGroup(window)
    for text, size in OVERLAY_SIZES:
        item = QAction(text, window)
        item.setCheckable(True)
        item.setChecked(size == window.settings.overlay_size)
        item.triggered.connect(lambda _c=False, s=size: set_overlay_size(window, s))
        size_group.addAction(item)
        sizes.addAction(item)
    view.addAction(actions["color"])
    window.tools_menu = bar.addMenu("T&ools")  # filled by tools.Tools
    help_menu = bar.addMenu("&Help")
    actions["documentation"] = _action(
        window,
        "&Documentation",
        lambda: show_documentation(window),
        QKeySequence.StandardKey.HelpContents,
    )
    actions["log folder"] = _action(window, "Open &log folder", lambda: open_log_folder(window))
    help_menu.addAction(actions["documentation"])
    help_menu.addAction(actions["log folder"])
    help_menu.addSeparator()
    help_menu.addAction(_action(window, "&About eyetracker", lambda: about(window)))
    return actions


def choose_recording(window) -> None:
    """File > Open recording…: pick a recording's folder and show it in a viewer window."""
    from PySide6.QtWidgets import QFileDialog

    from eyetracker.app.live.record import recordings_dir
    from eyetracker.app.viewer.recording_view import open_recording

    start = recordings_dir()
    folder = QFileDialog.getExistingDirectory(
        window, "Open a recording", str(start if start.is_dir() else start.parent)
    )
    if folder:
        open_recording(window, folder)


def open_preferences(window) -> None:
    """File > Preferences…: the dialog; OK saves and applies the choices."""
    from eyetracker.app.window.preferences import PreferencesDialog

    PreferencesDialog.open_for(window)


def place_overlay(window, index: int) -> None:
    screens = QGuiApplication.screens()
    index = index if 0 <= index < len(screens) else 0
    window.settings.overlay_screen = index
    window.overlay.place_on(screens[index])


def set_overlay_size(window, size: int) -> None:
    window.settings.overlay_size = size
    window.overlay.set_appearance(size, window.settings.overlay_color)


def choose_color(window) -> None:
    color = QColorDialog.getColor(QColor(window.settings.overlay_color), window, "Gaze dot colour")
    if color.isValid():
        window.settings.overlay_color = color.name()
        window.overlay.set_appearance(window.settings.overlay_size, color.name())


def about(window) -> None:
    import eyetracker

    QMessageBox.about(
        window,
        "About eyetracker",
        f"eyetracker {eyetracker.__version__}: webcam eye tracking with session statistics.",
    )


def app_icon(size: int = 64) -> QIcon:
    """An eye drawn in code: no image file to ship or lose (packaging/make_icon.py saves it
    for the bundle's executable)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 64, size / 64)
    painter.setBrush(QColor("white"))
    painter.setPen(QColor("#333333"))
    painter.drawEllipse(4, 16, 56, 32)
    painter.setBrush(QColor("#2a7ab0"))
    painter.drawEllipse(20, 20, 24, 24)
    painter.setBrush(QColor("black"))
    painter.drawEllipse(27, 27, 10, 10)
    painter.end()
    return QIcon(pixmap)


def build_tray(window) -> QSystemTrayIcon | None:
    window.setWindowIcon(app_icon())
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = QSystemTrayIcon(app_icon(), window)
    tray.setToolTip("eyetracker")
    menu = QMenu(window)
    menu.addAction(window.actions["overlay"])
    menu.addAction(window.actions["track"])
    menu.addSeparator()
    menu.addAction(window.actions["quit"])
    tray.setContextMenu(menu)
    tray.activated.connect(
        lambda reason: (
            window.toggle_overlay() if reason == QSystemTrayIcon.ActivationReason.Trigger else None
        )
    )
    tray.show()
    return tray
