"""One frame path: a frame gives the same point through the app's tracker and through
`evaluate`, statistics and calibration included."""

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
    write_dataset(out, people=1, measurements=1, samples=24, seed=1, workers=1)
    return out


def test_a_frame_gives_the_same_point_through_the_tracker_and_evaluate(dataset):
    K = 9
    loaded = load_checkpoint(default_model_path())
    measurements = prepare_dataset(dataset, loaded.info.preprocessing, cache=False, progress=False)
    scored = []
    evaluate(loaded.model, measurements, ("calibrated",), K, lambda mode, s: scored.append(s))
    [result] = scored

    # The app calibrates on the K dots evaluate chose, then tracks the measurement's folder.
    [measurement] = load_dataset(dataset).measurements
    by_image = {s.image: s for s in measurement.samples}
    dots = [by_image[image] for image in result.calibration_images]
    collector = CalibrationCollector([GazePoint(s.x, s.y) for s in dots], video=False)
    for index, sample in enumerate(dots):
        image = read_image(measurement.image_path(sample))
        collector.add(index, Frame(image, timestamp=float(index), index=index))
    backend = create_backend(default_model_path(), "torch", "cpu")
    profile = collector.fit(backend, "ada")
    with create_source("folder", path=measurement.folder) as source:
        tracker = Tracker(source, backend, SessionStatistics.of_profile(backend, profile))
        tracked = {Path(f.meta["path"]).name: tracker.process(f) for f in source}

    assert result.found.sum() >= len(result.images) - 2  # the synthetic faces are found
    for image, predicted, found, expected in zip(
        result.images, result.predicted, result.found, result.expected_error, strict=True
    ):
        sample = tracked[image]
        assert (sample.raw_point is not None) == found
        if found:
            point = (sample.raw_point.x, sample.raw_point.y)
            np.testing.assert_allclose(point, predicted, atol=1e-5)
            assert sample.expected_error == pytest.approx(expected, rel=1e-4)


def test_a_frame_without_a_usable_face_gives_its_reason_not_a_point():
    backend = create_backend(default_model_path(), "onnxruntime", "cpu")
    pipeline = FramePipeline(backend, video=True)
    dark = Frame(np.full((480, 640, 3), 4, np.uint8), timestamp=0.0, index=0)
    blank = Frame(np.full((480, 640, 3), 128, np.uint8), timestamp=0.1, index=1)
    assert pipeline.raw(dark).point is None and pipeline.raw(dark).reason == "too dark"
    sample = pipeline.sample(blank)
    assert not sample.valid and sample.point is None and sample.reason == "no face"
