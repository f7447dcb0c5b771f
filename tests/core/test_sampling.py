from __future__ import annotations

import numpy as np

from eyetracker.core.sampling import spread_indices


def test_a_grid_captured_row_by_row_calibrates_on_its_corners_first():
    steps = np.linspace(0.1, 0.9, 4)
    targets = np.array([(x, y) for y in steps for x in steps])  # reading order
    chosen = spread_indices(targets, 4)
    assert set(chosen.tolist()) == {0, 3, 12, 15}
    nine = spread_indices(targets, 9)
    assert len(set(nine.tolist())) == 9 and {0, 3, 12, 15} <= set(nine.tolist())
    # not the first rows: the bottom row is represented
    assert any(targets[i, 1] > 0.8 for i in nine)
    np.testing.assert_array_equal(spread_indices(targets, 9), nine)  # deterministic
    assert len(spread_indices(targets, 40)) == 16
