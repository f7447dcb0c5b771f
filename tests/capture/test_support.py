"""Helpers shared by the OpenCV sources: quiet probing and pacing."""

from __future__ import annotations

import cv2

from eyetracker.capture._support import Pacer, quiet_opencv


def test_quiet_opencv_nests_and_restores_the_log_level():
    before = cv2.utils.logging.getLogLevel()
    with quiet_opencv():
        with quiet_opencv():  # listing cameras inside a quiet open must not deadlock
            assert cv2.utils.logging.getLogLevel() == cv2.utils.logging.LOG_LEVEL_SILENT
        assert cv2.utils.logging.getLogLevel() == cv2.utils.logging.LOG_LEVEL_SILENT
    assert cv2.utils.logging.getLogLevel() == before


def test_pacer_keeps_the_rate_and_does_not_burst_after_a_stall():
    now, sleeps = [0.0], []

    def sleep(seconds: float) -> None:
        sleeps.append(round(seconds, 6))
        now[0] += seconds

    pacer = Pacer(10.0, clock=lambda: now[0], sleep=sleep)
    pacer.wait()  # first frame: at once
    pacer.wait()
    pacer.wait()
    assert sleeps == [0.1, 0.1]
    now[0] += 5.0  # the consumer stalled for 5 s
    pacer.wait()
    pacer.wait()
    assert sleeps == [0.1, 0.1, 0.1]  # one period after the restart, no backlog rushed out
