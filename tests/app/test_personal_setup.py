"""Set up for me: a measurement, the model fine-tuned on it (a real, short training in a child
process), the new model's profile from the same measurement, then tracking."""

from __future__ import annotations

import functools

import numpy as np

from eyetracker.app import finetune
from eyetracker.app.paths import profiles_dir
from eyetracker.app.personal_setup import PersonalSetup
from eyetracker.app.tools import dataset_dir
from eyetracker.core.manifest import Screen
from eyetracker.core.measurement import MeasurementWriter
from eyetracker.model.checkpoint import load_checkpoint
from eyetracker.runtime.calibration import grid_points
from eyetracker.runtime.profile import load_profile
from eyetracker.synth.dataset import person_for, sitting_for
from eyetracker.synth.render import render_frame
from tests.helpers.app_window import open_dialogs

SHORT = ("--steps", "2", "--device", "cpu", "--workers", "1")


def measured(person: str, points: int = 16, frames: int = 2):
    """A measurement of a synthetic person in the app's dataset, as the measurement screen
    leaves it."""
    writer = MeasurementWriter(dataset_dir(), person, Screen(1920, 1080))
    rng = np.random.default_rng(7)
    human, sitting = person_for(7, 0), sitting_for(7, person_for(7, 0), 0, 0)
    for point in grid_points(points):
        for _ in range(frames):
            writer.add(render_frame(human, sitting, point, rng)[0], point.x, point.y)
    return writer.folder


def test_the_first_run_offers_it_and_the_sequence_ends_tracking_with_a_profile(
    make_window, qtbot, monkeypatch
):
    window = make_window()
    assert "Set up for me" in window.notice.text()  # nobody has a profile yet
    dialog_class = finetune.FinetuneDialog
    monkeypatch.setattr(
        finetune, "FinetuneDialog", functools.partial(dialog_class, extra_args=SHORT)
    )
    setup = PersonalSetup(window.tools)
    setup._measured(measured("Ada"))  # the measurement screen's `finished`
    dialog = next(d for d in window.tools.open_screens if isinstance(d, dialog_class))
    qtbot.waitUntil(lambda: dialog.state != "running", timeout=120_000)
    assert dialog.state == "finished", dialog.status.text()
    with qtbot.waitSignal(setup.ended, timeout=60_000) as ended:
        dialog.use_button.click()
    assert ended.args == ["tracking"]
    model = window.tracking_config().model
    assert model == dialog.out_model and window.controls.user.currentText() == "Ada"
    profile = load_profile(
        profiles_dir() / "Ada" / f"{load_checkpoint(model).info.fingerprint}.npz"
    )
    # most of the 32 frames: seen as a stream a second apart, as the profile sees a
    # measurement, 4 of them read as closed eyes (docs/benchmarks.md, "Calibration correction")
    assert profile.source.startswith("measurement ") and profile.frames >= 24
    assert window.session.tracking
    window.session.stop_tracking()


def test_closing_the_measurement_before_a_dot_ends_it_quietly(make_window, qtbot, qapp):
    window = make_window()
    empty = MeasurementWriter(dataset_dir(), "Ada", Screen(1920, 1080)).folder
    for folder in (None, empty):  # the question was cancelled; no dot was saved
        setup = PersonalSetup(window.tools)
        with qtbot.waitSignal(setup.ended, timeout=1000) as ended:
            setup._measured(folder)
        assert ended.args == ["cancelled"]
    assert not open_dialogs(qapp) and not window.tools.open_screens


def test_the_notices_link_starts_it_with_the_measurement_question(make_window, qtbot):
    from eyetracker.app.measurement import MeasurementScreen

    window = make_window()
    window.notice.linkActivated.emit("setup")  # a click on "Set up for me…"
    assert "Set up for me" not in window.notice.text()  # offered once it is taken up
    screen = next(s for s in window.tools.open_screens if isinstance(s, MeasurementScreen))
    setup = next(s for s in window.tools.open_screens if isinstance(s, PersonalSetup))
    with qtbot.waitSignal(setup.ended, timeout=1000) as ended:
        screen.person_dialog.reject()  # Cancel on "who is measured?"
    assert ended.args == ["cancelled"]
