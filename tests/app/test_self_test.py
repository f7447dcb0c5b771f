"""`eyetracker app --self-test`: headless, loads the model, tracks synthetic frames."""

from __future__ import annotations

import argparse

from eyetracker.app.main import run_app


def test_self_test_tracks_synthetic_frames(model_file, capsys, qapp):
    args = argparse.Namespace(self_test=True, model=str(model_file), backend="torch", device="cpu")
    assert run_app(args) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("self-test ok: 30 synthetic frames")
    assert "torch on cpu" in line


def test_self_test_without_a_model_fails_with_one_sentence(tmp_path, capsys, qapp):
    args = argparse.Namespace(
        self_test=True, model=str(tmp_path / "missing.pt"), backend=None, device=None
    )
    assert run_app(args) == 1
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err
