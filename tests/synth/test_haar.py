"""The model's face crop relies on OpenCV's Haar cascade: synthetic faces must be found by it."""

from __future__ import annotations

import cv2
import numpy as np

from eyetracker.core.types import GazePoint
from eyetracker.synth.dataset import person_for, sitting_for
from eyetracker.synth.render import render_frame

CASCADE = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"


def detection_rate(seed: int, people: int, sittings: int) -> float:
    cascade = cv2.CascadeClassifier(CASCADE)
    found = 0
    for p in range(people):
        person = person_for(seed, p)
        for m in range(sittings):
            sitting = sitting_for(seed, person, p, m)
            rng = np.random.default_rng([seed, p, m, 9])
            image, _ = render_frame(person, sitting, GazePoint(*rng.uniform(0, 1, 2)), rng, t=3.0)
            gray = cv2.cvtColor(
                cv2.resize(image, (320, 240), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY
            )
            found += len(cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=4)) > 0
    return found / (people * sittings)


def test_haar_cascade_finds_most_synthetic_faces():
    assert detection_rate(seed=2024, people=20, sittings=3) >= 0.9
