"""Record gaze: one `GazeRecorder` folder per recording, under `<data dir>/recordings/`.

A recording is tied to tracking: asking for one starts tracking if needed, the recorder
starts once the model has loaded (its facts go into recording.json), and stopping tracking
or closing the window ends it. Rows (and video frames) are written in the worker threads
through `LiveController.taps`; a row that cannot be written (disk full) ends the recording in the
GUI thread with a dialog, and everything written before is kept.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

from eyetracker.app.errors import show_error
from eyetracker.app.live.workers import SYNTHETIC
from eyetracker.app.paths import data_dir
from eyetracker.model.facts import model_facts
from eyetracker.outputs.recorder import SCREENSHOT_NAME, GazeRecorder, RecordingError

log = logging.getLogger(__name__)

DEFAULT_FPS = 30.0


def recordings_dir() -> Path:
    return data_dir() / "recordings"


def new_recording_folder() -> Path:
    """`<data>/recordings/<YYYYmmdd-HHMMSS>`, with a suffix if that second is taken."""
    base = recordings_dir() / datetime.now().strftime("%Y%m%d-%H%M%S")
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    return folder


def camera_fps(live) -> float:
    """The camera's measured frame rate, rounded (30 before it has delivered frames)."""
    rate = live.frames.frame_rate()
    return float(round(rate)) if rate else DEFAULT_FPS


def gaze_screen(window):
    """The screen the gaze points are on: the overlay's (the first if that one is gone)."""
    screens = QGuiApplication.screens()
    index = window.settings.overlay_screen
    return screens[index] if 0 <= index < len(screens) else screens[0]


def save_screenshot(window, path: Path) -> bool:
    """What the gaze screen shows now, for the recording viewer's background; False when the
    platform gives no picture (offscreen, some Wayland sessions): the viewer draws a plain one."""
    picture = gaze_screen(window).grabWindow(0)
    if picture.isNull() or not picture.save(str(path)):
        log.info("no screenshot for %s", path.parent)
        return False
    return True


class GazeRecording(QObject):
    """Starts and stops the recorder; `changed` reports whether one is (or will be) on."""

    changed = Signal(bool)
    write_failed = Signal(str)  # from the tracking thread: the sentence of a failed write

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.live = window.live
        self.recorder: GazeRecorder | None = None
        self.pending = False  # asked for; starts once the model has loaded
        self.live.tracker_ready.connect(self._tracker_ready)
        self.write_failed.connect(self._failed)

    @property
    def active(self) -> bool:
        return self.recorder is not None or self.pending

    def start(self) -> None:
        """Record from now on (tracking first if needed, the recorder once the model is loaded)."""
        if self.active:
            return
        self.pending = True
        if not self.live.tracking:
            self.window.toggle_tracking()  # a missing model: its own dialog
            self.pending = self.live.tracking
        if self.pending and self.live.tracker is not None:
            self._start(self.live.tracker)
        self.changed.emit(self.active)

    def _tracker_ready(self, tracker) -> None:
        if self.pending and self.recorder is None:
            self._start(tracker)
            self.changed.emit(self.active)

    def _start(self, tracker) -> None:
        self.pending = False
        recorder = GazeRecorder(
            new_recording_folder(),
            metadata=self._metadata(tracker),
            video=self.window.settings.record_video,
            fps=camera_fps(self.live),
        )
        try:
            recorder.start()
        except RecordingError as error:
            show_error(self.window, str(error))
            return
        self.recorder = recorder
        save_screenshot(self.window, recorder.folder / SCREENSHOT_NAME)
        self.live.taps.add(
            on_sample=self._write, on_frame=recorder.add_frame if recorder.video else None
        )
        self.window.statusBar().showMessage(f"Recording into {recorder.folder}.", 8000)

    def _write(self, sample) -> None:
        """In the tracking thread: one row; a failed write ends the recording (GUI thread)."""
        recorder = self.recorder
        if recorder is None:
            return
        if recorder.started_at is not None and sample.capture_time < recorder.started_at:
            return  # its frame was captured before the recording started (time < 0)
        try:
            recorder.publish(sample)
        except RecordingError as error:  # closed already, its whole rows kept
            self.live.taps.remove(on_sample=self._write, on_frame=recorder.add_frame)
            self.write_failed.emit(str(error))

    def _failed(self, message: str) -> None:
        if self.recorder is None:
            return
        self.stop()
        show_error(self.window, message)

    def stop(self) -> None:
        """Close the recording (rows, video, sidecar); idempotent."""
        was_active = self.active
        self.pending = False
        recorder, self.recorder = self.recorder, None
        if recorder is not None:
            self.live.taps.remove(on_sample=self._write, on_frame=recorder.add_frame)
            try:
                recorder.stop()
                text = f"Recorded {recorder.rows} samples into {recorder.folder}."
            except RecordingError as error:  # the disk filled up: the whole rows are kept
                text = str(error)
            if recorder.video_error:
                text += f" {recorder.video_error}"
            self.window.statusBar().showMessage(text, 10000)
        if was_active:
            self.changed.emit(False)

    def _metadata(self, tracker) -> dict:
        """What made the recording: model, backend, statistics, screen and camera."""
        window, backend, statistics = self.window, tracker.backend, tracker.statistics
        screen = gaze_screen(window)
        ratio, size = screen.devicePixelRatio(), screen.geometry().size()
        latest = self.live.frames.latest()
        camera = self.live.camera_choice
        return {
            "model": {
                "path": window.controls.model.currentData() or "bundled default",
                **model_facts(backend.info),
            },
            "backend": {"name": backend.name, "device": backend.device},
            "statistics": {
                "source": statistics.source if statistics else "running statistics",
                "user": window.controls.user.currentText().strip(),
            },
            "screen": {
                "width_px": round(size.width() * ratio),
                "height_px": round(size.height() * ratio),
            },
            "source": "synthetic" if camera == SYNTHETIC else f"webcam:{camera}",
            "camera": {
                "resolution": list(latest.image.shape[1::-1]) if latest is not None else None,
                "fps": camera_fps(self.live),
            },
        }
