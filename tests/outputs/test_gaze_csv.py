"""The gaze CSV: one schema written for every GazeSample, read back into arrays."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eyetracker.core.types import GazePoint, GazeSample
from eyetracker.outputs.gaze_csv import COLUMNS, GazeCsvError, GazeCsvWriter, read_gaze_csv
from tests.helpers.gaze_samples import SAMPLES, assert_rows_match


def write(path, samples, start=0.0, video_frames=None):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = GazeCsvWriter(file, start)
        for i, sample in enumerate(samples):
            writer.write(sample, None if video_frames is None else video_frames[i])
    return path


def test_samples_round_trip_with_invalid_ones_and_empty_points(tmp_path):
    path = write(tmp_path / "gaze.csv", SAMPLES, start=9.5, video_frames=[0, None, 2, 3])
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)
    table = read_gaze_csv(path)
    assert_rows_match(table, SAMPLES, start=9.5)
    assert table.video_frame.tolist() == [0, -1, 2, 3]
    assert table.frame.dtype == np.int64 and table.valid.dtype == bool


def test_a_file_with_only_a_header_gives_empty_arrays(tmp_path):
    table = read_gaze_csv(write(tmp_path / "gaze.csv", []))
    assert len(table) == 0 and table.x.shape == (0,) and table.valid.dtype == bool


def test_missing_optional_columns_read_as_unknown_and_extra_ones_are_ignored(tmp_path):
    # The columns of a replay CSV written by earlier versions, plus one of another program's.
    path = tmp_path / "old.csv"
    path.write_text(
        "frame,capture_time,output_time,x,y,valid,reason,note\n"
        "3,1.5,1.52,0.1,0.2,1,,hello\n"
        "4,1.6,1.62,,,0,no face,\n",
        encoding="utf-8",
    )
    table = read_gaze_csv(path)
    assert table.frame.tolist() == [3, 4] and table.reason.tolist() == ["", "no face"]
    assert table.x[0] == pytest.approx(0.1) and math.isnan(table.x[1])
    assert np.isnan(table.time).all() and np.isnan(table.true_x).all()
    assert table.video_frame.tolist() == [-1, -1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\n1,2\n", "is not a gaze CSV: it has no column frame, x, y, valid"),
        ("frame,x,y,valid\n1,0.5,0.5,yes\n", "row 1: valid is 'yes', not 0 or 1"),
        ("frame,x,y,valid\n1,0.5,0.5,1\n2,left,0.5,1\n", "row 2: x is 'left', not a number"),
        ("frame,x,y,valid\n1.5,0.5,0.5,1\n", "row 1: frame is '1.5', not a frame index"),
    ],
)
def test_a_file_that_is_not_a_gaze_csv_is_one_sentence(tmp_path, text, message):
    path = tmp_path / "gaze.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GazeCsvError, match=message):
        read_gaze_csv(path)


def test_a_missing_file_is_one_sentence(tmp_path):
    with pytest.raises(GazeCsvError, match="does not exist"):
        read_gaze_csv(tmp_path / "nowhere.csv")


def test_a_last_row_cut_at_any_point_is_left_out_and_reported(tmp_path):
    # The last sample's reason needs quoting and holds a line end, so some cuts fall inside a
    # quoted cell after a line end; others leave a number shorter ("0.512" as "0.5").
    samples = [*SAMPLES, GazeSample(GazePoint(0.512, 0.25), None, True, 10.2, 10.21, 11)]
    samples[-2] = GazeSample(None, None, False, 10.1, 10.11, 10, reason='dark,\n"really"')
    data = write(tmp_path / "whole.csv", samples).read_bytes()
    row_starts = [len(write(tmp_path / "part.csv", samples[:n]).read_bytes()) for n in (3, 4)]
    cut_path = tmp_path / "cut.csv"
    for cut in range(row_starts[0], len(data)):  # within the last two rows
        cut_path.write_bytes(data[:cut])
        table = read_gaze_csv(cut_path)
        kept = 4 if cut >= row_starts[1] else 3
        if cut in row_starts:
            assert table.damaged_tail == ""  # ends with a whole row
        else:
            assert f"row {kept + 1} was cut short" in table.damaged_tail, cut
            assert f"the {kept} rows before it are read." in table.damaged_tail
        assert_rows_match(table, samples[:kept], start=0.0)


def test_a_damaged_row_before_the_last_is_refused(tmp_path):
    lines = write(tmp_path / "gaze.csv", SAMPLES).read_text(encoding="utf-8").splitlines(True)
    lines[2] = lines[2].split(",", 3)[0] + "\r\n"  # row 2 has lost its fields
    (tmp_path / "gaze.csv").write_text("".join(lines), encoding="utf-8", newline="")
    with pytest.raises(GazeCsvError, match=f"row 2: 1 fields, not the header's {len(COLUMNS)}"):
        read_gaze_csv(tmp_path / "gaze.csv")
