"""Gaze error in the units people quote: % of the screen, pixels, millimetres, degrees."""

from __future__ import annotations

import numpy as np


def error_pct(predicted: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Per-sample Euclidean distance between normalized points, as % of the screen (the study's metric)."""
    return 100.0 * np.linalg.norm(np.asarray(predicted) - np.asarray(truth), axis=-1)


def on_screen(outputs: np.ndarray) -> np.ndarray:
    """Network outputs (N, 2) as screen points: clipped to [0, 1]; rows that are not finite
    become NaN (no prediction). Every path from frame to gaze point ends here."""
    points = np.clip(np.asarray(outputs, np.float64), 0.0, 1.0)
    points[~np.isfinite(np.asarray(outputs)).all(axis=-1)] = np.nan
    return points


def error_px(
    predicted: np.ndarray, truth: np.ndarray, width_px: float, height_px: float
) -> np.ndarray:
    delta = (np.asarray(predicted) - np.asarray(truth)) * np.array([width_px, height_px])
    return np.linalg.norm(delta, axis=-1)


def error_mm(
    predicted: np.ndarray, truth: np.ndarray, width_mm: float, height_mm: float
) -> np.ndarray:
    return error_px(predicted, truth, width_mm, height_mm)


def mm_to_degrees(
    distance_on_screen_mm: np.ndarray | float, viewing_distance_mm: float
) -> np.ndarray:
    """Visual angle of an on-screen distance seen from `viewing_distance_mm` straight ahead."""
    return np.degrees(np.arctan2(np.asarray(distance_on_screen_mm), viewing_distance_mm))
