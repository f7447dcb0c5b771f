"""The controller behind the main window: which camera runs, whether tracking runs.

It owns the two worker threads and the frame provider, and turns their signals into a few
of its own for the window (which only shows things). Switching cameras or stopping is
prompt: a worker ends within one frame or one 0.1 s wait after its stop event is set.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from eyetracker.app.frames import FrameProvider
from eyetracker.app.taps import Taps
from eyetracker.app.threads import WorkerThread
from eyetracker.app.workers import CameraWorker, TrackingConfig, TrackingWorker, preload_backend


class Session(QObject):
    camera_opened = Signal(str)
    camera_failed = Signal(str)  # could not open: a dialog
    face_checked = Signal(object)  # FaceCheck
    status = Signal(str)  # a status-bar message
    sample = Signal(object)  # GazeSample
    tracking_changed = Signal(bool)
    tracker_ready = Signal(object)  # the Tracker, once the model is loaded
    tracking_failed = Signal(str)  # could not track (bad model, no CUDA): a dialog

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.frames = FrameProvider(self)
        self.taps = Taps()  # recording and streams, called in the worker threads
        self.camera_choice: str | None = None
        self.tracker = None  # eyetracker.runtime.tracker.Tracker while tracking
        self._camera: WorkerThread | None = None
        self._tracking: WorkerThread | None = None
        # Threads asked to stop that were still busy (e.g. loading a model): waited for at exit.
        self._retiring: list[WorkerThread] = []

    # --- camera ------------------------------------------------------------------------

    def open_camera(self, choice: str) -> None:
        """Start (or switch to) camera `choice`: "synthetic" or a webcam index."""
        if self._camera is not None and self._camera.running and choice == self.camera_choice:
            return
        self.close_camera()
        self.camera_choice = choice
        self.frames.clear()
        worker = CameraWorker(choice, self.frames, self.taps)
        worker.opened.connect(self.camera_opened)
        worker.failed.connect(self.camera_failed)
        worker.face_checked.connect(self.face_checked)
        worker.source_event.connect(self.status)
        self._camera = WorkerThread(worker, f"camera-{choice}")
        self._camera.start()

    def close_camera(self) -> None:
        if self._camera is not None:
            self._retire(self._camera)
            self._camera = None

    # --- tracking ----------------------------------------------------------------------

    @property
    def tracking(self) -> bool:
        return self._tracking is not None

    def start_tracking(self, config: TrackingConfig) -> None:
        if self._tracking is not None:
            return
        preload_backend(config.backend)
        worker = TrackingWorker(config, self.frames, self.taps)
        worker.sample.connect(self.sample)
        worker.message.connect(self.status)
        worker.ready.connect(self._tracker_ready)
        worker.failed.connect(self._tracking_failed)
        worker.finished.connect(self._tracking_finished)
        self._tracking = WorkerThread(worker, "tracking")
        self._tracking.start()
        self.tracking_changed.emit(True)

    def stop_tracking(self) -> None:
        thread, self._tracking = self._tracking, None
        self.tracker = None
        if thread is not None:
            self._retire(thread)
            self.tracking_changed.emit(False)

    def _tracker_ready(self, tracker) -> None:
        if self._tracking is not None:
            self.tracker = tracker
            self.tracker_ready.emit(tracker)

    def _tracking_failed(self, message: str) -> None:
        self.stop_tracking()
        self.tracking_failed.emit(message)

    def _tracking_finished(self) -> None:
        # The worker ended by itself (model failed, source ended): reflect it in the window.
        if self._tracking is not None and not self._tracking.worker.stop_event.is_set():
            self.stop_tracking()

    def _retire(self, thread: WorkerThread) -> None:
        self._retiring = [t for t in self._retiring if t.running]
        if not thread.stop(timeout_ms=1000):
            self._retiring.append(thread)

    def shutdown(self, timeout_ms: int = 15000) -> None:
        self.stop_tracking()
        self.close_camera()
        for thread in self._retiring:
            thread.stop(timeout_ms)
        self._retiring = []
