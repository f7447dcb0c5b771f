"""Contract test: every backend gives the same points and the same statistics."""

from __future__ import annotations

import numpy as np
import pytest

from eyetracker.core.errors import UserError
from eyetracker.inference.backends import create_backend, onnx_path_for
from eyetracker.inference.backends.onnx import OnnxBackend
from eyetracker.inference.backends.torch import TorchBackend
from eyetracker.model.checkpoint import save_checkpoint
from eyetracker.model.info import ModelInfo
from eyetracker.model.preprocess import Preprocessing
from eyetracker.model.session_norm import session_norms
from tests.helpers.models import session_set, trained_a_little


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "model.pt"
    save_checkpoint(
        path, trained_a_little("gazenet"), ModelInfo("gazenet", Preprocessing("face", 96, 48))
    )
    return path


@pytest.fixture(scope="module")
def module_backends(model_file):
    return [TorchBackend(model_file, "cpu"), OnnxBackend(onnx_path_for(model_file), "cpu")]


@pytest.fixture
def backends(module_backends):
    """The backends, each back on its running averages after the test."""
    yield module_backends
    for backend in module_backends:
        backend.set_statistics(None)


def frames(n=16):
    pixels, face = session_set(n)
    return pixels.numpy(), face.numpy()


def test_backends_agree_with_running_statistics(backends):
    pixels, face = frames()
    reference = backends[0].predict(pixels, face)
    for backend in backends[1:]:
        backend.set_statistics(None)
        assert np.allclose(backend.predict(pixels, face), reference, atol=1e-4), backend.name


def test_backends_give_the_same_hidden_layer_beside_the_same_points(backends):
    pixels, face = frames()
    moments = backends[0].capture(pixels, face)
    results = []
    for backend in backends:
        backend.set_statistics(moments)
        points, hidden = backend.predict_with_features(pixels, face)
        assert np.allclose(points, backend.predict(pixels, face), atol=1e-5), backend.name
        assert hidden.shape == (len(pixels), 128) and hidden.std(axis=0).max() > 0
        results.append(hidden)
    for other in results[1:]:
        assert np.allclose(other, results[0], atol=1e-4)


def test_an_onnx_file_without_the_hidden_layer_says_to_export_again(model_file, tmp_path):
    import onnx

    proto = onnx.load(str(onnx_path_for(model_file)))
    [features] = [o for o in proto.graph.output if o.name == "features"]
    proto.graph.output.remove(features)
    older = tmp_path / "older.onnx"
    onnx.save(proto, str(older))
    backend = OnnxBackend(older, "cpu")
    pixels, face = frames(2)
    assert backend.predict(pixels, face).shape == (2, 2)  # tracking without a calibration works
    with pytest.raises(UserError, match="export it again"):
        backend.predict_with_features(pixels, face)


def test_backends_capture_the_same_statistics_and_use_them(backends):
    pixels, face = frames()
    captured = [b.capture(pixels, face) for b in backends]
    for name, value in captured[0].items():
        for other in captured[1:]:
            assert np.allclose(other[name], value, atol=1e-4), name
    outputs = []
    for backend, moments in zip(backends, captured, strict=True):
        backend.set_statistics(moments)
        outputs.append(backend.predict(pixels[:1], face[:1]))
        backend.set_statistics(None)
    assert np.allclose(outputs[0], outputs[1], atol=1e-4)
    assert not np.allclose(outputs[0], backends[0].predict(pixels[:1], face[:1]), atol=1e-4)


def test_no_statistics_after_some_means_the_running_averages_again(backends):
    pixels, face = frames()
    for backend in backends:
        running = backend.predict(pixels[:2], face[:2])
        backend.set_statistics(backend.capture(pixels, face))
        assert not np.allclose(backend.predict(pixels[:2], face[:2]), running, atol=1e-4)
        backend.set_statistics(None)
        assert np.array_equal(backend.predict(pixels[:2], face[:2]), running), backend.name


def test_a_capture_between_frames_leaves_the_statistics_in_use(backends):
    pixels, face = frames()
    for backend in backends:
        in_use = backend.capture(pixels, face)
        backend.set_statistics(in_use)
        before = backend.predict(pixels[:2], face[:2])
        other = backend.capture(pixels[8:] * 1.5, face[8:])
        assert not all(np.allclose(other[k], v) for k, v in in_use.items())
        assert np.array_equal(backend.predict(pixels[:2], face[:2]), before), backend.name


def test_torch_writes_the_statistics_into_its_layers_once(backends):
    """`set_statistics` bakes the moments in; `predict` is a plain pass that leaves them there."""
    torch_backend = backends[0]
    pixels, face = frames()
    moments = torch_backend.capture(pixels, face)
    torch_backend.set_statistics(moments)
    for _ in range(2):
        for name, norm in session_norms(torch_backend._model):
            assert norm.mode == "captured"
            assert np.array_equal(norm.captured_mean.numpy(), moments[f"{name}.mean"]), name
            assert np.array_equal(norm.captured_var.numpy(), moments[f"{name}.var"]), name
        torch_backend.predict(pixels[:1], face[:1])
    torch_backend.set_statistics(None)
    assert all(norm.mode == "running" for _, norm in session_norms(torch_backend._model))


def test_moments_of_another_model_are_refused_when_given(backends, tmp_path):
    other = tmp_path / "other.pt"
    save_checkpoint(
        other,
        trained_a_little("unet-efficient"),
        ModelInfo("unet-efficient", Preprocessing("face", 96, 48)),
    )
    foreign = TorchBackend(other, "cpu").capture(*frames(4))
    with pytest.raises(ValueError, match="different model"):
        backends[0].set_statistics(foreign)


def test_auto_picks_a_working_backend(model_file):
    backend = create_backend(model_file, "auto", "cpu")
    pixels, face = frames(1)
    assert backend.predict(pixels, face).shape == (1, 2)


def test_missing_model_is_a_user_error(tmp_path):
    from eyetracker.core.errors import UserError

    with pytest.raises(UserError, match="does not exist"):
        create_backend(tmp_path / "nope.pt")


def test_onnx_twin_is_used_only_when_it_holds_the_same_weights(tmp_path, monkeypatch):
    import os

    from eyetracker.model.export import export_onnx

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    info = ModelInfo("gazenet", Preprocessing("face", 96, 48))
    model = trained_a_little("gazenet")
    pt, twin = tmp_path / "m.pt", tmp_path / "m.onnx"
    save_checkpoint(pt, model, info)
    export_onnx(model, info, twin)
    os.utime(twin, (1, 1))  # older than the .pt, as a fresh clone may leave it
    assert onnx_path_for(pt) == twin

    other = trained_a_little("unet-efficient")
    export_onnx(other, ModelInfo("unet-efficient", Preprocessing("face", 96, 48)), twin)
    assert onnx_path_for(pt).parent == tmp_path / "cache" / "eyetracker" / "onnx"
