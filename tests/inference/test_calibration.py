"""The quick calibration's collector: enough usable frames spread over the screen, or a
sentence saying how many there were; the statistics it keeps are guarded."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from eyetracker.core.dataset import UNTIMED_SPACING_S
from eyetracker.core.errors import UserError
from eyetracker.core.manifest import Screen
from eyetracker.core.measurement import MeasurementWriter
from eyetracker.core.types import Frame, GazePoint
from eyetracker.inference.backends import create_backend
from eyetracker.inference.calibration import (
    NEW_STREAM_AFTER_S,
    CalibrationCollector,
    NotEnoughDataError,
    grid_points,
    measurement_profile,
)
from eyetracker.inference.calibration_quality import calibration_quality
from eyetracker.inference.pipeline import FramePipeline
from eyetracker.inference.profile import Profile, ProfileError, load_profile
from eyetracker.model.moments import guard_moments
from eyetracker.model.resources import default_model_path
from eyetracker.synth.dataset import person_for, sitting_for
from eyetracker.synth.render import render_frame

DARK = np.zeros((480, 640, 3), np.uint8)  # a covered camera: no usable face


@pytest.fixture(scope="module")
def backend():
    return create_backend(default_model_path(), "torch", "cpu")


def looking_at(points, frames_per_point=1, usable=lambda index: True, seed=3):
    """A collector whose frames show a synthetic person looking at each point (or DARK)."""
    person = person_for(seed, 0)
    sitting = sitting_for(seed, person, 0, 0)
    rng = np.random.default_rng(seed)
    collector = CalibrationCollector(points)
    captured = 0
    for index, point in enumerate(points):
        for _ in range(frames_per_point):
            image = render_frame(person, sitting, point, rng)[0] if usable(index) else DARK
            # as far apart as measurement_profile takes the samples of a measurement that
            # keeps no capture times
            collector.add(
                index, Frame(image, timestamp=captured * UNTIMED_SPACING_S, index=captured)
            )
            captured += 1
    return collector


def test_two_usable_frames_of_sixteen_are_refused_with_the_counts(backend):
    collector = looking_at(grid_points(16), usable=lambda index: index in (5, 10))
    with pytest.raises(NotEnoughDataError) as refused:
        collector.fit(backend, "ada")
    assert str(refused.value) == (
        "Only 2 of 16 calibration points had a face in the camera image (2 of 16 frames "
        "usable; at least 6 frames from 11 points spread over the screen are needed); sit "
        "facing the camera in good light and calibrate again."
    )


def test_fewer_frames_than_the_minimum_are_refused(backend):
    collector = looking_at(grid_points(4))
    with pytest.raises(NotEnoughDataError, match="^Only 4 of 4 calibration frames showed a usable"):
        collector.fit(backend, "ada")


def test_frames_from_one_part_of_the_screen_are_refused(backend):
    collector = looking_at(grid_points(16), frames_per_point=2, usable=lambda index: index < 4)
    collector.min_points = 0.25  # the top row's 4 points would do, were they spread
    with pytest.raises(NotEnoughDataError, match="all looked at one part of the screen"):
        collector.fit(backend, "ada")


def test_frames_are_streamed_in_capture_order_and_a_long_pause_starts_a_new_stream():
    collector = CalibrationCollector(grid_points(4))
    image = np.zeros((4, 4, 3), np.uint8)
    for index, t in [(0, 3.0), (1, 1.0), (2, 2.0), (3, 3.0 + NEW_STREAM_AFTER_S + 0.5)]:
        collector.add(index, Frame(image, timestamp=t, index=index))
    collector.add(0, Frame(image, timestamp=0.5, index=4))  # captured first, added last
    streams = [[(i, f.timestamp) for i, f in stream] for stream in collector.streams()]
    assert streams == [
        [(0, 0.5), (1, 1.0), (2, 2.0), (0, 3.0)],
        [(3, 3.0 + NEW_STREAM_AFTER_S + 0.5)],
    ]


def test_the_profile_keeps_guarded_statistics_of_the_frames_as_tracked(backend):
    """Statistics of the frames as the tracker sees them: one stream (the front end's video
    mode) in the order they were captured, here the reverse of the points' order."""
    collector = looking_at(grid_points(9))
    for entry in collector.points:
        entry.frames[:] = [
            dataclasses.replace(f, timestamp=100.0 - f.timestamp) for f in entry.frames
        ]
    profile = collector.fit(backend, "ada")
    assert profile.frames == 9 and profile.source == "calibration, 9 of 9 points"
    front_end = backend.info.preprocessing.front_end(video=True)
    captured_order = sorted(
        (f for p in collector.points for f in p.frames), key=lambda f: f.timestamp
    )
    prepared = [front_end.prepare(f.image, f.timestamp) for f in captured_order]
    front_end.close()
    captured = backend.capture(
        np.stack([p.pixels for p in prepared]), np.stack([p.geometry for p in prepared])
    )
    expected = guard_moments(captured, 9, backend.running_moments())
    assert set(profile.moments) == set(expected)
    for key, value in expected.items():
        assert np.allclose(profile.moments[key], value, atol=1e-5)


def test_the_residuals_see_the_frames_as_the_fit_saw_them(backend):
    """calibration_quality predicts the calibration's frames as one stream in capture order,
    the order the fit saw them in, here the reverse of the points'."""
    collector = looking_at(grid_points(9))
    for entry in collector.points:
        entry.frames[:] = [
            dataclasses.replace(f, timestamp=100.0 - f.timestamp) for f in entry.frames
        ]
    profile = collector.fit(backend, "ada")
    quality = calibration_quality(collector, backend, profile)
    pipeline = FramePipeline(backend, video=True, correction=profile.correction)
    captured = sorted(
        ((i, f) for i, e in enumerate(collector.points) for f in e.frames),
        key=lambda item: item[1].timestamp,
    )
    expected = {index: pipeline.raw(frame).point for index, frame in captured}
    pipeline.close()
    for index, residual in enumerate(quality.points):
        assert (residual.estimate.x, residual.estimate.y) == pytest.approx(
            (expected[index].x, expected[index].y), abs=1e-6
        )


def test_both_backends_say_the_same_running_moments(backend):
    onnx = create_backend(default_model_path(), "onnxruntime", "cpu")
    from_torch, from_onnx = backend.running_moments(), onnx.running_moments()
    assert set(from_torch) == set(from_onnx) and len(from_torch) > 0
    for key, value in from_torch.items():
        assert np.allclose(from_onnx[key], value, rtol=1e-5, atol=1e-6)
    # they are what the backends use without statistics
    preprocessing = backend.info.preprocessing
    pixels = np.random.default_rng(0).random((2, 1, *preprocessing.input_size))
    face = np.random.default_rng(1).random((2, preprocessing.geometry_size)).astype(np.float32)
    for b in (backend, onnx):
        b.set_statistics(None)
        plain = b.predict(pixels.astype(np.float32), face)
        b.set_statistics(from_torch)
        assert np.allclose(b.predict(pixels.astype(np.float32), face), plain, atol=1e-4)
        b.set_statistics(None)


def test_a_profile_of_too_few_frames_is_refused(tmp_path):
    moments = {"head.1.mean": np.zeros(2, np.float32), "head.1.var": np.ones(2, np.float32)}
    path = Profile("ada", "abc", moments, frames=2, source="old").save(tmp_path / "p.npz")
    with pytest.raises(ProfileError, match=r"only 2 usable frames \(at least 6 are needed\)"):
        load_profile(path, "abc")


def written(collector, folder, name=None) -> MeasurementWriter:
    """The collector's frames saved as a measurement, each at its point."""
    screen = Screen(1920, 1080)
    writer = MeasurementWriter(folder, "ada", screen, image_format="png", measurement=name)
    for entry in collector.points:
        for frame in entry.frames:
            writer.add(frame.image, entry.point.x, entry.point.y)
    return writer


def test_a_measurement_gives_the_profile_its_dots_would_give_as_a_calibration(backend, tmp_path):
    collector = looking_at(grid_points(16), frames_per_point=2)
    writer = written(collector, tmp_path)
    from_measurement = measurement_profile(backend, [writer.folder], "ada")
    from_calibration = collector.fit(backend, "ada")
    assert from_measurement.frames == from_calibration.frames >= 30  # a blink is not usable
    assert from_measurement.source == f"measurement {writer.folder.name}, 16 of 16 points"
    for key, value in from_calibration.moments.items():
        assert np.allclose(from_measurement.moments[key], value, atol=1e-5)
    assert np.allclose(
        from_measurement.correction.weights, from_calibration.correction.weights, atol=1e-5
    )


def test_a_measurement_along_one_row_leaves_the_height_to_the_network(backend, tmp_path):
    """A sweep along one row says nothing about height: its profile corrects across and gives
    the network's own height back, instead of holding every point at the row; together with a
    sweep down one column, both axes are corrected."""
    steps = np.linspace(0.1, 0.9, 9)
    row = written(looking_at([GazePoint(x, 0.3) for x in steps]), tmp_path, "row")
    column = written(looking_at([GazePoint(0.6, y) for y in steps], seed=4), tmp_path, "column")
    elsewhere = looking_at([GazePoint(0.2, 0.8), GazePoint(0.7, 0.9)])  # below the row
    pipeline = FramePipeline(backend, video=False)
    prepared = [pipeline.prepare(e.frames[0]) for e in elsewhere.points]
    pipeline.close()
    pixels, faces = np.stack([p.pixels for p in prepared]), np.stack([p.geometry for p in prepared])

    def corrected(profile):
        backend.set_statistics(profile.moments)
        points, hidden = backend.predict_with_features(pixels, faces)
        return points, profile.correction.apply(points, faces, hidden)

    points, across = corrected(measurement_profile(backend, [row.folder], "ada"))
    np.testing.assert_allclose(across[:, 1], points[:, 1])
    assert not np.allclose(across[:, 0], points[:, 0])

    both = measurement_profile(backend, [row.folder, column.folder], "ada")
    assert both.source == "measurement row, column, 18 of 18 points"
    points, corrected_both = corrected(both)
    assert not np.allclose(corrected_both[:, 1], points[:, 1])


def test_images_without_dots_are_one_sentence(backend, tmp_path):
    cv2.imwrite(str(tmp_path / "0.png"), DARK)  # images, no manifest: no dot positions
    with pytest.raises(NotEnoughDataError, match="has no samples with a dot position"):
        measurement_profile(backend, [tmp_path], "ada")
    empty = MeasurementWriter(tmp_path, "ada", Screen(1920, 1080)).folder
    with pytest.raises(UserError, match="^No .jpg, .png or .bmp images"):
        measurement_profile(backend, [empty], "ada")
