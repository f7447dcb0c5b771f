"""Contract test: every backend gives the same points and the same statistics."""

from __future__ import annotations

import numpy as np
import pytest

from eyetracker.model.checkpoint import save_checkpoint
from eyetracker.model.info import ModelInfo
from eyetracker.model.preprocess import Preprocessing
from eyetracker.runtime.backends import OnnxBackend, TorchBackend, create_backend, onnx_path_for
from tests.model.test_statistics import session_set, trained_a_little


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "model.pt"
    save_checkpoint(
        path, trained_a_little("gazenet"), ModelInfo("gazenet", Preprocessing("face", 96, 48))
    )
    return path


@pytest.fixture(scope="module")
def backends(model_file):
    return [TorchBackend(model_file, "cpu"), OnnxBackend(onnx_path_for(model_file), "cpu")]


def frames(n=16):
    pixels, face = session_set(n)
    return pixels.numpy(), face.numpy()


def test_backends_agree_with_running_statistics(backends):
    pixels, face = frames()
    reference = backends[0].predict(pixels, face)
    for backend in backends[1:]:
        backend.set_statistics(None)
        assert np.allclose(backend.predict(pixels, face), reference, atol=1e-4), backend.name


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
