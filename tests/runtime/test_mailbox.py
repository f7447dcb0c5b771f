from __future__ import annotations

import threading

import pytest

from eyetracker.runtime.mailbox import Mailbox


def test_newest_item_wins_and_replaced_items_count_as_dropped():
    box: Mailbox[int] = Mailbox()
    assert box.put(1) is False
    assert box.put(2) is True
    assert box.put(3) is True
    assert len(box) == 1
    assert box.get(timeout=0) == 3
    assert (box.dropped, box.delivered) == (2, 1)
    assert box.put(4) is False  # the slot was emptied by get: not a drop
    assert box.dropped == 2


def test_get_times_out_empty_and_none_cannot_be_posted():
    box: Mailbox[int] = Mailbox()
    assert box.get(timeout=0) is None
    with pytest.raises(ValueError):
        box.put(None)


def test_close_wakes_a_blocked_get_and_keeps_the_pending_item():
    box: Mailbox[int] = Mailbox()
    waiting, results = threading.Event(), []

    def consumer():
        waiting.set()
        results.append(box.get())  # no timeout: only close() can end this wait

    thread = threading.Thread(target=consumer)
    thread.start()
    waiting.wait(timeout=10)
    box.close()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert results == [None]

    closed: Mailbox[int] = Mailbox()
    closed.put(7)
    closed.close()
    assert closed.put(8) is False  # discarded after close, not counted
    assert closed.get() == 7
    assert closed.get() is None
    assert closed.dropped == 0


def test_a_blocked_get_receives_an_item_put_by_another_thread():
    box: Mailbox[str] = Mailbox()
    received = []
    thread = threading.Thread(target=lambda: received.append(box.get(timeout=10)))
    thread.start()
    box.put("frame")
    thread.join(timeout=10)
    assert received == ["frame"]


def test_many_producers_never_grow_the_box():
    box: Mailbox[int] = Mailbox()
    start = threading.Event()

    def produce(base):
        start.wait(timeout=10)
        for i in range(500):
            box.put(base + i)

    threads = [threading.Thread(target=produce, args=(k * 1000,)) for k in range(4)]
    for thread in threads:
        thread.start()
    start.set()
    taken = 0
    while any(t.is_alive() for t in threads):
        assert len(box) <= 1
        if box.get(timeout=0) is not None:
            taken += 1
    for thread in threads:
        thread.join(timeout=10)
    taken += box.get(timeout=0) is not None
    assert taken + box.dropped == 2000
    assert box.delivered == taken
