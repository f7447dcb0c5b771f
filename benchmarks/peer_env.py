"""The peers' own venv for the real-world benchmark: EyeTrax and GazeFollower, pinned whole.

The peers are never a project dependency: they live in a venv of their own, outside the
repository, by default under the user's cache folder (<cache>/eyetracker/peer-venv, <cache>
being $XDG_CACHE_HOME or ~/.cache). benchmarks/peer_runner.py runs benchmarks/peers.py in it.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_VENV = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "eyetracker" / "peer-venv"
)
LOG = logging.getLogger("real_world")

# The peers' venv, pinned whole. Neither peer needs torch; mediapipe wants numpy < 2.
PEER_PINS = [
    "eyetrax==0.4.0",
    "gazefollower==1.1.0",
    "mediapipe==1.2.3",
    "mnn==3.6.1",
    "numpy==1.26.4",
    "opencv-python==4.11.0.86",
    "opencv-contrib-python==4.11.0.86",
    "scikit-learn==1.9.1",
    "scipy==1.17.1",
    "joblib==1.6.0",
    "threadpoolctl==3.8.0",
    "absl-py==2.5.1",
    "flatbuffers==25.12.19",
    "sounddevice==0.5.6",
    "cffi==2.1.1",
    "pycparser==3.12",
    "matplotlib==3.11.2",
    "contourpy==1.3.3",
    "cycler==0.12.1",
    "fonttools==4.68.0",
    "kiwisolver==1.5.1",
    "pillow==13.0.0",
    "pyparsing==3.3.3",
    "packaging==26.4",
    "python-dateutil==4.0.0",
    "pandas==3.0.6",
    "tzdata==2026.6",
    "narwhals==2.29.0",
    "pygame==2.6.1",
    "screeninfo==0.8.1",
    "pyvirtualcam==0.15.0",
    "cloudpickle==3.1.3",
    "certifi==2026.10.19.post1",
]
# Written into the venv once the pins are installed: a venv with other pins is built again.
PINS_MARKER = "eyetracker-peer-pins.txt"


def peers_ready(venv: Path) -> bool:
    """Whether `venv` has a python and exactly PEER_PINS installed."""
    marker = venv / PINS_MARKER
    return (
        (venv / "bin" / "python").is_file()
        and marker.is_file()
        and marker.read_text().split() == PEER_PINS
    )


def setup_peers(venv: Path) -> None:
    """Create the peers' venv at `venv` (outside the repository) with the pinned packages."""
    if REPO in venv.resolve().parents or venv.resolve() == REPO:
        raise SystemExit(f"the peers' venv must live outside the repository, not at {venv}")
    python = getattr(sys, "_base_executable", None) or sys.executable
    if not (venv / "bin" / "python").is_file():
        LOG.info(f"creating the peers' venv at {venv}")
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
    LOG.info(
        f"installing {len(PEER_PINS)} pinned packages into {venv} (a few minutes the first time)"
    )
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *PEER_PINS], check=True
    )
    (venv / PINS_MARKER).write_text("\n".join(PEER_PINS) + "\n")
