"""A writer killed with SIGKILL mid-measurement leaves a valid measurement."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from eyetracker.core.dataset import load_dataset, load_measurement
from eyetracker.core.measurement import MeasurementWriter

# Adds samples forever, printing the count after each add returns.
WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np
    from eyetracker.core.measurement import MeasurementWriter, Screen

    writer = MeasurementWriter(sys.argv[1], "p01", Screen(1920, 1080), measurement="m1",
                               extra={"app": "test"})
    rng = np.random.default_rng(0)
    i = 0
    while True:
        image = rng.integers(0, 255, (48, 64, 3), dtype=np.uint8)
        writer.add(image, (i % 97) / 97, (i % 89) / 89, index=i)
        i += 1
        print(i, flush=True)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("kill_after", [1, 25])
def test_killed_writer_leaves_a_valid_measurement(tmp_path, kill_after):
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        for line in process.stdout:
            if int(line) >= kill_after:
                break
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=10)
        process.stdout.close()
    assert process.returncode == -signal.SIGKILL

    dataset = load_dataset(tmp_path)

    assert dataset.problems == []
    [measurement] = dataset.measurements
    assert len(measurement) >= kill_after
    assert [s.extra["index"] for s in measurement] == list(range(len(measurement)))
    assert measurement.extras == {"app": "test"}

    # The app's "resume" continues where the killed writer stopped.
    resumed = MeasurementWriter.resume(measurement.folder)
    resumed.add(np.zeros((48, 64, 3), np.uint8), 0.5, 0.5, index=len(measurement))
    after = load_measurement(measurement.folder)
    assert len(after) == len(measurement) + 1 and after.problems == []
