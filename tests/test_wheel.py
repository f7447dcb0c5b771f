"""The wheel carries what the app needs at run time: the default model, its ONNX twin, the
icon and their licences, in the package `eyetracker.resources`; and an installed wheel, away
from the checkout, passes `eyetracker --self-test`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "eyetracker" / "resources"
NOTICES = ("NOTICE", "THIRD_PARTY.md")
SHIPPED = [
    "eyetracker/resources/__init__.py",
    "eyetracker/resources/models/default.pt",
    "eyetracker/resources/models/default.onnx",
    "eyetracker/resources/icons/eyetracker.png",
    "eyetracker/resources/NOTICE",
]


def resource_files() -> set[str]:
    """Every file in eyetracker/resources/ but the package's own code."""
    return {
        path.relative_to(PACKAGE_DIR).as_posix()
        for path in PACKAGE_DIR.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc")
    }


def test_every_resource_file_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["eyetracker.resources"]
    # setuptools expands package-data globs relative to the package's folder, like this.
    matched = {
        path.relative_to(PACKAGE_DIR).as_posix()
        for pattern in patterns
        for path in PACKAGE_DIR.glob(pattern)
        if path.is_file()
    }
    assert resource_files() <= matched, "no package-data glob in pyproject.toml matches these"


def test_every_resource_file_is_named_in_a_licence_notice():
    notices = "".join(
        (PACKAGE_DIR / name).read_text() for name in NOTICES if (PACKAGE_DIR / name).is_file()
    )
    unnamed = sorted(name for name in resource_files() - set(NOTICES) if name not in notices)
    assert not unnamed, f"add {unnamed} with their licence to eyetracker/resources/NOTICE"


def source_tree(into: Path) -> Path:
    """What the wheel is built from, copied: the checkout's build/ may hold stale files."""
    shutil.copytree(
        ROOT / "eyetracker", into / "eyetracker", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, into / name)
    return into


def run(command: list, cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"{command}: exit {done.returncode}\n{done.stdout}{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_the_wheel_ships_the_resources_and_its_install_passes_the_self_test(tmp_path):
    dist = tmp_path / "dist"
    source = source_tree(tmp_path / "source")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    run([*pip, "wheel", "--no-deps", "--quiet", source, "-w", dist], cwd=tmp_path)
    [wheel] = dist.glob("eyetracker-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(SHIPPED) <= names, sorted(n for n in names if "resources" in n)

    # Installed into a folder of its own and run from outside the checkout, so that only the
    # installed copy is importable (the venv's editable install finds the checkout's package
    # only after PYTHONPATH has been searched).
    target = tmp_path / "installed"
    run(
        [*pip, "install", "--no-deps", "--no-index", "--quiet", "--target", target, wheel], tmp_path
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(target), QT_QPA_PLATFORM="offscreen")
    where = run(
        [
            sys.executable,
            "-c",
            "import eyetracker; from eyetracker.model.resources import default_model_path; "
            "print(eyetracker.__file__); print(default_model_path())",
        ],
        tmp_path,
        env,
    ).split()
    assert [Path(path).resolve().is_relative_to(target.resolve()) for path in where] == [True] * 2
    assert where[1].endswith("models/default.pt")

    for command in ([sys.executable, "-m", "eyetracker"], [target / "bin" / "eyetracker"]):
        out = run([*command, "--self-test"], tmp_path, env)
        assert out.startswith("self-test ok:") and "model default.pt" in out, out
