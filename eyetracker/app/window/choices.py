"""What the window's choices name: the cameras there are, the model file a choice means
(and what to say when the bundled one is missing)."""

from __future__ import annotations

from pathlib import Path

from eyetracker.core.errors import UserError


def find_cameras() -> list[tuple[str, str]]:
    """(label, choice) of each webcam found."""
    from eyetracker.capture.webcam import list_cameras

    return [(f"Camera {c.label}", str(c.index)) for c in list_cameras()]


def resolve_model(choice: str) -> Path:
    """The model file for a choice ("" = bundled default); raises a UserError if missing."""
    from eyetracker.model.resources import default_model_path

    return Path(choice) if choice else default_model_path()


def missing_model_text() -> str:
    from eyetracker.model.resources import DEFAULT_MODEL, resource_roots

    bundled = resource_roots()[0].joinpath(*DEFAULT_MODEL)
    return (
        f"No model found: the bundled model {bundled} is missing; choose a model file "
        "with Open model… (Ctrl+O)."
    )


def bundled_model_notice() -> str:
    """The window's notice about the bundled model: "" while it is there."""
    try:
        resolve_model("")
    except UserError:
        return missing_model_text()
    return ""
