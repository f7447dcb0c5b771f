"""Captured moments from few frames are shrunk toward the running ones and cannot explode."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

from eyetracker.core.types import GazePoint
from eyetracker.model.checkpoint import load_checkpoint
from eyetracker.model.moments import guard_moments
from eyetracker.model.resources import default_model_path
from eyetracker.model.statistics import (
    Statistics,
    capture_statistics,
    predict,
    running_statistics,
)
from eyetracker.synth.dataset import person_for, sitting_for
from eyetracker.synth.render import render_frame


def moments(mean, var, layer="head.1") -> dict[str, np.ndarray]:
    return {
        f"{layer}.mean": np.asarray(mean, np.float32),
        f"{layer}.var": np.asarray(var, np.float32),
    }


RUNNING = moments([0.0, 1.0], [4.0, 9.0])


def test_many_frames_keep_their_own_moments():
    captured = moments([2.0, -1.0], [1.0, 16.0])
    guarded = guard_moments(captured, 100_000, RUNNING)
    for key in captured:
        assert np.allclose(guarded[key], captured[key], rtol=1e-3, atol=1e-3)


def test_no_frames_give_the_running_moments():
    guarded = guard_moments(moments([2.0, -1.0], [0.0, 0.0]), 0, RUNNING)
    for key in RUNNING:
        assert np.allclose(guarded[key], RUNNING[key])


def test_the_mix_is_the_moments_of_the_frames_and_k_frames_of_the_average_session():
    rng = np.random.default_rng(0)
    frames = rng.normal(3.0, 0.5, (5, 2))
    prior = np.array([[0.0 - 2.0, 1.0 - 3.0], [0.0 + 2.0, 1.0 + 3.0]])  # mean (0, 1), var (4, 9)
    union = np.concatenate([frames, prior])
    captured = moments(frames.mean(0), frames.var(0))
    guarded = guard_moments(captured, len(frames), RUNNING, prior_frames=2, var_floor=0)
    assert np.allclose(guarded["head.1.mean"], union.mean(0), atol=1e-5)
    assert np.allclose(guarded["head.1.var"], union.var(0), atol=1e-4)


def test_no_variance_below_the_floor():
    guarded = guard_moments(moments([0.0, 1.0], [0.0, 0.0]), 10**6, RUNNING, var_floor=0.25)
    assert np.allclose(guarded["head.1.var"], [1.0, 2.25])


def test_moments_of_another_model_are_refused():
    with pytest.raises(ValueError, match="different layers"):
        guard_moments(moments([0.0], [1.0], layer="other"), 2, RUNNING)


def test_the_guard_needs_no_torch():
    code = "import sys, eyetracker.model.moments; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def numpy_moments(stats: Statistics) -> dict[str, np.ndarray]:
    return {k: v.numpy() for k, v in stats.to_tensors().items()}


def prepared_frames(front_end, person, sitting, points, rng):
    pixels, faces, truth = [], [], []
    for x, y in points:
        image, _ = render_frame(person, sitting, GazePoint(x, y), rng)
        prepared = front_end.prepare(image)
        if prepared.found:
            pixels.append(prepared.pixels)
            faces.append(prepared.geometry)
            truth.append((x, y))
    return torch.from_numpy(np.stack(pixels)), torch.from_numpy(np.stack(faces)), np.array(truth)


def test_two_usable_frames_of_sixteen_blow_up_without_the_guard_and_stay_on_screen_with_it():
    # A 16-frame calibration (8 dots, 2 frames each) in which only the centre dot's two frames
    # showed a face: two nearly equal frames, so some channels' variance is almost zero.
    loaded = load_checkpoint(default_model_path())
    model = loaded.model.eval()
    front_end = loaded.info.preprocessing.front_end(video=False)
    person = person_for(11, 0)
    sitting = sitting_for(11, person, 0, 0)
    rng = np.random.default_rng(11)
    pixels, face, _ = prepared_frames(front_end, person, sitting, [(0.5, 0.5)] * 2, rng)
    assert len(pixels) == 2
    test_pixels, test_face, truth = prepared_frames(
        front_end, person, sitting, rng.uniform(0.05, 0.95, (20, 2)), rng
    )
    captured = capture_statistics(model, pixels, face)

    unguarded = predict(model, test_pixels, test_face, "captured", captured).numpy()
    error = 100 * np.linalg.norm(unguarded - truth, axis=1)
    assert error.max() > 1000 and error.mean() > 300  # screens away

    running = numpy_moments(running_statistics(model))
    guarded = guard_moments(numpy_moments(captured), 2, running)
    stats = Statistics.from_tensors({k: torch.from_numpy(v) for k, v in guarded.items()}, 2, "")
    points = predict(model, test_pixels, test_face, "captured", stats).numpy()
    assert ((points >= -0.5) & (points <= 1.5)).all()
    centre_error = 100 * np.linalg.norm(truth - 0.5, axis=1).mean()
    assert 100 * np.linalg.norm(points - truth, axis=1).mean() < centre_error + 10
