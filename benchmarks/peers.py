"""The peers' predictions for the real-world benchmark: EyeTrax and GazeFollower, their own code.

Runs INSIDE the peers' venv (real_world.py builds it and calls this script); of eyetracker
it uses only the numpy-only modules protocols.py imports by path (the calibration spread and
the metric). It reads a dataset in the measurement format (or the sittings real_world.py
hands it, so both score the same rows), extracts each peer's features once per image with the
peer's own feature code (cached in --cache-dir, outside the repository), then for protocols A
and B fits each peer's own regressor classes on the calibration rows and predicts the test
rows.

    python benchmarks/peers.py DATA [--k 9] [--draws 1] [--out /tmp/peers.json] [--face-model FILE]

How each peer is called (neither offers a "features of this image" call outside its camera
loop, so this calls the lowest-level pieces those loops use):
- EyeTrax: `eyetrax.gaze.GazeEstimator(face_landmarker_model=...).extract_features(frame)`
  (MediaPipe Face Landmarker in video mode over each sitting in capture order -> eye landmarks
  in a head frame + head pose; and its blink flag), and `eyetrax.models.create_model("ridge" |
  "elastic_net")` with their defaults, trained on screen pixels as EyeTrax's calibration does.
  Like EyeTrax's calibration, blinking frames are left out of the fit.
- GazeFollower: `MediaPipeFaceAlignment(model_path=..., enable_filter=False)` (its default
  config turns the filter off) `.detect` then `MGazeNetGazeEstimator().detect` (its MNN CNN on
  face and eye crops) -> the 258-value feature vector, and `MultivariateRidgeCalibration()` /
  `SVRCalibration()` `.calibrate` and `.predict`, on normalized screen coordinates as
  GazeFollower uses without a physical screen size. Like its calibration, frames whose eye
  openness is at or below its blink threshold (10) are left out of the fit.
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
    PREDICTION_KEYS,
    build_plan,
    groups,
    read_sittings,
)

DEFAULT_FACE_MODEL = (
    Path(__file__).resolve().parents[2] / "shared" / "assets" / "face_landmarker.task"
)
GAZEFOLLOWER_BLINK_THRESHOLD = 10  # DefaultConfig.eye_blink_threshold (eye area, px^2)
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


def _cache_file(cache_dir: Path, peer: str, sitting: dict, face_model: Path) -> Path:
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
        ]
    )
    digest = hashlib.sha1(key.encode()).hexdigest()[:16]
    return cache_dir / peer / f"{sitting['person']}-{sitting['measurement']}-{digest}.npz"


class EyeTraxFeatures:
    """EyeTrax's own extract_features; a fresh estimator per sitting (video-mode tracking)."""

    name = "eyetrax"

    def __init__(self, face_model: Path) -> None:
        self.face_model = face_model

    def sitting(self, images: list) -> tuple[np.ndarray, np.ndarray]:
        from eyetrax.gaze import GazeEstimator

        estimator = GazeEstimator(face_landmarker_model=str(self.face_model))
        features, usable = [], []
        try:
            for image in images:
                found, blink = (None, False) if image is None else estimator.extract_features(image)
                features.append(found)
                usable.append(found is not None and not blink)
        finally:
            estimator.close()
        return _stack(features), np.array(usable, dtype=bool)


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
            log("GazeFollower could not load the Face Landmarker; it falls back to its BlazeFace")

    def sitting(self, images: list) -> tuple[np.ndarray, np.ndarray]:
        features, usable = [], []
        for index, image in enumerate(images):
            if image is None:
                features.append(None)
                usable.append(False)
                continue
            face = self.alignment.detect(index / 10.0, image)
            gaze = self.estimator.detect(image, face)
            ok = bool(gaze.status and gaze.features is not None)
            features.append(np.asarray(gaze.features, dtype=np.float32) if ok else None)
            usable.append(
                ok
                and face.left_eye_openness > GAZEFOLLOWER_BLINK_THRESHOLD
                and face.right_eye_openness > GAZEFOLLOWER_BLINK_THRESHOLD
            )
        return _stack(features), np.array(usable, dtype=bool)

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
    peer: str, sittings: list[dict], face_model: Path, cache_dir: Path
) -> tuple[dict, dict]:
    """{(person, measurement, image): (features or None, usable for fitting)} and timings."""
    import cv2

    extractor = None
    table: dict = {}
    frames, seconds, cached = 0, 0.0, 0
    timed_frames, timed_seconds = 0, 0.0  # this run's extraction and the cache's records
    for sitting in sittings:
        cache = _cache_file(cache_dir, peer, sitting, face_model)
        names = [s[0] for s in sitting["samples"]]
        if cache.is_file():
            with np.load(cache) as stored:
                features, usable = stored["features"], stored["usable"]
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
            features, usable = extractor.sitting(images)
            took = time.perf_counter() - started
            seconds += took
            frames += len(names)
            timed_frames += len(names)
            timed_seconds += took
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.savez(cache, features=features, usable=usable, seconds=np.float64(took))
            log(
                f"{peer}: {sitting['person']}/{sitting['measurement']}: {len(names)} frames, "
                f"{np.isfinite(features).all(axis=1).mean() * 100 if len(names) else 0:.1f}% with a face"
            )
        for name, f, u in zip(names, features, usable, strict=True):
            has = f.size > 0 and bool(np.isfinite(f).all())
            table[(sitting["person"], sitting["measurement"], name)] = (
                f if has else None,
                bool(u and has),
            )
    if extractor is not None and hasattr(extractor, "close"):
        extractor.close()
    timing = {
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
    peer: str, rows: list[dict], table: dict, screens: dict
) -> tuple[list[dict], dict]:
    out: list[dict] = []
    notes = {"fits": 0, "fits_failed": 0, "fits_with_blinks_kept": 0}
    for protocol in ("A", "B"):
        for key, group in groups(rows, protocol).items():
            calibration, test = group["calibration"], group["test"]
            feats = [table[(r["person"], r["measurement"], r["image"])] for r in calibration]
            fit = [i for i, (f, usable) in enumerate(feats) if usable]
            if len(fit) < MIN_FIT_FRAMES:
                notes["fits_with_blinks_kept"] += 1
                fit = [i for i, (f, _) in enumerate(feats) if f is not None]
            X = np.array([feats[i][0] for i in fit])
            Y = np.array([(calibration[i]["true_x"], calibration[i]["true_y"]) for i in fit])
            test_feats = [table[(r["person"], r["measurement"], r["image"])][0] for r in test]
            have = [i for i, f in enumerate(test_feats) if f is not None]
            screen = screens[(test[0]["person"], test[0]["measurement"])] if test else None
            for regressor, tracker in PEERS[peer]["regressors"].items():
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

    result = {
        "versions": versions(),
        "face_model": str(args.face_model),
        "plan": summary,
        "peers": {},
        "rows": [],
    }
    for peer in [p.strip() for p in args.peers.split(",") if p.strip()]:
        log(f"{peer}: features for {sum(len(s['samples']) for s in sittings)} frames")
        table, timing = extract(peer, sittings, args.face_model, args.cache_dir)
        started = time.perf_counter()
        predicted, notes = predict_rows(peer, rows, table, screens)
        timing["fit_predict_seconds"] = round(time.perf_counter() - started, 1)
        result["peers"][peer] = {"timing": timing, "notes": notes}
        result["rows"].extend(predicted)
        log(f"{peer}: {timing}")

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
