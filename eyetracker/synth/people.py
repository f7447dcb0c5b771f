"""Synthetic people: what stays the same for one person across all their measurements.

Appearance (skin, eyes, hair, face proportions) and the eye's anatomy that no camera can
see but every gaze model must absorb: the angle kappa between the visual axis (fovea to
target) and the optical axis (what the iris and pupil show).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BGR = tuple[float, float, float]

# Skin albedo (BGR) along a Fitzpatrick-like scale, very light (I) to very dark (VI).
_SKIN_SCALE = np.array(
    [
        [196, 214, 246],
        [168, 192, 232],
        [132, 164, 210],
        [96, 130, 178],
        [62, 90, 132],
        [38, 54, 82],
    ],
    dtype=float,
)

# name, BGR albedo, relative frequency
IRIS_COLOURS: dict[str, tuple[BGR, float]] = {
    "dark": ((22, 30, 42), 0.30),
    "brown": ((30, 58, 92), 0.30),
    "hazel": ((46, 96, 118), 0.12),
    "green": ((70, 124, 92), 0.08),
    "blue": ((150, 112, 72), 0.12),
    "grey": ((124, 120, 112), 0.08),
}

HAIR_COLOURS: dict[str, tuple[BGR, float]] = {
    "black": ((18, 18, 22), 0.32),
    "dark brown": ((28, 40, 56), 0.25),
    "brown": ((44, 66, 96), 0.15),
    "blond": ((92, 150, 190), 0.10),
    "red": ((40, 70, 140), 0.05),
    "grey": ((140, 142, 146), 0.08),
    "white": ((200, 202, 206), 0.05),
}

# Styles: "short" (cropped), "long" (falls to the shoulders unless tied), "curly" (volume),
# "bald" (skin shows, thin ring of hair), "bangs" (long with a fringe over the forehead).
HAIR_STYLES: dict[str, float] = {
    "short": 0.35,
    "long": 0.30,
    "curly": 0.12,
    "bald": 0.08,
    "bangs": 0.15,
}


def _choose(rng: np.random.Generator, table: dict) -> str:
    names = list(table)
    weights = np.array([v[1] if isinstance(v, tuple) else v for v in table.values()], dtype=float)
    return names[int(rng.choice(len(names), p=weights / weights.sum()))]


def skin_albedo(tone: float) -> np.ndarray:
    """Skin albedo (BGR) for a tone in [0, 1] (0 = Fitzpatrick I, 1 = VI), interpolated."""
    position = np.clip(tone, 0.0, 1.0) * (len(_SKIN_SCALE) - 1)
    low = int(np.floor(position))
    high = min(low + 1, len(_SKIN_SCALE) - 1)
    w = position - low
    return (1 - w) * _SKIN_SCALE[low] + w * _SKIN_SCALE[high]


@dataclass(frozen=True)
class Person:
    """One synthetic person. All lengths in mm, angles in degrees, colours BGR 0-255."""

    id: str
    key: int
    skin_tone: float
    skin: BGR
    lip: BGR
    iris_colour: str
    iris: BGR
    hair_colour: str
    hair: BGR
    hair_style: str
    brow: BGR
    brow_thickness_mm: float
    ipd_mm: float
    eyeball_radius_mm: float
    iris_radius_mm: float
    eye_width_mm: float
    eye_openness_mm: float
    canthal_tilt_deg: float
    kappa_h_deg: float
    kappa_v_deg: float
    kappa_asymmetry_deg: float
    face_width_mm: float
    face_length_mm: float
    nose_length_mm: float
    mouth_width_mm: float
    has_glasses: bool

    @classmethod
    def sample(cls, rng: np.random.Generator, id: str = "p01") -> Person:
        """Draw a person. Skin tones cover the full range uniformly, not the study's 30 people."""
        tone = float(rng.uniform(0.0, 1.0))
        skin = skin_albedo(tone) * rng.uniform(0.93, 1.07, 3)
        lip = skin * np.array([0.78, 0.74, 0.95]) * rng.uniform(0.85, 1.0)
        iris_name = _choose(rng, IRIS_COLOURS)
        if tone > 0.6 and iris_name in ("blue", "green", "grey"):
            iris_name = "brown" if rng.random() < 0.5 else "dark"
        iris = np.array(IRIS_COLOURS[iris_name][0]) * rng.uniform(0.85, 1.15)
        hair_name = _choose(rng, HAIR_COLOURS)
        hair = np.array(HAIR_COLOURS[hair_name][0]) * rng.uniform(0.85, 1.15)
        style = _choose(rng, HAIR_STYLES)
        brow = np.minimum(hair, skin) * rng.uniform(0.35, 0.6)
        kappa_h = float(np.clip(rng.normal(5.0, 1.2), 1.5, 8.5))
        return cls(
            id=id,
            key=int(rng.integers(2**62)),
            skin_tone=tone,
            skin=_bgr(skin),
            lip=_bgr(lip),
            iris_colour=iris_name,
            iris=_bgr(iris),
            hair_colour=hair_name,
            hair=_bgr(hair),
            hair_style=style,
            brow=_bgr(brow),
            brow_thickness_mm=float(rng.uniform(4.5, 8.0)),
            ipd_mm=float(np.clip(rng.normal(63.5, 3.5), 56.0, 72.0)),
            eyeball_radius_mm=float(rng.uniform(11.5, 12.5)),
            iris_radius_mm=float(rng.uniform(5.6, 6.3)),
            eye_width_mm=float(rng.uniform(26.0, 32.0)),
            eye_openness_mm=float(rng.uniform(3.6, 5.6)),
            canthal_tilt_deg=float(rng.normal(3.0, 3.0)),
            kappa_h_deg=kappa_h,
            kappa_v_deg=float(np.clip(rng.normal(0.0, 0.8), -1.5, 1.5)),
            kappa_asymmetry_deg=float(rng.normal(0.0, 0.5)),
            face_width_mm=float(rng.uniform(128.0, 152.0)),
            face_length_mm=float(rng.uniform(180.0, 215.0)),
            nose_length_mm=float(rng.uniform(42.0, 56.0)),
            mouth_width_mm=float(rng.uniform(42.0, 56.0)),
            has_glasses=bool(rng.random() < 0.35),
        )


def _bgr(values: np.ndarray) -> BGR:
    b, g, r = (float(np.clip(v, 0.0, 255.0)) for v in values)
    return (b, g, r)
