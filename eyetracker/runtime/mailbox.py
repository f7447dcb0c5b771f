"""A one-slot mailbox between two threads where the newest item wins.

The producer (the camera) never waits and the consumer (inference) always gets the freshest
frame: nothing can pile up, so latency stays bounded by one frame plus one processing step
however slow the consumer is. Items replaced before anyone took them are counted as dropped.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

T = TypeVar("T")


class Mailbox(Generic[T]):
    """`put` replaces, `get` blocks for the next item, `close` wakes every waiter.

    After `close()` a pending item can still be taken; then `get` returns None at once.
    """

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._item: T | None = None
        self._closed = False
        self.dropped = 0  # items replaced before they were taken
        self.delivered = 0

    def put(self, item: T) -> bool:
        """Leave `item` for the consumer; True when it replaced one never taken (a drop).

        After `close()` the item is discarded and nothing is counted.
        """
        if item is None:
            raise ValueError("None cannot be posted: it is what get() returns on timeout")
        with self._ready:
            if self._closed:
                return False
            replaced = self._item is not None
            if replaced:
                self.dropped += 1
            self._item = item
            self._ready.notify()
            return replaced

    def get(self, timeout: float | None = None) -> T | None:
        """The newest item, waiting up to `timeout` seconds (forever with None).

        Returns None on timeout, or when the mailbox is closed and empty.
        """
        with self._ready:
            self._ready.wait_for(lambda: self._item is not None or self._closed, timeout)
            item, self._item = self._item, None
            if item is not None:
                self.delivered += 1
            return item

    def close(self) -> None:
        """No more items: wake every waiting `get`."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed

    def __len__(self) -> int:
        """0 or 1: how many items wait to be taken."""
        return int(self._item is not None)
