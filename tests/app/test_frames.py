"""The frame provider hands out frames captured after a given time, never stale ones."""

from __future__ import annotations

import threading

import numpy as np

from eyetracker.app.live.frames import FrameProvider
from eyetracker.core.types import Frame


def frame(index: int, timestamp: float) -> Frame:
    return Frame(image=np.zeros((4, 4, 3), np.uint8), timestamp=timestamp, index=index)


def test_first_buffered_frame_after_t(qtbot):
    provider = FrameProvider()
    for i, t in enumerate([1.0, 2.0, 3.0, 4.0]):
        provider.publish(frame(i, t))
    assert provider.next_frame_after(2.5, timeout=0).index == 2
    assert provider.newest_frame_after(2.5, timeout=0).index == 3
    assert provider.latest().index == 3


def test_waits_for_a_frame_captured_later(qtbot):
    provider = FrameProvider()
    provider.publish(frame(0, 10.0))  # stale: captured before the "key press" at t=10.5
    publisher = threading.Timer(0.05, lambda: provider.publish(frame(1, 11.0)))
    publisher.start()
    got = provider.next_frame_after(10.5, timeout=5.0)
    publisher.join()
    assert got is not None and got.index == 1


def test_times_out_with_none(qtbot):
    provider = FrameProvider()
    provider.publish(frame(0, 1.0))
    assert provider.next_frame_after(1.0, timeout=0.01) is None


def test_frame_ready_signal(qtbot):
    provider = FrameProvider()
    with qtbot.waitSignal(provider.frame_ready, timeout=1000) as blocker:
        provider.publish(frame(7, 1.0))
    assert blocker.args[0].index == 7
