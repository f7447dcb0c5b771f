"""The bundle's entry script (build.spec): the `eyetracker` command, frozen."""

from __future__ import annotations

import multiprocessing
import sys

from eyetracker.cli import main

if __name__ == "__main__":
    # `eyetracker synth` renders in a spawn pool; frozen children re-enter here first.
    multiprocessing.freeze_support()
    sys.exit(main())
