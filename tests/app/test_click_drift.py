"""Clicks keep the calibration honest, in the window: opt-in, a click in the window while
tracking updates the estimate in the status bar, and the offer to recalibrate."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from eyetracker.app.settings import AppSettings
from eyetracker.app.window.preferences import PreferencesDialog
from tests.helpers.app_window import use_model


def track(window, qtbot, model_file):
    use_model(window, model_file)
    window.toggle_tracking()
    assert window.live.tracking
    qtbot.waitUntil(lambda: window.overlay.samples_received >= 12, timeout=30000)


def click_until_counted(window, qtbot, clicks: int = 1) -> None:
    """Click the preview until `clicks` were counted: the tiny model's samples arrive as the
    CPU allows, and a click with no gaze just before it is (rightly) ignored."""

    def clicked() -> bool:
        QTest.mouseClick(window.preview, Qt.MouseButton.LeftButton)
        return window.click_drift.check.estimate().clicks >= clicks

    qtbot.waitUntil(clicked, timeout=20000)


def test_off_by_default_and_a_click_changes_nothing(make_window, qtbot, model_file):
    window = make_window()
    assert AppSettings().click_check is False
    assert not window.actions["click_check"].isChecked()
    track(window, qtbot, model_file)
    for _ in range(5):
        QTest.mouseClick(window.preview, Qt.MouseButton.LeftButton)
        qtbot.wait(100)
    assert window.click_drift.check.estimate().clicks == 0
    assert window.click_drift.estimate() is None
    window.refresh_status()
    assert window.status_labels["clicks"].text() == ""
    window.toggle_tracking()


def test_on_a_click_in_the_window_updates_the_estimate_in_the_status_bar(
    make_window, qtbot, model_file
):
    window = make_window()
    window.actions["click_check"].trigger()  # the menu's check box
    assert window.settings.click_check
    track(window, qtbot, model_file)
    click_until_counted(window, qtbot)
    estimate = window.click_drift.estimate()
    assert estimate is not None and estimate.error_pct is not None
    window.refresh_status()
    assert window.status_labels["clicks"].text().startswith("clicks: ")
    window.toggle_tracking()  # stopped: the clicks are forgotten
    assert window.click_drift.check.estimate().clicks == 0
    window.refresh_status()
    assert window.status_labels["clicks"].text() == ""


def test_drift_offers_a_recalibration_without_a_dialog(make_window, qtbot, model_file):
    window = make_window()
    window.click_drift.set_enabled(True)
    window.click_drift.validated(0.01)  # a validation far better than the tiny model
    track(window, qtbot, model_file)
    click_until_counted(window, qtbot, clicks=5)
    assert window.click_drift.estimate().drifted
    assert "Recalibrate" in window.notice.text() and window.notice.isVisible()
    window.click_drift.validated(50.0)  # a new validation: the offer goes
    assert "Recalibrate" not in window.notice.text()
    window.toggle_tracking()


def test_a_click_through_the_window_system_counts_once(make_window, qtbot, model_file):
    """A real click reaches the QWindow, then the widget and the parents it passes to."""
    window = make_window()
    window.click_drift.set_enabled(True)
    track(window, qtbot, model_file)
    handle = window.windowHandle()
    where = window.preview.mapTo(window, window.preview.rect().center())
    steps = []

    def clicked() -> bool:
        before = window.click_drift.check.estimate().clicks
        QTest.mouseClick(handle, Qt.MouseButton.LeftButton, pos=where)
        steps.append(window.click_drift.check.estimate().clicks - before)
        return steps[-1] > 0

    qtbot.waitUntil(clicked, timeout=20000)
    assert steps[-1] == 1
    window.toggle_tracking()


def test_ticked_in_preferences_the_menu_shows_it_and_clicks_count(make_window, qtbot, model_file):
    window = make_window()
    dialog = PreferencesDialog.open_for(window)
    assert not dialog.click_check.isChecked()
    dialog.click_check.setChecked(True)
    dialog.accept()
    assert window.actions["click_check"].isChecked() and window.click_drift.enabled
    assert AppSettings.load().click_check  # saved at OK, as every preference
    track(window, qtbot, model_file)
    click_until_counted(window, qtbot)
    window.toggle_tracking()

    window.actions["click_check"].trigger()  # off from the menu: Preferences shows it
    again = PreferencesDialog.open_for(window)
    assert not again.click_check.isChecked()
    again.reject()
    assert not window.click_drift.enabled
