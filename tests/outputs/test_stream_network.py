"""Gaze stays on this computer: no stream listens on an address another computer can reach.

The sockets are the kernel's own list (/proc/net/tcp, tcp6, udp, udp6) of the sockets this
process opened during the test, so a stream that bound 0.0.0.0 or :: cannot hide.
"""

from __future__ import annotations

import ipaddress
import os
import sys
import uuid
from pathlib import Path

import pytest

from eyetracker.core.types import GazePoint, GazeSample
from eyetracker.outputs.streams import GazeStreams, StreamError
from eyetracker.outputs.streams.lsl import NETWORK_REFUSAL

pytestmark = pytest.mark.skipif(
    not Path("/proc/net/tcp").exists(), reason="reads the kernel's socket tables in /proc"
)
LISTEN = "0A"  # TCP state in /proc/net/tcp; every bound UDP socket receives, so all count


def socket_inodes() -> set[str]:
    """The inodes of this process's open sockets."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _address(hex_address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    # /proc prints each 32-bit word of the address in the machine's byte order.
    raw = bytes.fromhex(hex_address)
    if sys.byteorder == "little":
        raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return ipaddress.ip_address(raw)


def receiving_sockets(inodes: set[str]) -> list[tuple[str, str, int]]:
    """(protocol, local address, port) of the listening TCP and bound UDP sockets in `inodes`."""
    found = []
    for protocol in ("tcp", "tcp6", "udp", "udp6"):
        table = Path("/proc/net") / protocol
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if inode not in inodes or (protocol.startswith("tcp") and state != LISTEN):
                continue
            address, port = local.rsplit(":", 1)
            found.append((protocol, str(_address(address)), int(port, 16)))
    return found


def reachable_from_the_network(sockets: list[tuple[str, str, int]]) -> list:
    return [s for s in sockets if not ipaddress.ip_address(s[1]).is_loopback]


def sample() -> GazeSample:
    point = GazePoint(0.5, 0.5)
    return GazeSample(
        point=point,
        raw_point=point,
        valid=True,
        capture_time=1.0,
        output_time=1.01,
        frame_index=0,
    )


@pytest.fixture
def lsl_on_this_machine(tmp_path, monkeypatch):
    """LSL's most private configuration: discovery on this machine only, no IPv6."""
    pytest.importorskip("pylsl")
    config = tmp_path / "lsl_api.cfg"
    config.write_text(
        "[ports]\nIPv6 = disable\n"
        "[multicast]\nResolveScope = machine\nListenAddress = 127.0.0.1\n"
        f"[lab]\nKnownPeers = {{127.0.0.1}}\nSessionID = eyetracker-test-{uuid.uuid4().hex}\n"
        "[log]\nlevel = -2\n"
    )
    monkeypatch.setenv("LSLAPICFG", str(config))


@pytest.mark.parametrize("kinds", [["websocket"], ["lsl"], ["websocket", "lsl"]])
def test_no_stream_listens_where_another_computer_can_connect(kinds):
    before = socket_inodes()
    try:
        streams = GazeStreams(kinds, port=0)
    except StreamError as error:
        assert "lsl" in kinds and str(error) == NETWORK_REFUSAL
        assert receiving_sockets(socket_inodes() - before) == []
        return
    with streams:
        streams.publish(sample())
        opened = receiving_sockets(socket_inodes() - before)
    assert opened, "the test must see the stream's own socket"
    assert reachable_from_the_network(opened) == []


def test_lsl_with_allow_network_is_open_to_the_network_as_documented(lsl_on_this_machine):
    """Why LSL needs --allow-network: even liblsl's most private configuration listens on
    every interface, so no setting of ours can keep it on loopback."""
    before = socket_inodes()
    streams = GazeStreams(["lsl"], lsl_name=f"network-{uuid.uuid4().hex[:8]}", allow_network=True)
    try:
        streams.start()
    except StreamError as error:
        pytest.skip(f"liblsl cannot start here: {error}")
    try:
        opened = receiving_sockets(socket_inodes() - before)
        assert "open to the network" in streams.describe()[0]
    finally:
        streams.stop()
    assert reachable_from_the_network(opened), opened
