"""benchmarks/peers.py, the parts that need no peer venv: how a sitting's frames are seen
(streams or stills) and that each landmark mode has its own cached features."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import peers  # noqa: E402


def _sitting(folder: Path, times: list[float] | None) -> dict:
    samples = [(f"{i:04d}.jpg", 0.5, 0.5) for i in range(5)]
    sitting = {"person": "p1", "measurement": "m1", "folder": str(folder), "samples": samples}
    return sitting if times is None else {**sitting, "times": times}


def test_a_stream_is_cut_where_frames_lie_far_apart_and_stills_stand_alone(tmp_path):
    sitting = _sitting(tmp_path, [0.0, 0.1, 0.2, 1.2, 1.3])
    assert peers.sitting_streams(sitting, "stream") == [[0, 1, 2], [3, 4]]
    assert peers.sitting_streams(sitting, "still") == [[0], [1], [2], [3], [4]]
    # without capture times the samples are a second apart: no stream
    assert peers.sitting_streams(_sitting(tmp_path, None), "stream") == [[i] for i in range(5)]


def test_each_landmark_mode_is_cached_apart(tmp_path):
    (tmp_path / "measurement.json").write_text("{}")
    face_model = tmp_path / "face_landmarker.task"
    face_model.write_bytes(b"model")
    sitting = _sitting(tmp_path, [0.0, 0.1, 0.2, 0.3, 0.4])
    still = peers._cache_file(tmp_path, "eyetrax", sitting, face_model, "still")
    stream = peers._cache_file(tmp_path, "eyetrax", sitting, face_model, "stream")
    assert still != stream
    # streams cut elsewhere are other features
    cut = {**sitting, "times": [0.0, 0.1, 0.2, 1.3, 1.4]}
    assert peers._cache_file(tmp_path, "eyetrax", cut, face_model, "stream") != stream
    assert peers._cache_file(tmp_path, "eyetrax", cut, face_model, "still") == still
