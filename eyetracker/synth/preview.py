"""A contact sheet: a grid of synthetic people in different sittings, labelled."""

from __future__ import annotations

import cv2
import numpy as np

from eyetracker.core.types import GazePoint
from eyetracker.synth.dataset import person_for, sitting_for
from eyetracker.synth.render import render_frame

TILE = (320, 240)


def contact_sheet(seed: int = 0, columns: int = 4, rows: int = 3) -> np.ndarray:
    """One frame each of `columns * rows` people (one sitting each), downscaled into a grid.

    Each tile is labelled with the person, the camera placement and glasses; a green dot
    marks the projected iris centres.
    """
    tiles = []
    for index in range(columns * rows):
        person = person_for(seed, index)
        sitting = sitting_for(seed, person, index, 0)
        rng = np.random.default_rng([seed, index, 0, 1])
        dot = rng.uniform(0.05, 0.95, 2)
        image, info = render_frame(person, sitting, GazePoint(*dot), rng, t=1.0)
        tile = cv2.resize(image, TILE, interpolation=cv2.INTER_AREA)
        label = f"{person.id} {sitting.placement}{' glasses' if sitting.glasses else ''}"
        cv2.rectangle(tile, (0, 0), (TILE[0], 16), (0, 0, 0), -1)
        cv2.putText(
            tile, label, (4, 12), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1, cv2.LINE_AA
        )
        tiles.append(tile)
    grid = [np.hstack(tiles[r * columns : (r + 1) * columns]) for r in range(rows)]
    return np.vstack(grid)


def write_contact_sheet(path: str, seed: int = 0) -> tuple[int, int]:
    """Write the contact sheet as an image file; returns its (width, height)."""
    sheet = contact_sheet(seed)
    if not cv2.imwrite(str(path), sheet):
        from eyetracker.core.errors import UserError

        raise UserError(f"Could not write {path}; use a .png or .jpg name in a writable folder.")
    return sheet.shape[1], sheet.shape[0]
