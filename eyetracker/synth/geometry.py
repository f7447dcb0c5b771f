"""3D geometry of the synthetic world: screen, pinhole camera, rotations, projection.

World frame (millimetres), anchored at the screen: origin at the screen's top-left corner,
x to the right along the screen, y down along the screen, z into the screen (away from the
user). This is right-handed and matches OpenCV's camera convention; the user sits at z < 0.

Head frame: origin midway between the eyeball centres, x to the person's right, y down,
z forward (where the nose points). A person squarely facing the screen has the head frame
aligned with the world frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def rotation_x(deg: float) -> np.ndarray:
    """Pitch by `deg` degrees about x: positive turns +z toward +y (down, in this y-down frame)."""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, s], [0.0, -s, c]])


def rotation_y(deg: float) -> np.ndarray:
    """Rotation about y by `deg` degrees (positive yaw turns +z toward +x)."""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def rotation_z(deg: float) -> np.ndarray:
    """Rotation about z (roll) by `deg` degrees."""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def look_rotation(forward: np.ndarray, down: np.ndarray | None = None) -> np.ndarray:
    """The rotation whose columns are (right, down, forward) for a frame looking along `forward`.

    `down` is a hint for the frame's y axis (world +y by default); right = down x forward.
    """
    z = np.asarray(forward, dtype=float)
    z = z / np.linalg.norm(z)
    hint = np.array([0.0, 1.0, 0.0]) if down is None else np.asarray(down, dtype=float)
    x = np.cross(hint, z)
    x /= np.linalg.norm(x)
    y = np.cross(z, x)
    return np.stack([x, y, z], axis=1)


def direction_from_angles(yaw_deg: np.ndarray | float, pitch_deg: np.ndarray | float) -> np.ndarray:
    """Unit vector(s) for yaw (toward +x) and pitch (toward +y, down) around +z."""
    yaw = np.radians(yaw_deg)
    pitch = np.radians(pitch_deg)
    return np.stack(
        [np.cos(pitch) * np.sin(yaw), np.sin(pitch), np.cos(pitch) * np.cos(yaw)], axis=-1
    )


def angles_from_direction(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of `direction_from_angles`: (yaw, pitch) in degrees."""
    yaw = np.degrees(np.arctan2(d[..., 0], d[..., 2]))
    pitch = np.degrees(np.arctan2(d[..., 1], np.hypot(d[..., 0], d[..., 2])))
    return yaw, pitch


@dataclass(frozen=True)
class ScreenGeometry:
    """A screen: physical size (mm) and resolution (px). Its plane is z = 0."""

    width_mm: float
    height_mm: float
    width_px: int
    height_px: int

    def point(self, x: float, y: float) -> np.ndarray:
        """World position of a normalized screen point (x right, y down, in [0, 1])."""
        return np.array([x * self.width_mm, y * self.height_mm, 0.0])

    @property
    def centre(self) -> np.ndarray:
        return self.point(0.5, 0.5)


@dataclass(frozen=True)
class Camera:
    """A pinhole camera: position (world mm), rotation (columns = camera axes in world), pixels.

    Camera axes follow OpenCV: x right in the image, y down, z along the optical axis.
    """

    position: tuple[float, float, float]
    rotation: tuple[tuple[float, float, float], ...]
    hfov_deg: float
    width: int = 640
    height: int = 480

    @property
    def focal_px(self) -> float:
        return 0.5 * self.width / np.tan(np.radians(self.hfov_deg) / 2)

    @property
    def world_to_camera(self) -> np.ndarray:
        return np.asarray(self.rotation, dtype=float).T

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """World points (..., 3) in camera coordinates."""
        return (np.asarray(points, dtype=float) - np.asarray(self.position)) @ np.asarray(
            self.rotation, dtype=float
        )

    def project(self, points: np.ndarray) -> np.ndarray:
        """World points (..., 3) to pixel coordinates (..., 2), pixel centres at integers."""
        pc = self.to_camera(points)
        f = self.focal_px
        z = np.maximum(pc[..., 2], 1.0)
        u = f * pc[..., 0] / z + (self.width - 1) / 2
        v = f * pc[..., 1] / z + (self.height - 1) / 2
        return np.stack([u, v], axis=-1)


def project_ellipsoids(
    camera: Camera, centres: np.ndarray, rotations: np.ndarray, semi_axes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Image ellipses of ellipsoids (or discs, with one semi-axis 0), under weak perspective.

    centres (N, 3) world mm; rotations (N, 3, 3) local-to-world; semi_axes (N, 3) mm.
    Returns centres (N, 2) px, semi-axes (N, 2) px, angles (N,) degrees of the first axis.
    The silhouette of x^T A x <= 1 seen along z is the ellipse whose "covariance" is the
    top-left 2x2 block of A^-1 = R diag(a^2) R^T, scaled by (focal / depth)^2.
    """
    r_cam = np.einsum("ij,njk->nik", camera.world_to_camera, rotations)
    cov = np.einsum("nij,nj,nkj->nik", r_cam[:, :2, :], semi_axes**2, r_cam[:, :2, :])
    depth = np.maximum(camera.to_camera(centres)[:, 2], 1.0)
    cov *= (camera.focal_px / depth)[:, None, None] ** 2
    # Closed-form eigen-decomposition of symmetric 2x2 matrices.
    a, b, c = cov[:, 0, 0], cov[:, 0, 1], cov[:, 1, 1]
    mean = 0.5 * (a + c)
    spread = np.sqrt(np.maximum(0.25 * (a - c) ** 2 + b**2, 0.0))
    major = np.sqrt(np.maximum(mean + spread, 0.0))
    minor = np.sqrt(np.maximum(mean - spread, 0.0))
    angle = 0.5 * np.degrees(np.arctan2(2 * b, a - c))
    return camera.project(centres), np.stack([major, minor], axis=1), angle
