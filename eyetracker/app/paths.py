"""Where the app keeps its files: user profiles and captured data.

`EYETRACKER_DATA_DIR` overrides the platform's application-data folder (tests, portable use).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QStandardPaths

ORGANIZATION = "eyetracker"
APPLICATION = "eyetracker"


def data_dir() -> Path:
    override = os.environ.get("EYETRACKER_DATA_DIR")
    if override:
        return Path(override)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location or Path.home() / ".eyetracker")


def profiles_dir() -> Path:
    """`<data>/profiles/<user>/<model fingerprint>.npz` (see eyetracker.runtime.profile)."""
    return data_dir() / "profiles"
