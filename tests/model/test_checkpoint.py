from __future__ import annotations

import pickle

import pytest
import torch

from eyetracker.cli import main
from eyetracker.model.checkpoint import (
    ModelFileError,
    ModelInfo,
    create_model,
    load_checkpoint,
    save_checkpoint,
)
from eyetracker.model.preprocess import Preprocessing
from eyetracker.model.statistics import predict
from tests.helpers.models import session_set


@pytest.fixture
def saved(tmp_path):
    info = ModelInfo(
        "gazenet",
        Preprocessing("face", 96, 48),
        training={"sampler": "multi"},
        metrics={"val": 7.5},
    )
    model = create_model(info).eval()
    path = tmp_path / "model.pt"
    save_checkpoint(path, model, info)
    return path, model, info


def test_round_trip_keeps_weights_and_metadata(saved):
    path, model, info = saved
    loaded = load_checkpoint(path)
    assert loaded.info.to_json() == info.to_json()
    pixels, face = session_set(4)
    assert torch.equal(predict(loaded.model, pixels, face), predict(model, pixels, face))


def test_truncated_file_gets_one_sentence(saved, tmp_path):
    path, *_ = saved
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ModelFileError, match="not a readable eyetracker model"):
        load_checkpoint(truncated)


def test_foreign_pickle_is_refused_without_running_it(tmp_path):
    class Payload:
        def __reduce__(self):
            return (print, ("this must never run",))

    evil = tmp_path / "evil.pt"
    evil.write_bytes(pickle.dumps(Payload()))
    with pytest.raises(ModelFileError):
        load_checkpoint(evil)


def test_tensor_file_of_another_program_is_not_a_model(tmp_path):
    other = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(3)}, other)
    with pytest.raises(ModelFileError, match="not an eyetracker model"):
        load_checkpoint(other)


def test_cli_reports_a_bad_model_file_and_exits_nonzero(tmp_path, capsys):
    bogus = tmp_path / "bogus.pt"
    bogus.write_text("hello")
    assert main(["export", str(bogus), "--out", str(tmp_path / "x.onnx")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("eyetracker: ") and err.count("\n") == 0
    assert not (tmp_path / "x.onnx").exists()
