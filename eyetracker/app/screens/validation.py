"""Validation: how accurate and precise tracking is for this person, right now.

    screen = ValidationScreen(provider, backend, out_dir, qscreen, viewing_distance_mm=600)
    screen.report_ready.connect(show)     # (report dict, Path of the JSON)
    screen.start()

The backend predicts with whatever statistics it holds (set the profile before). After
each dot has been fixated, the frames of the next `collect_s` seconds are collected; each
dot's frames then go to one worker thread, which preprocesses and predicts them through the
frame pipeline (frames without a usable face are skipped) while the next dot is shown. The
report waits for every dot's predictions. The result screen is saved next to the JSON report
as a PNG. The numbers come from eyetracker.runtime.validation_report (no Qt).
"""

from __future__ import annotations

import queue
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent, QScreen
from PySide6.QtWidgets import QWidget

from eyetracker.app.busy import BusyPanel
from eyetracker.app.errors import show_error
from eyetracker.app.live.frames import FrameProvider
from eyetracker.app.live.workers import preload_front_end
from eyetracker.app.screens.point_sequence import PointSequenceScreen
from eyetracker.app.screens.validation_view import ValidationResultView
from eyetracker.app.stimulus import screen_info
from eyetracker.app.threads import Worker, WorkerThread
from eyetracker.core.correction import Correction
from eyetracker.core.types import Frame
from eyetracker.inference.calibration import grid_points
from eyetracker.inference.pipeline import FramePipeline
from eyetracker.runtime.validation_report import Units, ValidationCollector, save_report

INTRO = (
    "Validation: look at the centre of each dot until it moves on (or press Space when you "
    "are looking at it). Press Space to start."
)
MARGIN = 0.15  # inside the calibration grid's 0.1: validation should not flatter the edges
COMPUTING = "Computing the result…"


class PredictionWorker(Worker):
    """Predicts the frames of each dot in turn, in its own thread; `predicted` per dot.

    The queue holds at most one entry per dot (the frames the screen collected there), so it
    is bounded by the sequence; `finish()` ends the worker after the dots already given.
    """

    # dot index, [(x, y, expected error) of each frame with a usable face]
    predicted = Signal(int, object)

    def __init__(self, pipeline: FramePipeline) -> None:
        super().__init__()
        self.pipeline = pipeline
        self.dots: queue.Queue[tuple[int, list[Frame]] | None] = queue.Queue()

    def give(self, index: int, frames: list[Frame]) -> None:
        self.dots.put((index, frames))

    def finish(self) -> None:
        self.dots.put(None)

    def work(self) -> None:
        try:
            while not self.stop_event.is_set():
                try:
                    item = self.dots.get(timeout=0.1)
                except queue.Empty:
                    continue
                if item is None:
                    return
                index, frames = item
                estimates = []
                for frame in frames:
                    if self.stop_event.is_set():
                        return
                    raw = self.pipeline.raw(frame)
                    if raw.point is not None:
                        estimates.append((raw.point.x, raw.point.y, raw.expected_error))
                self.predicted.emit(index, estimates)
        finally:
            self.pipeline.close()


class ValidationScreen(PointSequenceScreen):
    """Full-screen validation; shows and saves the result (see the module docstring).

    `out_dir`: where validation-<time>.json and .png go. `viewing_distance_mm`: eye to
    screen, for errors in degrees (None: no degrees). `context`: extra facts for the report
    (model path, user, ...). `seed`: the order of the targets (None: random).
    """

    report_ready = Signal(object, object)  # report dict, Path of the JSON report

    def __init__(
        self,
        frames: FrameProvider,
        backend,
        out_dir: str | Path,
        screen: QScreen | None = None,
        *,
        points: int = 9,
        dwell_s: float = 1.0,
        settle_s: float = 0.4,
        collect_s: float = 1.0,
        viewing_distance_mm: float | None = None,
        context: dict[str, Any] | None = None,
        seed: int | None = None,
        correction: Correction | None = None,
        parent: QWidget | None = None,
    ) -> None:
        targets = grid_points(points, MARGIN)
        np.random.default_rng(seed).shuffle(targets)
        super().__init__(
            frames, targets, screen, dwell_s=dwell_s, settle_s=settle_s, collect_s=collect_s,
            parent=parent,
        )  # fmt: skip
        self.setWindowTitle("Validation")
        self.backend = backend
        self.correction = correction  # the profile's, with the statistics the backend holds
        self.predictor: PredictionWorker | None = None
        self.predicting: WorkerThread | None = None  # the prediction thread, from the first dot on
        self.prediction_error = ""
        self.busy = BusyPanel(self, "validation-busy")
        self.out_dir = Path(out_dir)
        self.context = dict(context or {})
        self.collector = ValidationCollector(
            targets, Units(screen_info(self.target_screen), viewing_distance_mm)
        )
        self.result: ValidationResultView | None = None
        self.report: dict[str, Any] | None = None
        self.saved: tuple[Path, Path] | None = None

    def start(self) -> None:
        self.show_full_screen()
        self.set_message(INTRO)

    def space_when_idle(self) -> None:
        if self.index < 0:
            self.set_message("")
            self._start_predicting()
            self.begin()
        elif self.result is not None:
            self.close()

    def _start_predicting(self) -> None:
        preload_front_end(self.backend.info.preprocessing)
        # Made here, used only in the prediction thread (one stream: the face is tracked).
        pipeline = FramePipeline(self.backend, video=True, correction=self.correction)
        self.predictor = PredictionWorker(pipeline)
        self.predictor.predicted.connect(self._predicted)
        self.predictor.failed.connect(self._prediction_failed)
        self.predicting = WorkerThread(self.predictor, "validation-predict")
        self.predicting.ended.connect(self._predictions_done)
        self.predicting.start()

    def point_done(self, index: int, frames: list[Frame]) -> None:
        self.predictor.give(index, frames)

    def _predicted(self, index: int, estimates: list[tuple[float, float, float]]) -> None:
        for x, y, expected_error in estimates:
            self.collector.add(index, (x, y), expected_error)

    def _prediction_failed(self, text: str) -> None:
        self.prediction_error = text
        self.fail(f"The model failed on a camera frame ({text}); validate again.")

    def sequence_done(self) -> None:
        self.busy.show_text(COMPUTING)
        self.predictor.finish()  # the report follows once every dot is predicted

    def _predictions_done(self) -> None:
        self.busy.hide()
        if self.predicting.cancelled or self.index < len(self.points) or self.prediction_error:
            return  # closed or failed before the end: no report
        self.report = self.collector.report(**self.context)
        self.result = ValidationResultView(self.report, self)
        self.result.setGeometry(self.rect())
        self.result.show()
        self._save()

    def _save(self) -> None:
        stem = f"validation-{datetime.now():%Y-%m-%dT%H-%M-%S}"
        json_path, png_path = self.out_dir / f"{stem}.json", self.out_dir / f"{stem}.png"
        self.result.set_footer(f"Saved as {json_path} and .png. Space or Esc closes.")
        try:
            save_report(self.report, json_path)
            if not self.result.grab().save(str(png_path)):
                raise OSError(f"the image {png_path} could not be written")
        except OSError as error:
            self.result.set_footer("Not saved. Space or Esc closes.")
            show_error(self, f"The validation result could not be saved ({error}).")
            return
        self.saved = (json_path, png_path)
        self.report_ready.emit(self.report, json_path)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.predicting is not None:
            self.predicting.cancel()  # returns at once; the thread ends within one frame
        super().closeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        self.busy.place()
        if self.result is not None:
            self.result.setGeometry(self.rect())
        super().resizeEvent(event)
