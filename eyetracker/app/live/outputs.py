"""Where gaze goes besides the overlay: a recording on disk and streams to other programs.

- Tracking > Record gaze (Ctrl+R, also in the tray) records into `<data dir>/recordings/`
  (see record.py), with the webcam video when "Record webcam video too" is checked.
- Tracking > Stream gaze (a setting) runs a WebSocket on 127.0.0.1 (and an LSL outlet, which
  is open to the network, only when Preferences allow it) whenever tracking runs; a port
  that is taken is a dialog, and tracking goes on without streaming.

Both are fed in the worker threads through `LiveController.taps`; this controller starts and stops
them in the GUI thread, with tracking, and shows their state in the status bar.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel

from eyetracker.app.elided_label import ElidedLabel
from eyetracker.app.errors import show_error
from eyetracker.app.live.record import GazeRecording, camera_fps
from eyetracker.core.errors import UserError
from eyetracker.outputs.streams import GazeStreams, available_stream_kinds

STATUS_MS = 500


class Outputs(QObject):
    """A child of the window: the Record / Stream actions, the streams, their status fields."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.live = window.live
        self.recording = GazeRecording(window)
        self.streams: GazeStreams | None = None
        self._build_actions()
        self.labels = {key: self._status_label(key) for key in ("recording", "streams")}
        self.recording.changed.connect(self._recording_changed)
        self.live.tracking_changed.connect(self._tracking_changed)
        self._timer = QTimer(self)
        self._timer.setInterval(STATUS_MS)
        self._timer.timeout.connect(self.refresh_status)
        self._timer.start()

    def _build_actions(self) -> None:
        window, settings = self.window, self.window.settings
        record = QAction("&Record gaze", window, checkable=True)
        record.setShortcut(QKeySequence("Ctrl+R"))
        record.triggered.connect(self.set_recording)
        video = QAction("Record webcam &video too", window, checkable=True)
        video.setChecked(settings.record_video)
        video.toggled.connect(lambda on: setattr(settings, "record_video", on))
        stream = QAction("Stream &gaze", window, checkable=True)
        stream.setStatusTip(
            "WebSocket on this computer; LSL too, open to the network, when File > Preferences "
            "allows it"
        )
        stream.setChecked(settings.stream_gaze)
        stream.triggered.connect(self.set_streaming)
        window.actions.update(record=record, record_video=video, stream=stream)
        menu = window.tracking_menu
        menu.addSeparator()
        for action in (record, video, stream):
            menu.addAction(action)
        if window.tray is not None:  # right after Start/stop tracking
            tray_menu = window.tray.contextMenu()
            entries = tray_menu.actions()
            after = entries.index(window.actions["track"]) + 1
            tray_menu.insertAction(entries[after] if after < len(entries) else None, record)

    def _status_label(self, key: str) -> QLabel:
        label = ElidedLabel()  # the whole text in its tooltip
        label.setObjectName(f"status-{key}")
        label.setStyleSheet("QLabel { padding: 0 8px; border-left: 1px solid palette(mid); }")
        label.hide()
        self.window.statusBar().addPermanentWidget(label)
        return label

    # --- recording ---------------------------------------------------------------------

    def set_recording(self, on: bool) -> None:
        if on:
            self.recording.start()
        else:
            self.recording.stop()
        self._recording_changed(self.recording.active)

    def _recording_changed(self, active: bool) -> None:
        self.window.actions["record"].setChecked(active)
        self.refresh_status()

    # --- streams -----------------------------------------------------------------------

    def set_streaming(self, on: bool) -> None:
        """The setting: streams run while tracking runs."""
        self.window.settings.stream_gaze = on
        if on and self.live.tracking:
            self._start_streams()
        elif not on:
            self._stop_streams()

    def _start_streams(self) -> None:
        if self.streams is not None:
            return
        settings = self.window.settings
        port = settings.stream_port
        chosen = {"websocket": settings.stream_websocket, "lsl": settings.stream_lsl_network}
        kinds = [kind for kind in available_stream_kinds() if chosen.get(kind)]
        if not kinds:
            settings.stream_gaze = False
            self.window.actions["stream"].setChecked(False)
            show_error(
                self.window,
                "No stream protocol is available: tick WebSocket (or LSL, with pylsl "
                "installed) in File > Preferences; tracking goes on without streaming.",
            )
            return
        # Ticking LSL in Preferences (worded "open to the network") is the user's consent.
        streams = GazeStreams(
            kinds,
            port=port,
            fps=camera_fps(self.live),
            allow_network=settings.stream_lsl_network,
        )
        try:
            streams.start()
        except UserError as error:
            self.window.settings.stream_gaze = False
            self.window.actions["stream"].setChecked(False)
            text = str(error)
            if "--stream-port" in text:  # the command line's advice: say it for the app
                text = text.replace(
                    "choose another --stream-port.",
                    f"close the program that uses port {port} or choose another port in "
                    "File > Preferences; tracking goes on without streaming.",
                )
            else:
                text += " Tracking goes on without streaming."
            show_error(self.window, text)
            return
        self.streams = streams
        # The click check's running estimate travels with each sample (click_drift.stamp).
        self._publish = lambda sample: streams.publish(self.window.click_drift.stamp(sample))
        self.live.taps.add(on_sample=self._publish)
        self.refresh_status()

    def _stop_streams(self) -> None:
        streams, self.streams = self.streams, None
        if streams is not None:
            self.live.taps.remove(on_sample=self._publish)
            streams.stop()
        self.refresh_status()

    # --- with tracking -----------------------------------------------------------------

    def _tracking_changed(self, tracking: bool) -> None:
        if tracking and self.window.settings.stream_gaze:
            self._start_streams()
        elif not tracking:
            self.stop_all()

    def stop_all(self) -> None:
        """Tracking stopped or the window closes: end the recording and the streams."""
        self.recording.stop()
        self._stop_streams()

    def refresh_status(self) -> None:
        recorder = self.recording.recorder
        label = self.labels["recording"]
        label.setText(f"recording: {recorder.rows} samples" if recorder is not None else "")
        label.setVisible(recorder is not None)
        label = self.labels["streams"]
        label.setText("; ".join(self.streams.describe()) if self.streams is not None else "")
        label.setVisible(self.streams is not None)
