from __future__ import annotations

import pytest

from tests.helpers.datasets import write_toy_dataset


@pytest.fixture
def toy_dataset(tmp_path):
    return write_toy_dataset(tmp_path / "data")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
