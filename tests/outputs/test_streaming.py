"""Gaze streams with real clients: a websockets client and a pylsl inlet on this machine."""

from __future__ import annotations

import json
import math
import socket
import time
import uuid

import pytest

from eyetracker.core.types import GazePoint, GazeSample
from eyetracker.outputs.streams import GazeStreams, StreamError, parse_stream_kinds, sample_to_json
from eyetracker.outputs.streams.websocket import CLIENT_LIMIT, WebSocketStream


def sample(i: int, valid: bool = True) -> GazeSample:
    point = GazePoint(i / 100, 0.25) if valid else None
    return GazeSample(
        point=point,
        raw_point=point,
        valid=valid,
        capture_time=100.0 + i / 30,
        output_time=100.0 + i / 30 + 0.012,
        frame_index=i,
        reason="" if valid else "no face",
        expected_error=7.5 if valid else None,
    )


def test_sample_json_has_the_documented_keys():
    data = sample_to_json(sample(5), wall_offset=1000.0)
    assert data == {
        "t": pytest.approx(1100.0 + 5 / 30),
        "x": 0.05,
        "y": 0.25,
        "valid": True,
        "expected_error": 7.5,
        "reason": "",
        "latency_ms": pytest.approx(12.0),
        "frame": 5,
    }
    invalid = sample_to_json(sample(6, valid=False), wall_offset=0.0)
    assert invalid["x"] is None and invalid["y"] is None and invalid["valid"] is False
    assert invalid["expected_error"] is None and invalid["reason"] == "no face"
    json.dumps(invalid, allow_nan=False)


def test_stream_kinds_are_parsed_and_checked():
    assert parse_stream_kinds("websocket, LSL,websocket") == ["websocket", "lsl"]
    assert parse_stream_kinds("") == []
    with pytest.raises(StreamError, match="Unknown stream 'osc'"):
        parse_stream_kinds("websocket,osc")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "example.org", "::"])
def test_a_host_that_is_not_loopback_is_refused(host):
    with pytest.raises(StreamError, match="this computer only"):
        GazeStreams(["websocket"], host=host)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_hosts_are_accepted(host):
    assert WebSocketStream(host, 0).host in ("127.0.0.1", "::1")


def test_a_websocket_client_receives_published_samples_as_json():
    from websockets.sync.client import connect

    with GazeStreams(["websocket"], port=0) as streams:
        server = streams.get("websocket")
        assert server.url.startswith("ws://127.0.0.1:") and server.port > 0
        with connect(server.url) as client:
            # The server learns of the client a moment after the handshake: publish until
            # the first sample arrives, then the next ones in order.
            received = None
            for i in range(1000):
                streams.publish(sample(i))
                try:
                    received = json.loads(client.recv(timeout=0.05))
                    break
                except TimeoutError:
                    continue
            assert received is not None and received["valid"] is True
            first = received["frame"]
            for i in range(first + 1, first + 4):
                streams.publish(sample(i) if i % 2 else sample(i, valid=False))
            frames = [json.loads(client.recv(timeout=10)) for _ in range(3)]
            # Everything published after the first arrives, in order (earlier ones may too).
            tail = [m for m in frames if m["frame"] > first][-3:]
            assert [m["frame"] for m in tail] == list(range(first + 1, first + 4))
            assert all((m["x"] is None) == (not m["valid"]) for m in tail)
    assert server.clients == 0


def test_a_browser_origin_is_refused_unless_allowed():
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    with GazeStreams(["websocket"], port=0, origins=["http://localhost:3000"]) as streams:
        url = streams.get("websocket").url
        with pytest.raises(InvalidStatus):
            connect(url, origin="https://evil.example", open_timeout=10)
        with connect(url, origin="http://localhost:3000", open_timeout=10):
            pass


def test_a_taken_port_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(StreamError, match=f"Cannot listen on 127.0.0.1:{port}"):
            GazeStreams(["websocket"], port=port).start()


def test_publishing_never_grows_a_buffer_without_bound():
    stream = WebSocketStream("127.0.0.1", 0)
    stream.start()
    try:
        for i in range(10 * CLIENT_LIMIT):
            stream.publish(sample(i))
        assert len(stream._pending) <= 256  # no client: nothing else keeps samples
    finally:
        stream.stop()
    stream.stop()  # idempotent


@pytest.fixture
def lsl_config(tmp_path, monkeypatch):
    """Discovery restricted to this machine, in a session of its own. liblsl reads LSLAPICFG
    once per process: when another test used LSL first, the default configuration is in force,
    which finds outlets on this machine as well (the stream names are unique)."""
    pytest.importorskip("pylsl")
    config = tmp_path / "lsl_api.cfg"
    config.write_text(
        "[ports]\nIPv6 = disable\n"
        "[multicast]\nResolveScope = machine\n"
        f"[lab]\nKnownPeers = {{127.0.0.1}}\nSessionID = eyetracker-test-{uuid.uuid4().hex}\n"
        "[log]\nlevel = -2\n"
    )
    monkeypatch.setenv("LSLAPICFG", str(config))
    return config


def test_an_lsl_inlet_resolves_the_outlet_by_name_and_pulls_samples(lsl_config):
    import pylsl

    name = f"eyetracker-{uuid.uuid4().hex[:8]}"
    streams = GazeStreams(["lsl"], fps=30.0, lsl_name=name, allow_network=True)
    streams.start()
    try:
        found = pylsl.resolve_byprop("name", name, 1, 10.0)
        assert len(found) == 1
        info = found[0]
        assert (info.type(), info.channel_count(), info.nominal_srate()) == ("Gaze", 5, 30.0)
        inlet = pylsl.StreamInlet(found[0])
        try:
            inlet.open_stream(10.0)
            labels = []
            channel = inlet.info(10.0).desc().child("channels").child("channel")
            while not channel.empty():
                labels.append(channel.child_value("label"))
                channel = channel.next_sibling()
            assert labels == ["x", "y", "valid", "latency_ms", "expected_error"]
            streams.publish(sample(3))
            streams.publish(sample(4, valid=False))
            values, stamp = inlet.pull_sample(timeout=10.0)
            assert values[:3] == pytest.approx([0.03, 0.25, 1.0])
            assert values[3:] == pytest.approx([12.0, 7.5])
            # The capture time (time.monotonic) mapped onto LSL's clock by their offset.
            offset = pylsl.local_clock() - time.monotonic()
            assert stamp == pytest.approx(sample(3).capture_time + offset, abs=0.05)
            values, _ = inlet.pull_sample(timeout=10.0)
            assert math.isnan(values[0]) and values[2] == 0.0 and math.isnan(values[4])
        finally:
            inlet.close_stream()
            del inlet
    finally:
        streams.stop()
