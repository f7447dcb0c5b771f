"""App test fixtures: settings under tmp_path, no QThread left running, no blocking dialogs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from tests.helpers.app_window import open_dialogs


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


@pytest.fixture(autouse=True)
def no_unexpected_dialogs(request, qapp):
    """Fail a test that leaves a message box open: an expected one must be found and closed."""
    yield
    left = open_dialogs(qapp)
    for box in left:
        box.close()
    if left:
        texts = "; ".join(box.text() for box in left)
        pytest.fail(f"{request.node.name} left a dialog open: {texts}")


@pytest.fixture(scope="session")
def model_file(tmp_path_factory):
    """A tiny real checkpoint with face preprocessing (the synthetic camera's faces are found)."""
    from tests.helpers.models import face_model  # torch, only for the tests that need a model

    return face_model(tmp_path_factory.mktemp("model") / "tiny.pt")


@pytest.fixture
def make_window(qtbot):
    """Build main windows with no webcam (the synthetic camera) and close them at the end."""
    from eyetracker.app.window.main_window import MainWindow

    windows = []

    def make(cameras=None):
        window = MainWindow(cameras=cameras if cameras is not None else [])
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
