"""Native libraries' start-up lines kept off the terminal.

MediaPipe's face landmarker logs through C++ (absl, TFLite) straight to file descriptor 2 when
it starts: "All log messages before absl::InitializeLog()...", "Created TensorFlow Lite
XNNPACK delegate", feedback-manager warnings. No environment variable or Python setting
reaches that logger, so the descriptor itself points at /dev/null while it starts.
`eyetracker --verbose` (set_verbose) or EYETRACKER_VERBOSE=1 lets the lines through.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

VERBOSE_VARIABLE = "EYETRACKER_VERBOSE"

_lock = threading.RLock()  # one redirection at a time: two would restore each other's


def set_verbose(verbose: bool = True) -> None:
    """Let native libraries' lines through from now on (the command line's --verbose); the
    environment variable carries the choice to worker processes too."""
    if verbose:
        os.environ[VERBOSE_VARIABLE] = "1"
    else:
        os.environ.pop(VERBOSE_VARIABLE, None)


def verbose() -> bool:
    return os.environ.get(VERBOSE_VARIABLE, "") not in ("", "0")


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Discard what native code writes to stderr meanwhile (Python's own lines too: keep it
    short, around a library's start-up only)."""
    if verbose():
        yield
        return
    with _lock:
        with contextlib.suppress(AttributeError, OSError, ValueError):
            sys.stderr.flush()  # what was written before still shows
        try:
            saved = os.dup(2)
        except OSError:  # no stderr at all: nothing to silence
            saved = None
        if saved is not None:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 2)
            os.close(null)
        try:
            yield
        finally:
            if saved is not None:
                os.dup2(saved, 2)
                os.close(saved)
