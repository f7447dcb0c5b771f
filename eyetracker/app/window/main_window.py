"""The main window: camera preview, choices, Start/Stop, status bar, menus and the overlay.

The window shows things and forwards what the user asks to the `LiveController`, which
runs the camera and the tracker off the GUI thread.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QVBoxLayout, QWidget

from eyetracker.app.busy import BusyIndicator
from eyetracker.app.elided_label import ElidingStatusBar
from eyetracker.app.errors import show_error
from eyetracker.app.live.click_drift import ClickDrift
from eyetracker.app.live.controller import LiveController
from eyetracker.app.live.outputs import Outputs
from eyetracker.app.live.overlay import GazeOverlay
from eyetracker.app.live.preview import PreviewWidget
from eyetracker.app.live.workers import SYNTHETIC, TrackingConfig
from eyetracker.app.paths import profiles_dir
from eyetracker.app.settings import AppSettings, parse_resolution
from eyetracker.app.stimulus import shown_screens
from eyetracker.app.window import menus
from eyetracker.app.window.choices import (
    bundled_model_notice,
    find_cameras,
    missing_model_text,
    resolve_model,
)
from eyetracker.app.window.controls import ControlsPanel, select_data
from eyetracker.app.window.notices import Link, NoticeBar
from eyetracker.app.window.tools import Tools
from eyetracker.core.smoothing import SMOOTHING_STRENGTHS

STATUS_MS = 500


class MainWindow(QMainWindow):
    def __init__(self, cameras: list[tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.setWindowTitle("eyetracker")
        self.settings = AppSettings.load()
        # Command-line choices (main.apply_options): name -> (that value, the saved one).
        self.run_only: dict[str, tuple[object, object]] = {}
        self.live = LiveController(self)
        self.frames = self.live.frames  # the FrameProvider other screens use

        self.controls = ControlsPanel()
        self.preview = PreviewWidget(self.frames)
        self.notice = NoticeBar()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.controls)
        layout.addWidget(self.notice)
        layout.addWidget(self.preview, 1)
        self.setCentralWidget(central)

        self.overlay = GazeOverlay(self.settings.overlay_size, self.settings.overlay_color)
        self.setStatusBar(ElidingStatusBar())  # a long path or address loses its middle
        self.busy = BusyIndicator()  # a model loading in a worker thread
        self.statusBar().addPermanentWidget(self.busy)
        self.status_labels = menus.build_status_bar(self)
        self.actions = menus.build_menus(self)
        self.tray = menus.build_tray(self)
        self.tools = Tools(self)
        self.outputs = Outputs(self)  # Record gaze / Stream gaze
        self.click_drift = ClickDrift(self)  # opt-in: clicks estimate the current error
        self.set_click_check(self.settings.click_check)

        self._connect()
        self._apply_settings(cameras if cameras is not None else find_cameras())
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_MS)
        self._status_timer.timeout.connect(self.refresh_status)
        self._status_timer.start()
        self.resize(980, 720)
        self._closed = False

    # --- wiring ------------------------------------------------------------------------

    def _connect(self) -> None:
        s, c = self.live, self.controls
        s.camera_opened.connect(
            lambda name: self.statusBar().showMessage(f"{name} is running.", 4000)
        )
        s.camera_failed.connect(self._camera_failed)
        s.face_checked.connect(self.preview.set_face)
        s.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        s.sample.connect(self._on_sample)
        s.tracking_changed.connect(self._tracking_changed)
        s.tracking_failed.connect(lambda text: show_error(self, text))
        s.tracker_ready.connect(lambda _tracker: self.busy.stop("tracking"))
        c.start_requested.connect(self.toggle_tracking)
        c.browse_requested.connect(self.choose_model_file)
        c.camera.currentIndexChanged.connect(lambda _: self._camera_chosen())
        c.model.currentIndexChanged.connect(lambda _: self.check_default_model())
        # The gaze dot would sit, frozen or moving, beside the calibration's, validation's or
        # measurement's target: hidden while one of those screens is shown.
        shown_screens().changed.connect(self._stimulus_screens_changed)

    def _apply_settings(self, cameras: list[tuple[str, str]]) -> None:
        st, c = self.settings, self.controls
        c.set_cameras(cameras)
        for path in st.existing_recent_models():  # the model list remembers earlier models
            c.add_model(path, select=False)
        if st.model:
            c.add_model(st.model)
        self.live.camera_resolution = parse_resolution(st.camera_resolution)
        select_data(c.backend, st.backend)
        select_data(c.device, st.device)
        c.set_users(self.known_users(), st.user)
        if not self.known_users():  # a first run: nobody has a profile yet
            self.show_notice(
                "setup",
                "New here? Look at about 100 dots and let the model learn your eyes "
                "(about 5 minutes):",
                ("Set up for me…", lambda: self.tools.personal_setup()),
            )
        self.check_default_model()
        wanted = st.camera if c.camera.findData(st.camera) >= 0 else ""
        if not cameras:
            wanted = SYNTHETIC
            self.show_notice(
                "camera",
                "No camera was found: showing the synthetic demo camera (a rendered person).",
            )
        c.camera.blockSignals(True)
        c.camera.setCurrentIndex(c.camera.findData(wanted) if wanted else 0)
        c.camera.blockSignals(False)
        self._camera_chosen()
        menus.place_overlay(self, st.overlay_screen)
        self.set_overlay_visible(st.overlay_visible)

    def known_users(self) -> list[str]:
        folder = profiles_dir()
        return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []

    def check_default_model(self) -> None:
        """Say so above the preview when the bundled model is chosen and missing."""
        chosen = self.controls.model.currentData()
        self.show_notice("model", "" if chosen else bundled_model_notice())

    def show_notice(self, key: str, text: str, link: Link | None = None) -> None:
        """A lasting note above the preview, one line per `key` (notices.py)."""
        self.notice.show_notice(key, text, link)

    # --- actions -----------------------------------------------------------------------

    def _camera_chosen(self) -> None:
        choice = self.controls.camera.currentData()
        if choice is None:
            return
        self.settings.camera = choice if self.controls.camera.count() > 1 else ""
        self.preview.clear("Starting the camera…")
        self.live.open_camera(choice)

    def _camera_failed(self, text: str) -> None:
        self.preview.clear("No camera image.")
        show_error(self, f"{text} Choose another camera or the synthetic demo camera.")

    def choose_model_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a model", "", "Models (*.pt *.onnx);;All files (*)"
        )
        if path:
            self.controls.add_model(path)
            self.settings.remember_model(path)

    def tracking_config(self) -> TrackingConfig:
        c = self.controls
        return TrackingConfig(
            model=resolve_model(c.model.currentData() or ""),
            backend=c.backend.currentData(),
            device=c.device.currentData(),
            user=c.user.currentText().strip(),
            profiles=profiles_dir(),
            smoothing=SMOOTHING_STRENGTHS[self.settings.smoothing],
        )

    def toggle_tracking(self) -> None:
        from eyetracker.core.errors import UserError

        if self.live.tracking:
            self.live.stop_tracking()
            return
        try:
            config = self.tracking_config()
        except UserError:
            self.actions["track"].setChecked(False)
            self.live.tracking_failed.emit(missing_model_text())
            return
        self._remember_choices()
        self.busy.start("tracking", f"Loading {config.model.name}…")
        self.live.start_tracking(config)

    def _tracking_changed(self, tracking: bool) -> None:
        self.controls.set_tracking(tracking)
        self.actions["track"].setChecked(tracking)
        self.preview.set_tracking_reason("" if tracking else None)
        if not tracking:
            self.busy.stop("tracking")
            self.refresh_status()

    def _on_sample(self, sample) -> None:
        self.preview.set_tracking_reason(sample.reason)
        self.overlay.show_sample(sample)

    def set_overlay_visible(self, visible: bool) -> None:
        self.settings.overlay_visible = visible
        self._show_overlay_if_wanted()
        self.actions["overlay"].setChecked(visible)
        # What the platform cannot do for the overlay, whole in the notice bar while it shows.
        self.show_notice("overlay", self.overlay.limitation if visible else "")

    def _show_overlay_if_wanted(self) -> None:
        """Shown when the user wants it and no full-screen stimulus screen is up."""
        if not getattr(self, "_closed", False):  # closed: the overlay is being deleted
            self.overlay.setVisible(self.settings.overlay_visible and not shown_screens().any_shown)

    def _stimulus_screens_changed(self, _any_shown: bool) -> None:
        self._show_overlay_if_wanted()

    def toggle_overlay(self) -> None:
        self.set_overlay_visible(not self.settings.overlay_visible)

    def set_click_check(self, on: bool) -> None:
        """The click check on or off, from the Tracking menu or Preferences: both show it."""
        self.click_drift.set_enabled(on)
        self.actions["click_check"].setChecked(on)

    # --- status ------------------------------------------------------------------------

    def refresh_status(self) -> None:
        labels, tracker = self.status_labels, self.live.tracker
        estimate = self.click_drift.estimate()  # None unless the click check is on
        labels["clicks"].setText(estimate.text() if estimate is not None else "")
        labels["clicks"].setVisible(estimate is not None)
        if tracker is None:
            labels["fps"].setText("not tracking")
            for key in ("latency", "backend", "statistics"):
                labels[key].setText("")
            return
        fps, latency = tracker.timings.fps, tracker.timings.stage("latency")["p50"]
        labels["fps"].setText(f"{fps:.0f} fps" if math.isfinite(fps) else "– fps")
        labels["latency"].setText(f"latency {latency:.0f} ms" if math.isfinite(latency) else "")
        labels["backend"].setText(f"{tracker.backend.name} on {tracker.backend.device}")
        source = tracker.statistics.source if tracker.statistics else "running statistics"
        labels["statistics"].setText(f"statistics: {source}")

    # --- lifetime ----------------------------------------------------------------------

    def _remember_choices(self) -> None:
        st, c = self.settings, self.controls
        st.model = c.model.currentData() or ""
        st.backend, st.device = c.backend.currentData(), c.device.currentData()
        st.user = c.user.currentText().strip()
        if st.model != self.run_only.get("model", (None,))[0]:
            st.remember_model(st.model)

    def keep_for_this_run(self, **values) -> None:
        """Choices from the command line: used in this run, not saved (unless changed in the
        window meanwhile); e.g. keep_for_this_run(model="/path/m.pt")."""
        for name, value in values.items():
            self.run_only.setdefault(name, (value, getattr(self.settings, name)))

    def _forget_run_only_choices(self) -> None:
        for name, (value, saved) in self.run_only.items():
            if getattr(self.settings, name) == value:
                setattr(self.settings, name, saved)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if not self._closed:
            self._closed = True
            self._remember_choices()
            self._forget_run_only_choices()
            self.settings.save()
            self.outputs.stop_all()  # the recording is closed cleanly before the threads go
            self.tools.shutdown()
            self.live.shutdown()
            if self.tray is not None:
                self.tray.hide()
            # The overlay has no parent: delete it here, in the GUI thread, rather than
            # whenever (and in whichever thread) Python collects the window.
            self.overlay.close()
            self.overlay.deleteLater()
            # Quit means the whole app: windows of its own (the dataset viewer, a recording)
            # would otherwise keep the process running with the main window gone.
            for widget in QApplication.topLevelWidgets():
                if widget is not self and widget.isWindow() and widget.isVisible():
                    widget.close()
        super().closeEvent(event)
