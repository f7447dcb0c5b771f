from __future__ import annotations

import pytest
import torch

from eyetracker.model.networks import ARCHITECTURES, build_network
from eyetracker.model.session_norm import session_norms
from eyetracker.model.statistics import (
    bake_statistics,
    capture_statistics,
    predict,
    running_statistics,
    statistics_mode,
)
from tests.helpers.models import session_set, trained_a_little


@pytest.fixture(params=sorted(ARCHITECTURES))
def model(request):
    return trained_a_little(request.param)


def test_captured_statistics_reproduce_session_mode_frame_by_frame(model):
    pixels, face = session_set()
    session = predict(model, pixels, face, "session")
    stats = capture_statistics(model, pixels, face)
    one_at_a_time = torch.cat(
        [
            predict(model, pixels[i : i + 1], face[i : i + 1], "captured", stats)
            for i in range(len(pixels))
        ]
    )
    assert torch.allclose(one_at_a_time, session, atol=1e-5)


def test_chunked_capture_is_exact_for_sets_larger_than_a_chunk(model):
    pixels, face = session_set(23)
    whole = capture_statistics(model, pixels, face, chunk_size=64)
    chunked = capture_statistics(model, pixels, face, chunk_size=5)
    for name, (mean, var) in whole.moments.items():
        assert torch.allclose(chunked.moments[name][0], mean, atol=1e-5)
        assert torch.allclose(chunked.moments[name][1], var, atol=1e-5)


def test_session_mode_never_changes_stored_statistics(model):
    before = {k: v.clone() for k, v in model.state_dict().items()}
    pixels, face = session_set()
    predict(model, pixels, face, "session")
    capture_statistics(model, pixels, face, chunk_size=4)
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key]), key
    assert all(norm.mode == "running" for _, norm in session_norms(model))


def test_modes_differ_and_running_matches_plain_eval(model):
    pixels, face = session_set()
    with torch.no_grad():
        plain = model.eval()(pixels, face)
    running = predict(model, pixels, face, "running")
    session = predict(model, pixels, face, "session")
    assert torch.equal(running, plain)
    assert not torch.allclose(running, session, atol=1e-4)


def test_running_statistics_in_captured_mode_equal_running_mode(model):
    pixels, face = session_set(4)
    stats = running_statistics(model)
    assert torch.allclose(
        predict(model, pixels, face, "captured", stats),
        predict(model, pixels, face, "running"),
        atol=1e-6,
    )


def test_baked_statistics_persist_for_single_frames(model):
    pixels, face = session_set()
    stats = capture_statistics(model, pixels, face)
    expected = predict(model, pixels, face, "session")
    bake_statistics(model, stats)
    with torch.no_grad():
        assert torch.allclose(model(pixels[:1], face[:1]), expected[:1], atol=1e-5)
        # A capture in between leaves the baked statistics in place.
        capture_statistics(model, pixels[5:], face[5:])
        assert torch.allclose(model(pixels[:1], face[:1]), expected[:1], atol=1e-5)


def test_baking_none_returns_to_the_running_averages(model):
    pixels, face = session_set(4)
    running = predict(model, pixels, face, "running")
    bake_statistics(model, capture_statistics(model, *session_set()))
    bake_statistics(model, None)
    with torch.no_grad():
        assert torch.equal(model(pixels, face), running)


def test_statistics_of_another_model_are_refused():
    small = trained_a_little("gazenet")
    other = trained_a_little("unet-efficient")
    stats = running_statistics(other)
    with pytest.raises(ValueError, match="different model"):
        with statistics_mode(small, "captured", stats):
            pass
    with pytest.raises(ValueError, match="different model"):
        bake_statistics(small, stats)
    assert all(norm.mode == "running" for _, norm in session_norms(small))


def test_grouped_training_normalizes_each_session_on_its_own():
    torch.manual_seed(0)
    model = build_network("gazenet", 1, (48, 96)).train()
    a, b = torch.rand(4, 1, 48, 96), torch.rand(4, 1, 48, 96) + 3.0
    face = torch.rand(4, 3)
    for _, norm in session_norms(model):
        norm.groups = 2
    together = model(torch.cat([a, b]), torch.cat([face, face]))
    for _, norm in session_norms(model):
        norm.groups = 1
    alone = torch.cat([model(a, face), model(b, face)])
    assert torch.allclose(together, alone, atol=1e-5)
