"""Finding files shipped in `resources/`: next to the package in a source checkout, or inside
a PyInstaller bundle (which unpacks data files under `sys._MEIPASS`)."""

from __future__ import annotations

import sys
from pathlib import Path

from eyetracker.core.errors import UserError

DEFAULT_MODEL = ("models", "default.pt")


class ResourceMissingError(UserError):
    """A file that should ship with eyetracker is not there."""


def resource_roots() -> list[Path]:
    """Folders that may hold `resources/`, most specific first."""
    roots = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots.append(Path(bundle) / "resources")
    # Source checkout or editable install: <repo>/eyetracker/runtime/resources.py -> <repo>.
    roots.append(Path(__file__).resolve().parents[2] / "resources")
    return roots


def find_resource(*parts: str) -> Path | None:
    """The first existing `resources/<parts...>`, or None."""
    for root in resource_roots():
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    return None


def default_model_path() -> Path:
    """The bundled model `resources/models/default.pt`; a `ResourceMissingError` if absent."""
    path = find_resource(*DEFAULT_MODEL)
    if path is None or not path.is_file():
        looked = resource_roots()[0].joinpath(*DEFAULT_MODEL)
        raise ResourceMissingError(
            f"No model was given and the bundled model {looked} is missing; pass --model "
            "with a model trained by `eyetracker train`."
        )
    return path
