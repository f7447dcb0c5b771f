"""Trashing a measurement moves it under DATASET/.trash, never outside the dataset."""

from __future__ import annotations

import pytest

from eyetracker.core.trash import TrashError, move_to_trash


def make(root, *parts):
    folder = root.joinpath(*parts)
    folder.mkdir(parents=True)
    (folder / "measurement.json").write_text("{}")
    return folder


def test_moves_keeps_the_relative_path_and_removes_an_emptied_person(tmp_path):
    folder = make(tmp_path, "p01", "m1")
    target = move_to_trash(tmp_path, folder)
    assert target == tmp_path / ".trash" / "p01" / "m1"
    assert (target / "measurement.json").is_file() and not (tmp_path / "p01").exists()


def test_same_name_twice_gets_a_suffix(tmp_path):
    first = move_to_trash(tmp_path, make(tmp_path, "p01", "m1"))
    second = move_to_trash(tmp_path, make(tmp_path, "p01", "m1"))
    assert first.name == "m1" and second.name == "m1-2"


@pytest.mark.parametrize("where", ["outside", "root", "trash"])
def test_refuses_what_is_not_a_measurement_of_this_dataset(tmp_path, where):
    dataset = tmp_path / "data"
    dataset.mkdir()
    folder = {
        "outside": make(tmp_path, "other", "m1"),
        "root": dataset,
        "trash": make(dataset, ".trash", "p01", "m1"),
    }[where]
    with pytest.raises(TrashError, match="nothing was moved"):
        move_to_trash(dataset, folder)
    assert folder.exists()
