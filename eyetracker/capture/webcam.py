"""A webcam through OpenCV, opened by index or device path, and a quiet camera lister."""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import cv2

from eyetracker.capture._support import as_bgr, quiet_opencv
from eyetracker.capture.base import FrameSource, SourceLost, SourceOpenError, register_source
from eyetracker.core.types import Frame

# Probing a missing index costs ~1 ms with V4L2 but can cost seconds on Windows and macOS,
# so the generic prober gives up after this many missing indices in a row.
_MISSES_BEFORE_GIVING_UP = 2


@dataclass(frozen=True)
class CameraInfo:
    """A camera that opened when probed: what `eyetracker doctor` and the camera menu show."""

    index: int
    path: str | None = None
    name: str = ""
    resolution: tuple[int, int] | None = None

    @property
    def label(self) -> str:
        """One short line: `0 (/dev/video0, "HD Webcam", 640x480)`."""
        details = [self.path] if self.path else []
        if self.name:
            details.append(f'"{self.name}"')
        if self.resolution:
            details.append(f"{self.resolution[0]}x{self.resolution[1]}")
        return f"{self.index} ({', '.join(details)})" if details else str(self.index)


def list_cameras(max_index: int = 10) -> list[CameraInfo]:
    """Cameras with index below `max_index` that open right now, without OpenCV log noise.

    On Linux only the /dev/video* nodes that exist are probed, so a machine with no camera
    answers instantly; metadata nodes that cannot deliver images are left out.
    """
    if sys.platform.startswith("linux"):
        return [
            info
            for index, path in _linux_video_nodes()
            if index < max_index
            if (info := _probe(index, path, cv2.CAP_V4L2)) is not None
        ]
    cameras, misses = [], 0
    for index in range(max_index):
        info = _probe(index, None, cv2.CAP_ANY)
        if info is None:
            misses += 1
            if misses >= _MISSES_BEFORE_GIVING_UP:
                break
        else:
            cameras.append(info)
            misses = 0
    return cameras


def _linux_video_nodes() -> list[tuple[int, str]]:
    nodes = []
    for path in Path("/dev").glob("video*"):
        match = re.fullmatch(r"video(\d+)", path.name)
        if match:
            nodes.append((int(match.group(1)), str(path)))
    return sorted(nodes)


def _linux_camera_name(index: int) -> str:
    try:
        return Path(f"/sys/class/video4linux/video{index}/name").read_text().strip()
    except OSError:
        return ""


def _probe(index: int, path: str | None, backend: int) -> CameraInfo | None:
    with quiet_opencv():
        capture = cv2.VideoCapture(index, backend)
        try:
            if not capture.isOpened():
                return None
            width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
            height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        finally:
            capture.release()
    name = _linux_camera_name(index) if path else ""
    resolution = (width, height) if width > 0 and height > 0 else None
    return CameraInfo(index=index, path=path, name=name, resolution=resolution)


def _found_sentence() -> str:
    cameras = list_cameras()
    if not cameras:
        return "no cameras were found on this computer"
    return "cameras found: " + ", ".join(camera.label for camera in cameras)


def _backend_id(backend: int | str | None) -> int:
    if backend is None:
        return cv2.CAP_ANY
    if isinstance(backend, int):
        return backend
    name = f"CAP_{backend.upper()}"
    if not hasattr(cv2, name):
        raise SourceOpenError(
            f"Unknown camera backend {backend!r}; use one of v4l2, dshow, msmf, avfoundation, any."
        )
    return getattr(cv2, name)


@register_source("webcam", option="device", claims=str.isdigit)
class WebcamSource(FrameSource):
    """A camera by index (0, 1, ...) or device path ("/dev/video0").

    The requested `width`, `height` and `fps` are only requests: `resolution` and `fps`
    report what the camera actually delivers once open.
    """

    def __init__(
        self,
        device: int | str = 0,
        width: int = 640,
        height: int = 480,
        fps: float = 30.0,
        backend: int | str | None = None,
    ) -> None:
        if isinstance(device, str) and device.strip().isdigit():
            device = int(device)
        self.device = device
        self.requested = (int(width), int(height), float(fps))
        self.backend = backend
        self.name = f"Camera {device}"
        self._capture: cv2.VideoCapture | None = None
        self._resolution: tuple[int, int] | None = None
        self._fps: float | None = None
        self._index = 0

    @property
    def fps(self) -> float | None:
        return self._fps

    @property
    def resolution(self) -> tuple[int, int] | None:
        return self._resolution

    def open(self) -> None:
        if self._capture is not None:
            return
        backend = _backend_id(self.backend)
        if isinstance(self.device, str):
            if not Path(self.device).exists():
                raise SourceOpenError(
                    f"Could not open camera {self.device}: no such device; {_found_sentence()}."
                )
            if self.backend is None and sys.platform.startswith("linux"):
                # CAP_ANY would also try FFmpeg, which prints its own errors for device paths.
                backend = cv2.CAP_V4L2
        with quiet_opencv():
            capture = cv2.VideoCapture(self.device, backend)
            opened = capture.isOpened()
            if opened:
                width, height, fps = self.requested
                capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
                capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
                capture.set(cv2.CAP_PROP_FPS, fps)
                # A camera held by another program often opens but never delivers an image.
                ok, image = capture.read()
        if not opened:
            capture.release()
            raise SourceOpenError(f"Could not open camera {self.device}; {_found_sentence()}.")
        if not ok or image is None:
            capture.release()
            raise SourceOpenError(
                f"Camera {self.device} opened but gave no image; close any other program "
                "that uses it (video calls, other trackers) and try again."
            )
        height_got, width_got = image.shape[:2]
        self._resolution = (width_got, height_got)
        reported_fps = capture.get(cv2.CAP_PROP_FPS)
        self._fps = float(reported_fps) if reported_fps and reported_fps > 0 else None
        self._capture = capture
        self._index = 0

    def read(self) -> Frame:
        if self._capture is None:
            raise SourceLost(f"{self.name} is not open; open it before reading frames.")
        grabbed = self._capture.grab()
        timestamp = time.monotonic()
        ok, image = self._capture.retrieve() if grabbed else (False, None)
        if not ok or image is None:
            raise SourceLost(
                f"{self.name} stopped delivering frames (unplugged or taken by another program)."
            )
        frame = Frame(image=as_bgr(image), timestamp=timestamp, index=self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        capture, self._capture = self._capture, None
        if capture is not None:
            capture.release()
