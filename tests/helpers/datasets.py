"""A toy dataset on disk, written with the package's own MeasurementWriter: small enough to
train on in seconds, learnable, and with a per-sitting offset for session statistics."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from eyetracker.core.measurement import MeasurementWriter, Screen


def write_toy_dataset(
    root: Path, people: int = 3, measurements: int = 2, samples: int = 12, seed: int = 0
) -> Path:
    """Images whose bright spot sits where the 'gaze' is, shifted per sitting: learnable, and
    with a per-sitting offset that session statistics can remove."""
    rng = np.random.default_rng(seed)
    for p in range(people):
        for m in range(measurements):
            shift = rng.integers(-6, 7, size=2)
            writer = MeasurementWriter(
                root,
                f"p{p:02d}",
                Screen(1920, 1080, 344, 194),
                measurement=f"m{m}",
                camera={"width": 64, "height": 48},
                extra={"viewing_distance_mm": 600},
                image_format="png",
            )
            for _ in range(samples):
                x, y = rng.random(2)
                image = np.full((48, 64, 3), 40 + 20 * m, np.uint8)
                cx, cy = int(8 + x * 32 + shift[0]) + 8, int(8 + y * 32 + shift[1])
                cv2.circle(image, (cx, cy), 4, (255, 255, 255), -1)
                writer.add(image, float(x), float(y))
    return root


def toy_train_config(data, out, **overrides):
    """A TrainConfig that trains on the toy dataset in seconds (square crop, small batches)."""
    from eyetracker.training.trainer import TrainConfig

    base = dict(
        data=str(data),
        out=str(out),
        preprocessing="square",
        input_width=32,
        input_height=32,
        epochs=2,
        batch_size=8,
        groups=2,
        workers=1,
        progress=False,
        held_out_people=0.34,
    )
    return TrainConfig(**(base | overrides))


class CountedLoss:
    """The trainer's loss, counting its calls (one per optimizer step); at call `interrupt_at`
    it raises KeyboardInterrupt instead, as Ctrl+C would."""

    def __init__(self, interrupt_at: int | None = None) -> None:
        from eyetracker.training.loop import euclidean_loss

        self.loss = euclidean_loss
        self.interrupt_at = interrupt_at
        self.calls = 0

    def __call__(self, predicted, targets, axes):
        self.calls += 1
        if self.calls == self.interrupt_at:
            raise KeyboardInterrupt
        return self.loss(predicted, targets, axes)
