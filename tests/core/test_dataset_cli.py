from __future__ import annotations

import json

from eyetracker.cli import main
from tests.helpers.measurement_manifests import write_measurement


def small_tree(root):
    write_measurement(root / "p01" / "m1", 3)
    write_measurement(root / "p01" / "m2", 2)
    data = write_measurement(root / "p02" / "m1", 4, person="p02")
    data["samples"][1]["x"] = 7
    (root / "p02" / "m1" / "measurement.json").write_text(json.dumps(data))
    (root / "p03" / "m1").mkdir(parents=True)
    (root / "p03" / "m1" / "measurement.json").write_text("{not json")


def test_info_prints_a_table_totals_and_problems(tmp_path, capsys):
    small_tree(tmp_path)
    assert main(["dataset", "info", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Dataset {tmp_path}: 2 people"
    assert out[1].split() == ["person", "measurements", "samples"]
    assert out[2].split() == ["p01", "2", "5"]
    assert out[3].split() == ["p02", "1", "3"]
    assert out[4].split() == ["total", "3", "8"]
    assert out[5] == "2 problems: 1 sample skipped, 1 measurement could not be read."
    assert "samples[1] x is 7, outside [0, 1]; skipped" in out[6]
    assert out[7].strip().startswith(str(tmp_path / "p03" / "m1" / "measurement.json"))
    assert len(out) == 8


def test_info_json(tmp_path, capsys):
    small_tree(tmp_path)
    assert main(["dataset", "info", str(tmp_path / "p01"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary == {
        "path": str(tmp_path / "p01"),
        "people": 1,
        "measurements": 2,
        "samples": 5,
        "skipped_samples": 0,
        "unreadable_measurements": 0,
        "per_person": {"p01": {"measurements": 2, "samples": 5}},
        "problems": [],
    }
    assert main(["dataset", "info", str(tmp_path), "--json", "--decode-images"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["samples"] == 8 and len(summary["problems"]) == 2
    assert all(isinstance(p, str) for p in summary["problems"])


def test_info_on_a_path_that_is_not_a_dataset(tmp_path, capsys):
    (tmp_path / "photos").mkdir()
    for path in (tmp_path / "missing", tmp_path / "photos"):
        assert main(["dataset", "info", str(path)]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        [line] = captured.err.splitlines()
        assert line.startswith("eyetracker: ") and str(path) in line and line.endswith(".")
