from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
import torch

from eyetracker.model.checkpoint import create_model
from eyetracker.model.export import export_onnx, moment_names
from eyetracker.model.info import ModelInfo
from eyetracker.model.onnx_info import FEATURES, MOMENT_OUT, SWITCH, onnx_feed, read_onnx_info
from eyetracker.model.preprocess import Preprocessing
from eyetracker.model.statistics import capture_statistics, predict, predict_with_features
from tests.helpers.models import session_set, trained_a_little


@pytest.fixture(params=["gazenet", "unet-efficient"])
def exported(request, tmp_path):
    model = trained_a_little(request.param)
    info = ModelInfo(request.param, Preprocessing("face", 96, 48))
    path = export_onnx(model, info, tmp_path / "model.onnx")
    options = ort.SessionOptions()
    options.log_severity_level = 3
    return model, ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def test_torch_and_onnxruntime_agree_in_every_mode(exported):
    model, session = exported
    pixels, face = session_set(12)
    feed = {"pixels": pixels.numpy(), "face": face.numpy()}

    running = session.run(["gaze"], onnx_feed(session, feed))[0]
    assert np.allclose(running, predict(model, pixels, face, "running").numpy(), atol=1e-4)

    names = moment_names(model)
    outputs = session.run(
        ["gaze", FEATURES, *[f"{n}{MOMENT_OUT}" for n in names]],
        onnx_feed(session, {**feed, SWITCH: np.array([True])}),
    )
    points, hidden = predict_with_features(model, pixels, face, "session")
    assert np.allclose(outputs[0], points.numpy(), atol=1e-4)
    assert np.allclose(outputs[1], hidden.numpy(), atol=1e-4)

    stats = capture_statistics(model, pixels, face)
    flat = stats.to_tensors()
    for name, value in zip(names, outputs[2:], strict=True):
        assert np.allclose(value, flat[name].numpy(), atol=1e-4), name

    captured_feed = {**feed, **{n: flat[n].numpy() for n in names}}
    first_frame = {k: (v[:1] if k in ("pixels", "face") else v) for k, v in captured_feed.items()}
    single = session.run(["gaze"], onnx_feed(session, first_frame))[0]
    assert np.allclose(
        single, predict(model, pixels[:1], face[:1], "captured", stats).numpy(), atol=1e-4
    )


def test_exported_file_carries_the_model_info(exported):
    _, session = exported
    info = read_onnx_info(session)
    assert info.preprocessing == Preprocessing("face", 96, 48)


def test_export_leaves_the_torch_model_in_running_mode(tmp_path):
    model = create_model(ModelInfo("gazenet", Preprocessing("face", 96, 48))).eval()
    pixels, face = session_set(3)
    before = predict(model, pixels, face, "running")
    export_onnx(model, ModelInfo("gazenet", Preprocessing("face", 96, 48)), tmp_path / "m.onnx")
    with torch.no_grad():
        assert torch.equal(model(pixels, face), before)
