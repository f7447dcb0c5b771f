"""The gaze overlay never blocks: transparent for input everywhere, and without a compositor
a small dot window rather than a black screen."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt

from eyetracker.app import x11
from eyetracker.app.live.overlay import NO_TRANSLUCENCY, GazeOverlay
from eyetracker.core.types import GazePoint, GazeSample


def sample(x: float, y: float, valid: bool = True, expected_error=None) -> GazeSample:
    point = GazePoint(x, y)
    return GazeSample(point, point, valid, 0.0, 0.0, 0, expected_error=expected_error)


@pytest.fixture
def overlay(qtbot):
    made = []

    def make(translucent):
        widget = GazeOverlay(40, "#ff3b30", translucent=translucent)
        qtbot.addWidget(widget)
        made.append(widget)
        return widget

    return make


@pytest.mark.parametrize("translucent", [True, False])
def test_the_overlay_takes_no_input_and_no_focus(overlay, translucent):
    widget = overlay(translucent)
    assert widget.windowFlags() & Qt.WindowType.WindowTransparentForInput
    assert widget.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert widget.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    assert widget.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert widget.testAttribute(Qt.WidgetAttribute.WA_TranslucentBackground) == translucent


def test_a_translucent_overlay_covers_the_screen(overlay, qtbot, qapp):
    widget = overlay(True)
    area = qapp.primaryScreen().geometry()
    widget.place_on(qapp.primaryScreen())
    widget.show()
    widget.show_sample(sample(0.25, 0.75))
    qtbot.waitUntil(lambda: not widget._dirty)
    assert widget.geometry() == area and widget.limitation == ""


def test_without_translucency_a_small_dot_window_follows_the_gaze(overlay, qtbot, qapp):
    widget = overlay(False)
    area = qapp.primaryScreen().geometry()
    widget.place_on(qapp.primaryScreen())
    widget.show()
    widget.show_sample(sample(0.25, 0.75))
    qtbot.waitUntil(lambda: not widget._dirty)
    expected = QPoint(area.x() + round(0.25 * area.width()), area.y() + round(0.75 * area.height()))
    assert widget.width() == widget.height() == 48  # the dot and its rings, not the screen
    assert (widget.geometry().center() - expected).manhattanLength() <= 2
    disc = widget.mask()
    assert disc.contains(QPoint(24, 24)) and not disc.contains(QPoint(1, 1))  # round
    widget.show_sample(sample(0.5, 0.5, valid=False))  # the face is lost: a ring
    qtbot.waitUntil(lambda: not widget._dirty)
    assert not widget.mask().contains(QPoint(24, 24)) and widget.mask().contains(QPoint(24, 2))
    assert widget.limitation == NO_TRANSLUCENCY


def test_the_halo_shows_the_expected_error(overlay, qtbot, qapp):
    widget = overlay(True)
    area = qapp.primaryScreen().geometry()
    widget.place_on(qapp.primaryScreen())
    widget.show()
    assert widget.halo_radii(10.0) == (0.1 * area.width(), 0.1 * area.height())

    def halo_pixel(error):
        widget.show_sample(sample(0.5, 0.5, expected_error=error))
        qtbot.waitUntil(lambda: not widget._dirty)
        # Between the dot (20 px) and a halo of 10% of the screen: inside it only when it is
        # that large.
        return widget.grab().toImage().pixelColor(area.width() // 2 + 40, area.height() // 2)

    assert halo_pixel(10.0).alpha() > 0 and halo_pixel(1.0).alpha() == 0


def test_the_dot_windows_picture_is_cut_to_its_shape(overlay, qtbot, qapp):
    # Screenshots draw the overlay from its picture: the square the dot window is cut from
    # must not show (grab() alone painted the window's grey background around the dot).
    widget = overlay(False)
    widget.place_on(qapp.primaryScreen())
    widget.show()
    widget.show_sample(sample(0.5, 0.5))
    qtbot.waitUntil(lambda: not widget._dirty)
    picture = widget.picture().toImage()
    assert picture.size() == widget.size()
    assert picture.pixelColor(1, 1).alpha() == 0  # a corner, outside the disc
    centre = picture.pixelColor(24, 24)
    assert centre.alpha() == 255 and centre.name() == widget.color.name()


def test_the_main_window_says_while_the_overlay_shows_that_it_is_a_dot(monkeypatch, make_window):
    monkeypatch.setattr(x11, "compositing", lambda: False)
    window = make_window()
    window.set_overlay_visible(True)
    assert NO_TRANSLUCENCY in window.notice.text()  # whole, in the notice bar
    window.set_overlay_visible(False)
    assert NO_TRANSLUCENCY not in window.notice.text()
    assert isinstance(window.overlay.geometry(), QRect)


DESKTOPS = {
    "bare Xvfb": [],
    "window manager": ["--wm", "openbox"],
    "window manager and compositor": ["--wm", "openbox", "--compositor", "xcompmgr"],
}


@pytest.mark.e2e
@pytest.mark.parametrize("desktop", DESKTOPS)
def test_a_menu_opens_through_the_overlay_under_xvfb(desktop, tmp_path):
    """The dot lies on the File menu's title; a real X click there opens the menu, and the
    screen shows the window, not black."""
    needed = ["xvfb-run", "xdotool", *DESKTOPS[desktop][1::2]]
    needed += ["xprop"] if "--wm" in DESKTOPS[desktop] else []  # to see the window manager start
    missing = [tool for tool in needed if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update(EYETRACKER_DATA_DIR=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path))
    command = ["xvfb-run", "-a", "-s", "-screen 0 1600x900x24", sys.executable, "-m"]
    command += ["tests.app.overlay_clicks", *DESKTOPS[desktop]]
    root = Path(__file__).parents[2]
    done = subprocess.run(command, env=env, cwd=root, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["menu_opened"], result
    assert result["centre_pixel"] != "#000000", result  # the window, not a black screen
    assert result["dot_pixel"] == result["dot_color"], result  # the dot is drawn on top
    compositor = "--compositor" in DESKTOPS[desktop]
    assert result["translucent"] == compositor
    assert result["note"] == ("" if compositor else NO_TRANSLUCENCY)
