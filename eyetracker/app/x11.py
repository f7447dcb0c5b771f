"""The two X11 facts Qt does not expose, asked through libX11 and libxcb-shape (both already
loaded by Qt's xcb plugin): is a compositing manager running, and an empty input shape.

Without a compositor an X server draws a translucent window's transparent pixels black; the
overlay then falls back to a small dot window. The empty input shape makes a window invisible
to the pointer, whatever the window manager does with it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from functools import cache

from PySide6.QtGui import QGuiApplication

log = logging.getLogger("eyetracker.app")

_SHAPE_SET, _SHAPE_INPUT, _UNSORTED = 0, 2, 0  # xcb_shape_so_t, xcb_shape_sk_t, ordering


def is_x11() -> bool:
    return QGuiApplication.platformName() == "xcb"


def _native():
    app = QGuiApplication.instance()
    return app.nativeInterface() if app is not None and is_x11() else None


@cache
def _library(name: str, soname: str):
    path = ctypes.util.find_library(name) or soname
    try:
        return ctypes.CDLL(path)
    except OSError:
        log.info("%s is not loadable; the overlay cannot ask X11 directly", path)
        return None


def compositing() -> bool:
    """Whether a compositing manager owns _NET_WM_CM_S<screen> (True where not X11: every
    other platform composites)."""
    native = _native()
    if native is None:
        return True
    xlib = _library("X11", "libX11.so.6")
    if xlib is None:
        return True  # cannot tell: assume the common case, a composited desktop
    xlib.XInternAtom.restype = ctypes.c_ulong
    xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    xlib.XGetSelectionOwner.restype = ctypes.c_ulong
    xlib.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    xlib.XDefaultScreen.argtypes = [ctypes.c_void_p]
    display = ctypes.c_void_p(native.display())
    name = f"_NET_WM_CM_S{xlib.XDefaultScreen(display)}".encode()
    return xlib.XGetSelectionOwner(display, xlib.XInternAtom(display, name, 0)) != 0


def clear_input_shape(window_id: int) -> bool:
    """Give X11 window `window_id` an empty input shape: pointer events go to what lies
    below it. Qt does the same for WindowTransparentForInput when XFixes is there."""
    native = _native()
    shape, xcb = _library("xcb-shape", "libxcb-shape.so.0"), _library("xcb", "libxcb.so.1")
    if native is None or shape is None or xcb is None:
        return False
    shape.xcb_shape_rectangles.argtypes = [ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint8]
    shape.xcb_shape_rectangles.argtypes += [ctypes.c_uint8, ctypes.c_uint32, ctypes.c_int16]
    shape.xcb_shape_rectangles.argtypes += [ctypes.c_int16, ctypes.c_uint32, ctypes.c_void_p]
    xcb.xcb_flush.argtypes = [ctypes.c_void_p]
    connection = ctypes.c_void_p(native.connection())
    shape.xcb_shape_rectangles(
        connection, _SHAPE_SET, _SHAPE_INPUT, _UNSORTED, window_id, 0, 0, 0, None
    )
    xcb.xcb_flush(connection)
    return True
