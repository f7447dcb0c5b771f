"""Sittings: what changes between two measurements of the same person.

The room and its light, the screen and where the webcam sits on it, where the head is and
how it is turned, glasses on or off, hair tied or down, the camera's exposure and noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from eyetracker.synth.geometry import Camera, ScreenGeometry, look_rotation, rotation_z
from eyetracker.synth.people import BGR, Person

# (diagonal inch, width mm, height mm, width px, height px, kind)
SCREENS = [
    (13.3, 294.0, 165.0, 1920, 1080, "laptop"),
    (13.3, 286.0, 179.0, 2560, 1600, "laptop"),
    (14.0, 310.0, 174.0, 1920, 1080, "laptop"),
    (15.6, 344.0, 194.0, 1920, 1080, "laptop"),
    (16.0, 345.0, 215.0, 1920, 1200, "laptop"),
    (21.5, 476.0, 268.0, 1920, 1080, "monitor"),
    (24.0, 531.0, 299.0, 1920, 1080, "monitor"),
    (27.0, 597.0, 336.0, 2560, 1440, "monitor"),
]

_WALLS = [(200, 210, 215), (170, 185, 190), (120, 130, 135), (150, 170, 140), (180, 160, 140),
          (90, 110, 130), (210, 205, 190), (60, 70, 80), (140, 150, 175)]  # fmt: skip
_CLOTHES = [(40, 40, 40), (120, 60, 30), (30, 30, 140), (200, 200, 200), (60, 110, 60),
            (150, 110, 70), (90, 90, 100), (30, 90, 180), (110, 40, 110), (180, 150, 90)]  # fmt: skip
_FRAMES = {"black": (20, 20, 22), "brown": (30, 50, 80), "silver": (170, 170, 175),
           "gold": (60, 150, 190), "clear": (150, 160, 165)}  # fmt: skip


def colour_of_light(kelvin: float) -> np.ndarray:
    """Approximate BGR tint (max channel 1) of a light of `kelvin` after a webcam's white balance.

    White balance removes most of the colour cast, so only a residue (power 0.45) remains.
    """
    t = np.clip((kelvin - 2700.0) / (7500.0 - 2700.0), 0.0, 1.0)
    warm = np.array([0.52, 0.78, 1.0])
    cool = np.array([1.0, 0.93, 0.86])
    tint = ((1 - t) * warm + t * cool) ** 0.45
    return tint / tint.max()


@dataclass(frozen=True, eq=False)
class Sitting:
    """One measurement's circumstances. World frame: see `geometry`. Lengths mm, angles deg."""

    id: str
    key: int
    person_id: str
    screen: ScreenGeometry
    placement: str  # where the camera is: laptop, monitor-top, monitor-left, monitor-right
    camera: Camera
    head_position: np.ndarray
    head_yaw_deg: float
    head_pitch_deg: float
    head_roll_deg: float
    head_follow: float
    head_motion_mm: float
    head_motion_deg: float
    motion_phases: np.ndarray
    motion_freqs: np.ndarray
    key_light_dir: np.ndarray
    key_light: np.ndarray
    ambient_light: np.ndarray
    screen_light: float
    colour_temperature_k: float
    room_key: int
    wall: BGR
    clothing: BGR
    glasses: bool
    glasses_frame: BGR
    glasses_round: bool
    glasses_thickness_mm: float
    lens_glare: float
    hair_tied: bool
    eye_openness_scale: float
    pupil_radius_mm: float
    gain: float
    noise_sigma: float
    defocus_sigma: float
    motion_blur_prob: float
    jpeg_quality: int
    fixation_jitter_deg: float
    blink_prob: float
    blink_rate_per_min: float
    extras: dict = field(default_factory=dict)

    @property
    def scene_level(self) -> float:
        """Overall light on the face (1 = a well-lit office)."""
        return float(self.key_light.mean() * 0.6 + self.ambient_light.mean() + self.screen_light)

    @classmethod
    def sample(
        cls,
        person: Person,
        rng: np.random.Generator,
        id: str = "m1",
        size: tuple[int, int] = (640, 480),
    ) -> Sitting:
        """Draw a sitting for `person`: room, light, screen and camera placement, head, glasses."""
        # The draws come in a fixed order (a seed gives the same sitting in every version).
        diag, screen, placement, camera, head = _screen_and_camera(rng, size)
        light, dim_room, face_level = _light(rng)
        glasses = person.has_glasses and rng.random() < 0.85
        frame_name = str(rng.choice(list(_FRAMES)))
        long_hair = person.hair_style in ("long", "bangs", "curly")
        key = int(rng.integers(2**62))
        head_pose = _head_pose(rng)
        room_key = int(rng.integers(2**62))
        looks = _looks(rng, bool(glasses), frame_name, long_hair)
        capture = _eyes_and_capture(rng, face_level, light["gain"])
        return cls(
            id=id,
            key=key,
            person_id=person.id,
            screen=screen,
            placement=placement,
            camera=camera,
            head_position=head,
            room_key=room_key,
            extras={"dim_room": bool(dim_room), "screen_inch": diag},
            **head_pose,
            **light,
            **looks,
            **capture,
        )

    def head_motion(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """Smooth head sway at scene time `t` s: (offset mm (3,), rotation (yaw, pitch, roll) deg)."""
        waves = np.sin(2 * np.pi * self.motion_freqs * t + self.motion_phases).sum(axis=1) / 1.7
        return waves[:3] * self.head_motion_mm, waves[3:] * self.head_motion_deg


def _screen_and_camera(rng: np.random.Generator, size: tuple[int, int]):
    """(diagonal inch, screen, placement, camera, head position): a laptop's camera above its
    screen, a monitor's on top or beside it, and the head in front where people sit."""
    diag, w_mm, h_mm, w_px, h_px, kind = SCREENS[int(rng.integers(len(SCREENS)))]
    screen = ScreenGeometry(w_mm, h_mm, w_px, h_px)
    if kind == "laptop":
        placement = "laptop"
        cam_pos = np.array([w_mm / 2 + rng.normal(0, 2), -rng.uniform(6, 12), -rng.uniform(0, 4)])
        hfov = rng.uniform(60, 75)
        distance = rng.uniform(450, 650)
        head = np.array([w_mm / 2 + rng.normal(0, 35), rng.uniform(-90, 30), -distance])
        roll = rng.normal(0, 0.5)
    else:
        placement = str(rng.choice(["monitor-top", "monitor-top", "monitor-left", "monitor-right"]))
        hfov = rng.uniform(55, 72)
        distance = rng.uniform(520, 750)
        head = np.array([w_mm / 2 + rng.normal(0, 50), h_mm * rng.uniform(-0.1, 0.35), -distance])
        if placement == "monitor-top":
            cam_pos = np.array(
                [w_mm / 2 + rng.normal(0, 25), -rng.uniform(15, 35), -rng.uniform(0, 40)]
            )
        else:
            side = (
                -rng.uniform(20, 60) if placement == "monitor-left" else w_mm + rng.uniform(20, 60)
            )
            cam_pos = np.array([side, -rng.uniform(0, 30), -rng.uniform(0, 30)])
        roll = rng.normal(0, 2.0)
    # People aim their webcam roughly at themselves: look at the head, give or take ~4 deg.
    aim = head + np.array([rng.normal(0, 35), rng.normal(0, 35) + 20, 0.0])
    rot = look_rotation(aim - cam_pos) @ rotation_z(roll)
    camera = Camera(
        tuple(float(v) for v in cam_pos), tuple(map(tuple, rot.tolist())), float(hfov), *size
    )
    return diag, screen, placement, camera, head


def _light(rng: np.random.Generator) -> tuple[dict, bool, float]:
    """(the light's Sitting fields and the camera's gain, a dim room, the light on the face)."""
    dim_room = rng.random() < 0.12
    level = rng.uniform(0.35, 0.6) if dim_room else rng.uniform(0.8, 1.25)
    kelvin = float(rng.uniform(2700, 7000))
    tint = colour_of_light(kelvin)
    az = np.radians(rng.uniform(-110, 110))
    el = np.radians(rng.uniform(-5, 50))
    # From the face toward the light: azimuth 0 is in front of the face (behind the screen,
    # +z), +-90 deg beside it, beyond that behind the person (a backlit face); y up is -y.
    key_dir = np.array([np.sin(az) * np.cos(el), -np.sin(el), np.cos(az) * np.cos(el)])
    key_light = tint * level * rng.uniform(0.55, 0.9)
    ambient = colour_of_light(float(rng.uniform(3500, 6500))) * level * rng.uniform(0.3, 0.45)
    screen_light = float(rng.uniform(0.1, 0.25))
    face_level = float(key_light.mean() * 0.6 + ambient.mean() + screen_light)
    # Auto exposure brings the face to about the same brightness, give or take 20%.
    exposure_error = rng.uniform(0.8, 1.2)
    gain = float(np.clip(0.95 / face_level, 0.8, 3.2) * exposure_error)
    fields = {
        "key_light_dir": key_dir,
        "key_light": key_light,
        "ambient_light": ambient,
        "screen_light": screen_light,
        "colour_temperature_k": kelvin,
        "gain": gain,
    }
    return fields, bool(dim_room), face_level


def _head_pose(rng: np.random.Generator) -> dict:
    """The head's resting pose, how far it follows the gaze, and its sway."""
    return {
        "head_yaw_deg": float(np.clip(rng.normal(0, 6), -15, 15)),
        "head_pitch_deg": float(np.clip(rng.normal(0, 6), -15, 15)),
        "head_roll_deg": float(np.clip(rng.normal(0, 4), -12, 12)),
        "head_follow": float(rng.uniform(0.0, 0.3)),
        "head_motion_mm": float(rng.uniform(1.5, 5.0)),
        "head_motion_deg": float(rng.uniform(0.7, 2.5)),
        "motion_phases": rng.uniform(0, 2 * np.pi, (6, 3)),
        "motion_freqs": rng.uniform(0.02, 0.3, (6, 3)),
    }


def _looks(rng: np.random.Generator, glasses: bool, frame_name: str, long_hair: bool) -> dict:
    """The wall behind, the clothes, the glasses and the hair of this sitting."""
    wall = np.array(_WALLS[int(rng.integers(len(_WALLS)))]) * rng.uniform(0.8, 1.1)
    return {
        "wall": tuple(float(c) for c in wall),
        "clothing": tuple(float(c) for c in _CLOTHES[int(rng.integers(len(_CLOTHES)))]),
        "glasses": glasses,
        "glasses_frame": tuple(float(c) for c in _FRAMES[frame_name]),
        "glasses_round": bool(rng.random() < 0.4),
        "glasses_thickness_mm": float(rng.uniform(0.8, 2.2)),
        "lens_glare": float(rng.uniform(0.1, 0.6)),
        "hair_tied": bool(long_hair and rng.random() < 0.4),
        "eye_openness_scale": float(rng.uniform(0.85, 1.1)),
    }


def _eyes_and_capture(rng: np.random.Generator, face_level: float, gain: float) -> dict:
    """The pupils (narrower in brighter light), the camera's noise, blur and compression, and
    how the eyes fixate and blink."""
    return {
        "pupil_radius_mm": float(np.clip(3.6 - 1.6 * face_level + rng.normal(0, 0.3), 1.4, 3.8)),
        "noise_sigma": float(rng.uniform(1.5, 3.5) * gain),
        "defocus_sigma": float(rng.uniform(0.3, 1.2)),
        "motion_blur_prob": float(rng.uniform(0.0, 0.08)),
        "jpeg_quality": int(rng.integers(70, 96)),
        "fixation_jitter_deg": float(rng.uniform(0.2, 0.5)),
        "blink_prob": float(rng.uniform(0.01, 0.05)),
        "blink_rate_per_min": float(rng.uniform(8, 25)),
    }
