"""The calibration correction: a ridge fit of the residual that cannot run away."""

from __future__ import annotations

import numpy as np
import pytest

from eyetracker.core.correction import Correction
from eyetracker.core.sampling import spread_indices


def grid(side=3, margin=0.1):
    steps = np.linspace(margin, 1 - margin, side)
    return np.array([(x, y) for y in steps for x in steps])


def test_a_constant_shift_is_removed():
    truth = grid()
    points = truth + [0.07, -0.04]
    geometry = np.zeros((len(truth), 3))  # constant: no evidence, no weight
    correction = Correction.fit(points, geometry, truth)
    before = np.linalg.norm(points - truth, axis=1).mean()
    after = np.linalg.norm(correction.apply(points, geometry) - truth, axis=1).mean()
    assert after < 0.2 * before
    # the ridge only shrinks toward the calibration's mean point: it never overshoots
    assert np.abs(correction.apply(points, geometry) - truth).max() < np.abs(points - truth).max()


def test_identity_and_too_few_frames_change_nothing():
    other = np.random.default_rng(0).random((5, 2))
    geometry = np.ones((5, 2))
    np.testing.assert_allclose(Correction.identity(4).apply(other, geometry), other)
    one = Correction.fit(other[:1], geometry[:1], other[:1] + 0.2)
    np.testing.assert_allclose(one.apply(other, geometry), other)


def test_a_head_turn_the_network_missed_is_learned_from_nine_dots():
    """The person turns the head toward the dot; the network saw only half of the movement.
    Nine calibration dots teach the correction to read the rest from the head's yaw and to
    undo the network's compressed scale."""
    rng = np.random.default_rng(1)
    truth = rng.random((60, 2))
    yaw = (truth[:, :1] - 0.5) * 0.6 + rng.normal(0, 0.01, (60, 1))
    points = 0.5 + 0.5 * (truth - 0.5) + rng.normal(0, 0.01, (60, 2))
    calibration = spread_indices(truth, 9)
    rest = np.setdiff1d(np.arange(60), calibration)
    correction = Correction.fit(points[calibration], yaw[calibration], truth[calibration])
    before = np.linalg.norm(points[rest] - truth[rest], axis=1).mean()
    after = np.linalg.norm(correction.apply(points[rest], yaw[rest]) - truth[rest], axis=1).mean()
    assert after < 0.5 * before


def test_json_round_trip_and_refusals():
    correction = Correction.fit(grid() + 0.01, np.arange(18.0).reshape(9, 2), grid())
    again = Correction.from_json(correction.to_json())
    points = np.random.default_rng(2).random((4, 2))
    geometry = np.random.default_rng(3).random((4, 2))
    np.testing.assert_allclose(again.apply(points, geometry), correction.apply(points, geometry))
    broken = correction.to_json() | {"weights": [[float("nan"), 0.0]] * 5}
    with pytest.raises(ValueError, match="finite"):
        Correction.from_json(broken)
    with pytest.raises(ValueError):
        Correction.from_json(correction.to_json() | {"mean": [0.0]})
    with pytest.raises(KeyError):  # a correction from before the edges were kept
        Correction.from_json({k: v for k, v in correction.to_json().items() if k != "low"})


def test_geometry_beyond_the_calibration_is_held_at_its_edge():
    """Leaning back after calibrating moves the face's size past anything fitted: the
    correction answers as at the calibration's edge instead of extrapolating."""
    truth = grid()
    distance = truth[:, :1] * 0.2  # in the calibration, distance happened to follow x
    correction = Correction.fit(truth, distance, truth)
    points = np.array([[0.5, 0.5]])
    at_edge = correction.apply(points, np.array([[distance.max()]]))
    far_back = correction.apply(points, np.array([[distance.max() + 5.0]]))
    np.testing.assert_allclose(far_back, at_edge)
    inside = correction.apply(points, np.array([[0.1]]))
    assert not np.allclose(inside, at_edge)  # within the range the geometry still counts


def test_more_dots_give_the_data_more_say_and_more_frames_of_a_dot_do_not(monkeypatch):
    from eyetracker.core import correction as module

    rng = np.random.default_rng(4)
    truth = rng.random((100, 2))
    yaw = (truth[:, :1] - 0.5) * 0.6 + rng.normal(0, 0.01, (100, 1))
    points = 0.5 + 0.5 * (truth - 0.5) + rng.normal(0, 0.01, (100, 2))

    def error(c):
        return np.linalg.norm(c.apply(points, yaw) - truth, axis=1).mean()

    hundred = Correction.fit(points, yaw, truth)
    monkeypatch.setattr(module, "REFERENCE_DOTS", 100)  # the prior 9 dots need, at 100 dots
    as_if_nine = Correction.fit(points, yaw, truth)
    assert error(hundred) < error(as_if_nine)
    monkeypatch.undo()
    nine = spread_indices(truth, 9)
    once = Correction.fit(points[nine], yaw[nine], truth[nine])
    five = np.repeat(nine, 5)  # the quick calibration keeps 5 frames at each dot
    fivefold = Correction.fit(points[five], yaw[five], truth[five])
    np.testing.assert_allclose(fivefold.weights, once.weights, atol=1e-9)


def test_the_hidden_layer_is_read_when_given_and_needed_then():
    """A hidden unit that carries what the point misses is read, from 9 dots as from 60; a
    correction that reads it asks for it; one fitted without it reads the point and geometry."""
    rng = np.random.default_rng(5)
    truth = rng.random((80, 2))
    unit = truth[:, :1] - 0.5 + 0.01 * rng.standard_normal((80, 1))  # the x the point lost
    hidden = np.concatenate([unit, rng.standard_normal((80, 3))], axis=1)
    points = np.column_stack([np.full(80, 0.5), truth[:, 1]])
    geometry = rng.standard_normal((80, 2))

    def x_error(correction):
        return np.abs(correction.apply(points[60:], geometry[60:], hidden[60:]) - truth[60:])[:, 0]

    many = Correction.fit(points[:60], geometry[:60], truth[:60], hidden[:60])
    assert many.reads_hidden and len(many.mean) == 2 + 2 + 4
    with pytest.raises(ValueError, match="hidden layer"):
        many.apply(points[60:], geometry[60:])
    assert x_error(many).mean() < 0.1  # x recovered from the hidden unit (0.25 knowing nothing)

    nine = spread_indices(truth[:60], 9)
    few = Correction.fit(points[nine], geometry[nine], truth[nine], hidden[nine])
    blind = Correction.fit(points[nine], geometry[nine], truth[nine])
    assert not blind.reads_hidden and len(blind.mean) == 2 + 2
    # 9 dots hold the hidden layer firmly, yet what it carries already helps
    assert few.reads_hidden and x_error(few).mean() < 0.8 * x_error(blind).mean()
    np.testing.assert_allclose(
        blind.apply(points[60:], geometry[60:], hidden[60:]),
        blind.apply(points[60:], geometry[60:]),
    )
    one = Correction.fit(points[:1], geometry[:1], truth[:1], hidden[:1])  # too few: unchanged
    assert one.reads_hidden
    np.testing.assert_allclose(one.apply(points, geometry, hidden), points)
    again = Correction.from_json(many.to_json())
    assert again.reads_hidden
    np.testing.assert_allclose(
        again.apply(points[60:], geometry[60:], hidden[60:]),
        many.apply(points[60:], geometry[60:], hidden[60:]),
    )


def test_an_axis_the_targets_do_not_sweep_is_left_to_the_network():
    """Fitted on a sweep along one row, the correction would hold every point at that row;
    told that the targets say nothing about height, it corrects across and gives the
    network's own height back, exactly. The network's height over one row is its noise: it
    moves nothing across."""
    rng = np.random.default_rng(4)
    row = np.column_stack([np.linspace(0.05, 0.95, 40), np.full(40, 0.3)])
    points = 0.5 + 0.6 * (row - 0.5) + rng.normal(0, 0.02, (40, 2))
    hidden, geometry = rng.normal(size=(40, 6)), rng.normal(size=(40, 3))
    elsewhere = rng.random((10, 2))  # the same person looking lower down the screen
    later = rng.normal(size=(10, 3)), rng.normal(size=(10, 6))
    held = Correction.fit(points, geometry, row, hidden).apply(elsewhere, *later)
    assert np.abs(held[:, 1] - 0.3).max() < 0.1  # the fit's answer: the row, wherever one looks

    across = Correction.fit(points, geometry, row, hidden, axes=(1.0, 0.0))
    corrected = across.apply(elsewhere, *later)
    np.testing.assert_allclose(corrected[:, 1], elsewhere[:, 1])
    assert np.abs(corrected[:, 0] - elsewhere[:, 0]).max() > 0.05  # corrected across
    lower = elsewhere + [0.0, 0.5]
    np.testing.assert_allclose(across.apply(lower, *later)[:, 0], corrected[:, 0])
    again = Correction.from_json(across.to_json())
    np.testing.assert_allclose(again.apply(elsewhere, *later), corrected)

    constant = Correction.fit(np.full((9, 2), 0.4), geometry[:9], grid(), hidden[:9], (0, 0))
    np.testing.assert_allclose(constant.apply(elsewhere, *later), elsewhere)


def spearman(a, b):
    rank = lambda v: np.argsort(np.argsort(v))  # noqa: E731
    return np.corrcoef(rank(a), rank(b))[0, 1]


def noisy_calibration(rng, dots=9, frames_per_dot=1, noise=0.04):
    """A network that reads x and y through two head features, with per-frame noise."""
    truth = np.repeat(grid(round(dots**0.5)), frames_per_dot, axis=0)
    geometry = np.concatenate([truth * 0.5, rng.normal(size=(len(truth), 2))], axis=1)
    points = 0.6 * truth + 0.2 + rng.normal(0, noise, truth.shape)
    return points, geometry, truth


def test_the_expected_error_matches_the_error_made_on_new_frames():
    rng = np.random.default_rng(4)
    expected, actual = [], []
    for _ in range(20):  # twenty sittings
        points, geometry, truth = noisy_calibration(rng, dots=16)
        correction = Correction.fit(points, geometry, truth)
        # New frames of the same sitting, some with the head's features far from any seen.
        new_truth = rng.random((200, 2))
        far = rng.random(200) < 0.3
        new_geometry = np.concatenate([new_truth * 0.5, rng.normal(size=(200, 2))], axis=1)
        new_geometry[far, 2:] *= 4
        new_points = 0.6 * new_truth + 0.2 + rng.normal(0, 0.04, new_truth.shape)
        new_points[far] += rng.normal(0, 0.08, (far.sum(), 2))  # such frames read worse
        found = correction.apply(new_points, new_geometry)
        actual.append(np.linalg.norm(found - new_truth, axis=1))
        expected.append(correction.expected_error(new_points, new_geometry))
    expected, actual = np.concatenate(expected), np.concatenate(actual)
    assert expected.mean() == pytest.approx(actual.mean(), rel=0.2)
    assert spearman(expected, actual) > 0.2


def test_frames_of_one_dot_are_held_out_together():
    """Five frames of a dot share where the person really looked: a fit that keeps four of
    them sees the fifth's error, so only holding out the whole dot finds the true spread."""
    rng = np.random.default_rng(5)
    truth = np.repeat(grid(), 5, axis=0)
    where_looked = np.repeat(grid() + rng.normal(0, 0.05, (9, 2)), 5, axis=0)
    points = where_looked + rng.normal(0, 0.005, where_looked.shape)
    correction = Correction.fit(points, np.zeros((45, 1)), truth)
    assert correction.held_out_rms > 0.05


def test_too_few_dots_say_nothing_of_the_error_and_an_old_profile_knows_none():
    from eyetracker.inference.calibration_models import UNCALIBRATED_ERROR_PCT, expected_error_pct

    few = Correction.fit(grid(2) + 0.02, np.zeros((4, 1)), grid(2))
    assert np.isfinite(few.held_out_rms)  # four dots: one can be held out
    three = Correction.fit(grid(2)[:3] + 0.02, np.zeros((3, 1)), grid(2)[:3])
    assert np.isnan(three.expected_error(grid(2)[:1], np.zeros((1, 1)))).all()
    assert expected_error_pct(three, grid(2)[:1], np.zeros((1, 1))) == [UNCALIBRATED_ERROR_PCT]
    assert expected_error_pct(None, grid(2), np.zeros((4, 1))).tolist() == [25.0] * 4
    old = {k: v for k, v in few.to_json().items() if k not in ("held_out_rms", "precision")}
    assert np.isnan(Correction.from_json(old).expected_error(grid(2), np.zeros((4, 1)))).all()


def test_the_error_model_survives_json():
    rng = np.random.default_rng(6)
    points, geometry, truth = noisy_calibration(rng)
    correction = Correction.fit(points, geometry, truth)
    again = Correction.from_json(correction.to_json())
    np.testing.assert_allclose(
        again.expected_error(points, geometry), correction.expected_error(points, geometry)
    )
    with pytest.raises(ValueError, match="precision"):
        Correction.from_json(correction.to_json() | {"precision": [[1.0]]})
