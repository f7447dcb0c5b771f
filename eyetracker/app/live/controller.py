"""The controller behind the main window: which camera runs, whether tracking runs.

It owns the two worker threads and the frame provider, and turns their signals into a few
of its own for the window (which only shows things). Stopping never waits in the GUI thread:
the worker is asked to end (within one frame or one 0.1 s wait, or once a model being loaded
is in) and `stopped` says when its thread has; a new camera starts once the old one has let
go of the device. Only `shutdown` (at exit) waits.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from eyetracker.app.live.face_check import FaceCheck, FaceCheckSetting
from eyetracker.app.live.frames import FrameProvider
from eyetracker.app.live.taps import Taps
from eyetracker.app.live.workers import (
    CameraWorker,
    TrackingConfig,
    TrackingWorker,
    preload_front_end,
    preload_model_loading,
)
from eyetracker.app.threads import WorkerThread
from eyetracker.capture.gaze_target import GazeTarget

# A camera still closing after this long (a driver stuck in a read) no longer delays the next.
CAMERA_RELEASE_MS = 2000


class LiveController(QObject):
    camera_opened = Signal(str)
    camera_failed = Signal(str)  # could not open: a dialog
    face_checked = Signal(object)  # FaceCheck: the camera's own check, or the tracker's
    status = Signal(str)  # a status-bar message
    sample = Signal(object)  # GazeSample
    tracking_changed = Signal(bool)
    tracker_ready = Signal(object)  # the Tracker, once the model is loaded
    tracking_failed = Signal(str)  # could not track (bad model, no CUDA): a dialog
    stopped = Signal(str)  # a worker thread asked to stop has ended: its name

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.frames = FrameProvider(self)
        self.taps = Taps()  # recording and streams, called in the worker threads
        # The dot a calibration, validation or measurement screen shows; the synthetic demo
        # camera's person looks at it.
        self.gaze_target = GazeTarget()
        # The camera's face check: off while a loaded model tracks (the samples carry the
        # face), with the preprocessing of the last model tracked with.
        self.face_check = FaceCheckSetting()
        preload_front_end(self.face_check.preprocessing)
        self.camera_choice: str | None = None
        self.camera_resolution: tuple[int, int] | None = None  # a webcam's; None: 640x480
        self.tracker = None  # eyetracker.runtime.tracker.Tracker while tracking
        self._camera: WorkerThread | None = None
        self._tracking: WorkerThread | None = None
        # Threads asked to stop and not yet ended (e.g. still loading a model).
        self._retiring: list[WorkerThread] = []

    # --- camera ------------------------------------------------------------------------

    def open_camera(self, choice: str) -> None:
        """Start (or switch to) camera `choice`: "synthetic" or a webcam index."""
        current = self._camera
        if current is not None and choice == self.camera_choice:
            if current.running or not current.started:
                return
        self.close_camera()
        self.camera_choice = choice
        self.frames.clear()
        worker = CameraWorker(
            choice, self.frames, self.taps, self.face_check, gaze_target=self.gaze_target
        )
        worker.resolution = self.camera_resolution
        worker.opened.connect(self.camera_opened)
        worker.failed.connect(self.camera_failed)
        worker.face_checked.connect(self.face_checked)
        worker.source_event.connect(self.status)
        self._camera = self._thread(worker, f"camera-{choice}")
        self._start_camera_when_free()
        if not self._camera.started:
            QTimer.singleShot(CAMERA_RELEASE_MS, self._start_camera_now)

    def _start_camera_when_free(self) -> None:
        """Start the chosen camera unless an old one is still closing (it may hold the device)."""
        if not any(t.name.startswith("camera-") and t.running for t in self._retiring):
            self._start_camera_now()

    def _start_camera_now(self) -> None:
        camera = self._camera
        if camera is not None and not camera.started:
            camera.start()

    def reopen_camera(self) -> None:
        """Open the current camera again (a new resolution); tracking goes on after it."""
        choice = self.camera_choice
        if choice is not None:
            self.close_camera()
            self.open_camera(choice)

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
        preload_model_loading(config.backend)
        worker = TrackingWorker(config, self.frames, self.taps)
        worker.sample.connect(self._on_sample)
        worker.message.connect(self.status)
        worker.ready.connect(self._tracker_ready)
        worker.failed.connect(self._tracking_failed)
        worker.finished.connect(self._tracking_finished)
        self._tracking = self._thread(worker, "tracking")
        self._tracking.start()
        self.tracking_changed.emit(True)

    def stop_tracking(self) -> None:
        thread, self._tracking = self._tracking, None
        self.tracker = None
        if thread is not None:
            self._retire(thread)
            self.face_check.enabled = True
            self.tracking_changed.emit(False)

    def _tracker_ready(self, tracker) -> None:
        if self._tracking is not None:
            self.tracker = tracker
            preprocessing = tracker.backend.info.preprocessing
            preload_front_end(preprocessing)
            self.face_check.preprocessing = preprocessing  # the camera's check once tracking ends
            self.face_check.enabled = False  # the samples carry the face from now on
            self.tracker_ready.emit(tracker)

    def _on_sample(self, sample) -> None:
        if self._tracking is not None:  # not a late sample of a tracker being stopped
            self.face_checked.emit(FaceCheck.of_sample(sample))
        self.sample.emit(sample)

    def _tracking_failed(self, message: str) -> None:
        self.stop_tracking()
        self.tracking_failed.emit(message)

    def _tracking_finished(self) -> None:
        # The worker ended by itself (model failed, source ended): reflect it in the window.
        if self._tracking is not None and not self._tracking.stop_event.is_set():
            self.stop_tracking()

    def _thread(self, worker, name: str) -> WorkerThread:
        thread = WorkerThread(worker, name)
        thread.ended.connect(self._thread_ended)
        return thread

    def _retire(self, thread: WorkerThread) -> None:
        """Ask `thread` to end without waiting; `_thread_ended` forgets it when it has."""
        thread.cancel()
        if thread.running:  # not when never started, or already ended by itself
            self._retiring.append(thread)

    @Slot()
    def _thread_ended(self) -> None:
        thread = self.sender()
        if thread in self._retiring:
            self._retiring.remove(thread)
            self.stopped.emit(thread.name)
        self._start_camera_when_free()

    def shutdown(self, timeout_ms: int = 15000) -> None:
        """Stop both workers and wait for their threads (the window is closing)."""
        self.stop_tracking()
        self.close_camera()
        for thread in self._retiring:
            thread.wait(timeout_ms)
        self._retiring = []
