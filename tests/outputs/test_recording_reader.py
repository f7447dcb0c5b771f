"""eyetracker.outputs.recording: reading a recording back, its picture, and `eyetracker view`."""

from __future__ import annotations

import math
import sys

import cv2
import numpy as np
import pytest

import eyetracker.outputs.recording
from eyetracker.cli import main
from tests.helpers.gaze_samples import fixation_samples, record


def test_read_gives_back_what_the_recorder_wrote(tmp_path):
    samples = fixation_samples()
    folder = record(tmp_path / "rec", samples, {"source": "synthetic"})
    recording = eyetracker.outputs.recording.read(folder)
    gaze = recording.gaze
    assert len(gaze) == len(samples) and recording.complete
    assert gaze.frame.tolist() == [s.frame_index for s in samples]
    assert gaze.valid.tolist() == [s.valid for s in samples]
    assert gaze.time == pytest.approx([s.capture_time - 100.0 for s in samples], abs=1e-6)
    assert np.isnan(gaze.x[16]) and gaze.reason[16] == "no face"
    assert gaze.x[0] == pytest.approx(samples[0].point.x)
    assert recording.metadata["source"] == "synthetic" and recording.metadata["rows"] == 33
    assert recording.screen_size == (1600, 900)
    assert recording.screenshot is None and recording.video is None
    assert recording.duration == pytest.approx(32 / 30, abs=1e-6)
    # The gaze CSV or the sidecar name the same recording.
    assert len(eyetracker.outputs.recording.read(folder / "gaze.csv").gaze) == 33
    assert eyetracker.outputs.recording.read(folder / "recording.json").folder == folder


def test_the_fixations_of_a_recording(tmp_path):
    recording = eyetracker.outputs.recording.read(record(tmp_path / "rec"))
    fixations = recording.fixations
    assert len(fixations) == 2
    assert fixations.x == pytest.approx([0.252, 0.752], abs=0.002)
    assert fixations.y == pytest.approx([0.3, 0.65])
    assert fixations.start[1] == pytest.approx(18 / 30, abs=1e-6)


def test_a_recording_that_ended_abruptly_reads_with_its_rows(tmp_path):
    folder = record(tmp_path / "rec", stop=False)  # killed: no "stopped" in the sidecar
    recording = eyetracker.outputs.recording.read(folder)
    assert not recording.complete and len(recording.gaze) == 33


def test_the_screenshot_is_found_beside_the_rows(tmp_path):
    folder = record(tmp_path / "rec")
    cv2.imwrite(str(folder / "screen.png"), np.full((90, 160, 3), 200, np.uint8))
    recording = eyetracker.outputs.recording.read(folder)
    assert recording.screenshot == folder / "screen.png"
    assert eyetracker.outputs.recording.picture(recording).shape == (90, 160, 3)


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        ("missing", "does not exist"),
        ("no csv", "has no gaze.csv"),
        ("bad json", "is damaged"),
        ("bad row", "row 2"),
    ],
)
def test_an_unreadable_recording_is_one_sentence(tmp_path, damage, words):
    folder = tmp_path / "rec"
    if damage != "missing":
        record(folder)
    if damage == "no csv":
        (folder / "gaze.csv").unlink()
    elif damage == "bad json":
        (folder / "recording.json").write_text('{"format": 1, "star')
    elif damage == "bad row":
        lines = (folder / "gaze.csv").read_text().splitlines()
        lines[2] = lines[2].replace(",1,,", ",maybe,,", 1)
        (folder / "gaze.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(eyetracker.outputs.recording.RecordingReadError, match=words) as caught:
        eyetracker.outputs.recording.read(folder)
    message = str(caught.value)
    assert message.endswith(".") and "\n" not in message


def test_the_picture_has_the_screen_shape_and_shows_the_data(tmp_path):
    recording = eyetracker.outputs.recording.read(record(tmp_path / "rec"))
    plain = eyetracker.outputs.recording.background(recording)
    assert plain.shape == (720, 1280, 3)  # 1600 x 900 scaled to 1280 wide
    both = eyetracker.outputs.recording.picture(recording)
    heat = eyetracker.outputs.recording.picture(recording, scanpath=False)
    path = eyetracker.outputs.recording.picture(recording, heatmap=False)
    nothing = eyetracker.outputs.recording.picture(recording, heatmap=False, scanpath=False)
    assert both.shape == heat.shape == path.shape == plain.shape
    assert np.array_equal(nothing, plain)
    for image in (both, heat, path):
        assert not np.array_equal(image, plain)
    assert not np.array_equal(heat, path)
    # The first fixation is drawn where it was: at 25% / 30% of the picture.
    assert not np.array_equal(path[216, 320], plain[216, 320])
    first_half = eyetracker.outputs.recording.picture(recording, 0.0, 0.5)
    assert not np.array_equal(first_half, both)
    assert not math.isinf(recording.duration)


def test_view_writes_a_png(tmp_path, capsys):
    folder = record(tmp_path / "rec")
    out = tmp_path / "heatmap.png"
    assert main(["view", str(folder), "--png", str(out)]) == 0
    image = cv2.imread(str(out))
    assert image is not None and image.shape == (720, 1280, 3)
    assert "2 fixations" in capsys.readouterr().out


def test_a_recording_cut_in_its_last_row_is_viewed_with_every_whole_row(tmp_path, capsys):
    folder = record(tmp_path / "rec")  # 33 rows
    data = (folder / "gaze.csv").read_bytes()
    (folder / "gaze.csv").write_bytes(data[: len(data) - 9])  # the last row lost its end
    recording = eyetracker.outputs.recording.read(folder)
    assert len(recording.gaze) == 32 and "row 33 was cut short" in recording.gaze.damaged_tail
    assert main(["view", str(folder), "--png", str(tmp_path / "heatmap.png")]) == 0
    err = capsys.readouterr().err.strip()
    assert "row 33 was cut short" in err and "\n" not in err


@pytest.mark.parametrize("damage", ["missing", "bad json"])
def test_view_of_an_unreadable_recording_exits_2_with_one_sentence(tmp_path, capsys, damage):
    folder = tmp_path / "rec"
    if damage == "bad json":
        record(folder)
        (folder / "recording.json").write_text("{")
    out = tmp_path / "heatmap.png"
    assert main(["view", str(folder), "--png", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("eyetracker: ") and err.endswith(".") and "\n" not in err
    assert not out.exists()


def test_view_png_needs_no_qt(tmp_path):
    import subprocess
    import sys

    folder = record(tmp_path / "rec")
    code = (
        "import sys; from eyetracker.cli import main; "
        f"code = main(['view', {str(folder)!r}, '--png', {str(tmp_path / 'x.png')!r}]); "
        "assert 'PySide6' not in sys.modules, 'Qt was imported'; sys.exit(code)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("csv", "../outside.csv"),
        ("csv", "/tmp/x/gaze.csv"),
        ("csv", "link.csv"),
        ("video", "link.avi"),
    ],
)
def test_recording_files_that_lead_outside_the_folder_are_refused(tmp_path, key, name):
    import json

    outside = record(tmp_path / "other", fixation_samples())
    folder = record(tmp_path / "rec", fixation_samples()[:5])
    (folder / "link.csv").symlink_to(outside / "gaze.csv")
    (outside / "video.avi").write_bytes(b"RIFF")
    (folder / "link.avi").symlink_to(outside / "video.avi")
    sidecar = folder / "recording.json"
    sidecar.write_text(json.dumps(json.loads(sidecar.read_text()) | {key: name}))

    with pytest.raises(eyetracker.outputs.recording.RecordingReadError) as caught:
        eyetracker.outputs.recording.read(folder)
    message = str(caught.value)
    assert f"recording.json's {key} {json.dumps(name)} leads outside" in message
    assert message.endswith(".") and "\n" not in message


def test_a_symlinked_gaze_csv_that_leaves_the_folder_is_refused(tmp_path):
    outside = record(tmp_path / "other", fixation_samples())
    folder = tmp_path / "rec"
    folder.mkdir()
    (folder / "gaze.csv").symlink_to(outside / "gaze.csv")
    with pytest.raises(eyetracker.outputs.recording.RecordingReadError, match="leads outside"):
        eyetracker.outputs.recording.read(folder)


def test_view_from_past_the_end_says_so_and_draws_nothing(tmp_path, capsys):
    folder = record(tmp_path / "rec")  # 32/30 s long
    out = tmp_path / "heatmap.png"
    assert main(["view", str(folder), "--png", str(out), "--from", "500"]) == 2
    assert capsys.readouterr().err == (
        "eyetracker: --from 500 is after the recording's end (1.1 s); choose an earlier time.\n"
    )
    assert not out.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 only")
def test_view_without_a_display_is_the_apps_sentence_and_names_png(tmp_path):
    import os
    import subprocess

    folder = record(tmp_path / "rec")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "DISPLAY", "WAYLAND"))}
    done = subprocess.run(
        [sys.executable, "-m", "eyetracker", "view", str(folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines == [
        "eyetracker: There is no display to show the recording on (DISPLAY is not set): save "
        "the picture with --png OUT, or run under xvfb-run."
    ]
