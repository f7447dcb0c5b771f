"""Gaze sinks: a new stream kind plugs in through the registry; every sink has one protocol."""

from __future__ import annotations

import pytest

from eyetracker.cli import build_parser
from eyetracker.core.types import GazePoint, GazeSample
from eyetracker.outputs.recorder import GazeRecorder
from eyetracker.outputs.streams import (
    GazeStreams,
    StreamError,
    StreamSettings,
    base,
    parse_stream_kinds,
    register_stream,
    stream_kinds,
)
from eyetracker.runtime.replay import GazeCsvFile


class ListStream:
    """A toy stream: keeps what it is given."""

    def __init__(self, settings: StreamSettings) -> None:
        self.settings = settings
        self.samples: list[GazeSample] = []
        self.running = False

    @classmethod
    def from_settings(cls, settings: StreamSettings) -> ListStream:
        return cls(settings)

    def start(self) -> None:
        self.running = True

    def publish(self, sample: GazeSample) -> None:
        if self.running:
            self.samples.append(sample)

    def stop(self) -> None:
        self.running = False

    def describe(self) -> str:
        return f"list: {len(self.samples)} samples"


@pytest.fixture
def toy_stream(monkeypatch) -> str:
    stream_kinds()  # the package's own kinds register into the registry kept below
    monkeypatch.setattr(base, "_STREAMS", dict(base._STREAMS))
    register_stream("list")(ListStream)
    return "list"


def sample(index: int) -> GazeSample:
    return GazeSample(GazePoint(0.5, 0.5), GazePoint(0.5, 0.5), True, index / 30, index / 30, index)


def test_a_toy_stream_plugs_in_through_the_registry(toy_stream, capsys):
    assert parse_stream_kinds("websocket,list") == ["websocket", "list"]
    streams = GazeStreams(["list"], fps=60.0)
    with streams:
        streams.publish(sample(0))
        streams.publish(sample(1))
    toy = streams.get("list")
    assert [s.frame_index for s in toy.samples] == [0, 1] and not toy.running
    assert toy.settings.fps == 60.0 and streams.describe() == ["list: 2 samples"]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["stream", "--help"])
    assert "list" in capsys.readouterr().out.replace("\n", " ")


def test_unknown_kinds_name_the_registered_ones():
    with pytest.raises(StreamError, match=r"Unknown stream 'osc'; choose .*websocket"):
        parse_stream_kinds("osc")


def test_the_recorder_and_the_replay_csv_are_sinks_as_the_streams_are(tmp_path):
    for sink in (GazeRecorder(tmp_path / "rec"), GazeCsvFile(tmp_path / "gaze.csv")):
        sink.start()
        sink.publish(sample(0))
        sink.publish(sample(1))
        sink.stop()
        sink.stop()  # idempotent
        assert "2 " in sink.describe()
    replayed = (tmp_path / "gaze.csv").read_text().splitlines()
    recorded = (tmp_path / "rec" / "gaze.csv").read_text().splitlines()
    assert len(replayed) == len(recorded) == 3 and replayed[0] == recorded[0]  # one header
