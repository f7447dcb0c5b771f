"""Live tracking from the command line: `eyetracker stream` and `replay --stream`."""

from __future__ import annotations

import pytest

from eyetracker.capture.spec import SourceSpecError
from eyetracker.cli import main
from eyetracker.runtime.live import open_live_source
from tests.helpers.models import save_tiny_model


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return save_tiny_model(tmp_path_factory.mktemp("model") / "square.pt")


def cli(*args):
    return main([*map(str, args), "--backend", "torch", "--device", "cpu"])


def test_live_sources_are_webcams_or_the_synthetic_camera():
    assert open_live_source("synthetic:reading", seconds=1).script_name == "reading"
    assert open_live_source("webcam:2").device == 2
    with pytest.raises(SourceSpecError, match="Unknown source 'clip.mp4'; give one of webcam"):
        open_live_source("clip.mp4")


def test_stream_command_streams_until_the_source_ends(model, capsys):
    args = ("--source", "synthetic:fixations", "--seconds", "0.5", "--model", model)
    kinds = ("--stream", "websocket,lsl", "--stream-port", "0")
    assert cli("stream", *args, *kinds, "--allow-network") == 0
    out = capsys.readouterr().out
    assert "streaming WebSocket: ws://127.0.0.1:" in out
    assert 'streaming LSL: stream "eyetracker" of type "Gaze", 5 channels at 30 Hz' in out
    assert "open to the network" in out and "streamed " in out


def test_lsl_streams_only_with_allow_network(model, capsys):
    args = ("--source", "synthetic:fixations", "--seconds", "0.5", "--model", model)
    assert cli("stream", *args, "--stream", "websocket,lsl", "--stream-port", "0") == 2
    captured = capsys.readouterr()
    assert "add --allow-network" in captured.err and "Traceback" not in captured.err
    assert "streaming" not in captured.out


def test_stream_command_refuses_other_hosts(model, capsys):
    args = ("--source", "synthetic:fixations", "--seconds", "0.5", "--model", model)
    assert cli("stream", *args, "--stream-host", "0.0.0.0") == 2
    assert "listens on this computer only" in capsys.readouterr().err


def test_replay_can_stream_while_it_writes(model, tmp_path, capsys):
    out = tmp_path / "gaze.csv"
    args = ("synthetic:fixations", "--seconds", "0.3", "--model", model, "--out", out)
    assert cli("replay", *args, "--stream", "websocket", "--stream-port", "0") == 0
    captured = capsys.readouterr()
    assert "streaming WebSocket" in captured.err and "wrote " in captured.out


def test_a_teed_source_says_what_the_source_it_wraps_says():
    from eyetracker.capture.base import FrameSource
    from eyetracker.capture.resilient import ReconnectingSource
    from eyetracker.runtime.live import TeeSource

    class Still(FrameSource):
        name = "a still camera"
        continuous = False

        def open(self) -> None:
            pass

        def read(self):
            raise AssertionError("not read here")

        def close(self) -> None:
            pass

    reconnecting = ReconnectingSource(Still, sleep=lambda s: None)
    reconnecting.open()
    teed = TeeSource(reconnecting, on_frame=lambda frame: None)
    assert teed.reopens and teed.continuous == reconnecting.continuous
    assert not TeeSource(Still(), on_frame=print).continuous
    reconnecting.close()
    assert not teed.reopens
