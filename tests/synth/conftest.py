from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from eyetracker.synth import Person, Sitting


@pytest.fixture
def person() -> Person:
    return Person.sample(np.random.default_rng(11), id="p01")


@pytest.fixture
def still_sitting(person: Person) -> Sitting:
    """A sitting without head sway, head-follows-gaze, fixation error, blinks or motion blur."""
    sitting = Sitting.sample(person, np.random.default_rng(12))
    return dataclasses.replace(
        sitting, head_motion_mm=0.0, head_motion_deg=0.0, head_follow=0.0, fixation_jitter_deg=0.0,
        blink_prob=0.0, motion_blur_prob=0.0, glasses=False,
    )  # fmt: skip
