"""The app's persistent choices, in QSettings (organization "eyetracker").

One typed field per choice so the rest of the app never handles QSettings' strings.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtCore import QSettings

from eyetracker.app.paths import APPLICATION, ORGANIZATION


@dataclass
class AppSettings:
    camera: str = ""  # "" = first camera found; "synthetic"; or a webcam index
    model: str = ""  # "" = the bundled default model
    backend: str = "auto"  # auto / torch / onnxruntime
    device: str = "auto"  # auto / cpu / cuda
    user: str = ""
    overlay_visible: bool = False
    overlay_screen: int = 0
    overlay_size: int = 40  # diameter of the gaze dot in pixels
    overlay_color: str = "#ff3b30"
    record_video: bool = False  # Record gaze also saves the webcam video
    stream_gaze: bool = False  # WebSocket (and LSL) streams run while tracking
    stream_port: int = 8765  # the WebSocket's port on 127.0.0.1

    @classmethod
    def load(cls, store: QSettings | None = None) -> AppSettings:
        store = store or qsettings()
        values = {}
        for field in fields(cls):
            default = field.default
            raw = store.value(field.name, default)
            values[field.name] = _convert(raw, type(default))
        return cls(**values)

    def save(self, store: QSettings | None = None) -> None:
        store = store or qsettings()
        for field in fields(self):
            store.setValue(field.name, getattr(self, field.name))
        store.sync()


def qsettings() -> QSettings:
    """An INI file on every platform (readable, and redirectable with QSettings.setPath)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def _convert(raw, kind: type):
    # INI files give strings back: "true" / "28" must become bool / int again.
    if kind is bool:
        return raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes")
    if kind is int:
        try:
            return int(raw)
        except (TypeError, ValueError):
            return 0
    return "" if raw is None else str(raw)
