"""The stream's blink decision: a short dip of both eyes is a blink, a lasting one is not."""

from __future__ import annotations

import numpy as np

from eyetracker.inference.blinks import BLINK_MAX_S, BlinkFilter

OPEN, NARROW, SHUT = np.array([0.7, 0.72]), np.array([0.38, 0.4]), np.array([0.15, 0.12])
FRAME_S = 1 / 30


def run(states, expected=None, step=FRAME_S):
    """Feed (openness per frame); returns the blink decisions."""
    blinks = BlinkFilter()
    return [blinks.is_blink(o, 10.0 + i * step, expected) for i, o in enumerate(states)]


def test_a_short_dip_of_both_eyes_is_a_blink_and_the_frames_around_it_are_not():
    states = [OPEN] * 30 + [SHUT] * 6 + [OPEN] * 30  # a 200 ms blink
    decisions = run(states)
    assert decisions[30:36] == [True] * 6
    assert not any(decisions[:30]) and not any(decisions[36:])


def test_an_eye_that_stays_narrow_is_looking_down_and_gives_gaze_after_a_blink_s_length():
    states = [OPEN] * 30 + [NARROW] * 60  # looks at the bottom of the screen for 2 s
    decisions = run(states)
    first_after = 30 + int(np.ceil(BLINK_MAX_S / FRAME_S)) + 1
    assert not any(decisions[first_after:])
    # ... and a blink from there is measured against the narrow eye.
    decisions = run(states + [SHUT * 0.5] * 5 + [NARROW] * 10)
    assert decisions[90:95] == [True] * 5 and not any(decisions[95:])


def test_one_eye_shut_is_no_blink():
    assert not any(run([OPEN] * 30 + [np.array([0.7, 0.1])] * 6))


def test_a_look_down_the_calibration_saw_is_no_dip_at_all():
    # The calibration expects the narrow gap at this vertical gaze: not one frame is held back.
    assert not any(run([OPEN] * 30 + [NARROW] * 30, expected=NARROW))
    # ... and a blink is still a dip below that expectation.
    assert any(run([NARROW] * 30 + [SHUT] * 4 + [NARROW] * 5, expected=NARROW))


def test_frames_a_second_apart_carry_no_timing_and_are_never_blinks():
    assert not any(run([OPEN, SHUT, OPEN, SHUT, SHUT], step=1.0))
