"""No silent overwrite: `replay --out`, `export --out` and `train --out` refuse a file that is
there already unless --force is given, and write whole files through atomic_write."""

from __future__ import annotations

import pytest

from eyetracker.capture.base import available_sources
from eyetracker.cli import main
from eyetracker.inference.backends.torch import TorchBackend
from eyetracker.outputs.gaze_csv import read_gaze_csv
from eyetracker.runtime.replay import replay
from tests.helpers.models import save_tiny_model
from tests.helpers.runtime_fakes import DrawnSource

KEPT = "an earlier result, kept\n"
TORCH_CPU = ("--backend", "torch", "--device", "cpu")


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return save_tiny_model(tmp_path_factory.mktemp("model") / "square.pt")


@pytest.fixture
def existing(tmp_path):
    path = tmp_path / "existing.out"
    path.write_text(KEPT)
    return path


def refused(capsys, path) -> None:
    """One sentence that names --force, and the file as it was."""
    err = capsys.readouterr().err.strip()
    assert err.startswith("eyetracker: ") and "\n" not in err and "Traceback" not in err
    assert f"--out {path} exists already; add --force to replace it" in err
    assert path.read_text() == KEPT


synthetic = pytest.mark.skipif("synthetic" not in available_sources(), reason="no synthetic source")


@synthetic
def test_replay_refuses_an_existing_out_and_replaces_it_with_force(model, existing, capsys):
    args = ["replay", "synthetic:fixations", "--seconds", "0.2", "--model", str(model)]
    args += ["--out", str(existing), *TORCH_CPU]
    assert main(args) == 2
    refused(capsys, existing)
    assert main([*args, "--force"]) == 0
    assert len(read_gaze_csv(existing)) == 6
    assert "wrote 6 rows" in capsys.readouterr().out


def test_a_replay_leaves_the_earlier_file_whole_until_its_own_is_complete(model, existing):
    seen = []
    backend = TorchBackend(model, "cpu")
    replay(
        DrawnSource(count=4),
        backend,
        None,
        existing,
        on_sample=lambda _: seen.append(existing.read_text()),
    )
    assert seen == [KEPT] * 4  # the rows go to a temporary file beside it meanwhile
    assert len(read_gaze_csv(existing)) == 4
    assert [p.name for p in existing.parent.iterdir()] == [existing.name]


def test_export_refuses_an_existing_out_and_replaces_it_with_force(model, existing, capsys):
    args = ["export", str(model), "--out", str(existing)]
    assert main(args) == 2
    refused(capsys, existing)
    assert main([*args, "--force"]) == 0
    assert existing.read_bytes() != KEPT.encode() and "wrote" in capsys.readouterr().out
    assert [p.name for p in existing.parent.iterdir()] == [existing.name]


def test_train_refuses_an_existing_out_unless_forced_or_resumed(tmp_path, existing, capsys):
    args = ["train", str(tmp_path / "no-dataset"), "--out", str(existing), "--epochs", "1"]
    assert main(args) == 2
    refused(capsys, existing)
    # With --force (or --resume, which continues that model) the check lets it through: here
    # the missing dataset is what stops it, before anything is written.
    for option in ("--force", "--resume"):
        assert main([*args, option]) == 2
        err = capsys.readouterr().err
        assert "exists already" not in err and "no-dataset" in err
        assert existing.read_text() == KEPT
