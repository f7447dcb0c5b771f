"""The app's persistent choices, in QSettings (organization "eyetracker").

One typed field per choice so the rest of the app never handles QSettings' strings. A value
that does not read back as its field's type, or is not one the field allows (a hand-edited
INI file, an older version's value), falls back to the field's default, never to 0 or "".
Edit > Preferences (preferences.py) edits most of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor

from eyetracker.core.smoothing import SMOOTHING_STRENGTHS

# The names Qt files this app's settings and data folders under (QSettings, QStandardPaths).
ORGANIZATION = "eyetracker"
APPLICATION = "eyetracker"

RECENT_MODELS = 8  # how many model files the model list remembers


def _one_of(*choices: str) -> dict[str, Callable[[Any], bool]]:
    return {"valid": lambda value: value in choices}


def _between(low: int, high: int) -> dict[str, Callable[[Any], bool]]:
    return {"valid": lambda value: low <= value <= high}


def _resolution(value: str) -> bool:
    return value == "" or re.fullmatch(r"[1-9]\d{1,4}x[1-9]\d{1,4}", value) is not None


def _absolute_or_empty(value: str) -> bool:
    return value == "" or Path(value).expanduser().is_absolute()


@dataclass
class AppSettings:
    camera: str = ""  # "" = first camera found; "synthetic"; or a webcam index
    model: str = ""  # "" = the bundled default model
    recent_models: tuple[str, ...] = ()  # model files opened before, newest first
    backend: str = field(default="auto", metadata=_one_of("auto", "torch", "onnxruntime"))
    device: str = field(default="auto", metadata=_one_of("auto", "cpu", "cuda"))
    user: str = ""
    # "" = the platform's application-data folder; EYETRACKER_DATA_DIR overrides both.
    data_folder: str = field(default="", metadata={"valid": _absolute_or_empty})
    overlay_visible: bool = False
    overlay_screen: int = field(default=0, metadata=_between(0, 64))
    overlay_size: int = field(default=40, metadata=_between(4, 400))  # dot diameter, px
    overlay_color: str = field(default="#ff3b30", metadata={"valid": QColor.isValidColorName})
    smoothing: str = field(default="normal", metadata=_one_of(*SMOOTHING_STRENGTHS))
    camera_resolution: str = field(default="", metadata={"valid": _resolution})  # "" = 640x480
    record_video: bool = False  # Record gaze also saves the webcam video
    stream_gaze: bool = False  # the WebSocket (and LSL, when allowed) runs while tracking
    stream_port: int = field(default=8765, metadata=_between(1, 65535))  # on 127.0.0.1
    stream_websocket: bool = True
    # LSL listens on every network interface (liblsl cannot be kept on loopback): off until
    # the user ticks it; a new name, so that the old `stream_lsl` (once on by default) is not
    # taken as consent.
    stream_lsl_network: bool = False
    # Clicks estimate the error while tracking (click_drift.py): opt-in.
    click_check: bool = False
    # With the click check, clicks also correct the calibration while tracking: opt-in.
    click_correction: bool = False
    # Measurements show a letter at some dots, to be typed (measurement.py). The key's name is
    # the one Preferences used on its own before this field, so an older INI's choice holds.
    attention_check: bool = True

    @classmethod
    def load(cls, store: QSettings | None = None) -> AppSettings:
        store = store or qsettings()
        values = {}
        for item in fields(cls):
            raw = store.value(item.name, None)
            values[item.name] = _convert(raw, item.default, item.metadata.get("valid"))
        return cls(**values)

    def save(self, store: QSettings | None = None, names: Iterable[str] | None = None) -> None:
        """Write every field, or only those in `names`."""
        store = store or qsettings()
        chosen = None if names is None else set(names)
        for item in fields(self):
            if chosen is not None and item.name not in chosen:
                continue
            value = getattr(self, item.name)
            store.setValue(item.name, list(value) if isinstance(value, tuple) else value)
        store.sync()

    def remember_model(self, path: str) -> None:
        """Put `path` first in `recent_models` (the bundled model "" is always listed anyway)."""
        if path:
            self.recent_models = tuple(
                [path, *(p for p in self.recent_models if p != path)][:RECENT_MODELS]
            )

    def existing_recent_models(self) -> list[str]:
        """`recent_models` whose files are still there."""
        return [path for path in self.recent_models if Path(path).is_file()]


# What File > Preferences edits (and saves at OK); the rest is saved when the window closes.
PREFERENCES = (
    "data_folder",
    "stream_port",
    "stream_websocket",
    "stream_lsl_network",
    "overlay_size",
    "overlay_color",
    "smoothing",
    "camera_resolution",
    "attention_check",
    "click_check",  # also Tracking > Check accuracy from my clicks
    "click_correction",
)


def parse_resolution(text: str) -> tuple[int, int] | None:
    """`"1280x720"` -> (1280, 720); `""` (the camera's default) or anything else -> None."""
    width, _, height = text.partition("x")
    return (int(width), int(height)) if _resolution(text) and text else None


def qsettings() -> QSettings:
    """An INI file on every platform (readable, and redirectable with QSettings.setPath)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _convert(raw: Any, default: Any, valid: Callable[[Any], bool] | None = None) -> Any:
    """`raw` as read from QSettings, as the type of `default`; `default` when it is missing,
    does not convert or is not `valid`. INI files give strings back: "true" / "28" must become
    bool / int again, and a one-entry list comes back as a plain string."""
    if raw is None:
        return default
    value: Any
    if isinstance(default, bool):
        text = str(raw).strip().lower()
        if isinstance(raw, bool):
            value = raw
        elif text in _TRUE or text in _FALSE:
            value = text in _TRUE
        else:
            return default
    elif isinstance(default, int):
        try:
            value = int(str(raw).strip())
        except ValueError:
            return default
    elif isinstance(default, tuple):
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list | tuple):
            return default
        value = tuple(str(item) for item in items if str(item))
    else:
        value = str(raw)
    if valid is not None and not valid(value):
        return default
    return value
