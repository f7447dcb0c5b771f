"""What a model says about itself, for recordings' metadata and for `eyetracker doctor`."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def model_facts(info: Any) -> dict[str, Any]:
    """What a model says about itself: fingerprint, architecture, training data, error.

    The training data's folder is given by its name only: its full path is a place on the
    machine the model was trained on, which means nothing (and tells too much) elsewhere."""
    data = dict(info.data or {})
    if data.get("path"):
        data["path"] = Path(str(data["path"])).name
    return {
        "fingerprint": info.fingerprint,
        "architecture": info.architecture,
        "trained_on": trained_on(info),
        "data": data,
        "metrics": {k: v for k, v in info.metrics.items() if isinstance(v, int | float | str)},
    }


def trained_on(info: Any) -> str:
    """`synthetic-30 (24 people, 96 measurements, 30720 samples)`, or "unknown"."""
    data = info.data or {}
    path = data.get("path")
    counts = data.get("train") if isinstance(data.get("train"), dict) else {}
    parts = [f"{counts[k]} {k}" for k in ("people", "measurements", "samples") if k in counts]
    if not path:
        return "unknown"
    return f"{Path(path).name}" + (f" ({', '.join(parts)})" if parts else "")
