"""Heavy work runs in worker threads: the GUI thread keeps turning while a model loads, a
profile is computed or a worker is stopped.

The slow parts are fakes that block in their worker thread on a `threading.Event` until the
test releases them, after it has seen a QTimer on the GUI thread fire several times: had the
work run on the GUI thread, the timer could not have fired, and the fake would give up.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer

from eyetracker.app import threads
from eyetracker.app.screens.calibration import COMPUTING, CalibrationScreen
from eyetracker.inference.backends import create_backend
from eyetracker.inference.backends.torch import TorchBackend
from tests.helpers.app_feeds import FeedingProvider, synthetic_faces
from tests.helpers.app_window import action, open_dialogs, use_model

RELEASE_TIMEOUT_S = 20  # a fake never released gives up: the test fails instead of hanging
TICKS = 5


class Ticks:
    """Counts the timeouts of a QTimer on the GUI thread: it fires only while that thread is free."""

    def __init__(self, interval_ms: int = 10) -> None:
        self.count = 0
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(interval_ms)

    def _tick(self) -> None:
        self.count += 1


class Gate:
    """Where a fake waits in its worker thread until the test opens it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.threads: list[threading.Thread] = []

    def wait(self) -> None:
        self.threads.append(threading.current_thread())
        self.entered.set()
        if not self.opened.wait(RELEASE_TIMEOUT_S):
            raise RuntimeError("the test never let the slow fake go on")

    def off_the_gui_thread(self) -> bool:
        return bool(self.threads) and threading.main_thread() not in self.threads


class SlowFactory(Gate):
    """create_backend, slow to load (as "auto" is: torch, ONNX export, timing both)."""

    def __call__(self, model, kind, device):
        self.wait()
        return create_backend(model, kind, device)


class SlowCapture(Gate):
    """A real backend whose capture pass (the calibration fit) is slow."""

    def __init__(self, backend) -> None:
        super().__init__()
        self.backend = backend

    def __getattr__(self, name: str):
        return getattr(self.backend, name)

    def capture(self, pixels, face):
        self.wait()
        return self.backend.capture(pixels, face)


def test_the_window_keeps_running_while_a_model_loads(make_window, qtbot, model_file):
    window = make_window()
    use_model(window, model_file)
    window.controls.user.setCurrentText("Ada")
    slow = SlowFactory()
    window.tools.loader.factory = slow  # the Tools menu's own loading path, with a slow model
    ticks = Ticks()
    action(window, "Quick calibration").trigger()
    assert window.busy.isVisible() and window.busy.text == f"Loading {model_file.name}…"
    qtbot.waitUntil(slow.entered.is_set, timeout=10000)
    qtbot.waitUntil(lambda: ticks.count >= TICKS, timeout=10000)
    assert window.tools.loader.loading and not window.tools.open_screens  # still loading
    slow.opened.set()
    qtbot.waitUntil(lambda: bool(window.tools.open_screens), timeout=20000)
    screen = window.tools.open_screens[0]
    assert isinstance(screen, CalibrationScreen) and screen.isVisible()
    assert not window.busy.isVisible()
    assert slow.off_the_gui_thread()
    screen.close()


def test_a_model_that_fails_to_load_is_one_sentence(make_window, qtbot, qapp, model_file):
    from eyetracker.core.errors import UserError

    def broken(model, kind, device):
        raise UserError(f"{model.name} is damaged; choose another model file.")

    window = make_window()
    use_model(window, model_file)
    window.tools.loader.factory = broken
    action(window, "Validation").trigger()
    qtbot.waitUntil(lambda: bool(open_dialogs(qapp)), timeout=10000)
    [box] = open_dialogs(qapp)
    assert box.text() == f"{model_file.name} is damaged; choose another model file."
    assert not window.busy.isVisible() and not window.tools.open_screens
    box.close()


@pytest.fixture
def slow_calibration(qtbot, model_file, tmp_path):
    faces = synthetic_faces(3)
    provider = FeedingProvider(lambda i: faces[i % len(faces)])
    slow = SlowCapture(TorchBackend(model_file, "cpu"))
    screen = CalibrationScreen(
        provider, slow, tmp_path / "profiles", "Ada", frames_per_point=2, dwell_s=0.02, settle_s=0.0
    )
    qtbot.addWidget(screen)
    screen.start()
    qtbot.waitExposed(screen)
    qtbot.keyClick(screen, Qt.Key.Key_Space)
    qtbot.waitUntil(slow.entered.is_set, timeout=20000)  # every dot done; the fit is under way
    provider.stop()
    yield screen, slow
    slow.opened.set()


def test_the_calibration_screen_keeps_running_while_the_profile_is_computed(
    qtbot, slow_calibration
):
    screen, slow = slow_calibration
    assert screen.busy.isVisible() and screen.busy.label.text() == COMPUTING
    ticks = Ticks()
    qtbot.waitUntil(lambda: ticks.count >= TICKS, timeout=10000)
    assert screen.profile is None  # still computing
    with qtbot.waitSignal(screen.profile_ready, timeout=20000) as ready:
        slow.opened.set()
    assert ready.args[1].is_file() and not screen.busy.isVisible()
    assert slow.off_the_gui_thread()
    screen.close()


def test_esc_while_the_profile_is_computed_closes_at_once_and_saves_nothing(
    qtbot, slow_calibration, tmp_path
):
    screen, slow = slow_calibration
    with qtbot.waitSignal(screen.closed, timeout=2000):
        qtbot.keyClick(screen, Qt.Key.Key_Escape)
    assert screen.fitting.running  # the fit goes on in its thread, without the screen
    with qtbot.waitSignal(screen.fitting.ended, timeout=20000):
        slow.opened.set()
    assert screen.profile is None and not (tmp_path / "profiles").exists()


def test_stopping_tracking_does_not_wait_for_the_worker(
    make_window, qtbot, model_file, monkeypatch
):
    slow = SlowFactory()
    monkeypatch.setattr("eyetracker.app.live.workers.create_backend", slow)
    window = make_window()
    use_model(window, model_file)
    window.toggle_tracking()
    qtbot.waitUntil(slow.entered.is_set, timeout=10000)  # the tracking worker is loading
    assert window.busy.isVisible()
    window.toggle_tracking()  # returns at once, although the worker cannot stop yet
    assert not window.live.tracking and not window.busy.isVisible()
    assert any(t.objectName() == "tracking" for t in threads.live_threads())
    with qtbot.waitSignal(window.live.stopped, timeout=20000) as stopped:
        slow.opened.set()
    assert stopped.args == ["tracking"]
