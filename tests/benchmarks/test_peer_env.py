"""benchmarks/peer_env.py: the peers' venv counts as ready only with exactly its pins, and is
never built inside the repository."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import peer_env  # noqa: E402


def test_a_venv_is_ready_only_with_exactly_the_pins(tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python").write_text("")
    assert not peer_env.peers_ready(tmp_path)  # no marker: never installed
    marker = tmp_path / peer_env.PINS_MARKER
    marker.write_text("\n".join(peer_env.PEER_PINS[:-1]) + "\n")
    assert not peer_env.peers_ready(tmp_path)  # other pins: built again
    marker.write_text("\n".join(peer_env.PEER_PINS) + "\n")
    assert peer_env.peers_ready(tmp_path)


def test_the_venv_stays_outside_the_repository():
    assert peer_env.REPO not in peer_env.DEFAULT_VENV.resolve().parents
    with pytest.raises(SystemExit, match="outside the repository"):
        peer_env.setup_peers(peer_env.REPO / ".peer-venv")
