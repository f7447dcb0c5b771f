"""The demo: the synthetic camera's person looks at the dot a stimulus screen shows."""

from __future__ import annotations

from eyetracker.app.stimulus import StimulusScreen, Target
from eyetracker.core.types import GazePoint


def test_the_demo_person_looks_at_the_dot_a_screen_shows(make_window, qtbot):
    window = make_window()  # no webcam: the synthetic camera
    channel = window.live.gaze_target
    screen = StimulusScreen()
    qtbot.addWidget(screen)
    screen.publish_targets(channel)
    screen.target = Target(0.8, 0.2)
    assert channel.get() == GazePoint(0.8, 0.2)

    def looking_at(point) -> bool:
        frame = window.frames.latest()
        return frame is not None and frame.truth == point

    qtbot.waitUntil(lambda: looking_at(GazePoint(0.8, 0.2)), timeout=15000)
    screen.target = None  # no dot: the person looks around freely again
    assert channel.get() is None
    screen.target = Target(0.3, 0.6)
    qtbot.waitUntil(lambda: looking_at(GazePoint(0.3, 0.6)), timeout=15000)
    screen.close()
    assert channel.get() is None  # a closed screen asks for nothing
