"""Eyes cut out by their landmarks: each eye warped so its two corners land on fixed pixels.

Why a similarity warp from the eye corners (rotation, scale, translation) and not the full
MPIIGaze / ETH-XGaze normalisation (a perspective warp to a virtual camera that looks at the
eye from a fixed distance)? That warp needs the webcam's focal length, which we do not know;
over the ~3 degrees of view an eye spans, its perspective part is all but an affine map,
and what it removes that matters for the pixels - head roll, distance and where the eye
sits in the frame - the similarity removes too. The rest of what it accounts for, the
head's rotation, goes beside the pixels in the geometry vector instead.

Each eye gets its own warp: under head yaw the far eye looks narrower, and with both
corners pinned the iris's place between them - the gaze signal - reads the same in both.
The eyes sit side by side in image order (the person's right eye on the left) and are not
mirrored, so a glance to one side moves both irises the same way in the patch. With the
corners 2/3 of a 60 px patch apart the iris (~40% of the eye's width) is ~16 px across.
Each eye is histogram-equalised on its own: a light from one side, the camera's gain and
skin tone change the levels, not the layout of lid, sclera and iris that the network reads.
"""

from __future__ import annotations

import cv2
import numpy as np

# MediaPipe face-mesh indices (478 points with irises), per eye in image order: the person's
# right eye first (left in an unmirrored frame). Corners run image-left to image-right, so
# the same affine target works for both eyes.
CORNERS = ((33, 133), (362, 263))
IRIS_CENTRES = (468, 473)
IRIS_RINGS = ((469, 470, 471, 472), (474, 475, 476, 477))
LIDS = ((159, 145), (386, 374))  # (upper, lower) lid midpoints

# Where the corners land in one eye's patch, as fractions of its width and height: the
# corner-to-corner line across the middle, 1/6 of the width in from each side.
CORNER_X = (1 / 6, 5 / 6)
CORNER_Y = 0.5


def corner_targets(eye_width: int, height: int) -> np.ndarray:
    """(2, 2) pixel-centre coordinates of the two corners inside one eye's patch."""
    return np.array(
        [[CORNER_X[0] * eye_width - 0.5, CORNER_Y * height - 0.5],
         [CORNER_X[1] * eye_width - 0.5, CORNER_Y * height - 0.5]]
    )  # fmt: skip


def similarity(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The 2x3 rotation+scale+translation taking the two `source` points onto `target`.

    In complex numbers a similarity is z -> a z + b; two point pairs fix a and b exactly.
    """
    s = source[:, 0] + 1j * source[:, 1]
    t = target[:, 0] + 1j * target[:, 1]
    a = (t[1] - t[0]) / (s[1] - s[0])
    b = t[0] - a * s[0]
    return np.array([[a.real, -a.imag, b.real], [a.imag, a.real, b.imag]])


def eye_transforms(points_px: np.ndarray, eye_width: int, height: int) -> list[np.ndarray]:
    """Frame-to-patch 2x3 transforms of both eyes from (478, 2) landmark pixel coordinates."""
    target = corner_targets(eye_width, height)
    return [similarity(points_px[list(pair)], target) for pair in CORNERS]


def apply(transform: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Map (N, 2) points through a 2x3 affine transform."""
    return points @ transform[:, :2].T + transform[:, 2]


def source_corners(transform: np.ndarray, eye_width: int, height: int) -> np.ndarray:
    """(4, 2) frame coordinates of the patch's corners: the region the patch is read from."""
    inverse = cv2.invertAffineTransform(transform)
    box = np.array([[-0.5, -0.5], [eye_width - 0.5, -0.5],
                    [eye_width - 0.5, height - 0.5], [-0.5, height - 0.5]])  # fmt: skip
    return apply(inverse, box)


def warp_eye(gray: np.ndarray, transform: np.ndarray, eye_width: int, height: int) -> np.ndarray:
    """One eye's uint8 patch, equalised. A large eye is blurred first so shrinking it does not
    alias (warpAffine samples points, it does not average like INTER_AREA)."""
    scale = float(np.hypot(transform[0, 0], transform[1, 0]))  # patch px per frame px
    if scale < 0.8:
        gray, transform = _blurred_region(gray, transform, eye_width, height, scale)
    patch = cv2.warpAffine(
        gray, transform, (eye_width, height), flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )  # fmt: skip
    return cv2.equalizeHist(patch)


def _blurred_region(gray, transform, eye_width, height, scale):
    """The frame region under the patch, low-passed for a 1/scale shrink, and the transform
    shifted to read from it."""
    corners = source_corners(transform, eye_width, height)
    margin = int(np.ceil(2.0 / scale)) + 2
    x0, y0 = np.maximum(np.floor(corners.min(0)).astype(int) - margin, 0)
    x1, y1 = np.minimum(np.ceil(corners.max(0)).astype(int) + margin, gray.shape[::-1])
    if x1 <= x0 or y1 <= y0:
        return gray, transform
    region = cv2.GaussianBlur(gray[y0:y1, x0:x1], (0, 0), 0.5 * np.sqrt(1 / scale**2 - 1))
    shifted = transform.copy()
    shifted[:, 2] += transform[:, :2] @ np.array([x0, y0], float)
    return region, shifted


def eye_pair(
    gray: np.ndarray, transforms: list[np.ndarray], eye_width: int, height: int
) -> np.ndarray:
    """Both eyes side by side, (height, 2 * eye_width) uint8."""
    return np.hstack([warp_eye(gray, t, eye_width, height) for t in transforms])


def eye_measures(
    points: np.ndarray, transforms: list[np.ndarray], eye_width: int
) -> tuple[np.ndarray, np.ndarray]:
    """Iris offsets (2, 2) and lid-to-lid openness (2,) of both eyes in eye units (half the
    corner-to-corner width), measured in each eye's patch frame, where the corners sit still,
    so head roll and distance are already gone."""
    corners = corner_targets(eye_width, 1)  # only x and the midpoint matter
    half = (corners[1, 0] - corners[0, 0]) / 2
    iris, openness = np.zeros((2, 2)), np.zeros(2)
    for eye, transform in enumerate(transforms):
        mid = apply(transform, points[list(CORNERS[eye])]).mean(0)
        centre = apply(transform, points[[IRIS_CENTRES[eye]]])[0]
        upper, lower = apply(transform, points[list(LIDS[eye])])
        iris[eye] = (centre - mid) / half
        openness[eye] = np.linalg.norm(lower - upper) / half
    return iris, openness
