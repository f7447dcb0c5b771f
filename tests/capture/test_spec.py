"""One source specification for every caller: kind[:option], or a bare path or camera index."""

from __future__ import annotations

import pytest

from eyetracker.capture.spec import SourceSpec, SourceSpecError, parse_source_spec
from tests.capture.toy_source import CountingSource
from tests.helpers.capture_inputs import write_folder


def test_a_toy_source_plugs_in_through_the_registry_and_opens_by_spec(toy_registered):
    assert parse_source_spec("toy:5") == SourceSpec("toy", {"frames": "5"})
    with parse_source_spec("toy:2").create() as source:
        assert isinstance(source, CountingSource)
        assert [frame.index for frame in source] == [0, 1]
    assert parse_source_spec("toy").create(toy={"size": 4}).resolution == (4, 4)


def test_kinds_options_and_bare_specs(video_file, tmp_path):
    assert parse_source_spec("webcam") == SourceSpec("webcam")
    assert parse_source_spec("webcam:2") == SourceSpec("webcam", {"device": "2"})
    assert parse_source_spec("1") == SourceSpec("webcam", {"device": "1"})
    assert parse_source_spec("synthetic:reading") == SourceSpec("synthetic", {"script": "reading"})
    assert parse_source_spec("synthetic:") == SourceSpec("synthetic")
    assert parse_source_spec(f"video:{video_file}") == SourceSpec(
        "video", {"path": str(video_file)}
    )
    assert parse_source_spec(str(video_file)) == SourceSpec("video", {"path": str(video_file)})
    folder = write_folder(tmp_path / "img")
    assert parse_source_spec(str(folder)) == SourceSpec("folder", {"path": str(folder)})
    assert parse_source_spec(f"folder:{folder}").create().name == "Folder img"


def test_only_the_callers_kinds_are_accepted_each_refusal_in_one_sentence(video_file):
    live = ("webcam", "synthetic")
    with pytest.raises(
        SourceSpecError,
        match=r"^Unknown source 'clip.mp4'; give one of synthetic:<script>, webcam:<device>\.$",
    ):
        parse_source_spec("clip.mp4", live)
    with pytest.raises(SourceSpecError, match="Unknown source 'video:"):
        parse_source_spec(f"video:{video_file}", live)
    replay = ("video", "folder", "synthetic")
    with pytest.raises(SourceSpecError, match=r"^Unknown source kind 'osc'; give .*\.$"):
        parse_source_spec("osc:1", replay)
    with pytest.raises(SourceSpecError, match=r"^missing.mp4 does not exist; give .*\.$"):
        parse_source_spec("missing.mp4", replay)
    # A one-letter "kind" is a Windows drive: a missing file, not an unknown kind.
    with pytest.raises(SourceSpecError, match="does not exist"):
        parse_source_spec("C:\\clips\\a.mp4", replay)
    with pytest.raises(SourceSpecError, match="does not exist"):
        parse_source_spec("0", replay)  # a camera index means nothing to replay
