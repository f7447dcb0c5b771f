"""This person's lid gap by vertical gaze, learnt from the calibration's frames."""

from __future__ import annotations

import numpy as np
import pytest

from eyetracker.core.openness import OpennessModel


def test_the_fit_recovers_how_the_lids_narrow_and_holds_its_predictors_in_range():
    rng = np.random.default_rng(0)
    iris_y = rng.uniform(-0.2, 0.3, 40)
    pitch = rng.uniform(-0.1, 0.2, 40)
    # Each eye narrows as the iris moves down (y +) and the head pitches down.
    openness = np.stack([0.7 - 0.8 * iris_y - 0.3 * pitch, 0.65 - 0.7 * iris_y], axis=1)
    model = OpennessModel.fit(openness, np.stack([iris_y, pitch], axis=1))
    assert model.expected([[0.1, 0.05]])[0] == pytest.approx([0.7 - 0.08 - 0.015, 0.58], abs=0.01)
    # Beyond the calibration's range (a blink slides the iris landmarks down) it holds.
    assert np.allclose(model.expected([[2.0, 0.05]]), model.expected([[0.3, 0.05]]), atol=0.02)
    assert OpennessModel.from_json(model.to_json()).expected([[0.0, 0.0]]) == pytest.approx(
        model.expected([[0.0, 0.0]])
    )


def test_too_few_frames_give_no_model_and_a_damaged_one_is_refused():
    assert OpennessModel.fit(np.ones((2, 2)), np.zeros((2, 2))) is None
    with pytest.raises(ValueError):
        OpennessModel.from_json({"weights": [[1, 2]], "low": [0.0], "high": [1.0]})
    with pytest.raises(ValueError):
        OpennessModel.from_json({"weights": [[1, 2], [0, float("nan")]], "low": [0], "high": [1]})
