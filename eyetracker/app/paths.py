"""Where the app keeps its files: user profiles and captured data.

The data folder is `EYETRACKER_DATA_DIR` when that is set (tests, portable use), else the one
chosen in File > Preferences, else the platform's application-data folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from eyetracker.app.settings import APPLICATION, AppSettings


def data_dir() -> Path:
    """EYETRACKER_DATA_DIR when set (tests, portable installs, scripts), else the data folder
    chosen in File > Preferences, else the platform's application-data folder."""
    override = os.environ.get("EYETRACKER_DATA_DIR")
    if override:
        return Path(override)
    chosen = AppSettings.load().data_folder
    if chosen:
        return Path(chosen).expanduser()
    return default_data_dir()


def default_data_dir() -> Path:
    """The platform's data folder for eyetracker: ~/.local/share/eyetracker on Linux,
    ~/Library/Application Support/eyetracker on macOS, %LOCALAPPDATA%/eyetracker on Windows.

    Qt's AppDataLocation would be <data>/<organization>/<application>, i.e. .../eyetracker/
    eyetracker; a folder made by earlier versions there is used as long as it exists, so no
    profile or recording goes missing.
    """
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    if not location:
        return Path.home() / ".eyetracker"
    folder = Path(location) / APPLICATION
    earlier = folder / APPLICATION
    return earlier if earlier.is_dir() else folder


def profiles_dir() -> Path:
    """`<data>/profiles/<user>/<model fingerprint>.npz` (see eyetracker.inference.profile)."""
    return data_dir() / "profiles"
