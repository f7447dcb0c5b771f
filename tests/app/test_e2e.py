"""End to end: the real app under Xvfb tracks the synthetic camera and saves screenshots."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.helpers.app_window import distinct_colours

pytestmark = pytest.mark.e2e


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_app_tracks_under_xvfb_and_saves_screenshots(tmp_path, model_file):
    shots = tmp_path / "shots"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}  # not offscreen
    env.update(EYETRACKER_DATA_DIR=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    command = [
        "xvfb-run", "-a", "-s", "-screen 0 1600x900x24",
        sys.executable, "-m", "eyetracker", "app",
        "--camera", "synthetic", "--model", str(model_file), "--backend", "torch", "--device", "cpu",
        "--overlay", "--auto-track", "--quit-after", "5", "--screenshots", str(shots),
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    samples = [line for line in done.stdout.splitlines() if line.startswith("gaze samples:")]
    assert samples and int(samples[0].split(":")[1]) > 0, done.stdout
    for name in ("main-window.png", "overlay.png"):
        path = shots / name
        assert path.is_file(), f"{name} was not saved: {done.stdout}{done.stderr[-1000:]}"
        assert distinct_colours(path) > 50, f"{name} looks blank"
