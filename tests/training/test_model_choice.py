"""Choosing between the model in use and a fine-tuned one on dots neither profile saw."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from eyetracker.core.manifest import Screen
from eyetracker.core.measurement import MeasurementWriter
from eyetracker.core.types import GazePoint
from eyetracker.inference.backends import create_backend
from eyetracker.model.checkpoint import load_checkpoint, save_checkpoint
from eyetracker.model.preprocess import Preprocessing
from eyetracker.model.resources import default_model_path
from eyetracker.synth.dataset import person_for, sitting_for
from eyetracker.synth.render import render_frame
from eyetracker.training.data import prepare_dataset
from eyetracker.training.model_choice import (
    CHECK_EVERY,
    choose_model,
    hold_out,
    newest_measurement,
)


def measure(root, dots: int = 30, person: str = "Ada"):
    """The demo's synthetic person at `dots` random dots, one frame each, as Set up saves them."""
    writer = MeasurementWriter(root, person, Screen(1920, 1080))
    rng = np.random.default_rng(11)
    human = person_for(7, 0)
    sitting = sitting_for(7, human, 0, 0)
    for x, y in rng.uniform(0.1, 0.9, size=(dots, 2)):
        point = GazePoint(float(x), float(y))
        writer.add(render_frame(human, sitting, point, rng)[0], point.x, point.y)
    return writer.folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return measure(tmp_path_factory.mktemp("dataset"))


@pytest.fixture(scope="module")
def current():
    return create_backend(default_model_path(), "torch", "cpu")


def test_every_fifth_dot_is_held_out_and_listed_for_the_trainer(folder, tmp_path):
    check = hold_out(folder)
    assert check.dots == 30 // CHECK_EVERY and len(check.images) == check.dots
    assert check.person == "Ada"
    listed = check.write_list(tmp_path / "check.txt").read_text().split()
    assert sorted(listed) == sorted(str(image) for image in check.images)
    (prepared,) = prepare_dataset(
        folder.parent,
        Preprocessing("square", 16, 16),
        workers=1,
        cache=False,
        progress=False,
        leave_out=tmp_path / "check.txt",
    )
    images = set(prepared.images) | {failed.image for failed in prepared.failed}
    assert len(images) == 30 - check.dots
    assert not any(check.held_out(folder / image) for image in images)


def test_too_few_dots_hold_none_out(tmp_path):
    assert hold_out(measure(tmp_path, dots=CHECK_EVERY + 1)).dots == 0


def test_a_worse_fine_tuned_model_is_not_used(folder, current, tmp_path):
    # A "fine-tuning" that wrecked the network: its features no longer follow the eyes.
    loaded = load_checkpoint(default_model_path())
    torch.manual_seed(0)
    with torch.no_grad():
        for parameter in loaded.model.parameters():
            parameter.add_(torch.randn_like(parameter) * parameter.std().nan_to_num(0.1))
    worse = tmp_path / "worse.pt"
    save_checkpoint(worse, loaded.model, loaded.info)
    choice = choose_model(current, create_backend(worse, "torch", "cpu"), hold_out(folder), "Ada")
    assert choice.tuned_pct > choice.current_pct
    assert not choice.use_tuned and choice.profile.model_fingerprint == current.info.fingerprint
    assert f"{choice.current_pct:.1f}%" in choice.sentence
    assert "keeping the one in use" in choice.sentence
    # the profile comes from the other dots only
    assert choice.profile.frames <= 30 - choice.dots


def test_a_tie_keeps_the_model_in_use(folder, current):
    same = create_backend(default_model_path(), "torch", "cpu")
    choice = choose_model(current, same, hold_out(folder), "Ada")
    assert choice.tuned_pct == pytest.approx(choice.current_pct) and not choice.use_tuned


def test_the_newest_measurement_of_the_person_or_else_of_anyone(tmp_path):
    assert newest_measurement(tmp_path / "none") is None
    ada = measure(tmp_path, dots=2, person="Ada")
    bob = measure(tmp_path, dots=2, person="Bob")
    os.utime(ada / "measurement.json", ns=(1, 1))  # measured long before Bob
    assert newest_measurement(tmp_path, "Ada") == ada
    assert newest_measurement(tmp_path, "Eve") == bob
