"""Several processes through torchrun (gloo on CPU), each rank drawing whole sittings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from eyetracker.model.checkpoint import load_checkpoint


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_torchrun_with_two_ranks_trains_one_model(toy_dataset, tmp_path):
    out = tmp_path / "ddp.pt"
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node=2",
        f"--master_port={free_port()}",
        "-m",
        "eyetracker",
        "train",
        str(toy_dataset),
        "--out",
        str(out),
        "--preprocessing",
        "square",
        "--size",
        "32",
        "32",
        "--epochs",
        "2",
        "--batch-size",
        "4",
        "--sampler",
        "measurement",
        "--workers",
        "1",
    ]
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("wrote ") == 1  # only rank 0 reports and saves
    loaded = load_checkpoint(out)
    assert loaded.info.metrics["epoch"] == 2
