"""ReconnectingSource around a real FrameSource that loses its camera on purpose."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from eyetracker.capture.base import EndOfStream, FrameSource, SourceLost, SourceOpenError
from eyetracker.capture.resilient import ReconnectingSource, SourceEvent
from eyetracker.core.types import Frame

BACKOFF = (0.5, 1.0, 2.0, 5.0)
JOIN_TIMEOUT_S = 30  # only ever waited out when the code under test hangs
LOST = "Camera 0 was lost (unplugged or taken by another program); reconnecting…"


class FlakyCamera:
    """The device behind the sources: each opening gives `frames_per_opening` frames, then the
    camera is lost, and the next `refusals_after_loss` attempts to open it fail."""

    def __init__(self, frames_per_opening: int, refusals_after_loss: int) -> None:
        self.frames_per_opening = frames_per_opening
        self.refusals_after_loss = refusals_after_loss
        self.refusals_left = 0
        self.opens = 0
        self.sources: list[FlakySource] = []


class FlakySource(FrameSource):
    name = "Camera 0"

    def __init__(self, camera: FlakyCamera) -> None:
        self.camera = camera
        self.is_open = False
        self.delivered = 0
        camera.sources.append(self)

    def open(self) -> None:
        self.camera.opens += 1
        if self.camera.refusals_left > 0:
            self.camera.refusals_left -= 1
            raise SourceOpenError(
                "Could not open camera 0; no cameras were found on this computer."
            )
        self.is_open = True

    def read(self) -> Frame:
        if not self.is_open:
            raise SourceLost("Camera 0 is not open; open it before reading frames.")
        if self.delivered >= self.camera.frames_per_opening:
            self.camera.refusals_left = self.camera.refusals_after_loss
            raise SourceLost("Camera 0 stopped delivering frames.")
        self.delivered += 1
        return Frame(np.zeros((4, 6, 3), np.uint8), time.monotonic(), self.delivered - 1)

    def close(self) -> None:
        self.is_open = False


class FakeTime:
    """A clock that only moves when the code under test sleeps; records every delay."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.delays: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.now += seconds


def reconnecting(camera: FlakyCamera, fake: FakeTime, **options) -> ReconnectingSource:
    return ReconnectingSource(
        lambda: FlakySource(camera), BACKOFF, clock=fake.clock, sleep=fake.sleep, **options
    )


def test_reopens_after_the_backoff_sequence_and_frames_continue():
    camera, fake, seen = FlakyCamera(3, refusals_after_loss=5), FakeTime(), []
    with reconnecting(camera, fake, on_event=seen.append) as source:
        frames = [source.read() for _ in range(5)]
        assert source.reconnects == 1 and not source.reconnecting
    assert fake.delays == [0.5, 1.0, 2.0, 5.0, 5.0, 5.0]
    assert [frame.index for frame in frames] == [0, 1, 2, 3, 4]
    assert [event.kind for event in seen] == ["lost"] + ["retry_failed"] * 5 + ["reconnected"]
    assert list(source.events) == seen
    assert seen[0].message == LOST and seen[0].detail == "Camera 0 stopped delivering frames."
    assert seen[1].message == "Camera 0 is still unavailable; trying again in 1 s."
    assert seen[-1].message == "Camera 0 is back after 18.5 s." and seen[-1].attempt == 6
    assert camera.opens == 7
    assert not any(flaky.is_open for flaky in camera.sources), "a source was left open"


def test_gives_up_after_max_wait_and_the_next_read_starts_over():
    camera, fake = FlakyCamera(1, refusals_after_loss=100), FakeTime()
    source = reconnecting(camera, fake, max_wait=4.0)
    source.open()
    source.read()
    with pytest.raises(SourceLost, match=r"could not be reopened within 4 s; check that"):
        source.read()
    assert fake.delays == [0.5, 1.0, 2.0, 0.5]
    assert source.events[-1].kind == "gave_up"
    camera.refusals_left = 0  # plugged back in
    assert source.read().index == 1
    source.close()


def test_close_during_reconnect_ends_the_stream_without_more_attempts():
    camera, fake = FlakyCamera(1, refusals_after_loss=100), FakeTime()
    source = reconnecting(camera, fake)

    def sleep_then_close(seconds: float) -> None:
        fake.sleep(seconds)
        if len(fake.delays) == 2:
            source.close()

    source._sleep = sleep_then_close
    source.open()
    source.read()
    opens_before = camera.opens
    with pytest.raises(EndOfStream):
        source.read()
    assert camera.opens == opens_before + 1  # the attempt after the first wait only
    with pytest.raises(SourceLost, match="not open"):
        source.read()


def _read_in_thread(source: ReconnectingSource) -> tuple[threading.Thread, list]:
    outcome: list = []

    def run() -> None:
        try:
            while True:
                source.read()
        except Exception as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


@pytest.mark.parametrize("how", ["close", "stop event"])
def test_a_waiting_reader_is_released_by_close_or_stop_before_its_next_attempt(how):
    camera, lost, stop = (
        FlakyCamera(2, refusals_after_loss=100),
        threading.Event(),
        threading.Event(),
    )
    seen: list[SourceEvent] = []

    def on_event(event: SourceEvent) -> None:
        seen.append(event)
        if event.kind == "lost":
            lost.set()

    # Real waiting, no injected sleep, and a backoff of an hour: only close() or the stop
    # event can end the reader's wait, and had the wait run out it would try to reopen.
    source = ReconnectingSource(
        lambda: FlakySource(camera), (3600.0,), on_event=on_event, stop=stop
    )
    source.open()
    thread, outcome = _read_in_thread(source)
    assert lost.wait(JOIN_TIMEOUT_S)
    if how == "close":
        source.close()
    else:
        stop.set()
    thread.join(JOIN_TIMEOUT_S)  # a safety net against hanging: the wait would last an hour
    assert not thread.is_alive(), "the reader kept waiting"
    assert len(outcome) == 1 and isinstance(outcome[0], EndOfStream)
    assert camera.opens == 1, "the reader tried to reopen instead of stopping"
    assert [event.kind for event in seen] == ["lost"]
    source.close()
    assert not any(flaky.is_open for flaky in camera.sources)


def test_failing_to_open_at_first_is_reported_at_once():
    camera, fake = FlakyCamera(1, refusals_after_loss=0), FakeTime()
    camera.refusals_left = 1
    with pytest.raises(SourceOpenError, match="no cameras were found"):
        reconnecting(camera, fake).open()
    assert fake.delays == []


def test_other_errors_pass_through():
    class EndsAtOnce(FlakySource):
        def read(self) -> Frame:
            raise EndOfStream("The video clip.avi has ended after 0 frames.")

    camera = FlakyCamera(1, 0)
    with ReconnectingSource(lambda: EndsAtOnce(camera)) as source:
        with pytest.raises(EndOfStream, match="has ended"):
            source.read()
        assert list(source.events) == []


def test_backoff_must_be_usable():
    with pytest.raises(ValueError):
        ReconnectingSource(lambda: FlakySource(FlakyCamera(1, 0)), backoff=())


def test_it_says_it_reopens_while_open_and_a_plain_source_does_not():
    camera = FlakyCamera(1, 0)
    inner = FlakySource(camera)
    source = ReconnectingSource(lambda: FlakySource(camera))
    assert not inner.reopens and not source.reopens
    with source:
        assert source.reopens
    assert not source.reopens  # closed: a read would not try the device again
