"""The statistics manager: a profile stays frozen; without one, a sample of the whole session."""

from __future__ import annotations

import numpy as np
import pytest

from eyetracker.inference.backends.torch import TorchBackend
from eyetracker.inference.session_statistics import SessionStatistics
from eyetracker.model.checkpoint import save_checkpoint
from eyetracker.model.info import ModelInfo
from eyetracker.model.moments import guard_moments
from eyetracker.model.preprocess import Preprocessing
from tests.helpers.models import trained_a_little


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    path = tmp_path_factory.mktemp("m") / "model.pt"
    save_checkpoint(
        path, trained_a_little("gazenet"), ModelInfo("gazenet", Preprocessing("face", 96, 48))
    )
    return TorchBackend(path, "cpu")


FACE = np.array([0.5, 0.5, 0.25], np.float32)


def frames(n, brightness, seed=1):
    """Prepared inputs of one kind of scene: how bright it is sets the layers' statistics."""
    rng = np.random.default_rng(seed)
    return [
        ((rng.random((1, 48, 96)) * 0.3 + brightness).astype(np.float32), FACE) for _ in range(n)
    ]


def stacked(batch):
    return np.stack([p for p, _ in batch]), np.stack([f for _, f in batch])


PROBE = stacked(frames(4, 0.6, seed=2))


def predictions(backend) -> np.ndarray:
    """What the backend answers for fixed frames: it changes exactly when its statistics do."""
    return backend.predict(*PROBE)


def predictions_with(backend, batch) -> np.ndarray:
    backend.set_statistics(backend.capture(*stacked(batch)))
    return predictions(backend)


def feed(stats, batch, start=0.0, fps=30.0):
    for i, (p, f) in enumerate(batch):
        stats.observe(p, f, now=start + i / fps)


def test_a_profile_is_set_once_and_never_refreshed(backend):
    calibration = frames(9, 0.4)
    expected = predictions_with(backend, calibration)
    backend.set_statistics(None)
    stats = SessionStatistics(backend, backend.capture(*stacked(calibration)), refresh_seconds=0.1)
    assert stats.frozen and stats.source == "user profile"
    feed(stats, frames(60, 0.9))
    assert stats.refreshes == 0 and not stats.refresh()
    np.testing.assert_array_equal(predictions(backend), expected)


def test_without_a_profile_it_starts_from_training_statistics_then_samples_the_session(backend):
    backend.set_statistics(backend.capture(*stacked(frames(9, 0.4))))
    stats = SessionStatistics(backend, refresh_seconds=1.0)
    assert "no calibration" in stats.source and not stats.frozen
    training = predictions(backend)
    session = frames(31, 0.9)
    feed(stats, session[:10])
    assert stats.refreshes == 0 and not stats.refresh()  # too few frames to stand for a session
    np.testing.assert_array_equal(predictions(backend), training)
    feed(stats, session[10:], start=10 / 30)  # the 31st frame comes a second after the first
    assert stats.refreshes == 1 and "31 frames of this session" in stats.source
    refreshed = predictions(backend)
    # the session's own statistics, guarded as any capture from few frames is
    captured = backend.capture(*stacked(session))
    backend.set_statistics(guard_moments(captured, 31, backend.running_moments()))
    np.testing.assert_allclose(refreshed, predictions(backend), atol=1e-5)


class CapturingBackend:
    """The real backend, remembering the frames each capture of statistics was given."""

    def __init__(self, backend) -> None:
        self._backend = backend
        self.captured: list[np.ndarray] = []

    def capture(self, pixels, face):
        self.captured.append(pixels)
        return self._backend.capture(pixels, face)

    def set_statistics(self, moments) -> None:
        self._backend.set_statistics(moments)

    def running_moments(self):
        return self._backend.running_moments()


def test_one_long_dwell_at_the_end_does_not_take_the_statistics_over(backend):
    spread, dwell = frames(300, 0.4), frames(300, 0.9, seed=3)
    capturing = CapturingBackend(backend)
    stats = SessionStatistics(capturing, refresh_seconds=3600.0)
    feed(stats, spread + dwell)
    assert stats.refresh()
    # A buffer of the last frames would hold only the dwell (all brighter than 0.9); the
    # reservoir is a uniform sample of the session, so about half of it is from before.
    [batch] = capturing.captured
    from_dwell = float(np.mean(batch.min(axis=(1, 2, 3)) >= 0.9))
    assert len(batch) == 72 and 0.3 < from_dwell < 0.7
