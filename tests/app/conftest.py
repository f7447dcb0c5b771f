"""App test fixtures: settings under tmp_path, no QThread left running, no blocking dialogs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """QSettings (organization "eyetracker") read and write an INI file under tmp_path."""
    folder = tmp_path / "settings"
    folder.mkdir()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    monkeypatch.setenv("EYETRACKER_DATA_DIR", str(tmp_path / "data"))
    return folder


@pytest.fixture(autouse=True)
def no_dangling_qthreads(request):
    """Fail a test that leaves a QThread running (as napari's `_dangling_qthreads`)."""
    from eyetracker.app import threads

    before = set(threads.live_threads())
    yield
    left = [t for t in threads.live_threads() if t not in before and t.isRunning()]
    for thread in left:  # do not let one test's thread break the next one
        thread.quit()
        thread.wait(2000)
    if left:
        pytest.fail(f"{request.node.name} left {len(left)} QThread(s) running: {left}")
