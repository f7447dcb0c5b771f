"""Fixtures: real inputs for the frame sources, written under each test's tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.capture.toy_source import toy_registered  # noqa: F401  (a fixture)
from tests.helpers.capture_inputs import write_video


@pytest.fixture
def video_file(tmp_path: Path) -> Path:
    return write_video(tmp_path / "clip.avi")
