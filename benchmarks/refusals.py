"""Frames the tracker refuses, and where the person looked then: does looking down read as
closed eyes?

    python benchmarks/refusals.py FOLDER [--out benchmarks/results/refusals.json]

A frame is refused when the tracker gives no point for it (eyetracker.inference.pipeline, the
bundled model). FOLDER is either a dataset in the measurement format (each sample's target
height is known: the refusals are counted per fifth of the screen's height, each sitting
seen as a stream at its samples' capture times, as the tracker sees a camera) or a folder of
images in subfolders named by screen region (`bottom`, `top_left`, ...: such as the
EyeGazePipeline crops; each image seen on its own, as a still). Either is evaluation data:
never commit it or anything derived from it, only this script's figures. Prints one line per
group and writes the JSON figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def region_refusals(folder: Path, backend) -> dict:
    """Per region subfolder: images, refused, and why (each image a still)."""
    from eyetracker.core.images import read_image
    from eyetracker.core.types import Frame
    from eyetracker.inference.pipeline import FramePipeline

    out = {}
    pipeline = FramePipeline(backend, video=False)
    try:
        for region in sorted(p for p in folder.iterdir() if p.is_dir()):
            reasons: Counter = Counter()
            images = sorted(p for p in region.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            for index, path in enumerate(images):
                image = read_image(path)
                if image is None:
                    reasons["unreadable image"] += 1
                    continue
                raw = pipeline.raw(Frame(image, timestamp=float(index), index=index))
                reasons["usable" if raw.point is not None else raw.reason] += 1
            if images:
                out[region.name] = _counts(reasons)
    finally:
        pipeline.close()
    return out


def height_refusals(folder: Path, backend) -> dict:
    """Per fifth of the screen's height: samples, refused, and why (each sitting a stream
    at its samples' capture times, blinks held as the tracker holds them)."""
    from eyetracker.core.dataset import load_dataset
    from eyetracker.core.images import read_image
    from eyetracker.core.types import Frame
    from eyetracker.inference.pipeline import FramePipeline

    by_band: dict[str, Counter] = defaultdict(Counter)
    for measurement in load_dataset(folder):
        pipeline = FramePipeline(backend, video=True)
        try:
            times = measurement.capture_times()
            for index, (sample, t) in enumerate(zip(measurement.samples, times, strict=True)):
                image = read_image(measurement.image_path(sample))
                raw = pipeline.raw(Frame(image, timestamp=t, index=index))
                band = min(int(sample.y * 5), 4)
                reason = "usable" if raw.point is not None else raw.reason
                by_band[f"y {band / 5:.1f}-{(band + 1) / 5:.1f}"][reason] += 1
        finally:
            pipeline.close()
    return {band: _counts(by_band[band]) for band in sorted(by_band)}


def _counts(reasons: Counter) -> dict:
    total = sum(reasons.values())
    refused = total - reasons["usable"]
    return {
        "frames": total,
        "refused": refused,
        "refused_pct": round(100.0 * refused / total, 2),
        "reasons": {k: v for k, v in reasons.items() if k != "usable"},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--out", type=Path, default=None, help="the JSON figures file")
    args = parser.parse_args(argv)
    from eyetracker.core.dataset import NotADatasetError, load_dataset
    from eyetracker.inference.backends import create_backend
    from eyetracker.model.resources import default_model_path

    # The bundled model with its running statistics: which frames give a point does not
    # depend on the statistics.
    backend = create_backend(default_model_path(), "torch", "cpu")
    try:
        load_dataset(args.folder)
        kind, groups = "target height (streams)", height_refusals(args.folder, backend)
    except NotADatasetError:
        kind, groups = "screen region (stills)", region_refusals(args.folder, backend)
    for name, entry in groups.items():
        print(
            f"{name:14s} {entry['refused']:5d} of {entry['frames']:5d} refused "
            f"({entry['refused_pct']:.1f}%) {entry['reasons']}"
        )
    result = {"command": " ".join(sys.argv), "grouped_by": kind, "groups": groups}
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
