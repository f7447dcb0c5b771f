"""Our predictions for the real-world benchmark, through the project's one frame path.

Protocol A: the app's quick calibration (`CalibrationCollector.fit`: guarded statistics of the
K calibration frames and the correction fitted on their targets), then the test frames one at
a time through the tracker's `FramePipeline` (video mode, in capture order) with that profile.

Protocol B, the issue's reading: the model fine-tuned on the person's earlier sittings
(`eyetracker.training.trainer.train`, its fine-tuning defaults), then the later sitting in the
study's session mode: the tracker's `SessionStatistics` taken from that sitting's own usable
frames (no targets), which assume the sitting covers the screen; and (tracker OURS_PROFILE)
the same model tracking with the profile of the earlier sittings (`measurement_profile`:
statistics and correction, as Set up for me makes one from its measurement), nothing taken
from the later sitting.

`set_up`: protocol A also as the app's "Set up for me" does it (tracker OURS_SET_UP): the
model fine-tuned on the K calibration frames, then calibrated on them
(`CalibrationCollector.fit`; the app's profile of a measurement would leave an axis its dots
do not sweep to the network, and the K of a one-axis sitting here sweep one axis).
"""

from __future__ import annotations

import dataclasses
import math
import tempfile
import time
from pathlib import Path

from protocols import groups

from eyetracker.core.dataset import Dataset, load_dataset
from eyetracker.core.images import read_image
from eyetracker.core.types import Frame, GazePoint
from eyetracker.inference.backends import Backend, create_backend
from eyetracker.inference.calibration import (
    CalibrationCollector,
    NotEnoughDataError,
    measurement_profile,
)
from eyetracker.inference.pipeline import FramePipeline
from eyetracker.inference.session_statistics import SessionStatistics

OURS = "ours"
OURS_SET_UP = "ours, set up"
OURS_PROFILE = "ours, profile of the earlier sittings"


def our_trackers(set_up: bool) -> list[str]:
    """The trackers ours_predictions gives rows for."""
    return [OURS, OURS_PROFILE, *([OURS_SET_UP] if set_up else [])]


def our_labels(finetune: bool) -> dict[str, str]:
    """Each of our trackers as the table and the JSON name it."""
    b_model = "fine-tuned" if finetune else "bundled model"
    return {
        OURS: f"ours (A: calibrated; B: {b_model}, session statistics of the later sitting)",
        OURS_PROFILE: f"ours, profile (B: {b_model}, the earlier sittings' profile)",
        OURS_SET_UP: "ours, set up (A: fine-tuned on the K, then calibrated on them)",
    }


def limit_threads(threads: int) -> None:
    """Torch and OpenCV on `threads` threads."""
    import cv2

    cv2.setNumThreads(threads)
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(threads)


def ours_predictions(
    data_dir,
    protocol_rows,
    model_path,
    notes: dict | None = None,
    finetune: bool = True,
    set_up: bool = False,
) -> list[dict]:
    """Our predictions for every row of `protocol_rows` (the module's docstring says how).

    Returns rows with pred_x, pred_y (None without a point), face_found, expected_error and
    reason; `notes` receives what was run (the model, the refused calibrations, fine-tuning
    metrics, the seconds taken)."""
    notes = {} if notes is None else notes
    backend = create_backend(model_path, kind="torch", device="cpu")
    notes.update(
        model=str(model_path),
        preprocessing=str(backend.info.preprocessing),
        protocol_a="CalibrationCollector.fit on the K calibration frames (statistics + correction), then FramePipeline(video=True) frame by frame",
        protocol_b=_protocol_b_note(finetune),
        calibrations_refused=[],
    )
    out: list[dict] = []
    started = time.perf_counter()
    # The fine-tuned models are derived from the frames: removed when this run ends.
    with tempfile.TemporaryDirectory(prefix="eyetracker-finetune-") as work:
        ours = _Ours(load_dataset(data_dir), model_path, notes, work)
        for key, group in groups(protocol_rows, "A").items():
            out += ours.protocol_a(backend, key, group, set_up)
        for key, group in groups(protocol_rows, "B").items():
            out += ours.protocol_b(backend, key, group, finetune)
    notes["seconds"] = round(time.perf_counter() - started, 1)
    return out


def _protocol_b_note(finetune: bool) -> str:
    if finetune:
        from eyetracker.training.trainer import FINETUNE_MEMBERS, FINETUNE_STEPS

        model = f"fine-tuned on the earlier sittings ({FINETUNE_MEMBERS} models of {FINETUNE_STEPS} steps at most, early stopping on held-out dots, weights averaged)"
    else:
        model = "no fine-tuning"
    return (
        model + f"; {OURS}: session statistics of the later sitting; {OURS_PROFILE}: the profile "
        "of the earlier sittings (measurement_profile: statistics and correction)"
    )


def unscored(calibration: list[dict], tracker: str) -> list[dict]:
    """The calibration (or earlier) rows, kept in the CSV without a prediction."""
    return [
        {"tracker": tracker, **row, "pred_x": None, "pred_y": None, "face_found": None}
        for row in calibration
    ]


class _Ours:
    """One run of ours over a dataset: its frames by row, the calibrations, the trackers' rows."""

    def __init__(self, dataset: Dataset, model_path: Path, notes: dict, work: str) -> None:
        self.model_path = model_path
        self.notes = notes
        self.work = work
        self.measurements = {(m.person, m.name): m for m in dataset}
        self.images = {
            (m.person, m.name, s.image): m.image_path(s) for m in dataset for s in m.samples
        }
        # Each sample's place in its sitting and capture time (Measurement.capture_times),
        # which its frame carries: a calibration streams its frames in the order they were
        # captured, as the app's does.
        self.captured_at = {
            (m.person, m.name, s.image): (place, t)
            for m in dataset
            for place, (s, t) in enumerate(zip(m.samples, m.capture_times(), strict=True))
        }

    def place_of(self, row: dict) -> int:
        return self.captured_at[(row["person"], row["measurement"], row["image"])][0]

    def frame(self, row: dict) -> Frame:
        key = (row["person"], row["measurement"], row["image"])
        place, t = self.captured_at[key]
        return Frame(read_image(self.images[key]), timestamp=t, index=place)

    def protocol_a(self, backend: Backend, key: tuple, group: dict, set_up: bool) -> list[dict]:
        """One sitting's draw: calibrated on its K, then its other frames tracked; with
        `set_up`, the same after fine-tuning on the K."""
        calibration, test = group["calibration"], group["test"]
        out = unscored(calibration, OURS)
        out += self.stream(backend, self.calibrated(backend, calibration, key), test)
        if not set_up:
            return out
        names = {r["image"] for r in calibration}
        sitting = self.measurements[(key[0], key[1])]
        dots = dataclasses.replace(
            sitting, samples=[s for s in sitting.samples if s.image in names]
        )
        tuned = create_backend(self.finetuned([dots], "/".join(map(str, key))), "torch", "cpu")
        out += unscored(calibration, OURS_SET_UP)
        statistics = self.calibrated(tuned, calibration, key)
        return out + self.stream(tuned, statistics, test, OURS_SET_UP)

    def protocol_b(self, backend: Backend, key: tuple, group: dict, finetune: bool) -> list[dict]:
        """One person: fine-tuned on the earlier sittings (with `finetune`), then the later
        sitting in session mode (OURS) and with the earlier sittings' profile (OURS_PROFILE)."""
        calibration, test = group["calibration"], group["test"]
        person = key[0]
        earlier = sorted({r["measurement"] for r in calibration})
        tuned = backend
        if finetune:
            sittings = [self.measurements[(person, m)] for m in earlier]
            tuned = create_backend(self.finetuned(sittings, person), kind="torch", device="cpu")
        out = unscored(calibration, OURS) + unscored(calibration, OURS_PROFILE)
        for name in sorted({r["measurement"] for r in test}):
            rows = [r for r in test if r["measurement"] == name]
            out += self.stream(tuned, self.session_statistics(tuned, rows), rows)
            profile = self.earlier_profile(tuned, person, earlier)
            out += self.stream(tuned, profile, rows, OURS_PROFILE)
        return out

    def stream(
        self, backend: Backend, statistics: SessionStatistics, test: list[dict], tracker: str = OURS
    ) -> list[dict]:
        """`test`'s frames one at a time through the tracker's frame pipeline (one stream)."""
        pipeline = FramePipeline(backend, video=True, statistics=statistics)
        rows = []
        try:
            for row in test:
                raw = pipeline.raw(self.frame(row))
                point = raw.point
                rows.append(
                    {
                        "tracker": tracker,
                        **row,
                        "pred_x": None if point is None else point.x,
                        "pred_y": None if point is None else point.y,
                        # A blink's frames hold the point before it: their face was found.
                        "face_found": raw.prepared.box is not None,
                        "expected_error": raw.expected_error,
                        "reason": raw.reason,
                    }
                )
        finally:
            pipeline.close()
        return rows

    def calibrated(
        self, backend: Backend, calibration: list[dict], key: tuple
    ) -> SessionStatistics:
        """The app's quick calibration on these samples: its profile's statistics.

        The app shows its dots one after another and sees their frames as one stream; so here
        the K frames, in capture order, come a second apart (at their places in the sitting,
        spread over it, they would lie further apart than a stream and each be seen on its
        own; docs/benchmarks.md compares the two)."""
        collector = CalibrationCollector([GazePoint(r["true_x"], r["true_y"]) for r in calibration])
        in_order = sorted(range(len(calibration)), key=lambda i: self.place_of(calibration[i]))
        for rank, index in enumerate(in_order):
            shown = dataclasses.replace(self.frame(calibration[index]), timestamp=float(rank))
            collector.add(index, shown)
        try:
            return SessionStatistics.of_profile(backend, collector.fit(backend, user=str(key[0])))
        except NotEnoughDataError as error:
            # The app would ask to calibrate again; here the model's own statistics stand in,
            # and the refusal is reported.
            self.notes["calibrations_refused"].append(f"A {'/'.join(map(str, key))}: {error}")
            return SessionStatistics(backend)

    def session_statistics(self, backend: Backend, rows: list[dict]) -> SessionStatistics:
        """Session mode: the tracker's session statistics taken from every usable frame of
        `rows` as the tracker sees them (one stream), with room for all of them, at once."""
        seen = FramePipeline(backend, video=True)
        try:
            usable = [p for p in (seen.prepare(self.frame(r)) for r in rows) if p.found]
        finally:
            seen.close()
        statistics = SessionStatistics(
            backend, reservoir_size=len(usable), refresh_seconds=math.inf
        )
        for prepared in usable:
            statistics.observe(prepared.pixels, prepared.geometry, now=0.0)
        statistics.refresh()
        return statistics

    def earlier_profile(self, backend: Backend, person, earlier: list[str]) -> SessionStatistics:
        """The profile of the person's earlier sittings (statistics and correction)."""
        folders = [self.measurements[(person, m)].folder for m in earlier]
        try:
            return SessionStatistics.of_profile(
                backend, measurement_profile(backend, folders, str(person))
            )
        except NotEnoughDataError as error:  # as in A: the model's own statistics
            self.notes["calibrations_refused"].append(f"B {person}: {error}")
            return SessionStatistics(backend)

    def finetuned(self, sittings: list, name: str) -> Path:
        """The model fine-tuned on these sittings with the trainer's fine-tuning defaults,
        written in the run's work folder; its metrics go into the notes."""
        from eyetracker.model.checkpoint import load_checkpoint
        from eyetracker.training.data import prepare_measurement
        from eyetracker.training.trainer import (
            FINETUNE_MEMBERS,
            FINETUNE_PATIENCE,
            FINETUNE_STEPS,
            TrainConfig,
            train,
        )

        preprocessing = load_checkpoint(self.model_path).info.preprocessing
        prepared = [prepare_measurement(m, preprocessing) for m in sittings]
        out = Path(tempfile.mkdtemp(dir=self.work)) / "model.pt"
        metrics = train(
            TrainConfig(
                data="",
                out=str(out),
                init=str(self.model_path),
                steps=FINETUNE_STEPS,
                patience=FINETUNE_PATIENCE,
                members=FINETUNE_MEMBERS,
                progress=False,
            ),
            prepared=prepared,
        )
        self.notes.setdefault("finetune", {})[name] = {
            k: round(v, 2) if isinstance(v, float) else v for k, v in metrics.items()
        }
        return out
