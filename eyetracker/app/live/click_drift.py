"""Clicks keep the calibration honest, in the app: opt-in (AppSettings.click_check, off by
default), it watches clicks inside this app's own windows while tracking, shows the running
error estimate in the status bar and offers a quick recalibration when it drifts.

The numbers come from eyetracker.runtime.click_check (no Qt). Clicks anywhere on the desktop
would need a global input hook (an input library such as pynput, for X11, Windows and macOS
with the accessibility permission; Wayland allows none), so only the app's own windows count.
Nothing is stored: the check keeps the last second of gaze and the last clicks' errors, and
forgets them when tracking stops.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QMouseEvent, QWindow
from PySide6.QtWidgets import QApplication, QWidget

from eyetracker.app.stimulus import shown_screens
from eyetracker.core.types import GazePoint
from eyetracker.runtime.click_check import VALIDATED, ClickCheck, DriftEstimate

EXPLANATION = (
    "Off by default. While tracking, each click in this app's windows is compared with where "
    "you looked just before it, to estimate the current error; only the last clicks' errors "
    "are kept, in memory, and nothing is saved."
)


class ClickDrift(QObject):
    """The main window's click check: the event filter, the estimate and the offer."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.check = ClickCheck()
        self._offered = False
        self._watching = False
        self._last_click: tuple[int, int, int] | None = None
        window.live.sample.connect(self._on_sample)
        window.live.tracking_changed.connect(self._tracking_changed)
        self.set_enabled(window.settings.click_check)

    @property
    def enabled(self) -> bool:
        return self.window.settings.click_check

    def set_enabled(self, enabled: bool) -> None:
        self.window.settings.click_check = enabled
        self._watch(enabled and self.window.live.tracking)
        if not enabled:
            self._forget()

    def estimate(self) -> DriftEstimate | None:
        """The running estimate while the check is on and tracking runs, else None."""
        if not (self.enabled and self.window.live.tracking):
            return None
        return self.check.estimate()

    def validated(self, accuracy_pct: float | None) -> None:
        """A validation's result: the new reference; the clicks before it say nothing now."""
        self.check.reset(accuracy_pct)
        self._clear_offer()

    def recalibrated(self) -> None:
        """A new calibration: its error is not validated yet; the first clicks after it give
        the reference until it is."""
        self.validated(None)

    # --- the event filter ----------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # A real click reaches the QWindow first and then each widget up the parent chain
        # that ignores it (a simulated one only the widget): one click, counted once.
        if (
            event.type() == QEvent.Type.MouseButtonPress
            and isinstance(watched, (QWindow, QWidget))
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
        ):
            position = event.globalPosition().toPoint()
            key = (event.timestamp(), position.x(), position.y())
            if key != self._last_click:
                self._last_click = key
                self.click_at(position, time.monotonic())
        return False  # the click goes on to the app as before

    def click_at(self, global_pos, t: float) -> None:
        """A click at a global pixel position: the pointer in the tracked screen's
        normalized coordinates; clicks on another screen or a full-screen stimulus (their
        own targets) are not this check's."""
        if shown_screens().any_shown:
            return
        screen = self.window.tools._screen()
        geometry = screen.geometry()
        if not geometry.contains(global_pos):
            return
        x = (global_pos.x() - geometry.x()) / max(geometry.width() - 1, 1)
        y = (global_pos.y() - geometry.y()) / max(geometry.height() - 1, 1)
        if self.check.add_click(GazePoint(x, y), t) is not None:
            self._check_drift()

    # --- internals -----------------------------------------------------------------------

    def _watch(self, on: bool) -> None:
        app = QApplication.instance()
        if on and not self._watching and app is not None:
            app.installEventFilter(self)
        elif not on and self._watching and app is not None:
            app.removeEventFilter(self)
        self._watching = on and app is not None

    def _on_sample(self, sample) -> None:
        if self._watching:
            self.check.add_sample(sample)

    def _tracking_changed(self, tracking: bool) -> None:
        self._watch(tracking and self.enabled)
        if not tracking:
            self._forget()

    def _forget(self) -> None:
        self.check = ClickCheck(self.check.validated_pct)
        self._clear_offer()

    def _check_drift(self) -> None:
        estimate = self.check.estimate()
        if estimate.drifted and not self._offered:
            self._offered = True
            against = "validated" if estimate.reference == VALIDATED else "after calibrating"
            self.window.show_notice(
                "click-drift",
                f"Your last {estimate.clicks} clicks put the error at "
                f"{estimate.error_pct:.1f}% of the screen ({against}: "
                f"{estimate.reference_pct:.1f}%); a quick recalibration should bring it back:",
                ("Recalibrate…", self._recalibrate),
            )

    def _recalibrate(self) -> None:
        self._clear_offer()
        self.window.tools.calibration()

    def _clear_offer(self) -> None:
        self._offered = False
        self.window.show_notice("click-drift", "")
