"""The video-file source on a tiny MJPG .avi the test writes itself."""

from __future__ import annotations

import time

import pytest

from eyetracker.capture.base import EndOfStream, SourceOpenError
from eyetracker.capture.video import VideoFileSource
from tests.helpers.capture_inputs import VIDEO_FPS, VIDEO_FRAMES, VIDEO_SIZE, write_video


def test_a_missing_file_is_named_in_one_sentence(tmp_path):
    missing = tmp_path / "nope.mp4"
    with pytest.raises(SourceOpenError) as error:
        VideoFileSource(missing).open()
    assert str(error.value) == f"The video file {missing} does not exist."


def test_a_folder_is_not_a_video(tmp_path):
    with pytest.raises(SourceOpenError, match="is a folder"):
        VideoFileSource(tmp_path).open()


@pytest.mark.parametrize("content", [b"", b"this is not a video at all" * 100])
def test_an_unreadable_file_is_a_clear_error(tmp_path, capfd, content):
    path = tmp_path / "broken.avi"
    path.write_bytes(content)
    with pytest.raises(SourceOpenError, match="Could not read .* as a video"):
        VideoFileSource(path).open()
    assert capfd.readouterr().err == ""


def test_fps_resolution_and_video_time_come_from_the_file(video_file):
    with VideoFileSource(video_file) as source:
        assert source.fps == pytest.approx(VIDEO_FPS)
        assert source.resolution == VIDEO_SIZE
        frames = list(source)
    assert len(frames) == VIDEO_FRAMES
    times = [frame.meta["video_time"] for frame in frames]
    assert times == pytest.approx([i / VIDEO_FPS for i in range(VIDEO_FRAMES)])
    # The frames come in file order: each is brighter than the one before.
    brightness = [float(frame.image[:, -8:].mean()) for frame in frames]
    assert brightness == sorted(brightness)


def test_end_of_stream_says_how_many_frames_there_were(video_file):
    with VideoFileSource(video_file) as source:
        for _ in range(VIDEO_FRAMES):
            source.read()
        with pytest.raises(EndOfStream, match=f"ended after {VIDEO_FRAMES} frames"):
            source.read()


def test_loop_starts_over_and_keeps_counting(video_file):
    with VideoFileSource(video_file, loop=True) as source:
        frames = [source.read() for _ in range(2 * VIDEO_FRAMES + 1)]
    assert [f.index for f in frames] == list(range(2 * VIDEO_FRAMES + 1))
    times = [f.meta["video_time"] for f in frames]
    assert times[VIDEO_FRAMES] == pytest.approx(0.0)
    assert times[VIDEO_FRAMES + 1] == pytest.approx(times[1])


def test_realtime_paces_frames_at_the_files_rate(tmp_path):
    path = write_video(tmp_path / "fast.avi", frames=5, fps=50.0)
    with VideoFileSource(path, realtime=True) as source:
        frames = list(source)
    span = frames[-1].timestamp - frames[0].timestamp
    assert span >= 4 / 50.0 - 0.005


def test_reopening_starts_from_the_beginning(video_file):
    source = VideoFileSource(video_file)
    with source:
        source.read()
        source.read()
    with source:
        first = source.read()
    assert first.index == 0 and first.meta["video_time"] == 0.0


def test_read_is_timestamped_at_read_time(video_file):
    with VideoFileSource(video_file) as source:
        before = time.monotonic()
        frame = source.read()
        after = time.monotonic()
    assert before <= frame.timestamp <= after
