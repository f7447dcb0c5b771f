"""What the first hour showed (issue 23): the gaze dot stays out of the full-screen
calibration, validation and measurement screens, and texts too long for their place lose
their middle with the whole text in a tooltip."""

from __future__ import annotations

from eyetracker.app.screens.measurement import MeasurementScreen
from eyetracker.app.stimulus import StimulusScreen
from eyetracker.app.window.controls import ControlsPanel
from eyetracker.app.window.help import DocumentationDialog
from tests.helpers.app_feeds import FeedingProvider, synthetic_faces

RECORDED = (
    "Recorded 388 samples into /home/someone/.local/share/eyetracker/recordings/"
    "Ada Lovelace, second sitting, after lunch, with glasses/20250101-120000/gaze.csv"
)


def test_the_overlay_hides_while_a_stimulus_screen_is_shown(make_window, qtbot):
    """StimulusScreen is what the calibration and validation screens are drawn on."""
    window = make_window()
    window.set_overlay_visible(True)
    assert window.overlay.isVisible()
    screen = StimulusScreen()
    qtbot.addWidget(screen)
    screen.show_full_screen()
    qtbot.waitExposed(screen)
    assert not window.overlay.isVisible()
    window.toggle_overlay()  # turned off meanwhile: it stays off afterwards
    window.toggle_overlay()  # and on again: still hidden while the screen is up
    assert not window.overlay.isVisible()
    screen.close()
    assert window.overlay.isVisible()


def test_the_overlay_hides_during_a_measurement_and_stays_off_if_it_was(
    make_window, qtbot, tmp_path
):
    window = make_window()
    window.set_overlay_visible(True)
    feed = FeedingProvider(lambda i: synthetic_faces(1)[0])
    screen = MeasurementScreen(feed, tmp_path / "data", person="Ada", count=3, seed=1)
    qtbot.addWidget(screen)
    screen.start()
    qtbot.waitExposed(screen)
    assert not window.overlay.isVisible()
    screen.finish()
    assert window.overlay.isVisible()
    window.set_overlay_visible(False)
    again = StimulusScreen()
    qtbot.addWidget(again)
    again.show_full_screen()
    again.close()
    assert not window.overlay.isVisible()  # the user's choice is kept
    feed.stop()


def test_a_long_status_message_loses_its_middle_and_is_whole_in_the_tooltip(make_window, qtbot):
    window = make_window()
    bar = window.statusBar()
    qtbot.waitUntil(lambda: "running" in bar.currentMessage(), timeout=15000)  # the camera's
    bar.showMessage(RECORDED)
    shown = bar.shown_message()
    assert shown.startswith("Recorded 388") and shown.endswith("gaze.csv")
    assert bar.toolTip() == RECORDED
    bar.showMessage("Recorded 3 samples.")
    assert bar.shown_message() == "Recorded 3 samples." and bar.toolTip() == ""


def test_a_fine_tuned_models_name_is_elided_with_its_path_in_the_tooltip(qtbot):
    controls = ControlsPanel()
    qtbot.addWidget(controls)
    path = "/home/someone/.local/share/eyetracker/models/finetuned-20250101-120000.pt"
    controls.add_model(path)
    controls.model.setFixedWidth(140)
    controls.show()
    qtbot.waitExposed(controls)
    shown = controls.model.shown_text()
    assert "…" in shown and shown.startswith("fine") and shown.endswith(".pt")
    assert controls.model.toolTip() == path


def test_helps_screenshots_and_commands_fit_its_window(qtbot):
    dialog = DocumentationDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    browser = dialog.browser
    qtbot.waitUntil(lambda: bool(browser._images), timeout=3000)
    assert browser.horizontalScrollBar().maximum() == 0
    dialog.resize(500, 500)
    qtbot.waitUntil(lambda: browser.viewport().width() < 500, timeout=3000)
    assert browser.document().size().width() <= browser.viewport().width() + 1
