"""The live commands' status line: samples/s, faces and clients, in place on a terminal."""

from __future__ import annotations

import io

from eyetracker.commands._status import StatusLine


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_on_a_terminal_the_line_is_rewritten_in_place():
    clock, out = Clock(), Terminal()
    status = StatusLine(lambda: "2 WebSocket clients", out, clock, interval=0.5)
    for second in range(1, 4):
        for _ in range(32):
            clock.now += 1 / 32  # exact in binary: the line is due at whole half-seconds
            status.count(valid=second != 2)
    status.close()
    text = out.getvalue()
    assert text.startswith("\r") and text.endswith("\n") and text.count("\n") == 1
    last = text.rstrip("\n").split("\r")[-1].strip()
    assert last.startswith("00:03  32.0 samples/s") and last.endswith("2 WebSocket clients")
    assert "67% with a face" in last  # the second second had no face
    assert status.samples == 96 and status.valid == 64


def test_elsewhere_a_plain_line_now_and_then():
    clock, out = Clock(), io.StringIO()
    status = StatusLine(stream=out, clock=clock, interval=0.5, plain_interval=10.0)
    for _ in range(25 * 32):  # 25 s at 32 samples/s
        clock.now += 1 / 32
        status.count(valid=True)
    status.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in out.getvalue()
    assert lines[0].startswith("00:10  32.0 samples/s, 100% with a face")
