"""The channel from the app's stimulus screens to the synthetic camera: the person looks at
the dot the app shows, with a human reaction time and saccade, and follows its script otherwise."""

from __future__ import annotations

import threading

from eyetracker.capture.gaze_target import GazeTarget
from eyetracker.capture.synthetic import SyntheticCamera
from eyetracker.core.types import GazePoint
from eyetracker.synth.scripts import REACTION_S

FPS = 30.0


def camera(channel: GazeTarget | None) -> SyntheticCamera:
    return SyntheticCamera(
        script="fixations", seed=5, fps=FPS, realtime=False, compress=False, gaze_target=channel
    )


def test_the_channel_holds_the_last_point_set_from_any_thread():
    channel = GazeTarget()
    assert channel.get() is None
    writer = threading.Thread(target=channel.set, args=(GazePoint(0.2, 0.7),))
    writer.start()
    writer.join()
    assert channel.get() == GazePoint(0.2, 0.7)
    channel.set(None)
    assert channel.get() is None


def test_the_synthetic_person_looks_at_the_target_once_settled():
    channel = GazeTarget()
    target = GazePoint(0.85, 0.15)
    with camera(channel) as source:
        source.read()  # the person looks around as the script says
        channel.set(target)
        frames = [source.read() for _ in range(int(FPS))]  # one second on the dot
    # Noticing the dot takes a reaction time: the first frames still look elsewhere.
    assert frames[0].truth != target
    assert frames[0].meta["phase"] == "target-reaction"
    # Reaction (<= 0.25 s) and a saccade across the screen (< 0.1 s): settled by 0.4 s.
    settled = frames[int(0.4 * FPS) :]
    assert all(f.truth == target for f in settled)
    assert all(f.meta["phase"] == "target" for f in settled)
    first_on = next(i for i, f in enumerate(frames) if f.truth == target)
    assert first_on / FPS >= REACTION_S[0]


def test_the_person_follows_the_next_target_and_the_script_when_released():
    channel = GazeTarget()
    a, b = GazePoint(0.1, 0.1), GazePoint(0.9, 0.9)
    with camera(channel) as source, camera(None) as free:
        channel.set(a)
        for _ in range(int(FPS)):
            source.read(), free.read()
        channel.set(b)
        moved = [source.read() for _ in range(int(FPS))]
        for _ in moved:
            free.read()
        channel.set(None)
        released = [(source.read(), free.read()) for _ in range(int(FPS))]
    assert moved[-1].truth == b
    # Between the two dots the eyes pass through the screen, not jump.
    xs = [f.truth.x for f in moved if f.meta["phase"] == "target-saccade"]
    assert xs and all(a.x < x < b.x for x in xs)
    # With no target the person is back on its own script (the same seed, the same looks).
    assert released[0][0].truth != released[0][1].truth
    assert [f.truth for f, _ in released[-10:]] == [g.truth for _, g in released[-10:]]


def test_a_camera_without_a_channel_follows_its_script_only():
    with camera(None) as source:
        phases = {source.read().meta["phase"] for _ in range(10)}
    assert phases <= {"fixation", "saccade"}


def test_a_target_off_the_screen_is_clamped_to_it():
    channel = GazeTarget()
    channel.set(GazePoint(-0.5, 2.0))
    with camera(channel) as source:
        frames = [source.read() for _ in range(int(FPS))]
    assert frames[-1].truth == GazePoint(0.0, 1.0)
