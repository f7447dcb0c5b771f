"""MediaPipe's Face Landmarker, made and closed for the landmark front end.

The model file ships with the package; `create_landmarker` reads it into a buffer and starts
the landmarker in VIDEO mode (a stream, one face tracked) or IMAGE mode (each image alone, up
to two faces), with MediaPipe's start-up lines kept off the terminal (see native_log).

A landmarker must be closed where no other landmarker call is in flight; landmarkers of front
ends collected without close() wait in a list until then (see `collect`).
"""

from __future__ import annotations

import atexit
import threading
import weakref
from importlib import resources
from pathlib import Path

from eyetracker.core.errors import UserError
from eyetracker.model.native_log import quiet_native_stderr

RESOURCE_PACKAGE, MODEL_RESOURCE = "eyetracker.resources", ("models", "face_landmarker.task")


def default_model_path() -> Path:
    """The bundled Face Landmarker model; the one place that knows where it ships."""
    path = Path(str(resources.files(RESOURCE_PACKAGE))).joinpath(*MODEL_RESOURCE)
    if not path.is_file():
        raise LandmarkerUnavailableError(
            f"The face landmark model {path} is missing; reinstall eyetracker or choose a "
            "model with another preprocessing."
        )
    return path


class LandmarkerUnavailableError(UserError):
    """The landmark front end cannot start: its model file or the mediapipe package is missing."""


# Landmarkers of front ends that were collected without close(). The garbage collector runs
# finalizers on whichever thread happens to allocate, which may be inside another landmarker's
# call: closing there deadlocks MediaPipe's dispatcher (a tracker thread then never stops, and
# Qt aborts when its QThread is destroyed). So they are closed where no MediaPipe call is in
# flight: when a front end is made or closed, and at exit.
_collected: list = []
_collected_lock = threading.Lock()


def collect(landmarker) -> None:
    if getattr(weakref.finalize, "_shutdown", False):  # at exit: nothing else is running
        close_landmarker(landmarker)
        return
    with _collected_lock:
        _collected.append(landmarker)


@atexit.register
def close_collected() -> None:
    with _collected_lock:
        waiting = list(_collected)
        _collected.clear()
    for landmarker in waiting:
        close_landmarker(landmarker)


def close_landmarker(landmarker) -> None:
    try:
        landmarker.close()
    except RuntimeError:
        # At interpreter exit MediaPipe's worker thread is already gone and nothing can be
        # freed; mark it closed so its own __del__ does not try again and print a traceback.
        landmarker._handle = None


def create_landmarker(model_path, video: bool):
    """A Face Landmarker from `model_path` (None: the bundled one), for a stream if `video`."""
    with quiet_native_stderr():  # MediaPipe's start-up lines (see native_log)
        return _create(model_path, video)


def _create(model_path, video: bool):
    try:
        from mediapipe.tasks.python import BaseOptions, vision
    except ImportError as error:
        raise LandmarkerUnavailableError(
            f"The landmark front end needs the mediapipe package ({error}); reinstall eyetracker."
        ) from error
    path = Path(model_path) if model_path is not None else default_model_path()
    try:
        model = path.read_bytes()  # a buffer: paths with any characters, and zipped resources
    except OSError as error:
        raise LandmarkerUnavailableError(
            f"Cannot read the face landmark model {path}: {error.strerror or error}."
        ) from error
    mode = vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE
    options = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_buffer=model),
        running_mode=mode,
        num_faces=1 if video else 2,
        output_face_blendshapes=False,
        output_facial_transformation_matrixes=True,
    )
    try:
        return vision.FaceLandmarker.create_from_options(options)
    except (RuntimeError, ValueError) as error:
        raise LandmarkerUnavailableError(
            f"The face landmark model {path} could not be loaded ({error}); reinstall eyetracker."
        ) from error
