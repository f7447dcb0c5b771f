"""Every registered frame source keeps the same promises, each tested on a real input."""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from pathlib import Path

import numpy as np
import pytest

from eyetracker.capture.base import (
    EndOfStream,
    FrameSource,
    SourceError,
    available_sources,
    create_source,
)
from eyetracker.capture.resilient import ReconnectingSource
from eyetracker.capture.spec import parse_source_spec
from eyetracker.capture.webcam import list_cameras
from tests.capture.toy_source import TOY_FRAMES
from tests.helpers.capture_inputs import FOLDER_IMAGES, VIDEO_FRAMES, write_folder, write_video

Builder = Callable[[Path], FrameSource]


def _webcam(tmp_path: Path) -> FrameSource:
    if not list_cameras():
        pytest.skip("no camera is connected to this machine")
    return create_source("webcam")


def _synthetic(tmp_path: Path) -> FrameSource:
    if "synthetic" not in available_sources():
        pytest.skip("the synthetic source is not registered yet")
    return create_source("synthetic", realtime=False, duration=1.0)


def _reconnecting_video(tmp_path: Path) -> FrameSource:
    path = write_video(tmp_path / "clip.avi")
    return ReconnectingSource(lambda: create_source("video", path=path))


# kind -> (builder, number of frames a finite input holds; None: finite, length unknown;
# "endless": never ends on its own).
BUILDERS: dict[str, tuple[Builder, int | str | None]] = {
    "webcam": (_webcam, "endless"),
    "video": (lambda tmp: create_source("video", path=write_video(tmp / "clip.avi")), VIDEO_FRAMES),
    "folder": (lambda tmp: create_source("folder", path=write_folder(tmp / "img")), FOLDER_IMAGES),
    "synthetic": (_synthetic, None),
    "reconnecting(video)": (_reconnecting_video, VIDEO_FRAMES),
    # A source plugged in from outside the package (tests/capture/toy_source.py), by spec.
    "toy": (lambda tmp: parse_source_spec(f"toy:{TOY_FRAMES}").create(), TOY_FRAMES),
}
KINDS = sorted(set(available_sources()) | set(BUILDERS))
MAX_FRAMES = 2000  # a finite source that has not ended by now never will


def test_every_registered_source_has_a_contract_fixture():
    assert set(available_sources()) <= set(BUILDERS)


@pytest.fixture(params=KINDS)
def case(request, tmp_path, toy_registered) -> tuple[FrameSource, int | str | None]:
    builder, length = BUILDERS[request.param]
    return builder(tmp_path), length


def _check_frames(frames, source: FrameSource) -> None:
    assert frames, "the source gave no frames"
    for frame in frames:
        assert isinstance(frame.image, np.ndarray)
        assert frame.image.dtype == np.uint8
        assert frame.image.ndim == 3 and frame.image.shape[2] == 3
        assert isinstance(frame.meta, dict)
    if source.resolution is not None:
        height, width = frames[-1].image.shape[:2]
        assert source.resolution == (width, height)
    assert [f.index for f in frames] == list(range(frames[0].index, frames[0].index + len(frames)))
    # Non-decreasing, not strictly: Windows' monotonic clock ticks every ~15 ms.
    times = [f.timestamp for f in frames]
    assert times == sorted(times)


def test_frames_have_the_promised_shape_order_and_timing(case):
    source, _ = case
    with source as opened:
        assert opened is source
        frames = list(islice(source, 5))
        assert source.fps is None or source.fps > 0
    _check_frames(frames, source)
    assert frames[0].index == 0


def test_finite_sources_end_with_end_of_stream_and_stay_ended(case):
    source, length = case
    if length == "endless":
        pytest.skip("this source never ends on its own")
    with source:
        frames = list(islice(source, MAX_FRAMES))
        assert len(frames) < MAX_FRAMES, "the source never ended"
        if isinstance(length, int):
            assert len(frames) == length
        _check_frames(frames, source)
        with pytest.raises(EndOfStream):
            source.read()
        with pytest.raises(EndOfStream):
            source.read()


def test_close_is_idempotent_and_reading_a_closed_source_is_a_clear_error(case):
    source, _ = case
    source.close()  # before open: harmless
    with pytest.raises(SourceError):
        source.read()
    source.open()
    source.open()  # twice: harmless
    source.read()
    source.close()
    source.close()
    with pytest.raises(SourceError) as error:
        source.read()
    assert str(error.value).endswith(".")


def test_a_closed_source_can_be_opened_again(case):
    source, _ = case
    with source:
        source.read()
    with source:
        frame = source.read()
    assert frame.image.dtype == np.uint8
