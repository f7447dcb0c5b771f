"""The face as a list of lit ellipsoids in the head frame, plus eyelid and brow curves.

Head frame (mm): origin between the eyeball centres, x to the person's right, y down, z
forward. Every patch has a surface normal, so light from the side shades one cheek and the
side of the nose; eye sockets and the under-nose are darkened (ambient occlusion): the dark
brow-and-eye band above lighter cheeks and a lighter nose bridge is what face detectors see.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from eyetracker.synth.people import Person
from eyetracker.synth.sittings import Sitting


@dataclass(frozen=True, eq=False)
class FacePatches:
    """Ellipsoids to draw in order: centres, semi-axes, normals (head frame), albedo x occlusion."""

    centres: np.ndarray  # (N, 3)
    semi_axes: np.ndarray  # (N, 3)
    normals: np.ndarray  # (N, 3) unit
    albedo: np.ndarray  # (N, 3) BGR
    n_back: int  # patches before this index are drawn before the soft-shading blur


def _unit(v: tuple[float, float, float]) -> np.ndarray:
    a = np.asarray(v, dtype=float)
    return a / np.linalg.norm(a)


def face_patches(person: Person, sitting: Sitting) -> FacePatches:
    """The person's head for one sitting (hair tied or down changes what is drawn)."""
    skin = np.array(person.skin)
    hair = np.array(person.hair)
    lip = np.array(person.lip)
    fw, fl, nl, mw = (
        person.face_width_mm,
        person.face_length_mm,
        person.nose_length_mm,
        person.mouth_width_mm,
    )
    half = person.ipd_mm / 2
    chin = fl - 85.0  # chin below the eye line; the hairline is ~85 mm above it
    rows: list[tuple] = []

    def add(centre, axes, normal, albedo, factor=1.0):
        rows.append((centre, axes, _unit(normal), np.asarray(albedo, dtype=float) * factor))

    style = person.hair_style
    hair_down = style in ("long", "bangs", "curly") and not sitting.hair_tied
    if hair_down:
        volume = 1.25 if style == "curly" else 1.1
        add((0, 55, -85), (fw / 2 * 1.35 * volume, 150, 50), (0, 0, 1), hair, 0.8)
    add((0, chin + 5, -60), (fw * 0.33, 70, 45), (0, 0.3, 1), skin, 0.72)  # neck
    if style == "bald":
        add((0, -30, -72), (fw / 2 + 6, 112, 100), (0, -0.3, 1), skin, 0.95)
    else:
        volume = {"curly": 1.22, "long": 1.08, "bangs": 1.08}.get(style, 1.03)
        if sitting.hair_tied:
            volume = 1.02
        add((0, -34, -72), ((fw / 2 + 8) * volume, 112 * volume, 100), (0, -0.2, 1), hair, 0.9)
    if not hair_down:
        for side in (1, -1):
            add((side * (fw / 2 + 1), 14, -78), (9, 26, 14), (side * 0.6, 0, 0.8), skin, 0.85)
    # Face: an upper oval and a narrower jaw make an egg shape.
    add((0, -8, -22), (fw / 2 - 3, 80, 70), (0, 0, 1), skin)
    add((0, chin - 60, -28), (fw / 2 - 13, 62, 60), (0, 0.15, 1), skin)
    if style != "bald":
        add((0, -90, -10), (fw / 2 - 10, 16, 30), (0, -0.4, 1), hair, 0.95)  # hairline
    # Shading patches: forehead, temples, cheeks, chin.
    add((0, -48, 2), (fw / 2 - 20, 26, 20), (0, -0.45, 0.9), skin, 1.04)
    for side in (1, -1):
        add((side * fw * 0.42, -5, -30), (13, 50, 20), (side * 0.6, 0, 0.8), skin, 0.84)
        add((side * fw * 0.25, 36, -6), (24, 32, 20), (side * 0.35, 0.15, 0.92), skin, 1.04)
    add((0, chin - 14, -4), (24, 16, 12), (0, 0.45, 0.9), skin, 1.0)
    # Eye sockets: shadowed by the brow ridge (the dark band face detectors look for).
    for side in (1, -1):
        add((side * half, -3, 8), (person.eye_width_mm * 0.7, 13, 8), (0, 0, 1), skin, 0.48)
    # Nose: bright bridge and tip, darker sides, shadow below, nostrils.
    add((0, 8, 20), (6.5, 19, 8), (0, 0.05, 1), skin, 1.1)
    for side in (1, -1):
        add((side * 7.5, nl * 0.6, 18), (4, nl * 0.32, 5), (side * 0.85, 0.2, 0.5), skin, 0.95)
    add((0, nl - 6, 30), (8, 7, 6), (0, 0.3, 0.95), skin, 1.08)
    add((0, nl + 3, 22), (12, 3.5, 3), (0, 0.6, 0.8), skin, 0.62)
    for side in (1, -1):
        add((side * 6, nl, 24), (3.2, 1.8, 1), (0, 0.6, 0.8), skin, 0.35)
    n_back = len(rows)
    # Lips (drawn after the soft-shading blur so they keep an edge).
    add((0, nl + 17, 19), (mw / 2 * 0.8, 3.2, 4), (0, -0.2, 1), lip, 0.9)
    add((0, nl + 22, 19), (mw / 2 * 0.68, 4.2, 4), (0, 0.3, 0.95), lip, 1.05)
    if style == "bangs" and not sitting.hair_tied:
        add((0, -74, 10), (fw / 2 - 8, 22, 12), (0, -0.2, 1), hair, 1.0)
    centres, axes, normals, albedo = (
        np.array(column, dtype=float) for column in zip(*rows, strict=True)
    )
    return FacePatches(centres, axes, normals, albedo, n_back)


def brow_curves(person: Person) -> np.ndarray:
    """(2, 5, 3) head-frame points along the right and left eyebrow, inner to outer."""
    half = person.ipd_mm / 2
    s = np.linspace(-1.0, 1.0, 5)
    x = half + s * 17.0 + 1.0
    y = -15.5 - 4.0 * (1 - s**2) - 1.5 * s
    z = np.full(5, 14.0) - 3.0 * s
    right = np.stack([x, y, z], axis=1)
    left = right * np.array([-1.0, 1.0, 1.0])
    return np.stack([right, left])


def mouth_line(person: Person) -> np.ndarray:
    """(5, 3) head-frame points along the line between the lips."""
    s = np.linspace(-1.0, 1.0, 5)
    half = person.mouth_width_mm / 2 * 0.78
    return np.stack(
        [s * half, np.full(5, person.nose_length_mm + 19.5) + 1.5 * s**2, 20 - 3 * s**2], axis=1
    )


def eyelids(
    person: Person, sitting: Sitting, side: int, pitch_deg: float, closure: float
) -> np.ndarray:
    """(2, 9, 3) upper and lower lid points (eye-centre-relative, head frame), nasal to temporal.

    The upper lid follows the eye's vertical rotation (it drops when looking down); `closure`
    in [0, 1] lowers it onto the lower lid (a blink).
    """
    w = person.eye_width_mm / 2
    s = np.linspace(-1.0, 1.0, 9)  # -1 nasal, +1 temporal
    x = side * (s * w + 1.0)
    shape = (1 - s**2) ** 0.8
    look = np.sin(np.radians(pitch_deg)) * person.eyeball_radius_mm
    open_mm = person.eye_openness_mm * sitting.eye_openness_scale
    tilt = -np.tan(np.radians(person.canthal_tilt_deg)) * s * w
    upper = -open_mm * shape + (0.75 * look if look > 0 else 0.45 * look) + tilt - 0.6
    lower = 0.5 * open_mm * shape + 0.25 * look + tilt + 0.3
    upper = upper * (1 - closure) + (lower - 0.3) * closure
    radius = person.eyeball_radius_mm + 1.2
    z_upper = np.sqrt(np.maximum(radius**2 - (s * w) ** 2 - upper**2, 9.0))
    z_lower = np.sqrt(np.maximum(radius**2 - (s * w) ** 2 - lower**2, 9.0))
    return np.stack([np.stack([x, upper, z_upper], 1), np.stack([x, lower, z_lower], 1)])
