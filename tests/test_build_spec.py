"""build.spec, read without PyInstaller (CI never builds): the spec runs with stand-ins for
PyInstaller's classes, which record what the bundle would hold."""

from __future__ import annotations

import ast
import shutil
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "build.spec"
RESOURCES = [
    "eyetracker/resources/models/default.pt",
    "eyetracker/resources/models/default.onnx",
    "eyetracker/resources/icons/eyetracker.png",
    "eyetracker/resources/NOTICE",
]


class Recorded:
    """Stands in for Analysis, PYZ, EXE and COLLECT: keeps the arguments."""

    def __init__(self, *args, **kwargs) -> None:
        self.args, self.kwargs = args, kwargs
        self.pure, self.scripts, self.binaries = [], [], []
        self.datas = list(kwargs.get("datas", []))


def run_spec(root: Path, monkeypatch) -> dict:
    calls = []

    def collect_data_files(package, subdir=None, includes=None, **_):
        calls.append((package, subdir, tuple(includes or ())))
        return [
            (f"/site-packages/{package}/{subdir}/{name}", f"{package}/{subdir}")
            for name in includes or ()
        ]

    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda package, **_: [package]
    hooks.collect_data_files = collect_data_files
    hooks.collect_dynamic_libs = lambda package, **_: [(f"/site-packages/{package}/lib.so", ".")]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    namespace = {"SPECPATH": str(root), "__file__": str(root / "build.spec")}
    namespace.update(
        {name: type(name, (Recorded,), {}) for name in ("Analysis", "PYZ", "EXE", "COLLECT")}
    )
    exec(compile(SPEC.read_text(), str(SPEC), "exec"), namespace)
    namespace["_data_calls"] = calls
    return namespace


@pytest.fixture
def checkout(tmp_path):
    """The spec next to placeholder resources: the test needs no trained model."""
    shutil.copy(SPEC, tmp_path / "build.spec")
    for path in RESOURCES:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(b"placeholder")
    (tmp_path / "packaging").mkdir()
    shutil.copy(ROOT / "packaging" / "eyetracker_main.py", tmp_path / "packaging")
    return tmp_path


def imported_top_level_modules() -> set[str]:
    """Every top-level module any file of the eyetracker package imports."""
    names = set()
    for path in (ROOT / "eyetracker").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
    return names


def test_spec_is_python():
    ast.parse(SPEC.read_text(), str(SPEC))


def bundled_files(spec, checkout) -> set[tuple[str, str]]:
    """(file in the checkout, folder under sys._MEIPASS) for every data file from the checkout."""
    return {
        (Path(src).relative_to(checkout).as_posix(), dest)
        for src, dest in spec["a"].kwargs["datas"]
        if Path(src).is_relative_to(checkout)
    }


def test_spec_bundles_the_model_its_twin_the_icon_and_notice_in_the_package(checkout, monkeypatch):
    # importlib.resources reads eyetracker.resources from sys._MEIPASS/eyetracker/resources.
    datas = bundled_files(run_spec(checkout, monkeypatch), checkout)
    assert datas >= {(path, str(Path(path).parent)) for path in RESOURCES}


def test_spec_bundles_third_party_models_with_their_licences_when_present(checkout, monkeypatch):
    third_party = ["eyetracker/resources/models/face.task", "eyetracker/resources/THIRD_PARTY.md"]
    assert not {path for path, _ in bundled_files(run_spec(checkout, monkeypatch), checkout)} & {
        *third_party
    }
    for path in third_party:
        (checkout / path).write_bytes(b"placeholder")
    datas = bundled_files(run_spec(checkout, monkeypatch), checkout)
    assert datas >= {(path, str(Path(path).parent)) for path in third_party}


def test_spec_bundles_the_face_detectors_cascade(checkout, monkeypatch):
    spec = run_spec(checkout, monkeypatch)
    [(package, subdir, includes)] = spec["_data_calls"]
    assert (package, subdir) == ("cv2", "data")
    # Each cascade the spec ships is one the face detector loads (eyetracker.model.haar).
    sources = "".join(path.read_text() for path in (ROOT / "eyetracker").rglob("*.py"))
    assert includes and all(name in sources for name in includes)


def test_spec_refuses_to_build_without_the_model(checkout, monkeypatch):
    (checkout / "eyetracker/resources/models/default.onnx").unlink()
    with pytest.raises(SystemExit, match="default.onnx missing"):
        run_spec(checkout, monkeypatch)


def test_spec_builds_one_folder_from_the_cli_entry_point(checkout, monkeypatch):
    spec = run_spec(checkout, monkeypatch)
    [script] = spec["a"].args[0]
    assert Path(script).is_file() and "eyetracker.cli import main" in Path(script).read_text()
    assert spec["exe"].kwargs["exclude_binaries"] is True  # binaries go to COLLECT: one folder
    assert spec["exe"].kwargs["name"] == spec["coll"].kwargs["name"] == "eyetracker"


def test_spec_excludes_torch_and_only_what_the_app_does_not_import(checkout, monkeypatch):
    excludes = set(run_spec(checkout, monkeypatch)["a"].kwargs["excludes"])
    assert {"torch", "onnx", "tests", "hypothesis", "pytest", "PySide6.QtWebEngineCore"} <= excludes
    assert {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets"}.isdisjoint(excludes)
    # torch and onnx are imported only by training, evaluation and export, which the bundle
    # answers with one sentence; anything else excluded but imported would break the app.
    used = imported_top_level_modules()
    used_but_excluded = {
        name for name in used if any(name == x or name.startswith(x + ".") for x in excludes)
    }
    assert {name.split(".")[0] for name in used_but_excluded} <= {"torch", "onnx"}


def test_the_landmark_front_ends_native_library_is_bundled(checkout, monkeypatch):
    spec = run_spec(checkout, monkeypatch)
    assert any("mediapipe" in source for source, _ in spec["binaries"])
    assert "mediapipe.tasks.python" in spec["hiddenimports"]
