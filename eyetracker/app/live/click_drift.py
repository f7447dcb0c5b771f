"""Clicks keep the calibration honest, in the app: opt-in (AppSettings.click_check, off by
default), it watches left clicks while tracking, shows the running error estimate in the
status bar, streams it with each sample (`stamp`) and offers a quick recalibration when it
drifts. With a second choice (AppSettings.click_correction, off by default) the clicks also
correct the calibration: the tracker's points go through a correction refitted at each click
(runtime.click_correction.LearntCorrection).

Clicks anywhere on the desktop count where the platform lets a program read them
(global_clicks.py: pynput on X11, Windows, macOS with permission); elsewhere (Wayland, no
pynput) the clicks inside this app's own windows, through an application-wide event filter.
The numbers come from eyetracker.runtime.click_check (no Qt). Nothing is stored: only a
click's position and time are read, the check keeps the last second of gaze and the last
clicks, and forgets them when tracking stops.
"""

from __future__ import annotations

import dataclasses
import time

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QMouseEvent, QWindow
from PySide6.QtWidgets import QApplication, QWidget

from eyetracker.app.live.global_clicks import GlobalClicks
from eyetracker.app.stimulus import shown_screens
from eyetracker.core.types import GazePoint, GazeSample
from eyetracker.runtime.click_check import VALIDATED, ClickCheck, DriftEstimate
from eyetracker.runtime.click_correction import LearntCorrection

EXPLANATION = (
    "Off by default. While tracking, clicks anywhere on the desktop (where the system allows "
    "it; on Wayland only in this app's windows) are read: only where and when you clicked. "
    "Each is compared with where you looked just before it, to estimate the current error; "
    "only the last clicks are kept, in memory, and nothing is recorded or saved."
)
CORRECTION_EXPLANATION = (
    "Off by default; needs the click check. While tracking, the tracked point is nudged "
    "toward where you clicked, a little more with each click, starting again at every "
    "calibration. Nothing is saved."
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
        self._desktop = GlobalClicks(self)  # clicks anywhere, where the platform allows
        self._desktop.clicked.connect(self.click_at)
        self.learnt = LearntCorrection()
        self._streamed: float | None = None  # the estimate stamped on streamed samples
        window.live.sample.connect(self._on_sample)
        window.live.tracking_changed.connect(self._tracking_changed)
        self.set_enabled(window.settings.click_check)

    @property
    def enabled(self) -> bool:
        return self.window.settings.click_check

    @property
    def desktop_wide(self) -> bool:
        """Whether clicks anywhere on the desktop are read now (else the app's own)."""
        return self._desktop.running

    @property
    def corrects(self) -> bool:
        return self.enabled and self.window.settings.click_correction

    def set_enabled(self, enabled: bool) -> None:
        self.window.settings.click_check = enabled
        self._watch(enabled and self.window.live.tracking)
        if not enabled:
            self._forget()

    def set_correcting(self, on: bool) -> None:
        """Let the clicks correct the calibration, or stop (back to the calibration's points)."""
        self.window.settings.click_correction = on
        if not on:
            self._reset_correction()

    def stamp(self, sample: GazeSample) -> GazeSample:
        """`sample` with the running estimate, for the streams (any thread)."""
        error = self._streamed
        return sample if error is None else dataclasses.replace(sample, click_error=error)

    def estimate(self) -> DriftEstimate | None:
        """The running estimate while the check is on and tracking runs, else None."""
        if not (self.enabled and self.window.live.tracking):
            return None
        return self.check.estimate()

    def validated(self, accuracy_pct: float | None) -> None:
        """A validation's result: the new reference; the clicks before it say nothing now."""
        self.check.reset(accuracy_pct)
        self._streamed = None
        self._clear_offer()

    def recalibrated(self) -> None:
        """A new calibration: its error is not validated yet; the first clicks after it give
        the reference until it is, and the correction starts again from it."""
        self.validated(None)
        self._reset_correction()

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
        click = self.check.add_click(GazePoint(x, y), t)
        if click is None:
            return
        self._streamed = self.check.estimate().error_pct
        if self.corrects:
            correction = self.learnt.add([click.gaze.x, click.gaze.y], [x, y])
            self._set_point_map(correction.apply)
        self._check_drift()

    # --- internals -----------------------------------------------------------------------

    def _watch(self, on: bool) -> None:
        """Clicks anywhere on the desktop where it can be listened to, else the app's own."""
        app = QApplication.instance()
        if on and not self._watching and app is not None:
            if not self._desktop.start():
                app.installEventFilter(self)
        elif not on and self._watching and app is not None:
            if self._desktop.running:
                self._desktop.stop()
            else:
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
        self._streamed = None
        self._reset_correction()
        self._clear_offer()

    def _reset_correction(self) -> None:
        self.learnt.reset()
        self._set_point_map(None)

    def _set_point_map(self, point_map) -> None:
        tracker = self.window.live.tracker
        if tracker is not None:
            tracker.pipeline.set_point_map(point_map)

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
