"""The preprocessing cache: written atomically once, read back instead of decoding again."""

from __future__ import annotations

import numpy as np

from eyetracker.core.dataset import load_measurement
from eyetracker.model.preprocess import Preprocessing
from eyetracker.training.data import prepare_measurement
from tests.helpers.datasets import write_toy_dataset


def test_a_prepared_measurement_is_cached_and_read_back(tmp_path):
    root = write_toy_dataset(tmp_path / "data", people=1, measurements=1, samples=4)
    measurement = load_measurement(root / "p00" / "m0")
    preprocessing, cache = Preprocessing("square", 64, 64), tmp_path / "prepared"
    first = prepare_measurement(measurement, preprocessing, cache_dir=cache)
    [cached] = list(cache.iterdir())  # one file per measurement, no temporary left beside it
    assert cached.suffix == ".npz" and not cached.name.startswith(".")
    for sample in measurement.samples:  # the cache alone must now give the same inputs
        measurement.image_path(sample).unlink()
    second = prepare_measurement(measurement, preprocessing, cache_dir=cache)
    assert len(second) == len(first) == 4
    np.testing.assert_array_equal(second.pixels, first.pixels)
    np.testing.assert_array_equal(second.face, first.face)
