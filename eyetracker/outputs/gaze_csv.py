"""The gaze CSV: one row per `GazeSample`, written by `record` and `replay`, read back here.

    time,frame,video_frame,x,y,raw_x,raw_y,valid,reason,latency_ms,capture_time,true_x,true_y,
    expected_error

UTF-8 with a header row; numbers have 6 decimals (latency 3); an unknown number (no point,
no truth, no video) is an empty cell. Every row ends with a line end: a last row without
one was cut short (a full disk, a killed process) and is left out when read, with
`GazeTable.damaged_tail` saying so. docs/recording.md describes each column.

    gaze = read_gaze_csv("session-1/gaze.csv")
    gaze.x[gaze.valid]            # NumPy arrays, one entry per row
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np

from eyetracker.core.errors import UserError
from eyetracker.core.types import GazeSample

COLUMNS = (
    "time",  # seconds from the start of the recording or replay (capture clock)
    "frame",  # the source's frame index
    "video_frame",  # index of the frame in the recording's video.avi; empty without one
    "x",
    "y",
    "raw_x",
    "raw_y",
    "valid",
    "reason",
    "latency_ms",
    "capture_time",  # time.monotonic() at capture
    "true_x",
    "true_y",
    "expected_error",  # % of the screen the tracker expects this point to be off by
)
# A file must have these; any other column of COLUMNS it lacks reads as unknown.
REQUIRED_COLUMNS = ("frame", "x", "y", "valid")


_EXPECTED = {"frame": "a frame index", "valid": "0 or 1", "video_frame": "a frame index or empty"}


class GazeCsvError(UserError):
    """A gaze CSV cannot be read: missing, not a gaze CSV, or a damaged row."""


def _number(value: float | None, decimals: int = 6) -> str:
    return "" if value is None or not math.isfinite(value) else f"{value:.{decimals}f}"


class GazeCsvWriter:
    """Writes the header at once, then a row per `write`; the caller opens, flushes and closes
    the file (opened with newline=""), so it decides how often rows reach the disk.

    `start` is the capture clock's value at the start: the `time` column counts from it.
    """

    def __init__(self, file: TextIO, start: float = 0.0) -> None:
        self.start = start
        self._writer = csv.writer(file)
        self._writer.writerow(COLUMNS)

    def write(self, sample: GazeSample, video_frame: int | None = None) -> None:
        p, r, t = sample.point, sample.raw_point, sample.truth
        self._writer.writerow(
            [
                _number(sample.capture_time - self.start),
                sample.frame_index,
                "" if video_frame is None else video_frame,
                _number(p and p.x),
                _number(p and p.y),
                _number(r and r.x),
                _number(r and r.y),
                int(sample.valid),
                sample.reason,
                _number(1000.0 * sample.latency, 3),
                _number(sample.capture_time),
                _number(t and t.x),
                _number(t and t.y),
                _number(sample.expected_error, 3),
            ]
        )


@dataclass(frozen=True, eq=False)
class GazeTable:
    """The rows of a gaze CSV as arrays of equal length (one entry per row).

    Unknown numbers are NaN (`x`, `y` of an invalid sample, `true_x` without a truth) and
    -1 for `video_frame` without a video; `reason` is "" for valid samples.
    """

    time: np.ndarray  # float64 seconds from the start
    frame: np.ndarray  # int64
    video_frame: np.ndarray  # int64, -1 when the row has no video frame
    x: np.ndarray  # float64, the smoothed point
    y: np.ndarray
    raw_x: np.ndarray  # float64, the model's point before smoothing
    raw_y: np.ndarray
    valid: np.ndarray  # bool
    reason: np.ndarray  # str
    latency_ms: np.ndarray  # float64
    capture_time: np.ndarray  # float64, time.monotonic() at capture
    true_x: np.ndarray  # float64, known only for the synthetic camera
    true_y: np.ndarray
    expected_error: np.ndarray  # float64, % of the screen; NaN without a point
    # One sentence when the file's last row was cut short and left out; "" when it is whole.
    damaged_tail: str = field(default="", kw_only=True)

    def __len__(self) -> int:
        return len(self.frame)


def _parse(name: str, text: str) -> float | int | bool | str:
    if name == "reason":
        return text
    if name == "valid":
        if text not in ("0", "1"):
            raise ValueError(text)
        return text == "1"
    if name == "frame":
        return int(text)
    if name == "video_frame":
        return int(text) if text else -1
    return float(text) if text else math.nan


def read_gaze_csv(path: str | os.PathLike[str]) -> GazeTable:
    """Read a gaze CSV written by `eyetracker record` or `eyetracker replay`.

    Extra columns are ignored and missing optional ones read as unknown, so files from other
    versions still load. A last row cut short is left out and named in `damaged_tail`, never a
    reason to refuse the rows before it. Raises GazeCsvError, in one sentence, for a file that
    cannot be read, lacks a required column or holds a damaged row before its last.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise GazeCsvError(f"{path} does not exist.") from None
    except OSError as error:
        raise GazeCsvError(f"{path} cannot be read ({error.strerror}).") from None
    # A row is whole only with its line end, so the bytes after the last one are a row cut
    # short, which could otherwise parse as wrong values ("0.512" cut to "0.5").
    end = data.rfind(b"\n") + 1
    whole, cut = data[:end], data[end:]
    try:
        text = whole.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GazeCsvError(f"{path} is not UTF-8 text.") from None
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline="")) if row]
    except csv.Error as error:
        raise GazeCsvError(f"{path} is not a valid CSV file ({error}).") from None
    header = rows[0] if rows else []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise GazeCsvError(f"{path} is not a gaze CSV: it has no column {', '.join(missing)}.")
    rows = rows[1:]
    # The last parsed row is cut too when it lacks fields, or when its line end lies inside a
    # quoted cell (an odd number of quotes before it). Every other row has the header's
    # fields (however many columns this version writes), or the file is damaged.
    last_cut = bool(rows) and (len(rows[-1]) != len(header) or text.count('"') % 2 == 1)
    for number, values in enumerate(rows[:-1] if last_cut else rows, start=1):
        if len(values) != len(header):
            raise GazeCsvError(
                f"{path}, row {number}: {len(values)} fields, not the header's "
                f"{len(header)}; the file is damaged."
            )
    if last_cut:
        rows = rows[:-1]
    damaged_tail = ""
    if last_cut or cut.strip():
        damaged_tail = (
            f"{path}: row {len(rows) + 1} was cut short (the recording ended while writing it) "
            f"and is left out; the {len(rows)} rows before it are read."
        )

    columns: dict[str, list] = {name: [] for name in COLUMNS}
    for number, values in enumerate(rows, start=1):
        row = dict(zip(header, values, strict=True))
        for name in COLUMNS:
            text = (row.get(name) or "").strip()
            try:
                columns[name].append(_parse(name, text))
            except ValueError:
                raise GazeCsvError(
                    f"{path}, row {number}: {name} is {text!r}, not {_EXPECTED.get(name, 'a number')}."
                ) from None
    kinds = {"frame": np.int64, "video_frame": np.int64, "valid": bool, "reason": str}
    return GazeTable(
        **{
            name: np.array(values, dtype=kinds.get(name, np.float64))
            for name, values in columns.items()
        },
        damaged_tail=damaged_tail,
    )
