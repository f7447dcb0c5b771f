from __future__ import annotations

import numpy as np
import pytest

from eyetracker.core.sampling import corner_starts, spread_choices, spread_indices

# A 4x4 grid in reading order (row by row), as the app's calibration shows it.
STEPS = np.linspace(0.1, 0.9, 4)
GRID = np.array([(x, y) for y in STEPS for x in STEPS])
CORNER_INDICES = {0, 3, 12, 15}


def test_a_grid_captured_row_by_row_calibrates_on_its_corners_first():
    assert set(spread_indices(GRID, 4).tolist()) == CORNER_INDICES
    nine = spread_indices(GRID, 9)
    assert len(set(nine.tolist())) == 9 and CORNER_INDICES <= set(nine.tolist())
    # not the first rows: the bottom row is represented
    assert any(GRID[i, 1] > 0.8 for i in nine)
    np.testing.assert_array_equal(spread_indices(GRID.copy(), 9), nine)  # deterministic
    assert len(spread_indices(GRID, 40)) == 16


def test_a_pursuit_along_the_diagonal_is_calibrated_at_both_ends_and_the_middle():
    # The first K samples would all sit at one end.
    line = np.column_stack([np.linspace(0, 1, 100), np.linspace(0, 1, 100)])
    chosen = spread_indices(line, 3).tolist()
    assert chosen in ([0, 49, 99], [0, 50, 99])


def test_spread_never_repeats_an_index_among_repeated_targets():
    same = np.full((6, 2), 0.5)
    assert spread_indices(same, 4).tolist() == [0, 1, 2, 3]
    assert spread_indices(np.zeros((0, 2)), 9).size == 0
    assert spread_indices(GRID, 0).size == 0


def test_draws_are_different_choices_each_started_at_a_corner():
    assert corner_starts(GRID).tolist() == [0, 3, 12, 15]  # TL, TR, BL, BR
    # on a grid every start picks the four corners first: one choice, however many draws
    assert len(spread_choices(GRID, 4, 4)) == 1
    # on scattered targets the choice of 9 depends on where sampling started
    scattered = np.random.default_rng(0).uniform(0, 1, (50, 2))
    choices = spread_choices(scattered, 9, 4)
    assert len(choices) > 1
    assert len({tuple(c.tolist()) for c in choices}) == len(choices)  # pairwise different
    assert all(len(choice) == 9 for choice in choices)
    np.testing.assert_array_equal(choices[0], spread_indices(scattered, 9))  # the default
    assert len(spread_choices(scattered, 9, 1)) == 1
    # one sample nearest every corner is named once
    assert corner_starts(np.array([[0.5, 0.5], [0.5, 0.5]])).tolist() == [0]


def test_a_start_outside_the_targets_is_refused():
    with pytest.raises(ValueError, match="start"):
        spread_indices(GRID, 3, start=-1)
    with pytest.raises(ValueError, match="start"):
        spread_indices(GRID, 3, start=16)
