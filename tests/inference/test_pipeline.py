"""One frame path: the tracker, the calibration and `evaluate` give the same raw points,
statistics and correction included."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from eyetracker.capture.base import create_source
from eyetracker.core.dataset import load_dataset
from eyetracker.core.images import read_image
from eyetracker.core.types import Frame, GazePoint
from eyetracker.inference.backends import create_backend
from eyetracker.inference.calibration import CalibrationCollector
from eyetracker.inference.pipeline import FramePipeline
from eyetracker.inference.session_statistics import SessionStatistics
from eyetracker.model.checkpoint import load_checkpoint
from eyetracker.model.resources import default_model_path
from eyetracker.runtime.tracker import Tracker
from eyetracker.synth.dataset import write_dataset
from eyetracker.training.data import prepare_dataset
from eyetracker.training.evaluate import evaluate


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("data")
    write_dataset(out, people=1, measurements=1, samples=60, seed=1, workers=1)
    return out


def test_tracker_calibration_and_evaluate_agree_on_every_raw_point(dataset):
    K = 9
    model_path = default_model_path()
    loaded = load_checkpoint(model_path)
    measurements = prepare_dataset(dataset, loaded.info.preprocessing, cache=False, progress=False)
    scored = {}
    evaluate(
        loaded.model,
        measurements,
        modes=("calibrated",),
        calibration_samples=K,
        on_scored=lambda mode, s: scored.setdefault(s.measurement, s),
    )
    [result] = scored.values()
    assert len(result.calibration_images) == K

    # The app's calibration on the same K frames, one dot per frame, each image on its own as
    # the tracker reads a folder of images.
    [measurement] = load_dataset(dataset).measurements
    by_image = {s.image: s for s in measurement.samples}
    calibration = [by_image[image] for image in result.calibration_images]
    collector = CalibrationCollector([GazePoint(s.x, s.y) for s in calibration], video=False)
    for index, sample in enumerate(calibration):
        image = read_image(measurement.image_path(sample))
        collector.add(index, Frame(image, timestamp=float(index), index=index))
    backend = create_backend(model_path, "torch", "cpu")
    profile = collector.fit(backend, "ada")
    assert profile.correction.reads_hidden  # the point, the geometry and the hidden layer

    # The tracker over the measurement's folder, frame by frame, with that profile.
    raw = {}
    with create_source("folder", path=measurement.folder) as source:
        tracker = Tracker(source, backend, SessionStatistics.of_profile(backend, profile))
        for frame in source:
            raw[Path(frame.meta["path"]).name] = tracker.process(frame).raw_point

    compared = 0
    for image, predicted, found in zip(result.images, result.predicted, result.found, strict=True):
        point = raw[image]
        assert (point is not None) == found
        if found:
            assert point.x == pytest.approx(predicted[0], abs=1e-5)
            assert point.y == pytest.approx(predicted[1], abs=1e-5)
            compared += 1
    assert compared >= len(result.images) - 2  # the synthetic faces are found


def test_a_frame_without_a_usable_face_gives_its_reason_not_a_point():
    backend = create_backend(default_model_path(), "onnxruntime", "cpu")
    pipeline = FramePipeline(backend, video=True)
    dark = Frame(np.full((480, 640, 3), 4, np.uint8), timestamp=0.0, index=0)
    blank = Frame(np.full((480, 640, 3), 128, np.uint8), timestamp=0.1, index=1)
    assert pipeline.raw(dark).point is None and pipeline.raw(dark).reason == "too dark"
    sample = pipeline.sample(blank)
    assert not sample.valid and sample.point is None and sample.reason == "no face"
