"""The frame provider: the camera's feed with a Qt signal per frame (the feed's history and
hand-off are tested in tests/runtime/test_frame_feed.py)."""

from __future__ import annotations

import numpy as np

from eyetracker.app.live.frames import FrameProvider
from eyetracker.core.types import Frame


def frame(index: int, timestamp: float) -> Frame:
    return Frame(image=np.zeros((4, 4, 3), np.uint8), timestamp=timestamp, index=index)


def test_frame_ready_signal_and_the_feed_see_each_frame(qtbot):
    provider = FrameProvider()
    reader = provider.feed.reader()
    with qtbot.waitSignal(provider.frame_ready, timeout=1000) as blocker:
        provider.publish(frame(7, 1.0))
    assert blocker.args[0].index == 7
    assert provider.latest().index == 7 and reader.take(timeout=0).index == 7
    assert provider.next_frame_after(0.5, timeout=0).index == 7
