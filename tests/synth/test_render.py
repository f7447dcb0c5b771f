from __future__ import annotations

import numpy as np

from eyetracker.core.types import GazePoint
from eyetracker.synth import Person, Sitting, render_frame, render_measurement
from eyetracker.synth.dataset import person_for, sitting_for


def _frame(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    person = Person.sample(rng)
    sitting = Sitting.sample(person, rng)
    image, _ = render_frame(person, sitting, GazePoint(0.4, 0.6), rng, t=2.0)
    return image


def test_frames_are_webcam_sized_bgr_uint8():
    image = _frame(0)
    assert image.shape == (480, 640, 3) and image.dtype == np.uint8
    assert image.std() > 10


def test_same_seed_same_bytes_and_different_seed_differs():
    assert _frame(5).tobytes() == _frame(5).tobytes()
    assert not np.array_equal(_frame(5), _frame(6))


def test_render_measurement_is_deterministic_and_labels_are_on_screen(person, still_sitting):
    first = list(render_measurement(person, still_sitting, 4, np.random.default_rng(3)))
    second = list(render_measurement(person, still_sitting, 4, np.random.default_rng(3)))
    assert len(first) == 4
    for (image_a, dot_a), (image_b, dot_b) in zip(first, second, strict=True):
        assert dot_a == dot_b and image_a.tobytes() == image_b.tobytes()
        assert 0 <= dot_a.x <= 1 and 0 <= dot_a.y <= 1


def test_iris_follows_gaze_by_a_few_pixels(person, still_sitting):
    xs = []
    for x in np.linspace(0.0, 1.0, 6):
        _, info = render_frame(
            person, still_sitting, GazePoint(float(x), 0.5), np.random.default_rng(0)
        )
        xs.append(info["eyes_px"][0][0])
    steps = np.diff(xs)
    # The camera faces the person, so looking right (screen +x) moves the iris left in the image.
    assert np.all(steps < 0)
    assert 1.0 < abs(xs[-1] - xs[0]) < 15.0


def test_iris_moves_in_pixels_not_only_in_the_landmarks(person, still_sitting):
    left, info = render_frame(person, still_sitting, GazePoint(0.05, 0.5), np.random.default_rng(0))
    right, _ = render_frame(person, still_sitting, GazePoint(0.95, 0.5), np.random.default_rng(0))
    x, y = (int(v) for v in info["eyeballs_px"][0])
    patch = np.s_[y - 8 : y + 8, x - 12 : x + 12]
    assert np.abs(left[patch].astype(int) - right[patch].astype(int)).max() > 20


def test_eye_scale_is_realistic(person, still_sitting):
    _, info = render_frame(person, still_sitting, GazePoint(0.5, 0.5), np.random.default_rng(0))
    (rx, ry), (lx, ly) = info["eyeballs_px"]
    x, y, w, h = info["face_box"]
    assert 60 < w < 220 and 0 <= x and x + w <= 640
    assert 0.3 < abs(rx - lx) / w < 0.6  # the eyes sit about a third of a face width apart


def test_blink_is_marked(person, still_sitting):
    _, info = render_frame(
        person, still_sitting, GazePoint(0.5, 0.5), np.random.default_rng(0), blink=1.0
    )
    assert info["blink"] is True
    _, info = render_frame(
        person, still_sitting, GazePoint(0.5, 0.5), np.random.default_rng(0), blink=0.0
    )
    assert info["blink"] is False


def test_kappa_and_appearance_differ_between_people():
    people = [person_for(0, i) for i in range(12)]
    assert len({round(p.kappa_h_deg, 3) for p in people}) == 12
    assert all(1.5 <= p.kappa_h_deg <= 8.5 and abs(p.kappa_v_deg) <= 1.5 for p in people)
    tones = [p.skin_tone for p in people]
    assert max(tones) - min(tones) > 0.5
    assert len({p.iris_colour for p in people}) > 1 and len({p.hair_style for p in people}) > 1


def test_sittings_of_one_person_differ():
    person = person_for(0, 0)
    sittings = [sitting_for(0, person, 0, m) for m in range(6)]
    assert len({s.key for s in sittings}) == 6
    assert len({round(float(s.head_position[2])) for s in sittings}) == 6
    assert (
        len({s.placement for s in sittings}) > 1 or len({s.screen.width_mm for s in sittings}) > 1
    )
    assert all(450 <= -s.head_position[2] <= 750 for s in sittings)


def test_frames_of_one_sitting_differ_for_the_same_dot(person):
    sitting = Sitting.sample(person, np.random.default_rng(1))
    dot = GazePoint(0.5, 0.5)
    a, info_a = render_frame(person, sitting, dot, np.random.default_rng(1), t=0.0)
    b, info_b = render_frame(person, sitting, dot, np.random.default_rng(2), t=7.0)
    assert not np.array_equal(a, b)
    assert info_a["eyeballs_px"] != info_b["eyeballs_px"]  # the head moved a little
