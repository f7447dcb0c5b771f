"""`eyetracker evaluate --predictions FILE.csv`: one row per sample and mode, nothing hidden.

Columns: mode, person, measurement, image, role (calibration / test), true_x, true_y,
pred_x, pred_y (empty when there is no prediction), face_found (1 / 0), expected_error (the
error expected of the prediction, % of the screen; empty without one) and reason (why there is
no prediction: "no face", "eyes closed", ...; empty when there is one). Calibration rows carry
no prediction: those samples calibrate and are not scored.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from eyetracker.core.errors import UserError
from eyetracker.training.evaluate import ScoredSamples

COLUMNS = (
    "mode",
    "person",
    "measurement",
    "image",
    "role",
    "true_x",
    "true_y",
    "pred_x",
    "pred_y",
    "face_found",
    "expected_error",
    "reason",
)


class PredictionsCsv:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self._file = open(self.path, "w", newline="", encoding="utf-8")
        except OSError as error:
            raise UserError(
                f"Cannot write {self.path} ({error.strerror}); choose another --predictions file."
            ) from None
        self._writer = csv.writer(self._file)
        self._writer.writerow(COLUMNS)

    def write(self, mode: str, scored: ScoredSamples) -> None:
        head = (mode, scored.person, scored.measurement)
        for image, (x, y) in zip(scored.calibration_images, scored.calibration_truth, strict=True):
            self._writer.writerow(
                [*head, image, "calibration", f"{x:.6f}", f"{y:.6f}", "", "", 1, "", ""]
            )
        for image, truth, predicted, found, expected, reason in zip(
            scored.images,
            scored.truth,
            scored.predicted,
            scored.found,
            scored.expected_error,
            scored.reasons,
            strict=True,
        ):
            self._writer.writerow(
                [
                    *head,
                    image,
                    "test",
                    f"{truth[0]:.6f}",
                    f"{truth[1]:.6f}",
                    *(f"{v:.6f}" if found else "" for v in predicted),
                    int(found),
                    f"{expected:.3f}" if found and np.isfinite(expected) else "",
                    reason,
                ]
            )
        self._file.flush()

    def close(self) -> None:
        self._file.close()
