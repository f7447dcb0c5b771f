"""The Python example in docs/measurement-format.md writes a measurement our reader accepts."""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np

from eyetracker.core.dataset import load_dataset

DOC = Path(__file__).parents[2] / "docs" / "measurement-format.md"


def test_the_documented_writer_produces_a_valid_measurement(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    writer_code = next(block for block in blocks if "def write_measurement" in block)
    assert len(writer_code.strip().splitlines()) <= 16
    namespace: dict = {}
    exec(writer_code, namespace)
    jpeg = cv2.imencode(".jpg", np.zeros((24, 32, 3), np.uint8))[1].tobytes()
    frames = [(jpeg, 0.1, 0.9), (jpeg, 1.0, 0.0), (jpeg, 0.5, 0.5)]

    namespace["write_measurement"](tmp_path, "p01", "m1", frames)

    dataset = load_dataset(tmp_path)
    assert dataset.problems == []
    assert [(s.x, s.y) for s in dataset.measurements[0]] == [(x, y) for _, x, y in frames]
