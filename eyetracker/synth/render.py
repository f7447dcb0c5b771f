"""Draw one webcam frame of a person looking at a point on the screen.

OpenCV primitives with anti-aliasing and 1/16-pixel coordinates (`shift=4`), so the iris
moves by fractions of a pixel the way it does in a real camera: at 600 mm a 12 mm iris
is ~11 px wide and a gaze shift across the whole screen moves it by only a few pixels.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from eyetracker.core.types import GazePoint
from eyetracker.synth.drawing import ONE, SHIFT, Light, colour_of, fill_ellipse, fixed
from eyetracker.synth.face import brow_curves, eyelids, face_patches, mouth_line
from eyetracker.synth.geometry import look_rotation, project_ellipsoids
from eyetracker.synth.glasses import draw_glasses
from eyetracker.synth.people import Person
from eyetracker.synth.pose import HeadPose, head_pose
from eyetracker.synth.room import NOISE_MARGIN, cached, noise_tiles, room_image
from eyetracker.synth.sittings import Sitting

_SCLERA = np.array([212.0, 220.0, 228.0])
_CORNEA_OFFSET_MM, _CORNEA_RADIUS_MM = 5.6, 7.8


def render_frame(
    person: Person,
    sitting: Sitting,
    gaze: GazePoint,
    rng: np.random.Generator,
    t: float = 0.0,
    *,
    blink: float | None = None,
    light: float = 1.0,
    head_offset_mm: np.ndarray | None = None,
) -> tuple[np.ndarray, dict[str, Any]]:
    """One BGR uint8 frame of `person` in `sitting` looking at `gaze`, and what is in it.

    `rng` supplies the per-frame randomness (fixation error, blink, noise, motion blur) in a
    fixed order, so the same generator state gives the same bytes. `t` is scene time (s) for
    head sway; `blink` forces an eyelid closure in [0, 1] (None: random blinks); `light`
    scales the room's lights; `head_offset_mm` moves the person (world mm).
    info: "eyes_px" iris centres (right, left eye of the person), "eyeballs_px", "face_box"
    (x, y, w, h), "blink" (closure >= 0.5), "closure", "gain".
    """
    jitter = rng.standard_normal(2)
    blink_draw, closure_draw = rng.random(), rng.uniform(0.6, 1.0)
    noise_dx, noise_dy = (int(v) for v in rng.integers(0, NOISE_MARGIN, 2))
    blur_draw, blur_angle, blur_length = rng.random(), rng.uniform(0, 180), rng.uniform(3, 7)
    closure = (
        float(blink)
        if blink is not None
        else (closure_draw if blink_draw < sitting.blink_prob else 0.0)
    )

    target = sitting.screen.point(gaze.x, gaze.y)
    pose = head_pose(person, sitting, target, t, jitter, head_offset_mm)
    lights = Light(sitting, pose.position, light)
    camera = sitting.camera
    image = room_image(sitting, lights.scale * lights.gain / sitting.gain).copy()

    _draw_body(image, person, sitting, pose, lights)
    box = _draw_face(image, person, sitting, pose, lights)
    eyes, eyeballs = _draw_eyes(image, person, sitting, pose, lights, closure)
    if sitting.glasses:
        draw_glasses(image, person, sitting, pose, lights)

    x0, y0, x1, y1 = box
    roi = image[y0:y1, x0:x1]
    if roi.size:
        roi[:] = cv2.GaussianBlur(roi, (0, 0), sitting.defocus_sigma)
        if blur_draw < sitting.motion_blur_prob:
            kernel = np.zeros((9, 9), np.float32)
            dx, dy = (
                np.cos(np.radians(blur_angle)) * blur_length / 2,
                np.sin(np.radians(blur_angle)) * blur_length / 2,
            )
            cv2.line(kernel, (int(4 - dx), int(4 - dy)), (int(4 + dx), int(4 + dy)), 1.0, 1)
            roi[:] = cv2.filter2D(roi, -1, kernel / kernel.sum())
    positive, negative = noise_tiles(sitting, round(lights.gain / sitting.gain, 1))
    h, w = image.shape[:2]
    cv2.add(image, positive[noise_dy : noise_dy + h, noise_dx : noise_dx + w], image)
    cv2.subtract(image, negative[noise_dx : noise_dx + h, noise_dy : noise_dy + w], image)

    face_box = _face_box(person, pose, camera)
    info = {
        "eyes_px": eyes.tolist(),
        "eyeballs_px": eyeballs.tolist(),
        "face_box": face_box,
        "blink": bool(closure >= 0.5),
        "closure": closure,
        "gain": lights.gain,
    }
    return image, info


def _draw_body(image, person: Person, sitting: Sitting, pose: HeadPose, lights: Light) -> None:
    chin = person.face_length_mm - 85.0
    local = np.array([[0.0, chin + 330.0, -100.0]])
    centre = pose.body_position + local @ pose.body_rotation.T
    normal = pose.body_rotation @ np.array([0.0, -0.3, 1.0])
    colour = np.array(sitting.clothing) * lights.shade(normal[None, :] / np.linalg.norm(normal))[0]
    c, axes, angle = project_ellipsoids(
        sitting.camera, centre, pose.body_rotation[None], np.array([[225.0, 260.0, 100.0]])
    )
    fill_ellipse(image, c[0], axes[0], angle[0], colour_of(colour))


def _draw_face(
    image, person: Person, sitting: Sitting, pose: HeadPose, lights: Light
) -> tuple[int, int, int, int]:
    patches = cached(("face", person.key, sitting.key), lambda: face_patches(person, sitting))
    r = pose.rotation
    centres = pose.position + patches.centres @ r.T
    colours = np.clip(patches.albedo * lights.shade(patches.normals @ r.T), 0, 255)
    n = len(centres)
    c, axes, angles = project_ellipsoids(
        sitting.camera, centres, np.broadcast_to(r, (n, 3, 3)), patches.semi_axes
    )
    for i in range(patches.n_back):
        fill_ellipse(image, c[i], axes[i], angles[i], colour_of(colours[i]))
    h, w = image.shape[:2]
    reach = axes[:, 0].max()
    x0, y0 = (int(max(v, 0)) for v in (c[:, 0].min() - reach, c[:, 1].min() - reach))
    x1, y1 = int(min(c[:, 0].max() + reach, w)), int(min(c[:, 1].max() + reach, h))
    scale = sitting.camera.focal_px / max(float(sitting.camera.to_camera(pose.position)[2]), 1.0)
    roi = image[y0:y1, x0:x1]
    if roi.size:  # soften the patches into shading; features drawn next stay crisp
        roi[:] = cv2.GaussianBlur(roi, (0, 0), max(1.8 * scale, 0.8))
    skin = np.array(person.skin) * lights.shade(r[:, 2][None, :])[0]
    brows = pose.position + brow_curves(person) @ r.T
    thickness = max(int(round(person.brow_thickness_mm * scale)), 1)
    brow_colour = colour_of(np.array(person.brow) * lights.shade(r[:, 2][None, :])[0] * 0.9)
    for curve in sitting.camera.project(brows):
        cv2.polylines(image, [fixed(curve)], False, brow_colour, thickness, cv2.LINE_AA, SHIFT)
    for i in range(patches.n_back, n):
        fill_ellipse(image, c[i], axes[i], angles[i], colour_of(colours[i]))
    mouth = sitting.camera.project(pose.position + mouth_line(person) @ r.T)
    cv2.polylines(
        image,
        [fixed(mouth)],
        False,
        colour_of(skin * 0.35),
        max(int(round(1.5 * scale)), 1),
        cv2.LINE_AA,
        SHIFT,
    )
    return x0, y0, x1, y1


def _draw_eyes(
    image, person: Person, sitting: Sitting, pose: HeadPose, lights: Light, closure: float
):
    camera, r = sitting.camera, pose.rotation
    radius, iris_r = person.eyeball_radius_mm, person.iris_radius_mm
    d = pose.optical_axes
    iris_centres = pose.eye_centres + d * (np.sqrt(radius**2 - iris_r**2) + 0.6)
    rotations = np.stack([look_rotation(v) for v in d])
    discs = np.concatenate([iris_centres, iris_centres, iris_centres + d * 0.2])
    semi = np.array(
        [[iris_r, iris_r, 0], [iris_r * 0.8, iris_r * 0.8, 0], [sitting.pupil_radius_mm] * 2 + [0]]
        * 1,
        dtype=float,
    )
    semi = np.repeat(semi, 2, axis=0)
    c, axes, angles = project_ellipsoids(camera, discs, np.concatenate([rotations] * 3), semi)
    front = lights.shade(r[:, 2][None, :])[0]
    sclera = colour_of((_SCLERA * 0.85 + np.array(person.skin) * 0.15) * front * 0.85)
    iris = np.array(person.iris) * front
    limbus, iris_colour, pupil = colour_of(iris * 0.45), colour_of(iris), colour_of(iris * 0.15 + 4)
    lash = colour_of(np.array(person.brow) * front * 0.5)
    cornea = pose.eye_centres + d * _CORNEA_OFFSET_MM
    sources = [(sitting.screen.centre, 235.0)]
    if sitting.key_light_dir @ r[:, 2] > 0.3:
        sources.append((pose.position + sitting.key_light_dir * 2000.0, 255.0))
    h, w = image.shape[:2]
    for i, side in enumerate((1, -1)):
        lids = eyelids(person, sitting, side, float(pose.eye_pitch_deg[i]), closure)
        lids_px = camera.project(pose.eye_centres[i] + lids @ r.T)
        polygon = np.concatenate([lids_px[0], lids_px[1][::-1]])
        x0, y0 = (int(max(np.floor(v) - 2, 0)) for v in polygon.min(axis=0))
        x1, y1 = (
            int(min(np.ceil(v) + 3, limit))
            for v, limit in zip(polygon.max(axis=0), (w, h), strict=True)
        )
        if x1 <= x0 or y1 <= y0:
            continue
        offset = (float(x0), float(y0))
        layer = np.empty((y1 - y0, x1 - x0, 3), np.uint8)
        layer[:] = sclera
        for k, colour in enumerate((limbus, iris_colour, pupil)):
            j = 2 * k + i
            fill_ellipse(layer, c[j], axes[j], angles[j], colour, offset)
        for source, brightness in sources:
            to_light = source - cornea[i]
            to_camera = np.asarray(camera.position) - cornea[i]
            normal = to_light / np.linalg.norm(to_light) + to_camera / np.linalg.norm(to_camera)
            normal /= np.linalg.norm(normal)
            if normal @ d[i] > 0.8:  # the reflection lies on the cornea
                glint = camera.project(cornea[i] + normal * _CORNEA_RADIUS_MM) - offset
                g = fixed(glint)
                cv2.circle(
                    layer,
                    (int(g[0]), int(g[1])),
                    int(0.7 * ONE),
                    (brightness,) * 3,
                    -1,
                    cv2.LINE_AA,
                    SHIFT,
                )
        upper = fixed(lids_px[0] - offset)
        cv2.polylines(
            layer, [upper], False, colour_of(np.array(sclera) * 0.55), 2, cv2.LINE_AA, SHIFT
        )
        mask = np.zeros(layer.shape[:2], np.uint8)
        cv2.fillPoly(mask, [fixed(polygon - offset)], 255, cv2.LINE_AA, SHIFT)
        roi = image[y0:y1, x0:x1]
        alpha = mask[:, :, None].astype(np.uint16)
        roi[:] = ((layer * alpha + roi * (255 - alpha) + 127) // 255).astype(np.uint8)
        cv2.polylines(image, [fixed(lids_px[0])], False, lash, 1, cv2.LINE_AA, SHIFT)
    return c[:2], camera.project(pose.eye_centres)


def _face_box(person: Person, pose: HeadPose, camera) -> tuple[int, int, int, int]:
    chin = person.face_length_mm - 85.0
    half = person.face_width_mm / 2
    points = np.array([[0, -85.0, 0], [0, chin, 0], [half, 0, -20.0], [-half, 0, -20.0]])
    px = camera.project(pose.position + points @ pose.rotation.T)
    x0, y0 = px.min(axis=0)
    x1, y1 = px.max(axis=0)
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)
