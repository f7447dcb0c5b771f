"""ONNX Runtime's failures, loading or running an .onnx model, end in one sentence (issue 22).

The graphs here only declare or attempt what cannot work: nothing large is ever allocated."""

from __future__ import annotations

import numpy as np
import pytest

from eyetracker.cli import main
from eyetracker.core.errors import UserError
from eyetracker.inference.backends import onnx_path_for
from eyetracker.inference.backends.onnx import OnnxBackend
from tests.helpers.models import save_tiny_model

onnx = pytest.importorskip("onnx")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The project's exported graph of a tiny model, as an onnx proto to modify."""
    model = save_tiny_model(tmp_path_factory.mktemp("model") / "tiny.pt")
    return onnx.load(str(onnx_path_for(model)))


def modified(exported, tmp_path, name):
    proto = onnx.ModelProto()
    proto.CopyFrom(exported)
    return proto, tmp_path / name


def frames(n=2):
    rng = np.random.default_rng(0)
    return rng.random((n, 1, 64, 64), np.float32), rng.random((n, 3), np.float32)


def with_huge_input(exported, tmp_path):
    """A second image input declared as 100000 x 100000: 37 GiB a frame. (Making `pixels` that
    large is refused by ONNX Runtime's shape inference already, at loading.)"""
    proto, path = modified(exported, tmp_path, "huge.onnx")
    proto.graph.input.append(
        onnx.helper.make_tensor_value_info(
            "more_pixels", onnx.TensorProto.FLOAT, ["batch", 1, 100_000, 100_000]
        )
    )
    onnx.save(proto, str(path))
    return path


def with_impossible_reshape(exported, tmp_path):
    """The gaze output reshaped to 3 x 5, which no batch of 2 points can fill."""
    proto, path = modified(exported, tmp_path, "reshape.onnx")
    [gemm] = [n for n in proto.graph.node if "gaze" in n.output]
    gemm.output[0] = "gaze_before_reshape"
    shape = onnx.helper.make_tensor("impossible_shape", onnx.TensorProto.INT64, [2], [3, 5])
    proto.graph.initializer.append(shape)
    proto.graph.node.append(
        onnx.helper.make_node("Reshape", ["gaze_before_reshape", "impossible_shape"], ["gaze"])
    )
    [gaze] = [o for o in proto.graph.output if o.name == "gaze"]
    gaze.type.tensor_type.ClearField("shape")
    onnx.save(proto, str(path))
    return path


def test_a_graph_declaring_huge_inputs_is_refused_before_any_run(exported, tmp_path, monkeypatch):
    import onnxruntime

    ran = []
    monkeypatch.setattr(onnxruntime.InferenceSession, "run", lambda *a, **k: ran.append(a))
    path = with_huge_input(exported, tmp_path)
    with pytest.raises(UserError, match="GiB") as refused:
        OnnxBackend(path, "cpu")
    message = str(refused.value)
    assert str(path) in message and "eyetracker export" in message and "\n" not in message
    assert not ran


def test_a_graph_that_fails_at_run_time_says_so_in_one_sentence(exported, tmp_path):
    path = with_impossible_reshape(exported, tmp_path)
    backend = OnnxBackend(path, "cpu")  # loads: batch sizes are symbolic until a run
    pixels, face = frames()
    with pytest.raises(UserError, match="could not be run by ONNX Runtime") as failed:
        backend.predict(pixels, face)
    message = str(failed.value)
    assert str(path) in message and "eyetracker export" in message and "\n" not in message
    assert "[ONNXRuntimeError]" not in message and "onnxruntime_src" not in message
    assert "cannot be reshaped" in message


@pytest.mark.parametrize("method", ["predict", "capture", "running_moments"])
def test_running_out_of_memory_in_a_run_says_so_in_one_sentence(
    exported, tmp_path, monkeypatch, method
):
    from onnxruntime.capi.onnxruntime_pybind11_state import Fail

    path = tmp_path / "model.onnx"
    onnx.save(exported, str(path))
    backend = OnnxBackend(path, "cpu")

    def out_of_memory(*args, **kwargs):
        raise Fail("[ONNXRuntimeError] : 1 : FAIL : Failed to allocate memory for requested buffer")

    monkeypatch.setattr(backend._session, "run", out_of_memory)
    monkeypatch.setattr(backend._session, "run_with_ort_values", out_of_memory)
    call = getattr(backend, method)
    with pytest.raises(UserError, match=r"\(Failed to allocate memory for requested buffer\)"):
        call() if method == "running_moments" else call(*frames())


def test_a_file_that_is_not_onnx_still_says_it_is_not_an_exported_model(tmp_path):
    path = tmp_path / "model.onnx"
    path.write_text("not a model")
    with pytest.raises(UserError, match="not an ONNX model exported by `eyetracker export`"):
        OnnxBackend(path, "cpu")


@pytest.mark.parametrize("graph", [with_huge_input, with_impossible_reshape])
def test_replay_with_a_model_onnx_runtime_cannot_run_exits_2_with_one_line(
    exported, tmp_path, capsys, graph
):
    path = graph(exported, tmp_path)
    code = main(
        [
            "replay",
            "synthetic:fixations",
            "--seconds",
            "1",
            "--model",
            str(path),
            "--out",
            str(tmp_path / "gaze.csv"),
            "--backend",
            "onnxruntime",
            "--device",
            "cpu",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("eyetracker: ") and "\n" not in err and "Traceback" not in err
    assert str(path) in err and "eyetracker export" in err
