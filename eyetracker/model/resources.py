"""Finding the files that ship inside the package `eyetracker.resources` (the default model,
its ONNX twin, the icon). importlib.resources finds them in a source checkout, an editable or
wheel install and the PyInstaller bundle alike (PyInstaller 6 serves the package's files from
`sys._MEIPASS/eyetracker/resources`, where build.spec puts them)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from eyetracker.core.errors import UserError

PACKAGE = "eyetracker.resources"
DEFAULT_MODEL = ("models", "default.pt")


class ResourceMissingError(UserError):
    """A file that should ship with eyetracker is not there."""


def resource_roots() -> list[Path]:
    """Folders that may hold the shipped files, most specific first: the package's folder
    (a list, so that tests can put a folder of their own in its place)."""
    # A Path for every install eyetracker supports (files on disk, not a zip archive).
    return [Path(str(files(PACKAGE)))]


def find_resource(*parts: str) -> Path | None:
    """The first existing `<root>/<parts...>`, or None."""
    for root in resource_roots():
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    return None


def default_model_path() -> Path:
    """The bundled model `models/default.pt`; a `ResourceMissingError` if absent."""
    path = find_resource(*DEFAULT_MODEL)
    if path is None or not path.is_file():
        looked = resource_roots()[0].joinpath(*DEFAULT_MODEL)
        raise ResourceMissingError(
            f"No model was given and the bundled model {looked} is missing; reinstall "
            "eyetracker (pip install eyetracker) or pass --model with a model trained by "
            "`eyetracker train`."
        )
    return path
