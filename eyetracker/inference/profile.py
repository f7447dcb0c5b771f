"""User profiles: one person's captured statistics for one model, so tracking is calibrated
from the first frame.

A profile is a NumPy `.npz` (read with allow_pickle=False: nothing in it can execute) with one
array per moment ("<layer>.mean", "<layer>.var") and a JSON header in the array "_header":

    {"format": "eyetracker-profile", "version": 3, "user": "ada",
     "model_fingerprint": "3f2c...", "frames": 16, "source": "calibration, 16 points",
     "created": "2026-11-23T10:15:02", "correction": {"kind": "ridge", "mean": [...], ...}
     or null}

"correction" is the calibration model (eyetracker.inference.calibration_models) with its kind;
one written before models had a kind is the ridge correction.

Profiles live in `<profiles dir>/<user>/<model fingerprint>.npz`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from eyetracker.core.atomic import atomic_write
from eyetracker.core.errors import UserError
from eyetracker.core.measurement import safe_name
from eyetracker.inference.calibration_models import (
    DEFAULT_KIND,
    CalibrationModel,
    calibration_model,
    model_from_json,
    model_to_json,
)
from eyetracker.model.moments import MIN_FRAMES

MAGIC = "eyetracker-profile"
VERSION = 3  # 2: the correction keeps the geometry's range; 3: it reads the hidden layer


class ProfileError(UserError):
    """A profile is missing, damaged, or made for another model."""


@dataclass
class Profile:
    user: str
    model_fingerprint: str
    moments: dict[str, np.ndarray]
    frames: int
    source: str
    created: str = ""
    correction: CalibrationModel | None = None  # fitted on the calibration's targets

    def save(self, path: str | os.PathLike[str]) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = {
            "format": MAGIC,
            "version": VERSION,
            "user": self.user,
            "model_fingerprint": self.model_fingerprint,
            "frames": self.frames,
            "source": self.source,
            "created": self.created or datetime.now().isoformat(timespec="seconds"),
            "correction": None if self.correction is None else model_to_json(self.correction),
        }
        arrays = {"_header": np.array(json.dumps(header)), **self.moments}
        return atomic_write(path, lambda handle: np.savez(handle, **arrays), durable=True)


def load_profile(path: str | os.PathLike[str], model_fingerprint: str | None = None) -> Profile:
    path = Path(path)
    if not path.is_file():
        raise ProfileError(
            f"Profile {path} does not exist; run the quick calibration to create one."
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(str(data["_header"]))
            moments = {k: data[k].astype(np.float32) for k in data.files if k != "_header"}
    except Exception:
        header = None
    if not isinstance(header, dict):
        raise ProfileError(
            f"{path} is not a readable eyetracker profile; calibrate again to replace it."
        )
    if header.get("format") != MAGIC or header.get("version") != VERSION:
        raise ProfileError(
            f"{path} is not an eyetracker profile of version {VERSION}; calibrate again."
        )
    correction = header.get("correction")
    kind = str(correction.get("kind", DEFAULT_KIND)) if isinstance(correction, dict) else None
    if kind is not None and not _known_model(kind):
        raise ProfileError(
            f"{path} was calibrated with the {kind!r} calibration model, which this version of "
            "eyetracker does not have; calibrate again."
        )
    try:
        correction = model_from_json(correction) if correction is not None else None
    except Exception:
        raise ProfileError(
            f"{path} is not a readable eyetracker profile; calibrate again to replace it."
        ) from None
    if reason := _header_problem(header) or _moments_problem(moments):
        raise ProfileError(f"{path} is damaged ({reason}); calibrate again to replace it.")
    if model_fingerprint and header.get("model_fingerprint") != model_fingerprint:
        raise ProfileError(
            f"{path} was made for another model; calibrate again with the current model."
        )
    frames = header["frames"]
    if frames < MIN_FRAMES:
        # Statistics of so few frames send predictions off the screen (eyetracker.model.moments).
        raise ProfileError(
            f"{path} was captured from only {frames} usable frames (at least {MIN_FRAMES} are "
            "needed); calibrate again."
        )
    return Profile(
        str(header["user"]),
        str(header["model_fingerprint"]),
        moments,
        frames,
        str(header.get("source", "")),
        str(header.get("created", "")),
        correction,
    )


def _header_problem(header: dict) -> str | None:
    for key in ("user", "model_fingerprint"):
        if not isinstance(header.get(key), str) or not header[key]:
            return f"its {key} is missing or not a name"
    frames = header.get("frames")
    if not isinstance(frames, int) or isinstance(frames, bool):
        return "its frame count is not a whole number"
    return None


def _moments_problem(moments: dict[str, np.ndarray]) -> str | None:
    """Why the statistics cannot be used: each layer has a mean and a variance, 1-D, of one
    length, finite, the variance not negative. Their fit to the model is checked when applied."""
    for name, mean in moments.items():
        if not name.endswith(".mean"):
            continue
        var = moments.get(name[: -len(".mean")] + ".var")
        if var is None or mean.ndim != 1 or var.shape != mean.shape:
            return f"the statistics of {name[: -len('.mean')]} have the wrong shape"
        if not (np.isfinite(mean).all() and np.isfinite(var).all() and (var >= 0).all()):
            return f"the statistics of {name[: -len('.mean')]} are not finite numbers"
    if not moments or any(
        name[: -len(".var")] + ".mean" not in moments for name in moments if name.endswith(".var")
    ):
        return "its statistics are incomplete"
    return None


def profile_path(profiles_dir: str | os.PathLike[str], user: str, model_fingerprint: str) -> Path:
    return Path(profiles_dir) / safe_name(user) / f"{model_fingerprint}.npz"


def _known_model(kind: str) -> bool:
    try:
        calibration_model(kind)
    except ValueError:
        return False
    return True
