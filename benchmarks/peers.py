"""The peers' predictions for the real-world benchmark: EyeTrax and GazeFollower, their own code.

Runs INSIDE the peers' venv (real_world.py builds it and calls this script); of eyetracker
it uses only the numpy-only modules protocols.py imports by path (the calibration spread and
the metric). It reads a dataset in the measurement format (or the sittings real_world.py
hands it, so both score the same rows), extracts each peer's features once per image and
landmark mode with the peer's own feature code (cached in --cache-dir, outside the
repository), then for protocols A and B fits each peer's own regressor classes on the
calibration rows and predicts the test rows.

Each peer runs in every one of protocols.PEER_MODES, and real_world.py takes its best as its
figure: its Face Landmarker on still frames (IMAGE mode, each frame on its own) or as a
stream (VIDEO mode at the frames' capture times; a frame more than NEW_STREAM_AFTER_S after
the one before starts a new stream, and a frame alone is a still), and its blink filter on or
off. Neither mode is always the better: frames taken a second apart are no video, and a
landmarker tracking them carries one frame's face into the next.

    python benchmarks/peers.py DATA [--k 9] [--draws 1] [--out /tmp/peers.json] [--face-model FILE]

How each peer is called (neither offers a "features of this image" call outside its camera
loop, so this calls the lowest-level pieces those loops use):
- EyeTrax: `eyetrax.gaze.GazeEstimator(face_landmarker_model=...).extract_features(frame)`
  (its MediaPipe Face Landmarker, VIDEO mode in its own code -> eye landmarks in a head frame
  + head pose; and its blink flag, from the eye openness of the sitting's frames so far), and
  `eyetrax.models.create_model("ridge" | "elastic_net")` with their defaults, trained on
  screen pixels as EyeTrax's calibration does. With the blink filter, as in EyeTrax's
  calibration, blinking frames are left out of the fit.
- GazeFollower: `MediaPipeFaceAlignment(model_path=..., enable_filter=False)` (its default
  config turns the filter off) `.detect` then `MGazeNetGazeEstimator().detect` (its MNN CNN on
  face and eye crops; its Face Landmarker runs in IMAGE mode in its own code) -> the
  258-value feature vector, and `MultivariateRidgeCalibration()` / `SVRCalibration()`
  `.calibrate` and `.predict`, on normalized screen coordinates as GazeFollower uses without a
  physical screen size. With the blink filter, as in its calibration, frames whose eye
  openness is at or below its blink threshold (10) are left out of the fit.
Both peers' own landmarkers are swapped for `Landmarks`: the same options in the mode asked.
Either fit keeps all frames with a face when fewer than 2 would remain. Every test frame gets a
row; a frame without features has face_found false (scored as the screen centre).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from protocols import (  # noqa: E402
    BLINK_FILTERS,
    LANDMARK_MODES,
    PREDICTION_KEYS,
    build_plan,
    capture_times,
    groups,
    mode_tracker,
    read_sittings,
    streams,
)

DEFAULT_FACE_MODEL = (
    Path(__file__).resolve().parents[2] / "shared" / "assets" / "face_landmarker.task"
)
GAZEFOLLOWER_BLINK_THRESHOLD = 10  # DefaultConfig.eye_blink_threshold (eye area, px^2)
# Each peer's own Face Landmarker confidences (eyetrax.gaze._create_face_landmarker,
# gazefollower's MediaPipeFaceAlignment).
LANDMARKER_CONFIDENCE = {"eyetrax": 0.5, "gazefollower": 0.1}
MIN_FIT_FRAMES = 2

PEERS = {
    "eyetrax": {
        "package": "eyetrax",
        "regressors": {"ridge": "EyeTrax ridge", "elastic_net": "EyeTrax elastic net"},
    },
    "gazefollower": {
        "package": "gazefollower",
        "regressors": {"ridge": "GazeFollower ridge", "svr": "GazeFollower SVR"},
    },
}


def log(message: str) -> None:
    print(f"[peers] {message}", file=sys.stderr, flush=True)


def versions() -> dict:
    names = (
        "eyetrax",
        "gazefollower",
        "mediapipe",
        "MNN",
        "scikit-learn",
        "opencv-python",
        "numpy",
    )
    out = {}
    for name in names:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    return out


# ---------------------------------------------------------------- features, cached per sitting


def sitting_times(sitting: dict) -> list[float]:
    """The sitting's capture times (real_world.py hands them; else a second apart)."""
    times = sitting.get("times")
    return [float(t) for t in times] if times else capture_times([None] * len(sitting["samples"]))


def sitting_streams(sitting: dict, mode: str) -> list[list[int]]:
    """The sitting's frames as the landmarker sees them: streams, or each on its own."""
    if mode == "stream":
        return streams(sitting_times(sitting))
    return [[index] for index in range(len(sitting["samples"]))]


def _cache_file(cache_dir: Path, peer: str, sitting: dict, face_model: Path, mode: str) -> Path:
    folder = Path(sitting["folder"])
    manifest = folder / "measurement.json"
    key = json.dumps(
        [
            peer,
            versions(),
            str(folder.resolve()),
            manifest.stat().st_mtime_ns,
            [s[0] for s in sitting["samples"]],
            face_model.stat().st_size,
            mode,
            sitting_streams(sitting, mode) if mode == "stream" else None,
        ]
    )
    digest = hashlib.sha1(key.encode()).hexdigest()[:16]
    name = f"{sitting['person']}-{sitting['measurement']}-{mode}-{digest}.npz"
    return cache_dir / peer / name


def _face_landmarker(peer: str, face_model: Path, video: bool):
    """A MediaPipe Face Landmarker with the peer's own options, in VIDEO or IMAGE mode."""
    from mediapipe.tasks.python import vision
    from mediapipe.tasks.python.core.base_options import BaseOptions

    confidence = LANDMARKER_CONFIDENCE[peer]
    options = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(
            model_asset_path=str(face_model), delegate=BaseOptions.Delegate.CPU
        ),
        running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
        num_faces=1,
        min_face_detection_confidence=confidence,
        min_face_presence_confidence=confidence,
        min_tracking_confidence=confidence,
        output_face_blendshapes=False,
        output_facial_transformation_matrixes=False,
    )
    return vision.FaceLandmarker.create_from_options(options)


class Landmarks:
    """The peer's Face Landmarker as its code calls it (EyeTrax `detect_for_video`,
    GazeFollower `detect`), on a still frame or in a stream at the frames' capture times.

    `start(video)` before each stream: a fresh VIDEO-mode landmarker (nothing tracked from
    an earlier stream), or the IMAGE-mode one for a frame on its own; `at(seconds)` before
    each frame.
    """

    def __init__(self, peer: str, face_model: Path) -> None:
        self.peer, self.face_model = peer, face_model
        self.still = _face_landmarker(peer, face_model, video=False)
        self.video = None
        self.start_s = 0.0
        self.last_ms = -1

    def start(self, video: bool) -> None:
        if self.video is not None:
            self.video.close()
        self.video = _face_landmarker(self.peer, self.face_model, True) if video else None
        self.last_ms = -1

    def at(self, seconds: float) -> None:
        if self.last_ms < 0:
            self.start_s = seconds
        # VIDEO mode wants timestamps that increase
        self.last_ms = max(self.last_ms + 1, round(1000 * (seconds - self.start_s)))

    def detect(self, image):
        if self.video is None:
            return self.still.detect(image)
        return self.video.detect_for_video(image, self.last_ms)

    def detect_for_video(self, image, _wall_clock_ms):
        """EyeTrax's call, with its wall-clock time: the frame's capture time stands in."""
        return self.detect(image)

    def close(self) -> None:
        self.start(video=False)
        self.still.close()


class EyeTraxFeatures:
    """EyeTrax's own extract_features; a fresh estimator per sitting (its blink flag compares
    each frame's eye openness with the sitting's frames so far) seeing it through `Landmarks`."""

    name = "eyetrax"

    def __init__(self, face_model: Path) -> None:
        self.face_model = face_model
        self.landmarks = Landmarks("eyetrax", face_model)

    def sitting(
        self, images: list, times: list[float], in_streams: list[list[int]]
    ) -> tuple[np.ndarray, np.ndarray]:
        from eyetrax.gaze import GazeEstimator

        estimator = GazeEstimator(face_landmarker_model=str(self.face_model))
        estimator.close()  # its own landmarker: Landmarks stands in
        estimator._face_landmarker = self.landmarks
        features, blinking = [None] * len(images), [False] * len(images)
        try:
            for stream in in_streams:
                self.landmarks.start(video=len(stream) > 1)
                for index in stream:
                    if images[index] is None:
                        continue
                    self.landmarks.at(times[index])
                    features[index], blinking[index] = estimator.extract_features(images[index])
        finally:
            estimator._face_landmarker = None  # Landmarks stays open for the next sitting
        return _stack(features), np.array(blinking, dtype=bool)

    def close(self) -> None:
        self.landmarks.close()


class GazeFollowerFeatures:
    """GazeFollower's own face alignment + MGazeNet CNN, as its process_frame calls them."""

    name = "gazefollower"

    def __init__(self, face_model: Path) -> None:
        from gazefollower.face_alignment import MediaPipeFaceAlignment
        from gazefollower.gaze_estimator import MGazeNetGazeEstimator

        with contextlib.redirect_stdout(sys.stderr):  # it prints its model path
            self.alignment = MediaPipeFaceAlignment(model_path=str(face_model), enable_filter=False)
            self.estimator = MGazeNetGazeEstimator()
        if not self.alignment.use_tasks_api:
            raise SystemExit("GazeFollower could not load the Face Landmarker (its own, tasks API)")
        self.alignment.landmarker.close()  # its own landmarker: Landmarks stands in
        self.landmarks = self.alignment.landmarker = Landmarks("gazefollower", face_model)

    def sitting(
        self, images: list, times: list[float], in_streams: list[list[int]]
    ) -> tuple[np.ndarray, np.ndarray]:
        features, blinking = [None] * len(images), [False] * len(images)
        for stream in in_streams:
            self.landmarks.start(video=len(stream) > 1)
            for index in stream:
                image = images[index]
                if image is None:
                    continue
                self.landmarks.at(times[index])
                face = self.alignment.detect(times[index], image)
                gaze = self.estimator.detect(image, face)
                if gaze.status and gaze.features is not None:
                    features[index] = np.asarray(gaze.features, dtype=np.float32)
                    blinking[index] = (
                        face.left_eye_openness <= GAZEFOLLOWER_BLINK_THRESHOLD
                        or face.right_eye_openness <= GAZEFOLLOWER_BLINK_THRESHOLD
                    )
        return _stack(features), np.array(blinking, dtype=bool)

    def close(self) -> None:
        self.alignment.release()


def _stack(features: list) -> np.ndarray:
    """(N, D) float32 with NaN rows where there were no features."""
    width = next((len(f) for f in features if f is not None), 0)
    out = np.full((len(features), width), np.nan, dtype=np.float32)
    for i, f in enumerate(features):
        if f is not None:
            out[i] = f
    return out


def extract(
    peer: str, sittings: list[dict], face_model: Path, cache_dir: Path, mode: str
) -> tuple[dict, dict]:
    """{(person, measurement, image): (features or None, flagged as blinking)} in landmark
    `mode` ("still" or "stream"), and timings."""
    import cv2

    extractor = None
    table: dict = {}
    frames, seconds, cached = 0, 0.0, 0
    timed_frames, timed_seconds = 0, 0.0  # this run's extraction and the cache's records
    streamed = {"streams": 0, "frames_in_streams": 0}  # streams of 2 frames or more
    for sitting in sittings:
        in_streams = sitting_streams(sitting, mode)
        longer = [s for s in in_streams if len(s) > 1]
        streamed["streams"] += len(longer)
        streamed["frames_in_streams"] += sum(map(len, longer))
        # No stream of 2 frames or more: the frames are stills, extracted (and cached) once.
        seen_as = mode if longer else "still"
        cache = _cache_file(cache_dir, peer, sitting, face_model, seen_as)
        names = [s[0] for s in sitting["samples"]]
        if cache.is_file():
            with np.load(cache) as stored:
                features, blinking = stored["features"], stored["blinking"]
                if "seconds" in stored:  # how long the extraction took when it ran
                    timed_frames += len(names)
                    timed_seconds += float(stored["seconds"])
            cached += len(names)
        else:
            if extractor is None:
                extractor = (EyeTraxFeatures if peer == "eyetrax" else GazeFollowerFeatures)(
                    face_model
                )
            images = [cv2.imread(str(Path(sitting["folder"]) / name)) for name in names]
            started = time.perf_counter()
            features, blinking = extractor.sitting(images, sitting_times(sitting), in_streams)
            took = time.perf_counter() - started
            seconds += took
            frames += len(names)
            timed_frames += len(names)
            timed_seconds += took
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.savez(cache, features=features, blinking=blinking, seconds=np.float64(took))
            log(
                f"{peer} ({seen_as}): {sitting['person']}/{sitting['measurement']}: "
                f"{len(names)} frames, "
                f"{np.isfinite(features).all(axis=1).mean() * 100 if len(names) else 0:.1f}% with a face"
            )
        for name, f, b in zip(names, features, blinking, strict=True):
            has = f.size > 0 and bool(np.isfinite(f).all())
            table[(sitting["person"], sitting["measurement"], name)] = (
                f if has else None,
                bool(b and has),
            )
    if extractor is not None:
        extractor.close()
    timing = {
        **streamed,
        "frames_extracted": frames,
        "frames_from_cache": cached,
        "extract_seconds": round(seconds, 1),
        "ms_per_frame": round(1000 * seconds / frames, 1) if frames else None,
        "ms_per_frame_at_extraction": (
            round(1000 * timed_seconds / timed_frames, 1) if timed_frames else None
        ),
    }
    return table, timing


# ---------------------------------------------------------------- the peers' own regressors


def fit_predict(
    peer: str, regressor: str, X: np.ndarray, Y: np.ndarray, Xt: np.ndarray, screen
) -> np.ndarray:
    """Fit the peer's own regressor class on (X, Y normalized) and predict Xt (normalized)."""
    if peer == "eyetrax":
        from eyetrax.models import create_model

        scale = np.array([screen["width_px"], screen["height_px"]], dtype=np.float64)
        model = create_model(regressor)  # the defaults the EyeTrax CLI uses
        model.train(X, Y * scale)  # EyeTrax calibrates on screen pixels
        return np.asarray(model.predict(Xt), dtype=np.float64).reshape(-1, 2) / scale
    from gazefollower.calibration import MultivariateRidgeCalibration, SVRCalibration

    with tempfile.TemporaryDirectory() as empty, contextlib.redirect_stdout(sys.stderr):
        # SVRCalibration loads a model saved in its folder: give it an empty one.
        model = (
            MultivariateRidgeCalibration()
            if regressor == "ridge"
            else SVRCalibration(model_save_path=empty)
        )
        calibrated = model.calibrate(X.astype(np.float32), Y.astype(np.float32))[0]
        if not calibrated:
            return np.full((len(Xt), 2), np.nan)
        out = []
        for features in Xt:  # its predict takes one frame at a time, as in its camera loop
            ok, point = model.predict(features, features[:2])
            out.append(point if ok else (np.nan, np.nan))
    return np.asarray(out, dtype=np.float64).reshape(-1, 2)


def predict_rows(
    peer: str, rows: list[dict], table: dict, screens: dict, mode: str
) -> tuple[list[dict], dict]:
    """Every row's prediction by each of the peer's regressors in `mode` (one of PEER_MODES,
    whose landmark mode made `table`), the rows named mode_tracker(tracker, mode)."""
    blink_filter = mode.endswith(BLINK_FILTERS[0])
    out: list[dict] = []
    notes = {"fits": 0, "fits_failed": 0, "fits_with_blinks_kept": 0}
    for protocol in ("A", "B"):
        for key, group in groups(rows, protocol).items():
            calibration, test = group["calibration"], group["test"]
            feats = [table[(r["person"], r["measurement"], r["image"])] for r in calibration]
            fit = [i for i, (f, blinking) in enumerate(feats) if f is not None]
            if blink_filter:
                open_eyes = [i for i in fit if not feats[i][1]]
                if len(open_eyes) >= MIN_FIT_FRAMES:
                    fit = open_eyes
                else:
                    notes["fits_with_blinks_kept"] += 1
            X = np.array([feats[i][0] for i in fit])
            Y = np.array([(calibration[i]["true_x"], calibration[i]["true_y"]) for i in fit])
            test_feats = [table[(r["person"], r["measurement"], r["image"])][0] for r in test]
            have = [i for i, f in enumerate(test_feats) if f is not None]
            screen = screens[(test[0]["person"], test[0]["measurement"])] if test else None
            for regressor, name in PEERS[peer]["regressors"].items():
                tracker = mode_tracker(name, mode)
                predictions = np.full((len(test), 2), np.nan)
                if len(fit) >= MIN_FIT_FRAMES and have:
                    notes["fits"] += 1
                    try:
                        predictions[have] = fit_predict(
                            peer, regressor, X, Y, np.array([test_feats[i] for i in have]), screen
                        )
                    except Exception as error:  # a peer's regressor refusing counts as no answer
                        notes["fits_failed"] += 1
                        log(f"{tracker} could not fit {protocol} {key}: {error}")
                elif test:
                    notes["fits_failed"] += 1
                    log(
                        f"{tracker}: {protocol} {key}: {len(fit)} calibration frames with a face; no fit"
                    )
                for row in calibration:
                    out.append(_prediction(tracker, row, None, table))
                for row, point in zip(test, predictions, strict=True):
                    out.append(_prediction(tracker, row, point, table))
    return out, notes


def _prediction(tracker: str, row: dict, point, table: dict) -> dict:
    features = table[(row["person"], row["measurement"], row["image"])][0]
    result = {"tracker": tracker, **row}
    result["pred_x"] = None if point is None or not np.isfinite(point[0]) else float(point[0])
    result["pred_y"] = None if point is None or not np.isfinite(point[1]) else float(point[1])
    result["face_found"] = features is not None
    return result


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, help="dataset folder (measurement format)")
    parser.add_argument(
        "--k", type=int, default=9, help="calibration samples per sitting (protocol A)"
    )
    parser.add_argument(
        "--sittings", type=Path, help="sittings JSON from real_world.py (else read DATA)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "eyetracker-peers.json"
    )
    parser.add_argument(
        "--draws",
        type=int,
        choices=range(1, 5),
        default=1,
        help="protocol A's different choices of K per sitting (real_world.py's --draws)",
    )
    parser.add_argument("--csv", type=Path, help="also write the rows as CSV here")
    parser.add_argument("--face-model", type=Path, default=DEFAULT_FACE_MODEL)
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "eyetracker-real-world" / "features",
    )
    parser.add_argument("--peers", default="eyetrax,gazefollower")
    args = parser.parse_args(argv)

    if not args.face_model.is_file():
        parser.error(f"face model {args.face_model} not found (it is in shared/assets/)")
    os.environ["EYETRAX_FACE_LANDMARKER_MODEL"] = str(args.face_model.resolve())  # never download
    if args.sittings:
        sittings = json.loads(args.sittings.read_text(encoding="utf-8"))
        sittings = [{**s, "samples": [tuple(x) for x in s["samples"]]} for s in sittings]
    else:
        sittings = read_sittings(args.data)
    rows, summary = build_plan(sittings, args.k, args.draws)
    screens = {(s["person"], s["measurement"]): s.get("screen") or {} for s in sittings}
    plan_frames = [name for s in sittings for name, _, _ in s["samples"]]

    result = {
        "versions": versions(),
        "face_model": str(args.face_model),
        "plan": summary,
        "peers": {},
        "rows": [],
    }
    for peer in [p.strip() for p in args.peers.split(",") if p.strip()]:
        info: dict = {"regressors": PEERS[peer]["regressors"], "timing": {}, "notes": {}}
        for landmark_mode in LANDMARK_MODES:
            log(f"{peer}: {landmark_mode} features for {len(plan_frames)} frames")
            table, timing = extract(peer, sittings, args.face_model, args.cache_dir, landmark_mode)
            for blinks in BLINK_FILTERS:
                mode = f"{landmark_mode}, {blinks}"
                started = time.perf_counter()
                predicted, info["notes"][mode] = predict_rows(peer, rows, table, screens, mode)
                timing[f"fit_predict_seconds, {blinks}"] = round(time.perf_counter() - started, 1)
                result["rows"].extend(predicted)
            info["timing"][landmark_mode] = timing
            log(f"{peer} ({landmark_mode}): {timing}")
        result["peers"][peer] = info

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result), encoding="utf-8")
    if args.csv:
        import csv

        with args.csv.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=PREDICTION_KEYS)
            writer.writeheader()
            writer.writerows(result["rows"])
    log(f"wrote {len(result['rows'])} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
