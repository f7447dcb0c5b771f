"""A copy of a dataset whose samples record no capture time, each sample given one.

    python benchmarks/add_capture_times.py /tmp/real-dev /tmp/real-dev-timed --interval 0.1

A sitting that records no times is read as samples a second apart (Measurement.capture_times),
as a measurement's dots are. The real development frames are every 3rd frame of a 30 fps video,
0.1 s apart: given their times, a sitting is seen as the video it was (the landmarker tracks
the face, blinks have their duration). The images are hard links (no copy); each
measurement.json gets "t": index * interval per sample, in its samples' order.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def add_capture_times(source: Path, out: Path, interval: float) -> int:
    """Write the timed copy; returns the number of sittings."""
    manifests = sorted(source.rglob("measurement.json"))
    for manifest in manifests:
        folder = manifest.parent
        target = out / folder.relative_to(source)
        target.mkdir(parents=True, exist_ok=True)
        data = json.loads(manifest.read_text(encoding="utf-8"))
        for index, sample in enumerate(data["samples"]):
            sample["t"] = round(index * interval, 6)
            image = target / sample["image"]
            if not image.exists():
                image.parent.mkdir(parents=True, exist_ok=True)
                os.link(folder / sample["image"], image)
        (target / "measurement.json").write_text(json.dumps(data), encoding="utf-8")
    return len(manifests)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between samples")
    args = parser.parse_args(argv)
    if args.interval <= 0:
        parser.error("--interval must be above 0")
    print(f"{add_capture_times(args.source, args.out, args.interval)} sittings -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
