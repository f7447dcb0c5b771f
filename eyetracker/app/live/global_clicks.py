"""Left clicks anywhere on the desktop, for the click check (click_drift.py), through pynput.

    clicks = GlobalClicks(parent)
    clicks.clicked.connect(on_click)      # (QPoint global position, time.monotonic()), GUI thread
    if not clicks.start():                # False: no desktop-wide hook here; use the app's events
        ...

pynput reads the mouse on X11 (xlib), Windows and macOS (with the accessibility permission);
Wayland gives no program the clicks of others, and an offscreen or virtual Qt platform has
no desktop, so there `start()` says no and the caller counts the clicks in its own windows.
pynput calls back on its own thread: a click is handed to the GUI thread by a Qt signal
(queued across threads), never by a direct call. Only a left press's position and time are
read; nothing is kept here.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtGui import QGuiApplication

log = logging.getLogger(__name__)

# Qt platforms whose desktop pynput can read (xcb: X11; under a Wayland session it sees only
# X clients, so that session is left out too).
DESKTOP_PLATFORMS = ("xcb", "windows", "cocoa")

# on_left_press(x, y, t) -> a listener with stop(), or None where there is no hook.
OnPress = Callable[[float, float, float], None]
ListenerFactory = Callable[[OnPress], object | None]


def desktop_hook_possible() -> bool:
    """Whether this platform lets a program read clicks outside its own windows."""
    app = QGuiApplication.instance()
    platform = app.platformName() if app is not None else ""
    wayland = os.environ.get("XDG_SESSION_TYPE", "").lower() == "wayland"
    return platform in DESKTOP_PLATFORMS and not wayland


def pynput_listener(on_left_press: OnPress) -> object | None:
    """A started pynput mouse listener calling `on_left_press` on its own thread, or None
    where there is no desktop-wide hook (the platform, pynput missing or failing to start)."""
    if not desktop_hook_possible():
        return None
    try:
        from pynput import mouse  # imported late: it needs a display as it loads
    except Exception as error:  # ImportError, or xlib's display error
        log.info("clicks anywhere on the desktop are not available: %s", error)
        return None

    def on_click(x: float, y: float, button, pressed: bool) -> None:
        if pressed and button == mouse.Button.left:
            on_left_press(x, y, time.monotonic())

    listener = mouse.Listener(on_click=on_click)
    try:
        listener.start()
        listener.wait()  # until it listens, or failed to
    except Exception as error:
        log.info("the desktop-wide click listener did not start: %s", error)
        return None
    if not listener.running:
        return None
    return listener


class GlobalClicks(QObject):
    """Left presses on the whole desktop as a Qt signal in the GUI thread."""

    clicked = Signal(QPoint, float)
    _pressed_at = Signal(float, float, float)  # from the listener's thread, queued

    def __init__(self, parent: QObject | None = None, factory: ListenerFactory | None = None):
        super().__init__(parent)
        self._factory = factory  # None: pynput_listener, looked up when started
        self._listener = None
        self._pressed_at.connect(self._to_logical)

    @property
    def running(self) -> bool:
        return self._listener is not None

    def start(self) -> bool:
        """Listen; False where the desktop cannot be listened to (nothing started)."""
        if self._listener is None:
            factory = self._factory or pynput_listener
            self._listener = factory(self._pressed_at.emit)
        return self._listener is not None

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()

    def _to_logical(self, x: float, y: float, t: float) -> None:
        """In the GUI thread: pynput gives device pixels, Qt's global positions are logical."""
        if self._listener is None:
            return  # stopped meanwhile
        device = QPoint(round(x), round(y))
        screen = QGuiApplication.screenAt(device) or QGuiApplication.primaryScreen()
        ratio = screen.devicePixelRatio() if screen is not None else 1.0
        self.clicked.emit(QPoint(round(x / ratio), round(y / ratio)), t)
