"""The frame feed: screens get frames captured after a given time, never stale ones; a reader
gets the newest frame it has not taken, and the ones it skipped are counted."""

from __future__ import annotations

import threading

import numpy as np

from eyetracker.core.types import Frame
from eyetracker.runtime.frame_feed import FrameFeed


def frame(index: int, timestamp: float = 0.0) -> Frame:
    return Frame(image=np.zeros((4, 4, 3), np.uint8), timestamp=timestamp, index=index)


def test_first_buffered_frame_after_t():
    feed = FrameFeed()
    for i, t in enumerate([1.0, 2.0, 3.0, 4.0]):
        feed.publish(frame(i, t))
    assert feed.next_frame_after(2.5, timeout=0).index == 2
    assert feed.latest().index == 3


def test_waits_for_a_frame_captured_later():
    feed = FrameFeed()
    feed.publish(frame(0, 10.0))  # stale: captured before the "key press" at t=10.5
    publisher = threading.Timer(0.05, lambda: feed.publish(frame(1, 11.0)))
    publisher.start()
    got = feed.next_frame_after(10.5, timeout=5.0)
    publisher.join()
    assert got is not None and got.index == 1


def test_times_out_with_none():
    feed = FrameFeed()
    feed.publish(frame(0, 1.0))
    assert feed.next_frame_after(1.0, timeout=0.01) is None


def test_newest_frame_wins_and_skipped_frames_count_as_dropped():
    feed = FrameFeed()
    feed.publish(frame(0))  # before the reader began: neither taken nor dropped
    drops = []
    reader = feed.reader(on_drop=drops.append)
    assert reader.take(timeout=0) is None
    for i in (1, 2, 3):
        feed.publish(frame(i))
    assert reader.take(timeout=0).index == 3
    assert reader.take(timeout=0) is None  # nothing newer yet
    feed.publish(frame(4))
    assert reader.take(timeout=0).index == 4  # the next one: not a drop
    assert reader.dropped == 2 and drops == [2]


def test_readers_keep_their_own_place_and_clearing_keeps_the_count():
    feed = FrameFeed()
    first, second = feed.reader(), feed.reader()
    feed.publish(frame(1))
    assert first.take(timeout=0).index == 1
    feed.publish(frame(2))
    feed.clear()  # the camera changed: frame 2 is gone
    assert second.take(timeout=0) is None
    feed.publish(frame(3))
    assert second.take(timeout=0).index == 3 and second.dropped == 2
    assert first.take(timeout=0).index == 3 and first.dropped == 1


def test_close_wakes_a_blocked_take():
    feed = FrameFeed()
    reader = feed.reader()
    waiting, results = threading.Event(), []

    def consumer():
        waiting.set()
        results.append(reader.take())  # no timeout: only close() can end this wait

    thread = threading.Thread(target=consumer)
    thread.start()
    waiting.wait(timeout=10)
    reader.close()
    thread.join(timeout=10)
    assert not thread.is_alive() and results == [None]


def test_an_ended_feed_still_gives_its_pending_frame_then_none():
    feed = FrameFeed()
    reader = feed.reader()
    feed.publish(frame(7))
    feed.end()
    assert reader.take().index == 7  # no timeout: the end wakes the wait
    assert reader.take() is None and feed.ended


def test_a_blocked_take_receives_a_frame_published_by_another_thread():
    feed = FrameFeed()
    reader = feed.reader()
    received = []
    thread = threading.Thread(target=lambda: received.append(reader.take(timeout=10)))
    thread.start()
    feed.publish(frame(5))
    thread.join(timeout=10)
    assert [f.index for f in received] == [5]


def test_many_publishers_every_frame_is_taken_or_dropped():
    feed = FrameFeed()
    reader = feed.reader()
    start = threading.Event()

    def produce(base):
        start.wait(timeout=10)
        for i in range(500):
            feed.publish(frame(base + i))

    threads = [threading.Thread(target=produce, args=(k * 1000,)) for k in range(4)]
    for thread in threads:
        thread.start()
    start.set()
    taken = 0
    while any(t.is_alive() for t in threads):
        taken += reader.take(timeout=0) is not None
    for thread in threads:
        thread.join(timeout=10)
    taken += reader.take(timeout=0) is not None
    assert taken + reader.dropped == 2000
