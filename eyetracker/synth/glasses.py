"""Glasses in a webcam frame: two lenses with the screen's glare mirrored in them, their rims
(round or angular), the bridge and the temples, all in the head's frame (mm) and projected."""

from __future__ import annotations

import cv2
import numpy as np

from eyetracker.synth.drawing import SHIFT, Light, colour_of, fill_ellipse, fixed
from eyetracker.synth.geometry import project_ellipsoids
from eyetracker.synth.people import Person
from eyetracker.synth.pose import HeadPose
from eyetracker.synth.sittings import Sitting

LENS_W, LENS_H = 25.0, 18.0  # half the lens's width and height, mm


def draw_glasses(image, person: Person, sitting: Sitting, pose: HeadPose, lights: Light) -> None:
    camera, r = sitting.camera, pose.rotation
    half = person.ipd_mm / 2
    scale = camera.focal_px / max(float(camera.to_camera(pose.position)[2]), 1.0)
    thickness = max(int(round(sitting.glasses_thickness_mm * scale)), 1)
    colour = colour_of(np.array(sitting.glasses_frame) * lights.shade(r[:, 2][None, :])[0])
    local = np.array([[half + 1, 2.0, 18.0], [-half - 1, 2.0, 18.0]])
    centres = pose.position + local @ r.T
    c, axes, angles = project_ellipsoids(
        camera, centres, np.stack([r, r]), np.array([[LENS_W, LENS_H, 0.0]] * 2)
    )
    for i in range(2):
        _draw_glare(image, sitting, centres[i], r[:, 2], c[i], axes[i], angles[i])
        if sitting.glasses_round:
            a, cc = fixed(axes[i]), fixed(c[i])
            cv2.ellipse(image, (int(cc[0]), int(cc[1])), (int(a[0]), int(a[1])),
                        float(angles[i]), 0, 360, colour, thickness, cv2.LINE_AA, SHIFT)  # fmt: skip
        else:
            _draw_line(image, sitting, pose, local[i] + _angular_rim(), colour, thickness, True)
    bridge = np.array(
        [[half + 1 - LENS_W, -2.0, 20.0], [0.0, -4.0, 22.0], [-half - 1 + LENS_W, -2.0, 20.0]]
    )
    temples = [
        np.array(
            [[s * (half + LENS_W), -2.0, 16.0], [s * (person.face_width_mm / 2 + 2), -4.0, -40.0]]
        )
        for s in (1, -1)
    ]
    for line in [bridge, *temples]:
        _draw_line(image, sitting, pose, line, colour, thickness, False)


def _draw_glare(image, sitting: Sitting, centre, normal, c, axes, angle) -> None:
    """The screen's reflection in one lens (centre and normal in the world, c, axes and angle
    its projected ellipse), brightening the frame where the two overlap."""
    camera = sitting.camera
    cam = np.asarray(camera.position)
    corners = np.array([sitting.screen.point(x, y) for x, y in ((0, 0), (1, 0), (1, 1), (0, 1))])
    h, w = image.shape[:2]
    # The screen mirrored in the lens: reflect its corners in the lens plane, then intersect
    # the rays from the camera to the mirrored corners with that plane.
    mirrored = corners - 2 * ((corners - centre) @ normal)[:, None] * normal
    rays = mirrored - cam
    t = ((centre - cam) @ normal) / (rays @ normal)
    glare = camera.project(cam + t[:, None] * rays)
    x0, y0 = (int(max(v - axes[0] - 2, 0)) for v in c)
    x1, y1 = int(min(c[0] + axes[0] + 2, w)), int(min(c[1] + axes[0] + 2, h))
    if x1 > x0 and y1 > y0:
        lens = np.zeros((y1 - y0, x1 - x0), np.uint8)
        fill_ellipse(lens, c, axes, angle, 255, (x0, y0))
        quad = np.zeros_like(lens)
        cv2.fillPoly(quad, [fixed(glare - (x0, y0))], 255, cv2.LINE_AA, SHIFT)
        alpha = (lens.astype(np.float32) * quad / 65025.0 * sitting.lens_glare)[:, :, None]
        roi = image[y0:y1, x0:x1]
        roi[:] = (roi * (1 - alpha) + 250.0 * alpha).astype(np.uint8)


def _angular_rim() -> np.ndarray:
    """An angular rim around a lens centre, in the head's frame (mm): flat top, pointed bottom."""
    rim = np.array(
        [
            [-LENS_W, -LENS_H],
            [LENS_W, -LENS_H],
            [LENS_W, LENS_H * 0.8],
            [0, LENS_H],
            [-LENS_W, LENS_H * 0.8],
        ]
    )
    return np.column_stack([rim, np.zeros(len(rim))])


def _draw_line(image, sitting: Sitting, pose: HeadPose, points, colour, thickness, closed) -> None:
    """A polyline through `points` in the head's frame (mm)."""
    projected = sitting.camera.project(pose.position + points @ pose.rotation.T)
    cv2.polylines(image, [fixed(projected)], closed, colour, thickness, cv2.LINE_AA, SHIFT)
