"""Recording gaze to a folder: a CSV row per sample, a JSON sidecar, optionally the video.

    recorder = GazeRecorder("session-1", metadata={"model": ..., "screen": ...}, video=True)
    recorder.start()
    recorder.add_frame(frame)     # capture thread, only with video=True
    recorder.publish(sample)      # tracker thread (on_sample)
    recorder.stop()

Crash safety follows the measurement writer: the file is unbuffered and each row (the
header too) is formatted first and written with one call, so a killed process leaves the
rows so far; a write that fails (a full disk) is cut back to the last whole row, and the
recording ends, marked incomplete, with a RecordingWriteError in one sentence. The sidecar
is replaced atomically at start and at stop, and a recording without "stopped" in it ended
abruptly. Rows are fsynced once a second and at stop (a power cut loses at most that).
The video is not crash-safe (OpenCV buffers it and indexes it at the
end). The format is in docs/recording.md; eyetracker.outputs.gaze_csv reads the CSV back.
"""

from __future__ import annotations

import errno
import io
import json
import os
import threading
import time
from collections import OrderedDict
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from eyetracker.core.atomic import atomic_write
from eyetracker.core.errors import UserError
from eyetracker.core.types import Frame, GazeSample
from eyetracker.outputs.gaze_csv import COLUMNS, GazeCsvWriter

FORMAT_VERSION = 1
CSV_NAME = "gaze.csv"
SIDECAR_NAME = "recording.json"
VIDEO_NAME = "video.avi"
SCREENSHOT_NAME = "screen.png"  # the app's screenshot of the screen when recording started
SYNC_EVERY_S = 1.0
_VIDEO_INDEX_MEMORY = 512  # frames whose video index is remembered until their sample comes


class RecordingError(UserError):
    """The recording folder cannot be written."""


class RecordingWriteError(RecordingError):
    """Writing failed mid-recording: the rows before are kept and the recording is closed."""


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).rstrip(".").lower()


class GazeRecorder:
    """Writes one recording into `folder` (created; must not already hold a recording); a
    gaze sink (outputs/streams/base.py GazeSink) as the streams are.

    `metadata` (model, statistics, screen, source, ...: plain JSON) goes into the sidecar.
    With `video`, frames given to `add_frame` are written to video.avi (MJPG) at `fps`.
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        metadata: dict[str, Any] | None = None,
        video: bool = False,
        fps: float = 30.0,
    ) -> None:
        self.folder = Path(folder)
        self.metadata = dict(metadata or {})
        json.dumps(self.metadata, allow_nan=False)  # fail now, not at stop
        self.video = bool(video)
        self.fps = float(fps) if fps and fps > 0 else 30.0
        self.rows = 0
        self.video_frames = 0
        self.started_at: float | None = None  # capture clock (time.monotonic) at start
        self.video_error = ""
        self._file: BinaryIO | None = None
        self._row = io.StringIO(newline="")  # the row being formatted, written whole
        self._whole_bytes = 0  # the file's size up to its last whole row
        self._writer: GazeCsvWriter | None = None
        self._video = None
        self._video_index: OrderedDict[int, int] = OrderedDict()
        self._lock = threading.Lock()
        self._last_sync = 0.0
        self._sidecar: dict[str, Any] = {}

    @property
    def csv_path(self) -> Path:
        return self.folder / CSV_NAME

    @property
    def recording(self) -> bool:
        return self._file is not None

    def start(self) -> GazeRecorder:
        """Create the folder, the CSV header and the sidecar; a RecordingError if it cannot."""
        if self.recording:
            return self
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._file = open(self.csv_path, "xb", buffering=0)
        except FileExistsError:
            raise RecordingError(
                f"{self.folder} already holds a recording; choose a new folder."
            ) from None
        except OSError as error:
            raise RecordingError(
                f"Cannot record into {self.folder} because {_reason(error)}; choose another "
                "folder (in the app: the data folder in File > Preferences)."
            ) from None
        self.started_at = time.monotonic()
        self._writer = GazeCsvWriter(self._row, self.started_at)  # formats the header
        self._sidecar = {
            "format": FORMAT_VERSION,
            "started": datetime.now().astimezone().isoformat(timespec="milliseconds"),
            "started_monotonic": self.started_at,
            "csv": CSV_NAME,
            "columns": list(COLUMNS),
            "video": VIDEO_NAME if self.video else None,
            "fps": self.fps,
            **self.metadata,
        }
        try:
            self._append_row()
            self._sync()
            self._write_sidecar()
        except OSError as error:
            file, self._file = self._file, None
            file.close()
            self.csv_path.unlink(missing_ok=True)  # nothing recorded: no folder that looks used
            raise RecordingError(
                f"Cannot record into {self.folder} because {_reason(error)}; free some space or "
                "choose another folder (in the app: the data folder in File > Preferences)."
            ) from None
        return self

    def add_frame(self, frame: Frame) -> None:
        """Append `frame` to the video (no-op without video); call before its sample is written.

        If the video cannot be written, recording goes on without it and `video_error` says why.
        """
        with self._lock:
            if not self.video or self._file is None or self.video_error:
                return
            if self._video is None:
                self._video = self._open_video(frame)
                if self._video is None:
                    return
            self._video.write(frame.image)
            self._video_index[frame.index] = self.video_frames
            if len(self._video_index) > _VIDEO_INDEX_MEMORY:
                self._video_index.popitem(last=False)
            self.video_frames += 1

    def _open_video(self, frame: Frame):
        import cv2

        height, width = frame.image.shape[:2]
        path = self.folder / VIDEO_NAME
        fourcc = cv2.VideoWriter_fourcc(*"MJPG")
        writer = cv2.VideoWriter(str(path), fourcc, self.fps, (width, height))
        if not writer.isOpened():
            self.video_error = (
                f"Cannot write the video {path}; the gaze rows are recorded without it."
            )
            return None
        return writer

    def describe(self) -> str:
        return f"recording: {self.rows} samples into {self.folder}"

    def publish(self, sample: GazeSample) -> None:
        """Append one row (eyetracker.outputs.gaze_csv), whole or not at all.

        If it cannot be written (a full disk), the file is cut back to its last whole row, the
        recording is closed as incomplete and a RecordingWriteError says so; later calls do
        nothing.
        """
        with self._lock:
            file = self._file
            if file is None or self._writer is None:
                return
            self._writer.write(sample, self._video_index.get(sample.frame_index))
            try:
                self._append_row()
                self.rows += 1
                if time.monotonic() - self._last_sync >= SYNC_EVERY_S:
                    self._sync()
            except OSError as error:
                self._file, video, self._video = None, self._video, None
                message = self._close_incomplete(file, video, error)
            else:
                return
        raise RecordingWriteError(message)

    def _append_row(self) -> None:
        """Write the formatted row with one call (more only if the system takes part of it)."""
        assert self._file is not None
        data = self._row.getvalue().encode("utf-8")
        self._row.seek(0)
        self._row.truncate()
        view = memoryview(data)
        while view:
            written = self._file.write(view)
            if not written:
                raise OSError(errno.EIO, "the disk took none of the row")
            view = view[written:]
        self._whole_bytes += len(data)

    def _sync(self) -> None:
        assert self._file is not None
        os.fsync(self._file.fileno())
        self._last_sync = time.monotonic()

    def _close_incomplete(self, file: BinaryIO, video, error: OSError) -> str:
        """After a failed write: keep the whole rows only, close, mark the sidecar incomplete;
        the sentence for the user."""
        try:
            file.truncate(self._whole_bytes)
        except OSError:
            pass  # the reader leaves a row without its line end out all the same
        try:
            file.close()
        except OSError:
            pass
        if video is not None:
            video.release()
        reason = _reason(error)
        self._sidecar.update(incomplete=reason, rows=self.rows)
        try:
            self._write_sidecar()
        except OSError:
            pass  # the sidecar of the start has no "stopped": it reads as incomplete already
        return (
            f"Recording stopped because {reason}: the {self.rows} rows written before are kept "
            f"in {self.folder}, marked incomplete; free some space and record again."
        )

    def _write_sidecar(self) -> None:
        text = json.dumps(self._sidecar, indent=2, allow_nan=False) + "\n"
        atomic_write(self.folder / SIDECAR_NAME, text, durable=True)

    def stop(self) -> None:
        """Close the CSV and the video, and complete the sidecar; idempotent.

        A RecordingWriteError (one sentence) when the rows or the sidecar cannot be completed;
        the rows written are kept either way.
        """
        with self._lock:
            file, self._file = self._file, None
            video, self._video = self._video, None
        if file is None:
            return
        try:
            os.fsync(file.fileno())
        except OSError as error:
            raise RecordingWriteError(self._close_incomplete(file, video, error)) from None
        file.close()
        if video is not None:
            video.release()
        self._sidecar.update(
            stopped=datetime.now().astimezone().isoformat(timespec="milliseconds"),
            rows=self.rows,
            video_frames=self.video_frames if self.video else None,
        )
        if self.video_error:
            self._sidecar["video_error"] = self.video_error
        try:
            self._write_sidecar()
        except OSError as error:
            raise RecordingWriteError(
                f"The {self.rows} rows are kept in {self.folder}, but {SIDECAR_NAME} could not "
                f"be completed because {_reason(error)}, so the recording reads as incomplete."
            ) from None

    def __enter__(self) -> GazeRecorder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
