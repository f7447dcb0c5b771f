"""The packaged app ships without torch and onnx: ONNX Runtime must run a shipped model alone."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from eyetracker.model.checkpoint import save_checkpoint
from eyetracker.model.export import export_onnx
from eyetracker.model.info import ModelInfo
from eyetracker.model.preprocess import Preprocessing
from tests.helpers.models import trained_a_little

# Runs in a child: `None` in sys.modules makes `import torch` fail and find_spec return None,
# as in a bundle that leaves torch out.
WITHOUT_TORCH = """
import json, sys
sys.modules["torch"] = sys.modules["onnx"] = None
import numpy as np
from eyetracker.core.errors import UserError
from eyetracker.inference.backends import create_backend
model, kind = sys.argv[1], sys.argv[2]
try:
    backend = create_backend(model, kind, "cpu")
except UserError as error:
    print(json.dumps({"error": str(error)}))
    raise SystemExit(0)
gaze = backend.predict(np.zeros((1, 1, 48, 96), np.float32), np.array([[0.5, 0.5, 0.3]], np.float32))
leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "onnx") and sys.modules[m])
print(json.dumps({"backend": backend.name, "shape": list(gaze.shape), "leaked": leaked}))
"""


@pytest.fixture(scope="module")
def shipped_model(tmp_path_factory):
    """A .pt model with its exported .onnx twin next to it, as resources/models ships them."""
    path = tmp_path_factory.mktemp("shipped") / "default.pt"
    model, info = trained_a_little("gazenet"), ModelInfo("gazenet", Preprocessing("face", 96, 48))
    save_checkpoint(path, model, info)
    export_onnx(model, info, path.with_suffix(".onnx"))
    return path


def run_without_torch(model, kind="auto") -> dict:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_TORCH, str(model), kind],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_auto_runs_the_onnx_twin_of_a_pt_model_without_torch(shipped_model):
    result = run_without_torch(shipped_model)
    assert result == {"backend": "onnxruntime", "shape": [1, 2], "leaked": []}


def test_the_torch_backend_without_torch_is_one_clear_sentence(shipped_model):
    result = run_without_torch(shipped_model, "torch")
    assert "needs PyTorch" in result["error"] and "onnxruntime backend" in result["error"]


def test_a_pt_model_without_a_twin_says_what_to_do(shipped_model, tmp_path):
    lonely = tmp_path / "lonely.pt"
    lonely.write_bytes(shipped_model.read_bytes())
    result = run_without_torch(lonely)
    assert "no ONNX twin lonely.onnx" in result["error"]
