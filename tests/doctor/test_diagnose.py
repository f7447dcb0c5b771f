"""`eyetracker doctor`: each finding with what to do, JSON for programs, exit 1 on problems."""

from __future__ import annotations

import json

import pytest

from eyetracker.cli import main
from eyetracker.doctor import diagnose as diagnostics
from eyetracker.doctor.diagnose import check_folders
from eyetracker.doctor.model_check import check_model
from eyetracker.doctor.qt_check import check_qt, probe_qt
from eyetracker.doctor.report import PROBLEM, WARNING, Check, Report
from eyetracker.model import resources
from eyetracker.model.checkpoint import load_checkpoint
from eyetracker.model.export import export_onnx
from eyetracker.model.facts import trained_on
from tests.helpers.models import save_tiny_model


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """A resources/ folder with a tiny default model and its ONNX twin."""
    root = tmp_path_factory.mktemp("resources")
    model = save_tiny_model(root / "models" / "default.pt")
    loaded = load_checkpoint(model)
    loaded.info.data = {"path": "/data/synthetic-30", "train": {"people": 24, "samples": 960}}
    export_onnx(loaded.model, loaded.info, root / "models" / "default.onnx")
    return root


def by_name(checks):
    return {check.name: check for check in checks}


def test_the_bundled_model_and_its_twin_are_described(shipped, monkeypatch):
    monkeypatch.setattr(resources, "resource_roots", lambda: [shipped])
    checks = by_name(check_model())
    fingerprint = load_checkpoint(shipped / "models" / "default.pt").info.fingerprint
    assert checks["model"].status == "ok" and fingerprint in checks["model"].summary
    assert checks["model"].details["fingerprint"] == fingerprint
    assert checks["onnx model"].status == "ok" and fingerprint in checks["onnx model"].summary


def test_a_missing_or_stale_twin_is_a_warning_with_the_export_command(shipped, tmp_path):
    other = save_tiny_model(tmp_path / "other.pt", kind="face")
    assert by_name(check_model(other))["onnx model"].status == WARNING
    stale = tmp_path / "other.onnx"
    stale.write_bytes((shipped / "models" / "default.onnx").read_bytes())
    twin = by_name(check_model(other))["onnx model"]
    assert twin.status == WARNING and "of another model" in twin.summary
    assert twin.fix.startswith("Export it again: eyetracker export ")


def test_a_missing_bundled_model_is_a_problem(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "resource_roots", lambda: [tmp_path])
    (check,) = check_model()
    assert check.status == PROBLEM and "missing" in check.summary and "--model" in check.fix


def test_qt_is_probed_in_a_child_with_the_apps_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("EYETRACKER_DATA_DIR", str(tmp_path / "data"))
    probe = probe_qt("offscreen")
    assert probe["platform"] == "offscreen" and probe["error"] == ""
    assert probe["paths"] == {
        "data": str(tmp_path / "data"),
        "profiles": str(tmp_path / "data" / "profiles"),
    }
    assert check_qt(probe)[0].status == "ok"
    folders = check_folders(probe["paths"])
    assert folders.status == "ok" and "created on first use" in folders.summary


def test_a_qt_that_cannot_start_is_a_problem_with_a_fix():
    probe = probe_qt("no-such-platform")
    assert probe["platform"] is None and probe["error"]
    check = check_qt(probe)[0]
    assert check.status == PROBLEM and "cannot open a window" in check.summary and check.fix


def test_warnings_alone_exit_0_and_a_problem_exits_1():
    assert Report([Check("cameras", WARNING, "none", "plug one in")]).exit_code == 0
    assert Report([Check("qt", PROBLEM, "no display", "start a desktop")]).exit_code == 1


def test_doctor_prints_every_check_and_json_for_programs(shipped, monkeypatch, capsys):
    monkeypatch.setattr(resources, "resource_roots", lambda: [shipped])
    monkeypatch.setattr(
        diagnostics, "check_cameras", lambda: Check("cameras", WARNING, "none", "Plug one in.")
    )
    code = main(["doctor", "--json"])
    report = json.loads(capsys.readouterr().out)
    names = [check["name"] for check in report["checks"]]
    for name in ("cameras", "qt", "torch", "cuda", "onnxruntime", "model", "onnx model", "folders"):
        assert name in names
    problems = [c for c in report["checks"] if c["status"] == PROBLEM]
    assert code == (1 if problems else 0) and report["ok"] == (not problems)
    assert all(c["fix"] for c in report["checks"] if c["status"] != "ok")
    code = main(["doctor"])
    text = capsys.readouterr().out
    assert "[warn] cameras" in text and "-> Plug one in." in text
    assert ("all good" in text) == (code == 0)


def test_trained_on_names_the_data_and_its_size(shipped):
    info = load_checkpoint(shipped / "models" / "default.pt").info
    info.data = {"path": "/data/synthetic-30", "train": {"people": 24, "samples": 960}}
    assert trained_on(info) == "synthetic-30 (24 people, 960 samples)"
    info.data = {}
    assert trained_on(info) == "unknown"


def test_a_users_own_broken_model_is_not_advice_to_reinstall(tmp_path):
    broken = tmp_path / "mine.pt"
    broken.write_bytes(b"not a model")
    [check] = check_model(broken)
    assert check.status == "problem" and "Reinstall" not in check.fix
    assert "eyetracker train" in check.fix


def test_an_onnx_file_where_a_pt_model_is_needed_is_named_as_such(tmp_path):
    from eyetracker.core.errors import UserError
    from eyetracker.model.checkpoint import read_checkpoint

    onnx = tmp_path / "model.onnx"
    onnx.write_bytes(b"\x08\x07")
    try:
        read_checkpoint(onnx)
    except UserError as error:
        assert "is an ONNX model" in str(error) and "corrupt" not in str(error)
    else:
        raise AssertionError("an .onnx file was read as a checkpoint")
