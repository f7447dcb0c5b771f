"""A calibration model plugs in with one class and one registration line: the calibration
fits it, the profile stores and loads it by its kind, the frame pipeline applies it."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pytest

from eyetracker.core.correction import Correction
from eyetracker.core.metrics import on_screen
from eyetracker.core.openness import OpennessModel
from eyetracker.inference.backends import create_backend
from eyetracker.inference.calibration import fit_calibration
from eyetracker.inference.calibration_models import register_calibration_model
from eyetracker.inference.pipeline import FramePipeline
from eyetracker.inference.profile import Profile, ProfileError, load_profile
from eyetracker.inference.session_statistics import SessionStatistics
from eyetracker.model.front_end import Prepared
from eyetracker.model.resources import default_model_path


@register_calibration_model("toy-shift")
@dataclass(frozen=True)
class ShiftModel:
    """Moves every point by the calibration's mean miss; expects the spread of its misses."""

    offset: np.ndarray
    spread: float
    reads_hidden: bool = False
    openness: OpennessModel | None = None

    @classmethod
    def fit(cls, points, geometry, truth, hidden=None, axes=(1.0, 1.0)) -> ShiftModel:
        miss = np.asarray(truth, np.float64) - points
        return cls(miss.mean(axis=0) * axes, float(np.linalg.norm(miss, axis=1).std()))

    def apply(self, points, geometry, hidden=None) -> np.ndarray:
        return np.asarray(points, np.float64) + self.offset

    def expected_error(self, points, geometry, hidden=None) -> np.ndarray:
        return np.full(len(points), self.spread)

    def to_json(self) -> dict:
        return {"offset": self.offset.tolist(), "spread": self.spread}

    @classmethod
    def from_json(cls, data: dict) -> ShiftModel:
        return cls(np.asarray(data["offset"], np.float64), float(data["spread"]))


@pytest.fixture(scope="module")
def backend():
    return create_backend(default_model_path(), "onnxruntime", "cpu")


def calibration_inputs(backend, count=12, seed=0):
    p = backend.info.preprocessing
    rng = np.random.default_rng(seed)
    pixels = rng.random((count, p.channels, p.height, p.width), dtype=np.float32)
    geometry = rng.normal(0, 0.3, (count, p.geometry_size)).astype(np.float32)
    targets = rng.uniform(0.1, 0.9, (count, 2))
    return pixels, geometry, targets


def test_a_toy_model_is_fitted_stored_loaded_and_applied(backend, tmp_path):
    pixels, geometry, targets = calibration_inputs(backend)
    moments, model = fit_calibration(backend, pixels, geometry, targets, kind="toy-shift")
    assert isinstance(model, ShiftModel)
    network = backend.predict(pixels, geometry)  # with the fitted statistics
    np.testing.assert_allclose(model.offset, (targets - network).mean(axis=0), atol=1e-6)

    profile = Profile("ada", backend.info.fingerprint, moments, len(pixels), "test", "", model)
    path = profile.save(tmp_path / "ada.npz")
    with np.load(path) as data:
        assert json.loads(str(data["_header"]))["correction"]["kind"] == "toy-shift"
    loaded = load_profile(path, backend.info.fingerprint)
    assert isinstance(loaded.correction, ShiftModel)
    np.testing.assert_array_equal(loaded.correction.offset, model.offset)

    statistics = SessionStatistics.of_profile(backend, loaded)
    pipeline = FramePipeline(backend, video=None, statistics=statistics)
    points, errors = pipeline.predict_batch(pixels, geometry)
    np.testing.assert_allclose(points, on_screen(network + model.offset), atol=1e-6)
    np.testing.assert_allclose(errors, 100 * model.spread)
    one = Prepared(pixels[0], geometry[0], found=True)
    point, error = pipeline.predict(one)
    assert (point.x, point.y) == pytest.approx(tuple(points[0]), abs=1e-6)
    assert error == pytest.approx(errors[0])


def test_a_profile_without_a_kind_holds_the_ridge_correction(backend, tmp_path):
    pixels, geometry, targets = calibration_inputs(backend, seed=1)
    moments, correction = fit_calibration(backend, pixels, geometry, targets)
    assert isinstance(correction, Correction) and correction.reads_hidden
    profile = Profile("ada", "abc", moments, len(pixels), "test", "", correction)
    path = profile.save(tmp_path / "new.npz")
    with np.load(path) as data:
        header = json.loads(str(data["_header"]))
        arrays = {k: data[k] for k in data.files if k != "_header"}
    assert header["correction"].pop("kind") == "ridge"
    np.savez(tmp_path / "old.npz", _header=np.array(json.dumps(header)), **arrays)
    old = load_profile(tmp_path / "old.npz", "abc").correction
    assert isinstance(old, Correction)
    np.testing.assert_array_equal(old.weights, correction.weights)


def test_a_profile_of_a_model_this_install_lacks_says_so(backend, tmp_path):
    pixels, geometry, targets = calibration_inputs(backend, seed=2)
    moments, correction = fit_calibration(backend, pixels, geometry, targets)
    path = Profile("ada", "abc", moments, len(pixels), "test", "", correction).save(
        tmp_path / "ada.npz"
    )
    with np.load(path) as data:
        header = json.loads(str(data["_header"]))
        arrays = {k: data[k] for k in data.files if k != "_header"}
    header["correction"]["kind"] = "spline"
    np.savez(tmp_path / "spline.npz", _header=np.array(json.dumps(header)), **arrays)
    with pytest.raises(ProfileError, match="'spline' calibration model, which this version"):
        load_profile(tmp_path / "spline.npz", "abc")
