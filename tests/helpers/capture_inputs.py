"""Real inputs for the frame-source tests: a tiny video file and image folders, written here."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

VIDEO_FRAMES = 6
VIDEO_FPS = 20.0
VIDEO_SIZE = (64, 48)  # width, height
FOLDER_IMAGES = 4


def gradient_image(value: int, size: tuple[int, int] = VIDEO_SIZE) -> np.ndarray:
    """A BGR image whose brightness tells which frame it is, even after JPEG compression."""
    width, height = size
    image = np.full((height, width, 3), value, np.uint8)
    image[:, : width // 4] = 255 - value
    return image


def write_video(path: Path, frames: int = VIDEO_FRAMES, fps: float = VIDEO_FPS) -> Path:
    """An MJPG .avi of `frames` gradient images, frame i at brightness 20 + 30 i."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, VIDEO_SIZE)
    assert writer.isOpened(), "this OpenCV build cannot write MJPG .avi files"
    for i in range(frames):
        writer.write(gradient_image(20 + 30 * i))
    writer.release()
    return path


def write_folder(folder: Path, count: int = FOLDER_IMAGES, suffix: str = ".png") -> Path:
    """`count` gradient images img0, img1, ... in `folder`, brightening as the video's do."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        assert cv2.imwrite(str(folder / f"img{i}{suffix}"), gradient_image(20 + 30 * i))
    return folder


def write_measurement(folder: Path, points: list[tuple[float, float]]) -> Path:
    """A measurement folder (docs/measurement-format.md): one image per point, a manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    samples = []
    for i, (x, y) in enumerate(points):
        name = f"{i:06d}.jpg"
        assert cv2.imwrite(str(folder / name), gradient_image(20 + 30 * i))
        samples.append({"image": name, "x": x, "y": y})
    manifest = {
        "format": 1,
        "person": "p01",
        "measurement": folder.name,
        "screen": {"width_px": 1920, "height_px": 1080},
        "samples": samples,
    }
    (folder / "measurement.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder
