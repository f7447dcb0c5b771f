"""`python -m eyetracker.app.qt_probe`: what `eyetracker doctor` asks Qt, in a child process.

It prints the app's folders first (no window needed), then the platform plugin's name once a
QGuiApplication exists; Qt aborts the process when no plugin can start, which the doctor
turns into advice. A child process, so that a Qt crash cannot take the doctor down.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication

from eyetracker.app.paths import data_dir, profiles_dir
from eyetracker.app.settings import APPLICATION, ORGANIZATION


def main() -> None:
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    print(json.dumps({"data": str(data_dir()), "profiles": str(profiles_dir())}), flush=True)
    app = QGuiApplication(["eyetracker-doctor"])
    print(json.dumps({"platform": app.platformName()}), flush=True)


if __name__ == "__main__":
    main()
