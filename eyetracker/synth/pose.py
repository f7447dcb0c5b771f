"""Where the head is and where each eye points in one frame.

Each eye rotates so that its visual axis (fovea through the eye's centre, simplified) passes
through the fixated point; the iris and pupil follow the optical axis, which is turned away
from the visual axis by the person's angle kappa: temporally by kappa_h (about +5 deg,
i.e. the visual axis lies nasal to the optical axis) and vertically by kappa_v.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from eyetracker.synth.geometry import (
    angles_from_direction,
    direction_from_angles,
    look_rotation,
    rotation_x,
    rotation_y,
    rotation_z,
)
from eyetracker.synth.people import Person
from eyetracker.synth.sittings import Sitting


@dataclass(frozen=True, eq=False)
class HeadPose:
    """One frame's geometry in world mm. Eyes are ordered (right, left) in the person's sense."""

    position: np.ndarray  # (3,) midpoint between the eyeball centres
    rotation: np.ndarray  # (3, 3) head-to-world; columns: right, down, forward
    body_position: np.ndarray  # (3,) where the torso hangs from (no per-frame sway)
    body_rotation: np.ndarray  # (3, 3)
    eye_centres: np.ndarray  # (2, 3)
    visual_axes: np.ndarray  # (2, 3) unit
    optical_axes: np.ndarray  # (2, 3) unit
    eye_pitch_deg: np.ndarray  # (2,) optical-axis pitch in the head frame, + is down
    fixation: np.ndarray  # (3,) the point the eyes converge on (target + jitter)


def head_pose(
    person: Person,
    sitting: Sitting,
    target: np.ndarray,
    t: float,
    jitter: np.ndarray,
    head_offset_mm: np.ndarray | None = None,
) -> HeadPose:
    """The head and eyes at scene time `t` looking at world point `target`.

    `jitter` (2,) standard-normal draws scale the fixation error (sitting's jitter, in deg);
    `head_offset_mm` moves the whole person (events such as leaning back).
    """
    offset = np.zeros(3) if head_offset_mm is None else np.asarray(head_offset_mm, dtype=float)
    sway_mm, sway_deg = sitting.head_motion(t)
    body = sitting.head_position + offset
    position = body + sway_mm
    facing = look_rotation(sitting.screen.centre - position)
    # People turn their head part of the way toward what they look at.
    toward = facing.T @ (target - position)
    target_yaw, target_pitch = angles_from_direction(toward)
    yaw = sitting.head_yaw_deg + sitting.head_follow * float(target_yaw) + sway_deg[0]
    pitch = sitting.head_pitch_deg + sitting.head_follow * float(target_pitch) + sway_deg[1]
    roll = sitting.head_roll_deg + sway_deg[2]
    rotation = facing @ rotation_y(yaw) @ rotation_x(pitch) @ rotation_z(roll)

    half = person.ipd_mm / 2
    eye_centres = position + (rotation @ np.array([[half, 0.0, 0.0], [-half, 0.0, 0.0]]).T).T

    # Fixation error: the eyes converge on a point a fraction of a degree off the target.
    distance = float(np.linalg.norm(target - position))
    error = np.tan(np.radians(sitting.fixation_jitter_deg)) * distance * np.asarray(jitter)
    fixation = target + np.array([error[0], error[1], 0.0])

    visual = fixation - eye_centres
    visual /= np.linalg.norm(visual, axis=1, keepdims=True)
    yaw_v, pitch_v = angles_from_direction(visual @ rotation)  # into the head frame
    side = np.array([1.0, -1.0])  # temporal is +x for the right eye, -x for the left
    kappa_h = person.kappa_h_deg + side * person.kappa_asymmetry_deg / 2
    optical_h = direction_from_angles(yaw_v + side * kappa_h, pitch_v + person.kappa_v_deg)
    optical = optical_h @ rotation.T
    return HeadPose(
        position=position,
        rotation=rotation,
        body_position=body,
        body_rotation=look_rotation(sitting.screen.centre - body),
        eye_centres=eye_centres,
        visual_axes=visual,
        optical_axes=optical,
        eye_pitch_deg=pitch_v + person.kappa_v_deg,
        fixation=fixation,
    )
