"""The Tools menu opens the other screens with the window's choices."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from eyetracker.app.viewer.dataset_view import DatasetView
from tests.helpers.app_window import action, open_dialogs


def test_tools_menu_lists_every_screen(make_window):
    window = make_window()
    texts = [a.text().replace("&", "") for a in window.tools_menu.actions() if a.text()]
    assert texts == [
        "Set up for me (measure, fine-tune, track)…",
        "Measurement…",
        "Quick calibration…",
        "Validation…",
        "Dataset…",
        "Fine-tune on my measurements…",
    ]


def test_dataset_view_opens_on_the_app_dataset(make_window, qtbot, tmp_path):
    window = make_window()
    action(window, "Dataset").trigger()
    views = [w for w in window.tools.open_screens if isinstance(w, DatasetView)]
    assert views and views[0].isVisible()
    assert views[0].dataset_dir == tmp_path / "data" / "dataset"
    views[0].close()


def test_calibration_asks_for_a_user_name_first(make_window, qtbot, qapp):
    window = make_window()
    window.controls.user.setCurrentText("")
    action(window, "Quick calibration").trigger()
    dialogs = open_dialogs(qapp)
    assert dialogs and "User field" in dialogs[0].text()
    for box in dialogs:
        box.close()


def test_finetune_in_the_packaged_app_says_it_needs_the_python_install(
    make_window, qtbot, qapp, monkeypatch
):
    window = make_window()
    monkeypatch.setattr("sys.frozen", True, raising=False)  # as PyInstaller sets it
    action(window, "Fine-tune").trigger()
    dialogs = open_dialogs(qapp)
    assert dialogs and "needs the Python install" in dialogs[0].text()
    assert not window.tools.open_screens  # no training process was started
    for box in dialogs:
        box.close()


def test_calibration_while_tracking_says_how_to_reach_the_locked_user_field(
    make_window, qtbot, qapp
):
    window = make_window()
    window.controls.user.setCurrentText("")
    window.controls.user.setEnabled(False)  # as while tracking runs
    action(window, "Quick calibration").trigger()
    dialogs = open_dialogs(qapp)
    assert dialogs and dialogs[0].text().startswith("Stop tracking, type your name")
    for box in dialogs:
        box.close()


def test_quit_closes_the_apps_other_windows_too(make_window, qtbot, tmp_path):
    window = make_window()
    action(window, "Dataset").trigger()
    views = [w for w in QApplication.topLevelWidgets() if isinstance(w, DatasetView)]
    assert views and views[-1].isVisible()
    window.close()
    assert not any(w.isVisible() for w in views)
