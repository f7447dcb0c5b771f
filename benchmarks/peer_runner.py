"""Runs the peers for the real-world benchmark: benchmarks/peers.py inside the peers' venv.

The sittings go over as a file, so the peers score exactly the rows this side plans
(protocols.build_plan); their predictions come back as peers.py's JSON. Everything derived
from the frames (features, predictions) stays in the cache folder, outside the repository.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The peers' face model: a file of the shared assets, nothing downloaded at run time.
DEFAULT_FACE_MODEL = HERE.parents[1] / "shared" / "assets" / "face_landmarker.task"
PEER_TRACKERS = ("EyeTrax ridge", "EyeTrax elastic net", "GazeFollower ridge", "GazeFollower SVR")


def run_peers(
    venv: Path, sittings: list[dict], k: int, draws: int, face_model: Path, cache: Path
) -> dict:
    """peers.py's result for `sittings` ("rows": each peer mode's predictions), with the
    seconds it took."""
    cache.mkdir(parents=True, exist_ok=True)
    sittings_file = cache / "sittings.json"
    sittings_file.write_text(json.dumps(sittings), encoding="utf-8")
    out = cache / "peers.json"
    command = [
        str(venv / "bin" / "python"),
        str(HERE / "peers.py"),
        "--sittings",
        str(sittings_file),
        "--k",
        str(k),
        "--draws",
        str(draws),
        "--out",
        str(out),
        "--csv",
        str(cache / "peers.csv"),
        "--face-model",
        str(face_model),
        "--cache-dir",
        str(cache / "features"),
        str(cache),  # DATA is unused with --sittings
    ]
    env = {
        **os.environ,
        "PYTHONWARNINGS": "ignore",
        "GLOG_minloglevel": "2",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    env.pop("PYTHONPATH", None)
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env)
    result = json.loads(out.read_text(encoding="utf-8"))
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result
