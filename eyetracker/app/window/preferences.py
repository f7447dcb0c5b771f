"""File > Preferences: data folder, streams, overlay dot, smoothing, camera resolution, the
measurements' attention check, the click check and its correction.

The dialog edits a copy of the window's `AppSettings` fields in `settings.PREFERENCES`; OK
saves them to QSettings at once and applies each where it is used (`apply_preferences`):
the data folder and the overlay at once, the streams and the camera by restarting them,
smoothing from the next start of tracking, the attention check from the next measurement,
the click check and its correction at once (the check as its Tracking menu entry, which
shows it too).
Command-line choices never reach this dialog.
"""

from __future__ import annotations

import os
from dataclasses import fields
from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from eyetracker.app.errors import show_error
from eyetracker.app.live.click_drift import CORRECTION_EXPLANATION
from eyetracker.app.live.click_drift import EXPLANATION as CLICK_CHECK_TIP
from eyetracker.app.live.workers import SYNTHETIC
from eyetracker.app.paths import default_data_dir
from eyetracker.app.settings import PREFERENCES, AppSettings, parse_resolution
from eyetracker.app.window.controls import combo_of
from eyetracker.core.errors import UserError
from eyetracker.core.folders import writable_folder

SMOOTHING_CHOICES = [
    ("Off: the model's raw points", "off"),
    ("Light: follows fast, a little jitter", "light"),
    ("Normal", "normal"),
    ("Strong: steadiest, settles slower", "strong"),
]
RESOLUTIONS = [("Camera default (640x480)", ""), ("640x480", "640x480")] + [
    (size, size) for size in ("1280x720", "1920x1080")
]
DEFAULTS = {item.name: item.default for item in fields(AppSettings)}


class PreferencesDialog(QDialog):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("preferences")

        self.data_folder = QLineEdit()
        self.data_folder.setPlaceholderText(str(default_data_dir()))
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.data_folder, 1)
        folder_row.addWidget(browse)
        override = os.environ.get("EYETRACKER_DATA_DIR")
        self.override_note = QLabel(
            f"EYETRACKER_DATA_DIR is set: the app uses {override} while it is." if override else ""
        )
        self.override_note.setVisible(bool(override))
        self.override_note.setWordWrap(True)

        self.stream_port = QSpinBox()
        self.stream_port.setRange(1, 65535)
        self.stream_websocket = QCheckBox("&WebSocket (ws://127.0.0.1:port)")
        self.stream_lsl_network = QCheckBox(
            "&Lab Streaming Layer, open to the network (needs pylsl and its liblsl)"
        )
        self.stream_lsl_network.setToolTip(
            "liblsl listens on every network interface: anyone on your network can receive "
            "the gaze while it streams. The WebSocket stays on this computer."
        )
        self.overlay_size = QSpinBox()
        self.overlay_size.setRange(4, 400)
        self.overlay_size.setSuffix(" px")
        self.overlay_color = QPushButton()
        self.overlay_color.clicked.connect(self._choose_color)
        self._color = DEFAULTS["overlay_color"]
        self.smoothing = combo_of(SMOOTHING_CHOICES)
        self.camera_resolution = combo_of(RESOLUTIONS)
        self.attention_check = QCheckBox("&Attention check: a letter at some dots, to be typed")
        self.attention_check.setToolTip(
            "At a random one in ten dots a letter shows inside the dot; typing it instead of "
            "Space says you looked. Training leaves out the dot where the wrong key was "
            "pressed, and the dots just before and after it."
        )
        self._make_click_choices()

        form = QFormLayout()
        _row(form, "&Data folder:", folder_row, self.data_folder)
        form.addRow("", self.override_note)
        _row(form, "Stream &port:", self.stream_port)
        _row(form, "Stream protocols:", self.stream_websocket)
        form.addRow("", self.stream_lsl_network)
        _row(form, "Overlay dot si&ze:", self.overlay_size)
        _row(form, "Overlay dot &colour:", self.overlay_color)
        _row(form, "&Smoothing:", self.smoothing)
        _row(form, "Camera &resolution:", self.camera_resolution)
        form.addRow("Measurements:", self.attention_check)
        form.addRow("Tracking:", self.click_check)
        form.addRow("", self.click_note)
        form.addRow("", self.click_correction)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.restore_button = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        self.restore_button.clicked.connect(self.restore_defaults)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.show_values({name: getattr(settings, name) for name in PREFERENCES})

    # --- values ------------------------------------------------------------------------

    def _make_click_choices(self) -> None:
        """The click check, what it reads said plainly beneath it, and the opt-in correction."""
        self.click_check = QCheckBox("Chec&k accuracy from my clicks")
        self.click_check.setToolTip(CLICK_CHECK_TIP)
        self.click_note = QLabel(
            "While tracking, this reads where and when you click anywhere on the desktop (only "
            "in this app's windows on Wayland); nothing is recorded."
        )
        self.click_note.setWordWrap(True)
        self.click_correction = QCheckBox("&Let my clicks correct the calibration (off by default)")
        self.click_correction.setToolTip(CORRECTION_EXPLANATION)
        self.click_check.toggled.connect(self.click_correction.setEnabled)

    def show_values(self, values: dict[str, Any]) -> None:
        self.data_folder.setText(values["data_folder"])
        self.stream_port.setValue(values["stream_port"])
        self.stream_websocket.setChecked(values["stream_websocket"])
        self.stream_lsl_network.setChecked(values["stream_lsl_network"])
        self.overlay_size.setValue(values["overlay_size"])
        self.set_color(values["overlay_color"])
        _select(self.smoothing, values["smoothing"])
        resolution = values["camera_resolution"]
        if self.camera_resolution.findData(resolution) < 0:  # one typed into the INI file
            self.camera_resolution.addItem(resolution, resolution)
        _select(self.camera_resolution, resolution)
        self.attention_check.setChecked(values["attention_check"])
        self.click_check.setChecked(values["click_check"])
        self.click_correction.setChecked(values["click_correction"])
        self.click_correction.setEnabled(values["click_check"])

    def values(self) -> dict[str, Any]:
        """The choices shown, by AppSettings field name."""
        return {
            "data_folder": self.data_folder.text().strip(),
            "stream_port": self.stream_port.value(),
            "stream_websocket": self.stream_websocket.isChecked(),
            "stream_lsl_network": self.stream_lsl_network.isChecked(),
            "overlay_size": self.overlay_size.value(),
            "overlay_color": self._color,
            "smoothing": self.smoothing.currentData(),
            "camera_resolution": self.camera_resolution.currentData(),
            "attention_check": self.attention_check.isChecked(),
            "click_check": self.click_check.isChecked(),
            "click_correction": self.click_correction.isChecked(),
        }

    def restore_defaults(self) -> None:
        self.show_values(DEFAULTS)

    def set_color(self, name: str) -> None:
        color = QColor(name)
        self._color = color.name() if color.isValid() else DEFAULTS["overlay_color"]
        self.overlay_color.setText(self._color)
        text = "#000000" if QColor(self._color).lightness() > 140 else "#ffffff"
        self.overlay_color.setStyleSheet(f"background:{self._color}; color:{text}")

    def _choose_color(self) -> None:
        color = QColorDialog.getColor(QColor(self._color), self, "Gaze dot colour")
        if color.isValid():
            self.set_color(color.name())

    def _browse(self) -> None:
        start = self.data_folder.text().strip() or str(default_data_dir())
        folder = QFileDialog.getExistingDirectory(self, "Data folder", start)
        if folder:
            self.data_folder.setText(folder)

    # --- OK ----------------------------------------------------------------------------

    def accept(self) -> None:
        """Close only with a data folder that can be used (made if it is not there yet)."""
        problem = check_data_folder(self.data_folder.text().strip())
        if problem:
            show_error(self, problem)
            return
        super().accept()

    @classmethod
    def open_for(cls, window) -> PreferencesDialog:
        """Open (window-modal, not blocking) for `window`; OK applies the choices to it."""
        dialog = cls(window.settings, window)
        dialog.accepted.connect(lambda: apply_preferences(window, dialog.values()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog


def check_data_folder(text: str) -> str:
    """Why `text` cannot be the data folder, in one sentence; `""` when it can (`""`: the default)."""
    if not text:
        return ""
    folder = Path(text).expanduser()
    if not folder.is_absolute():
        return f"The data folder {text} is not a full path; choose one with Browse…."
    try:
        writable_folder(folder, "make the data folder")
        folder.mkdir(parents=True, exist_ok=True)
    except UserError as error:
        return str(error)
    except OSError as error:
        reason = (error.strerror or str(error)).rstrip(".").lower()
        return f"The data folder {folder} cannot be made because {reason}; choose another one."
    if not os.access(folder, os.W_OK):
        return f"The data folder {folder} is not writable; choose another one."
    return ""


def apply_preferences(window, values: dict[str, Any]) -> None:
    """Save `values` to QSettings and put each to work in `window`."""
    settings = window.settings
    old = {name: getattr(settings, name) for name in PREFERENCES}
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save(names=PREFERENCES)
    changed = {name for name in PREFERENCES if old[name] != values[name]}
    window.overlay.set_appearance(settings.overlay_size, settings.overlay_color)
    if "data_folder" in changed:  # the profiles (users) live in the data folder
        window.controls.set_users(window.known_users(), window.controls.user.currentText())
    outputs = window.outputs
    if changed & {"stream_port", "stream_websocket", "stream_lsl_network"} and outputs.streams:
        outputs.set_streaming(False)
        outputs.set_streaming(True)  # on the new port, with the chosen protocols
    if "camera_resolution" in changed:
        window.live.camera_resolution = parse_resolution(settings.camera_resolution)
        if window.live.camera_choice not in (None, SYNTHETIC):
            window.live.reopen_camera()
    if "click_check" in changed:
        window.set_click_check(settings.click_check)  # as the Tracking menu's entry does
    if "click_correction" in changed:
        window.click_drift.set_correcting(settings.click_correction)
    if "smoothing" in changed and window.live.tracking:
        window.statusBar().showMessage("The new smoothing applies when tracking starts again.")


def _row(form: QFormLayout, text: str, field, buddy: QWidget | None = None) -> None:
    label = QLabel(text)
    label.setBuddy(buddy or field)  # Alt+letter moves to the field
    form.addRow(label, field)


def _select(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)
