"""Preferences: typed settings with defaults, the dialog, where each choice is used, the model
list's memory, and command-line choices that apply to one run only."""

from __future__ import annotations

import argparse
from dataclasses import fields

import pytest
from PySide6.QtCore import Qt

from eyetracker.app.paths import data_dir
from eyetracker.app.settings import PREFERENCES, AppSettings, qsettings
from eyetracker.app.window.preferences import DEFAULTS, PreferencesDialog
from eyetracker.core.smoothing import SMOOTHING_STRENGTHS
from tests.helpers.app_window import open_dialogs, use_model


def write_ini(**values) -> None:
    store = qsettings()
    for name, value in values.items():
        store.setValue(name, value)
    store.sync()


def test_settings_round_trip_through_qsettings():
    chosen = AppSettings(
        model="/m/a.pt",
        recent_models=("/m/a.pt",),  # one entry: INI files give it back as a plain string
        backend="torch",
        data_folder="/data/eyes",
        overlay_visible=True,
        overlay_size=28,
        overlay_color="#00ff00",
        smoothing="strong",
        camera_resolution="1280x720",
        stream_port=9000,
        stream_lsl_network=True,
    )
    chosen.save()
    assert AppSettings.load() == chosen
    chosen.recent_models = ("/m/a.pt", "/m/b.onnx")
    chosen.save()
    assert AppSettings.load().recent_models == ("/m/a.pt", "/m/b.onnx")
    chosen.recent_models = ()
    chosen.save()
    assert AppSettings.load().recent_models == ()


def test_a_corrupt_value_falls_back_to_the_fields_default_not_zero():
    write_ini(
        overlay_size="huge",
        stream_port="0",  # out of range
        overlay_color="not a colour",
        smoothing="extreme",
        backend="tpu",
        overlay_visible="maybe",
        stream_websocket="",
        camera_resolution="big",
        data_folder="relative/path",
        overlay_screen="-3",
        user="ada",  # a good value beside them is kept
    )
    loaded = AppSettings.load()
    expected = {item.name: item.default for item in fields(AppSettings)}
    expected["user"] = "ada"
    assert {item.name: getattr(loaded, item.name) for item in fields(AppSettings)} == expected
    assert loaded.overlay_size == 40 and loaded.stream_port == 8765


def test_values_an_ini_file_gives_back_as_text_are_typed_again():
    write_ini(
        overlay_size="28", overlay_visible="true", stream_lsl_network="true", stream_port=" 9001"
    )
    loaded = AppSettings.load()
    assert (loaded.overlay_size, loaded.overlay_visible) == (28, True)
    assert (loaded.stream_lsl_network, loaded.stream_port) == (True, 9001)


def test_the_dialog_shows_saves_and_applies_the_choices(make_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.delenv("EYETRACKER_DATA_DIR")  # the preference decides where data goes
    write_ini(overlay_size="enormous")  # corrupt: the dialog shows the default
    window = make_window()
    window.actions["preferences"].trigger()
    dialog = window.findChild(PreferencesDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.values() == {name: DEFAULTS[name] for name in PREFERENCES}

    folder = tmp_path / "my data"
    dialog.data_folder.setText(str(folder))
    dialog.stream_port.setValue(9123)
    dialog.stream_lsl_network.setChecked(True)
    dialog.overlay_size.setValue(64)
    dialog.set_color("#0000ff")
    dialog.smoothing.setCurrentIndex(dialog.smoothing.findData("off"))
    dialog.camera_resolution.setCurrentIndex(dialog.camera_resolution.findData("1280x720"))
    chosen = dialog.values()
    dialog.accept()

    saved = AppSettings.load()  # at OK, not only when the window closes
    assert {name: getattr(saved, name) for name in PREFERENCES} == chosen
    assert folder.is_dir() and data_dir() == folder
    assert (window.overlay.dot_size, window.overlay.color.name()) == (64, "#0000ff")
    assert window.live.camera_resolution == (1280, 720)
    assert window.tracking_config().smoothing is None  # off: the model's raw points

    window.actions["preferences"].trigger()  # shows what was saved
    again = [d for d in window.findChildren(PreferencesDialog) if d.isVisible()][0]
    assert again.values() == chosen
    again.restore_defaults()
    assert again.values() == {name: DEFAULTS[name] for name in PREFERENCES}
    again.reject()
    assert AppSettings.load().stream_port == 9123  # Cancel keeps what was saved


def test_a_data_folder_that_cannot_be_made_keeps_the_dialog_open(
    make_window, qtbot, qapp, tmp_path
):
    window = make_window()
    blocker = tmp_path / "a file"
    blocker.write_text("")
    dialog = PreferencesDialog.open_for(window)
    dialog.data_folder.setText(str(blocker / "data"))
    dialog.accept()
    qtbot.waitUntil(lambda: bool(open_dialogs(qapp)), timeout=5000)
    box = open_dialogs(qapp)[0]
    assert box.text() == (
        f"Cannot make the data folder {blocker / 'data'}: {blocker} is a file, not a folder; "
        "choose a new folder."
    )
    box.close()
    assert dialog.isVisible() and AppSettings.load().data_folder == ""
    dialog.reject()


@pytest.mark.parametrize("strength", list(SMOOTHING_STRENGTHS))
def test_smoothing_strength_reaches_the_tracker(make_window, strength):
    window = make_window()
    window.settings.smoothing = strength
    assert window.tracking_config().smoothing == SMOOTHING_STRENGTHS[strength]


def test_the_model_list_remembers_earlier_models_that_still_exist(
    make_window, qtbot, tmp_path, monkeypatch, model_file
):
    gone = tmp_path / "deleted.pt"
    older = tmp_path / "older.onnx"
    older.write_bytes(b"not read here")
    AppSettings(recent_models=(str(gone), str(older))).save()
    first = make_window()
    listed = [first.controls.model.itemData(i) for i in range(first.controls.model.count())]
    assert listed == ["", str(older)]  # the bundled model, then the one that still exists
    assert first.controls.model.currentData() == ""  # listing is not choosing
    monkeypatch.setattr(
        "eyetracker.app.window.main_window.QFileDialog.getOpenFileName",
        lambda *a, **k: (str(model_file), "Models (*.pt *.onnx)"),
    )
    first.choose_model_file()
    first.close()
    assert AppSettings.load().recent_models[:2] == (str(model_file), str(gone))
    second = make_window()
    listed = [second.controls.model.itemData(i) for i in range(second.controls.model.count())]
    assert listed == ["", str(model_file), str(older)]
    assert second.controls.model.currentData() == str(model_file)


def test_command_line_choices_apply_to_that_run_only(make_window, model_file):
    from eyetracker.app.main import apply_options

    AppSettings(backend="onnxruntime").save()
    window = make_window()
    args = argparse.Namespace(
        model=str(model_file), backend="torch", device="cpu", camera="synthetic", overlay=True
    )
    apply_options(window, args)
    assert window.controls.model.currentData() == str(model_file.resolve())
    assert window.controls.backend.currentData() == "torch"
    assert window.overlay.isVisible()
    window.close()
    saved = AppSettings.load()
    assert (saved.model, saved.backend, saved.device) == ("", "onnxruntime", "auto")
    assert not saved.overlay_visible and saved.recent_models == ()


def test_a_choice_changed_in_the_window_after_the_command_line_is_kept(make_window, model_file):
    from eyetracker.app.main import apply_options

    window = make_window()
    apply_options(window, argparse.Namespace(backend="torch"))
    use_model(window, model_file)  # chooses torch again: the same as the command line
    from eyetracker.app.window.controls import select_data

    select_data(window.controls.backend, "onnxruntime")
    window.close()
    assert AppSettings.load().backend == "onnxruntime"


def test_streaming_with_no_protocol_chosen_is_a_dialog(make_window, qtbot, qapp, model_file):
    window = make_window()
    use_model(window, model_file)
    window.settings.stream_websocket = window.settings.stream_lsl_network = False
    window.actions["stream"].trigger()
    window.toggle_tracking()
    boxes = open_dialogs(qapp)
    assert len(boxes) == 1 and boxes[0].text().startswith("No stream protocol")
    boxes[0].close()
    assert window.outputs.streams is None and not window.actions["stream"].isChecked()
    window.toggle_tracking()


def test_turning_the_attention_check_off_gives_a_measurement_without_letters(
    make_window, qtbot, tmp_path
):
    from eyetracker.app.screens.measurement import CHECK_EVERY, MeasurementScreen
    from eyetracker.core.dataset import load_dataset
    from tests.helpers.app_feeds import FeedingProvider, synthetic_faces

    window = make_window()
    dialog = PreferencesDialog.open_for(window)
    assert dialog.attention_check.isChecked() and window.settings.attention_check  # default
    dialog.attention_check.setChecked(False)
    dialog.accept()
    assert not window.settings.attention_check
    assert not AppSettings.load().attention_check  # saved at OK

    faces = synthetic_faces(2)
    provider = FeedingProvider(lambda i: faces[i % len(faces)])
    screen = MeasurementScreen(
        provider, tmp_path / "data", person="Ada", count=6, seed=1, settings=window.settings
    )
    qtbot.addWidget(screen)
    screen.start()
    qtbot.waitExposed(screen)
    assert screen.collector.check_every == 0
    with qtbot.waitSignal(screen.finished, timeout=10_000):
        for _ in range(6):
            assert screen.collector.letter is None and not screen.target.letter
            before = screen.collector.saved
            qtbot.keyClick(screen, Qt.Key.Key_Space)
            qtbot.waitUntil(lambda b=before: screen.collector.saved == b + 1, timeout=3000)
    provider.stop()
    [measurement] = load_dataset(tmp_path / "data").measurements
    assert all("attended" not in s.to_json() and "letter" not in s.extra for s in measurement)

    saved = MeasurementScreen(provider, tmp_path / "data", person="Ada", count=1)  # as saved
    qtbot.addWidget(saved)
    saved.start()
    assert saved.collector.check_every == 0
    saved.close()

    again = PreferencesDialog.open_for(window)
    assert not again.attention_check.isChecked()
    again.restore_defaults()
    again.accept()
    assert window.settings.attention_check
    on = MeasurementScreen(
        provider, tmp_path / "data", person="Ada", count=1, settings=window.settings
    )
    qtbot.addWidget(on)
    on.start()
    assert on.collector.check_every == CHECK_EVERY
    on.close()


def test_an_older_ini_with_the_attention_check_off_is_read_as_off(make_window):
    write_ini(attention_check="false")  # the key Preferences once kept beside AppSettings
    assert AppSettings.load().attention_check is False
    window = make_window()
    assert window.settings.attention_check is False
    dialog = PreferencesDialog.open_for(window)
    assert not dialog.attention_check.isChecked()
    dialog.reject()
