"""The two workers behind the main window, each in its own QThread (see threads.py).

- `CameraWorker` owns the camera: it reads frames, publishes every one to the
  `FrameProvider`, and while not tracking checks a frame for a face a few times a second.
- `TrackingWorker` loads the model and runs the core `Tracker` on the newest frame of the
  provider's feed, read directly from its own thread; the tracker's plain callbacks become Qt
  signals.

Three threads in all (camera, tracking, GUI), one newest-wins hand-off between the camera and
the tracker. The workers share nothing with the GUI but the provider, the face check's
setting and their signals.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal

from eyetracker.app.live.face_check import FaceChecker, FaceCheckSetting
from eyetracker.app.live.frames import FrameProvider
from eyetracker.app.live.taps import Taps
from eyetracker.app.threads import Worker
from eyetracker.capture.base import (
    EndOfStream,
    FrameSource,
    SourceError,
    SourceLost,
    available_sources,
)
from eyetracker.capture.gaze_target import GazeTarget
from eyetracker.capture.resilient import ReconnectingSource
from eyetracker.capture.spec import parse_source_spec
from eyetracker.core.errors import UserError
from eyetracker.core.smoothing import GazeSmoother, SmoothingSettings
from eyetracker.inference.backends import create_backend, preload_backend, torch_available
from eyetracker.inference.profile import Profile, ProfileError, load_profile, profile_path
from eyetracker.inference.session_statistics import SessionStatistics
from eyetracker.model.preprocess import Preprocessing
from eyetracker.runtime.tracker import Tracker

# Every module a worker needs is imported here, in the GUI thread: importing in a worker
# thread runs PySide6's import hook there, and that crashed the GUI thread (PySide6 6.12).
available_sources()  # imports the webcam / video / folder / synthetic modules


def preload_model_loading(kind: str) -> None:
    """Import now, in the GUI thread, what loading and timing a model with backend `kind`
    imports: the backend's modules, and what numpy and torch import on first use there."""
    preload_backend(kind)
    import numpy.ma  # noqa: F401
    import numpy.random  # noqa: F401

    if torch_available():
        with contextlib.suppress(ImportError):  # torch.load's settings, in recent versions
            importlib.import_module("torch.utils.serialization")


def preload_front_end(preprocessing: Preprocessing) -> None:
    """Import now, in the GUI thread, what `preprocessing.front_end()` imports when it runs
    in a worker (calibration fit, validation): the landmark front end is imported lazily."""
    if preprocessing.kind == "landmarks":
        import eyetracker.model.landmarks  # noqa: F401


log = logging.getLogger(__name__)

SYNTHETIC = "synthetic"  # the camera choice that means the synthetic demo camera
CAMERA_KINDS = ("webcam", "synthetic")


def open_camera(
    choice: str,
    stop: threading.Event,
    on_event,
    gaze_target: GazeTarget | None = None,
    resolution: tuple[int, int] | None = None,
) -> FrameSource:
    """The source for a camera choice, opened: "synthetic" or a webcam index (any live
    source specification, capture/spec.py); a webcam reconnects when it is lost.

    The synthetic person looks at `gaze_target`'s point while the app shows one (a webcam's
    person looks where they like)."""
    spec = parse_source_spec(choice, CAMERA_KINDS)
    settings = {
        "synthetic": {"realtime": True, "gaze_target": gaze_target},
        "webcam": _size(resolution),
    }
    if spec.kind == "webcam":
        source: FrameSource = ReconnectingSource(
            lambda: spec.create(**settings),
            stop=stop,
            on_event=on_event,
            description=f"Camera {spec.options.get('device', 0)}",
        )
    else:
        source = spec.create(**settings)
    source.open()
    return source


def _size(resolution: tuple[int, int] | None) -> dict[str, int]:
    """The webcam source's width / height request; none: its own default (640x480)."""
    return {"width": resolution[0], "height": resolution[1]} if resolution else {}


class CameraWorker(Worker):
    face_checked = Signal(object)  # FaceCheck
    source_event = Signal(str)  # camera lost / back: a status-bar message
    opened = Signal(str)  # the source's name

    def __init__(
        self,
        choice: str,
        provider: FrameProvider,
        taps: Taps | None = None,
        face_check: FaceCheckSetting | None = None,
        gaze_target: GazeTarget | None = None,
    ) -> None:
        super().__init__()
        self.choice = choice
        self.resolution: tuple[int, int] | None = None  # a webcam's requested (width, height)
        self.gaze_target = gaze_target  # the dot the app shows: the synthetic person looks at it
        self.face_check = face_check or FaceCheckSetting()
        self.provider = provider
        self.taps = taps

    def work(self) -> None:
        try:
            source = open_camera(
                self.choice,
                self.stop_event,
                lambda e: self.source_event.emit(e.message),
                self.gaze_target,
                resolution=self.resolution,
            )
        except SourceError as error:
            self.failed.emit(str(error))
            return
        self.opened.emit(getattr(source, "name", self.choice))
        checker = FaceChecker(self.face_check)  # its front end is this thread's own
        try:
            while not self.stop_event.is_set():
                try:
                    frame = source.read()
                except EndOfStream:
                    break
                except SourceLost as error:  # a plain source cannot come back
                    self.failed.emit(str(error))
                    break
                if self.taps is not None:
                    self.taps.frame(frame)  # before the tracker can see it (video index)
                self.provider.publish(frame)
                if checker.due(frame):
                    self.face_checked.emit(checker.check(frame))
        finally:
            checker.close()
            source.close()


@dataclass(frozen=True)
class TrackingConfig:
    model: Path
    backend: str = "auto"  # auto / torch / onnxruntime
    device: str = "auto"  # auto / cpu / cuda
    user: str = ""
    profiles: Path | None = None
    smoothing: SmoothingSettings | None = SmoothingSettings()  # None: the model's raw points


class TrackingWorker(Worker):
    sample = Signal(object)  # GazeSample
    message = Signal(str)  # for the status bar
    ready = Signal(object)  # the Tracker, once the model is loaded

    def __init__(
        self, config: TrackingConfig, provider: FrameProvider, taps: Taps | None = None
    ) -> None:
        super().__init__()
        self.config = config
        self.provider = provider
        self.taps = taps
        self.tracker = None

    def _on_sample(self, sample) -> None:
        if self.taps is not None:
            self.taps.sample(sample)  # recording and streams: in this thread, never blocking
        self.sample.emit(sample)

    def work(self) -> None:
        config = self.config
        try:
            backend = create_backend(config.model, config.backend, config.device)
        except UserError as error:
            self.failed.emit(str(error))
            return
        except Exception as error:  # torch's own errors for a file that is not a model
            log.exception("loading %s failed", config.model)
            self.failed.emit(
                f"{config.model} could not be loaded as a model ({type(error).__name__}); "
                "choose a model trained by `eyetracker train`."
            )
            return
        if self.stop_event.is_set():  # stopped while the model was loading
            return
        profile, note = self._profile(backend)
        statistics = SessionStatistics.of_profile(backend, profile)
        unfinished = backend.info.unfinished_warning(Path(config.model).name)
        for line in (unfinished, note):
            if line:
                self.message.emit(line[0].upper() + line[1:])
        self.tracker = Tracker(
            self.provider.feed,
            backend,
            statistics,
            GazeSmoother(settings=config.smoothing) if config.smoothing is not None else None,
            on_sample=self._on_sample,
            on_error=self.message.emit,
            stop_event=self.stop_event,
        )
        self.ready.emit(self.tracker)
        self.tracker.run()

    def _profile(self, backend) -> tuple[Profile | None, str]:
        config = self.config
        if not config.user or config.profiles is None:
            return None, ""
        fingerprint = getattr(backend.info, "fingerprint", "")
        path = profile_path(config.profiles, config.user, fingerprint)
        if not path.exists():
            return None, (
                f"No profile for {config.user} with this model yet: tracking starts from the "
                "model's running statistics; calibrate to make one."
            )
        try:
            return load_profile(path, fingerprint), f"Loaded the profile of {config.user}."
        except ProfileError as error:
            return None, str(error)
