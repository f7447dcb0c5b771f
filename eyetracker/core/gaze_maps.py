"""Pictures of where someone looked: a heatmap of gaze samples and a scan path of fixations,
drawn over a background (a screenshot) with NumPy and OpenCV, no Qt.

    image = render(background, x, y, fixations)    # BGR uint8, background's size

Points are fractions of the screen (0..1, origin top-left), as in the gaze CSV.
"""

from __future__ import annotations

import cv2
import numpy as np

from eyetracker.core.fixations import Fixations

# The heatmap's blur: 3% of the picture's width, about the accuracy of a webcam tracker
# (1.5 degrees on a 24" screen at 60 cm); a lab tracker's 1-degree kernel would only draw
# its noise.
HEATMAP_SIGMA = 0.03
HEATMAP_GRID = 320  # density is counted on a grid this wide, then blurred and scaled up
HEATMAP_OPACITY = 0.7  # of the hottest spot; cooler ones fade out
HEATMAP_FLOOR = 0.05  # densities below this share of the peak are not drawn at all

PATH_COLOR = (40, 200, 255)  # BGR: amber lines and rings
FIXATION_FILL = (200, 120, 30)  # BGR: blue discs


def density(x: np.ndarray, y: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A Gaussian-blurred 2D histogram of the points at `size` (width, height), peak 1 (all 0
    without points)."""
    width, height = size
    grid_w = min(HEATMAP_GRID, width)
    grid_h = max(1, round(height * grid_w / width))
    keep = np.isfinite(x) & np.isfinite(y)
    counts, _, _ = np.histogram2d(
        np.asarray(y)[keep], np.asarray(x)[keep], bins=(grid_h, grid_w), range=((0, 1), (0, 1))
    )
    sigma = HEATMAP_SIGMA * grid_w
    blurred = cv2.GaussianBlur(
        counts.astype(np.float32), (0, 0), sigma, borderType=cv2.BORDER_CONSTANT
    )
    peak = float(blurred.max())
    if peak <= 0:
        return np.zeros((height, width), np.float32)
    return cv2.resize(blurred / peak, (width, height), interpolation=cv2.INTER_LINEAR)


def draw_heatmap(image: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`image` with the samples' density colour-mapped (turbo) and alpha-blended over it."""
    heat = density(x, y, (image.shape[1], image.shape[0]))
    colors = cv2.applyColorMap((heat * 255).astype(np.uint8), cv2.COLORMAP_TURBO)
    alpha = np.where(heat < HEATMAP_FLOOR, 0.0, HEATMAP_OPACITY * np.sqrt(heat))[..., None]
    return (image * (1 - alpha) + colors * alpha).astype(np.uint8)


def draw_scanpath(image: np.ndarray, fixations: Fixations) -> np.ndarray:
    """`image` with the fixations as numbered discs (area grows with duration) joined in order."""
    out = image.copy()
    height, width = image.shape[:2]
    scale = width / 1280  # sizes are designed for a 1280-pixel-wide picture
    centres = [
        (round(float(fx) * width), round(float(fy) * height))
        for fx, fy in zip(fixations.x, fixations.y, strict=True)
    ]
    # Radius grows with the square root of duration, so a disc's area is proportional to it:
    # 12 px for the shortest fixations, 40 px for a one-second one.
    radii = [
        round(scale * min(60.0, 12.0 + 28.0 * float(np.sqrt(max(d, 0.0)))))
        for d in fixations.duration
    ]
    thickness = max(1, round(2 * scale))
    for a, b in zip(centres, centres[1:], strict=False):
        cv2.line(out, a, b, PATH_COLOR, thickness, cv2.LINE_AA)
    discs = out.copy()
    for centre, radius in zip(centres, radii, strict=True):
        cv2.circle(discs, centre, radius, FIXATION_FILL, -1, cv2.LINE_AA)
    out = cv2.addWeighted(discs, 0.55, out, 0.45, 0)
    font_scale = 0.5 * scale
    for number, (centre, radius) in enumerate(zip(centres, radii, strict=True), start=1):
        cv2.circle(out, centre, radius, PATH_COLOR, thickness, cv2.LINE_AA)
        text = str(number)
        (w, h), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, font_scale, thickness)
        origin = (centre[0] - w // 2, centre[1] + h // 2)
        cv2.putText(
            out,
            text,
            origin,
            cv2.FONT_HERSHEY_SIMPLEX,
            font_scale,
            (255, 255, 255),
            thickness,
            cv2.LINE_AA,
        )
    return out


def render(
    background: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    fixations: Fixations | None = None,
    heatmap: bool = True,
) -> np.ndarray:
    """The heatmap of the points (when `heatmap`) and the scan path of `fixations` (when
    given) over a copy of `background` (BGR uint8)."""
    image = np.ascontiguousarray(background[..., :3], dtype=np.uint8).copy()
    if heatmap:
        image = draw_heatmap(image, np.asarray(x, float), np.asarray(y, float))
    if fixations is not None and len(fixations):
        image = draw_scanpath(image, fixations)
    return image
