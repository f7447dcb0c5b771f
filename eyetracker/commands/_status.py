"""A status line for the live commands (record, stream): samples/s, the share with a face,
and what the caller adds (rows written, clients), rewritten in place on a terminal.

Samples arrive in the tracker's thread; the line is written from there at most every
`interval` seconds. Where stderr is not a terminal (a log file) a plain line is written every
`plain_interval` seconds instead of carriage returns.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO


class StatusLine:
    def __init__(
        self,
        details: Callable[[], str] = lambda: "",
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        interval: float = 0.5,
        plain_interval: float = 10.0,
    ) -> None:
        self.details = details
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.in_place = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval if self.in_place else plain_interval
        self.samples = self.valid = 0
        self._lock = threading.Lock()
        self._started = self._shown_at = clock()
        self._shown_samples = 0
        self._rate = 0.0
        self._width = 0  # of the last line, to blank what a shorter one leaves

    def count(self, valid: bool) -> None:
        """One more sample; rewrites the line when it is due."""
        with self._lock:
            self.samples += 1
            self.valid += int(valid)
            now = self.clock()
            if now - self._shown_at >= self.interval:
                self._rate = (self.samples - self._shown_samples) / (now - self._shown_at)
                self._shown_at, self._shown_samples = now, self.samples
                self._write(self.text(now))

    def text(self, now: float | None = None) -> str:
        seconds = int((self.clock() if now is None else now) - self._started)
        share = 100 * self.valid / self.samples if self.samples else 0.0
        line = f"{seconds // 60:02d}:{seconds % 60:02d}  {self._rate:.1f} samples/s, "
        line += f"{share:.0f}% with a face"
        details = self.details()
        return f"{line}, {details}" if details else line

    def _write(self, line: str) -> None:
        if self.in_place:
            self.stream.write("\r" + line.ljust(self._width))
            self._width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the line in place so that what follows starts on its own line."""
        with self._lock:
            if self.in_place and self._width:
                self.stream.write("\n")
                self.stream.flush()
            self._width = 0
