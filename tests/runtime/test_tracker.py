from __future__ import annotations

import threading

import pytest

from eyetracker.capture.base import SourceOpenError
from eyetracker.capture.resilient import ReconnectingSource
from eyetracker.core.smoothing import GazeSmoother
from eyetracker.inference.backends.torch import TorchBackend
from eyetracker.inference.session_statistics import SessionStatistics
from eyetracker.runtime.tracker import Tracker
from tests.helpers.models import save_tiny_model
from tests.helpers.runtime_fakes import DrawnSource, GatedBackend, truth_of


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    return TorchBackend(save_tiny_model(tmp_path_factory.mktemp("m") / "square.pt"), "cpu")


@pytest.fixture(scope="module")
def face_backend(tmp_path_factory):
    return TorchBackend(save_tiny_model(tmp_path_factory.mktemp("m") / "face.pt", "face"), "cpu")


class CountingStatistics(SessionStatistics):
    """The real manager, remembering what it was shown."""

    def __init__(self, backend):
        super().__init__(backend)
        self.observed = []

    def observe(self, pixels, face, now):
        self.observed.append((pixels.shape, face.shape))
        return super().observe(pixels, face, now)


class TickingClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        self.now += 0.001
        return self.now


def tracker_threads():
    return [t for t in threading.enumerate() if t.name.startswith("tracker")]


def test_process_gives_a_valid_sample_with_truth_and_times(backend):
    clock = TickingClock()
    statistics = CountingStatistics(backend)
    tracker = Tracker(DrawnSource(), backend, statistics, GazeSmoother(), clock=clock)
    with DrawnSource() as source:
        frame = source.read()
    sample = tracker.process(frame)
    assert sample.valid and sample.reason == ""
    assert 0 <= sample.point.x <= 1 and 0 <= sample.point.y <= 1
    assert sample.raw_point is not None
    assert sample.capture_time == frame.timestamp
    assert sample.output_time == clock.now
    assert (sample.frame_index, sample.truth) == (0, truth_of(0))
    assert statistics.observed == [((1, 64, 64), (3,))]
    assert tracker.latest is sample


def test_dark_frames_and_frames_without_a_face_are_invalid_and_not_observed(backend, face_backend):
    statistics = CountingStatistics(backend)
    with DrawnSource(count=3, dark={1}) as source:
        samples = [Tracker(source, backend, statistics).process(f) for f in source]
    assert [s.valid for s in samples] == [True, False, True]
    assert samples[1].reason == "too dark" and samples[1].point is None
    assert len(statistics.observed) == 2

    face_statistics = CountingStatistics(face_backend)
    tracker = Tracker(DrawnSource(), face_backend, face_statistics)
    with DrawnSource(count=2) as source:
        samples = [tracker.process(f) for f in source]
    assert all(not s.valid and s.reason == "no face" for s in samples)
    assert face_statistics.observed == []


def test_every_frame_run_processes_all_frames_in_order(backend):
    samples = []
    source = DrawnSource(count=12)
    tracker = Tracker(
        source, backend, SessionStatistics(backend), GazeSmoother(), on_sample=samples.append
    )
    with source:
        tracker.run(every_frame=True)
    assert [s.frame_index for s in samples] == list(range(12))
    assert tracker.ended and tracker.timings.dropped == 0
    assert tracker.timings.to_json()["frames"] == 12


def test_newest_frame_wins_while_the_backend_is_busy(backend):
    gated = GatedBackend(backend)
    count = 30

    def hold_until_first_prediction(index):
        if index >= 1:  # frame 0 is being predicted before any later frame exists
            assert gated.entered.wait(timeout=30)

    source = DrawnSource(count=count, before_read=hold_until_first_prediction)
    samples = []
    tracker = Tracker(source, gated, SessionStatistics(gated), on_sample=samples.append)
    releaser = threading.Thread(
        target=lambda: (source.finished.wait(timeout=30), gated.release.set())
    )
    releaser.start()
    with source:
        tracker.run()
    releaser.join(timeout=10)
    # Frame 0 was in the backend while 1..29 arrived: only the newest of those was kept.
    assert [s.frame_index for s in samples] == [0, count - 1]
    assert tracker.timings.dropped == count - 2
    assert gated.calls == 2
    assert tracker_threads() == []


def test_start_and_stop_leave_no_thread_running(backend):
    first = threading.Event()
    source = DrawnSource(count=None, pace=0.005)
    tracker = Tracker(
        source, backend, SessionStatistics(backend), on_sample=lambda sample: first.set()
    )
    with source:
        tracker.start()
        assert first.wait(timeout=30)
        assert tracker.running
        with pytest.raises(RuntimeError):
            tracker.start()
        assert tracker.stop(timeout=10)
    assert not tracker.running and tracker.error is None
    assert tracker_threads() == []


def test_end_of_stream_ends_a_started_tracker(backend):
    done = threading.Event()
    samples = []

    def on_sample(sample):
        samples.append(sample)
        if sample.frame_index == 4:
            done.set()

    source = DrawnSource(count=5)
    tracker = Tracker(source, backend, None, on_sample=on_sample)
    with source:
        tracker.start(every_frame=True)
        assert done.wait(timeout=30)
        assert tracker.stop(timeout=10)
    assert tracker.ended and len(samples) == 5


def test_a_lost_plain_source_is_reported_and_ends_tracking(backend):
    errors, samples = [], []
    source = DrawnSource(count=10, lose_after=4)
    tracker = Tracker(source, backend, None, on_sample=samples.append, on_error=errors.append)
    with source:
        tracker.run()
    assert len(samples) >= 1 and samples[-1].frame_index == 3
    assert errors == ["The drawn camera was unplugged."]
    assert tracker.ended


class FakeTime:
    def __init__(self):
        self.now = 0.0

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_a_reconnecting_source_reports_the_loss_and_tracking_goes_on(backend):
    # The camera goes after 3 frames; two reopen attempts fail, so the wrapper gives up once
    # (SourceLost, reported); the tracker reads again and the third reopen works.
    fake = FakeTime()
    opened = []

    def make_camera():
        opened.append(len(opened))
        if len(opened) in (2, 3):
            raise SourceOpenError("The drawn camera is not there.")
        return DrawnSource(count=5, lose_after=3 if len(opened) == 1 else None)

    source = ReconnectingSource(
        make_camera, backoff=(1.0,), clock=fake.clock, sleep=fake.sleep, max_wait=1.5
    )
    errors, samples = [], []
    tracker = Tracker(source, backend, None, on_sample=samples.append, on_error=errors.append)
    with source:
        tracker.run(every_frame=True)
    assert len(errors) == 1 and "could not be reopened" in errors[0]
    assert len(samples) == 3 + 5
    assert tracker.ended


def test_a_closed_reconnecting_source_ends_tracking_instead_of_retrying(backend):
    source = ReconnectingSource(lambda: DrawnSource(count=5))
    errors = []
    tracker = Tracker(source, backend, None, on_error=errors.append)
    tracker.run(every_frame=True)  # never opened: nothing will reopen it
    assert len(errors) == 1 and "not open" in errors[0]
    assert tracker.ended


def test_a_failing_backend_ends_the_camera_thread_too(backend):
    class Failing(GatedBackend):
        def _gate(self):
            raise RuntimeError("the backend broke")

    errors = []
    source = DrawnSource(count=None, pace=0.005)
    tracker = Tracker(source, Failing(backend), None, on_error=errors.append)
    with source:
        tracker.start()
        tracker._thread.join(timeout=30)
        assert errors == ["Tracking stopped: the backend broke"]
        assert tracker.stop(timeout=10) and tracker_threads() == []


def test_a_feed_filled_by_another_thread_is_tracked_newest_first(backend):
    from eyetracker.runtime.frame_feed import FrameFeed

    feed, samples = FrameFeed(), []
    tracker = Tracker(feed, backend, None, on_sample=samples.append)
    tracker.start()
    while tracker._reader is None:  # reading from now on
        threading.Event().wait(0.01)
    source = DrawnSource(count=3)
    with source:
        for frame in source:
            feed.publish(frame)
    feed.end()
    tracker._thread.join(timeout=30)
    assert not tracker.running and samples and samples[-1].frame_index == 2
    assert len(samples) + tracker.timings.dropped == 3
