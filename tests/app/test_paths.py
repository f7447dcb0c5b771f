"""The data folder: .../eyetracker, not .../eyetracker/eyetracker (Qt's organization and
application both), and an earlier doubled folder is still used so that no data goes missing."""

from __future__ import annotations

import sys

import pytest

from eyetracker.app.paths import default_data_dir

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="XDG_DATA_HOME is where Linux keeps app data"
)


def test_the_data_folder_is_not_doubled(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_data_dir() == tmp_path / "eyetracker"


def test_a_doubled_folder_from_earlier_versions_is_still_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    earlier = tmp_path / "eyetracker" / "eyetracker"
    (earlier / "profiles").mkdir(parents=True)
    assert default_data_dir() == earlier


def test_the_demo_tour_keeps_its_settings_and_data_out_of_the_users(tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings

    from eyetracker.app.paths import data_dir
    from eyetracker.app.settings import AppSettings
    from tests.app import demo_tour

    monkeypatch.delenv("EYETRACKER_DATA_DIR")
    demo_tour.use_own_folders(tmp_path / "tour")
    settings = AppSettings.load()
    settings.user = "demo"
    settings.save()
    QSettings("eyetracker", "eyetracker").sync()
    assert list((tmp_path / "tour" / "settings").rglob("*.ini")), "settings went elsewhere"
    assert data_dir() == tmp_path / "tour" / "data"
