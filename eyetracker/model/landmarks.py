"""The landmark front end: MediaPipe's Face Landmarker -> eye patches + a geometry vector.

    front_end = LandmarkFrontEnd(video=True, width=120, height=36)
    prepared = front_end.prepare(image_bgr, timestamp_s)  # Prepared(pixels, geometry, ...)

The Face Landmarker (a face detector, a 478-point mesh with irises and the facial
transformation matrix) runs in VIDEO mode for a stream and in IMAGE mode for images
that stand alone. A stream follows one face: MediaPipe tracks it from the last frame's mesh
and runs its detector only when it loses it (asked for two faces it runs the detector on
every frame and tracks nothing: measured, the meshes equal IMAGE mode's to the bit), so a
second person walking in does not take over. An image keeps the largest of up to two faces.
`pixels` is both eyes warped to canonical patches (eyetracker.model.eye_patches),
(1, height, width); `geometry` is GEOMETRY_SIZE numbers, see GEOMETRY_FIELDS.

A frame gives no sample, with the reason, when it is too dark, holds no face, both eyes are
shut (their lids meet) or the eyes lie partly outside the frame: a shut eye has no gaze, and
a patch read past the frame's edge would be made-up pixels.

Privacy: the model file ships with the package and nothing leaves the machine. mediapipe
0.10.35 and later post usage metrics to play.googleapis.com (while a stream runs and when a
landmarker closes; no option turns it off); the dependency is pinned below that, to
0.10.30-0.10.33, whose runtime makes no network call (checked with strace in a network
namespace, see pyproject.toml).
"""

from __future__ import annotations

import time
import weakref

import cv2
import numpy as np

from eyetracker.model import eye_patches
from eyetracker.model.front_end import Prepared, register_front_end, too_dark, unusable
from eyetracker.model.landmarker import (
    close_collected,
    close_landmarker,
    collect,
    create_landmarker,
)

# Geometry beside the pixels, in this order. Angles in radians, image directions with x to
# the right and y down; "eye units" are half the eye's corner-to-corner width.
GEOMETRY_FIELDS = (
    "head_yaw",  # the face turned toward the image's right (the person's left): +
    "head_pitch",  # the face turned down: +
    "head_roll",  # the face tilted counter-clockwise in the image: +
    "head_x",  # the head's direction from the camera's axis, tan of the angle: right +
    "head_y",  # the same, down +
    "head_distance",  # depth / 60 cm as MediaPipe estimates it for a 63 deg vertical view
    "face_x",  # the landmarks' box centre, fraction of the frame width
    "face_y",  # the same, fraction of the frame height
    "eye_distance",  # between the eye centres (corner midpoints), fraction of frame width
    "right_iris_x",  # person's right eye: iris centre from the corners' midpoint, along
    "right_iris_y",  # the corner line (image right +) and across it (down +), in eye units
    "left_iris_x",  # the same for the left eye
    "left_iris_y",
    "right_openness",  # lid to lid (mid-upper to mid-lower) in eye units; ~0.6 open
    "left_openness",
)
GEOMETRY_SIZE = len(GEOMETRY_FIELDS)

# The lids' gap of both eyes, and what narrows it besides a blink: the eyes' vertical rotation
# (the iris moves down in the eye as the upper lid follows it) and the head's pitch.
OPENNESS_COLUMNS = [GEOMETRY_FIELDS.index(f) for f in ("right_openness", "left_openness")]
VERTICAL_GAZE_COLUMNS = [
    GEOMETRY_FIELDS.index(f) for f in ("right_iris_y", "left_iris_y", "head_pitch")
]


def eye_openness(geometry: np.ndarray) -> np.ndarray:
    """(N, 2) lid gaps (right, left) of geometry vectors (N, GEOMETRY_SIZE), eye units."""
    return np.asarray(geometry, np.float64).reshape(-1, GEOMETRY_SIZE)[:, OPENNESS_COLUMNS]


def vertical_gaze(geometry: np.ndarray) -> np.ndarray:
    """(N, 2) what the lids follow: the irises' mean height in the eyes, and head pitch."""
    columns = np.asarray(geometry, np.float64).reshape(-1, GEOMETRY_SIZE)[:, VERTICAL_GAZE_COLUMNS]
    return np.stack([columns[:, :2].mean(1), columns[:, 2]], axis=1)


NO_FACE, EYES_CLOSED, OUTSIDE = "no face", "eyes closed", "face partly outside the frame"

# Both eyes count as shut, and the frame gives no gaze, only when their lids (nearly) meet: a
# gap under a fifth of the eye's half-width shows no iris. A narrow eye is not a shut one:
# when people look down their upper lids follow the eye and drop, and MediaPipe's eyeBlink
# blendshape rises with them, so neither a narrow gap nor that blendshape says "closed" on
# its own. Whether a narrow eye is a blink is decided where the time and this person's own
# openness are known (eyetracker.inference.blinks); one eye shut (a wink, a hand over it)
# still gives a point from the other, with a larger expected error.
SHUT_OPENNESS = 0.2
# Tolerance for the eye patches' source regions past the frame's edge, in frame pixels; and
# the share of the mesh that may lie outside (the landmarker extrapolates a cut-off chin or
# cheek; past a third, head pose and face position are guesses).
EDGE_TOLERANCE_PX = 2.0
MAX_OUTSIDE_SHARE = 1 / 3


@register_front_end("landmarks")
class LandmarkFrontEnd:
    """One stream's landmark front end. `video=True`: frames are a stream (tracking, needs
    increasing timestamps); otherwise each image is on its own. Output (1, height, width),
    each eye (height, width / 2)."""

    geometry_size = GEOMETRY_SIZE
    default_size = (120, 36)  # (width, height): two 60 x 36 eyes
    summary = "both eyes warped by MediaPipe's face landmarks plus head pose and eye geometry"

    @classmethod
    def check_size(cls, width: int, height: int) -> None:
        if width % 2 or width < 8 or height < 4:
            raise ValueError("the landmark front end needs an even width >= 8 and a height >= 4")

    def __init__(self, *, video: bool, width: int, height: int, model_path=None) -> None:
        self.check_size(width, height)
        self.video = bool(video)
        self.width, self.height = int(width), int(height)
        close_collected()
        self._landmarker = create_landmarker(model_path, self.video)
        # A front end that is collected without close() leaves its landmarker to be closed
        # later (landmarker.collect), at exit at the latest: MediaPipe's own __del__ fails with a
        # traceback once the interpreter shuts down.
        self._finalizer = weakref.finalize(self, collect, self._landmarker)
        self._last_ms: int | None = None

    def prepare(self, image_bgr: np.ndarray, timestamp_s: float | None = None) -> Prepared:
        if too_dark(image_bgr):
            return self._invalid("too dark")
        found = self._find(image_bgr, timestamp_s)
        if found is None:
            return self._invalid(NO_FACE)
        return self._prepared(image_bgr, *found)

    def landmarks(
        self, image_bgr: np.ndarray, timestamp_s: float | None = None
    ) -> np.ndarray | None:
        """(478, 2) pixel coordinates of the chosen face's landmarks, or None (for previews
        and tests; a stream uses either this or `prepare`, once per frame)."""
        found = self._find(image_bgr, timestamp_s)
        return None if found is None else found[0]

    def _find(self, image_bgr, timestamp_s):
        """(points, result, index) of the face to use, or None."""
        result = self._detect(_rgb(image_bgr), timestamp_s)
        if not result.face_landmarks:
            return None
        frame_h, frame_w = image_bgr.shape[:2]
        faces = [_pixels(face, frame_w, frame_h) for face in result.face_landmarks]
        index = int(np.argmax([np.prod(np.ptp(f, axis=0)) for f in faces]))  # the largest
        return faces[index], result, index

    def close(self) -> None:
        """Free the landmarker; idempotent."""
        if self._finalizer.detach() is not None:
            close_landmarker(self._landmarker)
        close_collected()

    def __enter__(self) -> LandmarkFrontEnd:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _detect(self, rgb: np.ndarray, timestamp_s: float | None):
        import mediapipe as mp

        if not self._finalizer.alive:
            raise RuntimeError("this landmark front end is closed; create a new one")
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
        if not self.video:
            return self._landmarker.detect(image)
        seconds = time.monotonic() if timestamp_s is None else float(timestamp_s)
        ms = int(round(seconds * 1000.0))
        # VIDEO mode refuses a timestamp that does not increase (a repeated frame, a replay
        # restarting, two clocks): nudge it just past the last one instead.
        if self._last_ms is not None and ms <= self._last_ms:
            ms = self._last_ms + 1
        self._last_ms = ms
        return self._landmarker.detect_for_video(image, ms)

    def _prepared(self, image_bgr, points, result, index) -> Prepared:
        frame_h, frame_w = image_bgr.shape[:2]
        eye_width = self.width // 2
        transforms = eye_patches.eye_transforms(points, eye_width, self.height)
        box = _box_fractions(points, frame_w, frame_h)
        if _outside(points, transforms, eye_width, self.height, frame_w, frame_h):
            return self._invalid(OUTSIDE, box)
        iris, openness = eye_patches.eye_measures(points, transforms, eye_width)
        if np.all(openness < SHUT_OPENNESS):
            return self._invalid(EYES_CLOSED, box)
        gray = image_bgr if image_bgr.ndim == 2 else cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
        pair = eye_patches.eye_pair(gray, transforms, eye_width, self.height)
        matrix = _matrix(result, index)
        geometry = geometry_vector(points, matrix, iris, openness, frame_w, frame_h)
        pixels = (pair.astype(np.float32) * (1.0 / 255.0))[None]
        return Prepared(pixels, geometry, True, box=box)

    def _invalid(self, reason: str, box=None) -> Prepared:
        return unusable(self.width, self.height, GEOMETRY_SIZE, reason, box)


def geometry_vector(points, matrix, iris, openness, frame_w: int, frame_h: int) -> np.ndarray:
    """The GEOMETRY_FIELDS of one face as float32 (see there for units and signs)."""
    geometry = np.zeros(GEOMETRY_SIZE, np.float32)
    geometry[0:3] = head_angles(matrix) if matrix is not None else 0.0
    if matrix is not None:
        # MediaPipe's camera looks down -z with y up: flip y to the image's y-down.
        tx, ty, tz = matrix[:3, 3]
        depth = max(-tz, 1e-3)
        geometry[3:6] = (tx / depth, -ty / depth, depth / 60.0)
    else:
        geometry[5] = 1.0
    low, high = points.min(0), points.max(0)
    geometry[6:8] = ((low + high) / 2 + 0.5) / (frame_w, frame_h)
    centres = [points[list(pair)].mean(0) for pair in eye_patches.CORNERS]
    geometry[8] = np.linalg.norm(centres[1] - centres[0]) / frame_w
    geometry[9:13] = iris.ravel()
    geometry[13:15] = openness
    return geometry


def head_angles(matrix: np.ndarray) -> np.ndarray:
    """(yaw, pitch, roll) of the facial transformation matrix's rotation, R = Ry Rx Rz.

    The third column is where the face's forward axis points in camera space, so yaw and
    pitch read it directly; roll is the tilt of the face's x axis within the image.
    """
    r = matrix[:3, :3]
    yaw = np.arctan2(r[0, 2], r[2, 2])
    pitch = np.arctan2(-r[1, 2], np.hypot(r[0, 2], r[2, 2]))
    roll = np.arctan2(r[1, 0], r[1, 1])
    return np.array([yaw, pitch, roll], np.float32)


def _outside(points, transforms, eye_width, height, frame_w, frame_h) -> bool:
    """Either eye's patch would read pixels past the frame's edge, or much of the face is out."""
    tolerance = EDGE_TOLERANCE_PX
    inside = (points >= -0.5) & (points <= (frame_w - 0.5, frame_h - 0.5))
    if 1.0 - inside.all(1).mean() > MAX_OUTSIDE_SHARE:
        return True
    for transform in transforms:
        region = eye_patches.source_corners(transform, eye_width, height)
        if (region.min() < -tolerance - 0.5 or np.any(region[:, 0] > frame_w - 0.5 + tolerance)
                or np.any(region[:, 1] > frame_h - 0.5 + tolerance)):  # fmt: skip
            return True
    return False


def _matrix(result, index: int) -> np.ndarray | None:
    matrices = result.facial_transformation_matrixes
    return np.asarray(matrices[index], float) if matrices else None


def _pixels(face, frame_w: int, frame_h: int) -> np.ndarray:
    """(478, 2) landmark pixel-centre coordinates (MediaPipe's are fractions of the edges)."""
    xy = np.array([(p.x, p.y) for p in face], float)
    return xy * (frame_w, frame_h) - 0.5


def _box_fractions(points, frame_w, frame_h) -> tuple[float, float, float, float]:
    """The landmarks' bounding box (x, y, width, height) as fractions of the frame."""
    (x0, y0), (x1, y1) = points.min(0) + 0.5, points.max(0) + 0.5
    return (
        float(x0 / frame_w),
        float(y0 / frame_h),
        float((x1 - x0) / frame_w),
        float((y1 - y0) / frame_h),
    )


def _rgb(image: np.ndarray) -> np.ndarray:
    code = cv2.COLOR_GRAY2RGB if image.ndim == 2 else cv2.COLOR_BGR2RGB
    return np.ascontiguousarray(cv2.cvtColor(image, code))
