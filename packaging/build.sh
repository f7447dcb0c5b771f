#!/usr/bin/env bash
# Build the one-folder app bundle dist/eyetracker/ from build.spec, then check it: the
# headless self-test, one sub-command that needs torch, the size, and the start-up time.
#
#   packaging/build.sh                     # with the python of the active venv
#   PYTHON=.venv/bin/python packaging/build.sh
#
# Needs eyetracker/resources/models/default.pt + default.onnx (packaging/train_default_model.py)
# and eyetracker/resources/icons/eyetracker.png (packaging/make_icon.py). Not run in CI. See
# docs/packaging.md.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python}
RUNS=${RUNS:-5}
BUNDLE=dist/eyetracker/eyetracker
export QT_QPA_PLATFORM=offscreen

echo "== installing the build tools (pyproject's [build] extra)"
"$PYTHON" -m pip install --quiet -e ".[build]"

echo "== pyinstaller build.spec"
"$PYTHON" -m PyInstaller build.spec --noconfirm

echo "== self-test"
"$BUNDLE" --self-test

echo "== a sub-command that needs torch answers in one sentence"
set +e
message=$("$BUNDLE" train /nonexistent --out /tmp/eyetracker-build-check.pt 2>&1)
status=$?
set -e
echo "$message"
if [[ $status -ne 2 || $message != *"pip install eyetracker"* || $(wc -l <<<"$message") -ne 1 ]]; then
    echo "build.sh: expected one sentence and exit status 2 from 'train' (got $status)" >&2
    exit 1
fi

echo "== size"
du -sh dist/eyetracker
archive="dist/eyetracker-$("$BUNDLE" --version)-$(uname -s | tr A-Z a-z)-$(uname -m).tar.gz"
tar -C dist -czf "$archive" eyetracker
du -h "$archive"

echo "== start-up time of --self-test ($RUNS runs)"
if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs "$RUNS" "$BUNDLE --self-test"
else
    "$BUNDLE" --self-test >/dev/null  # warm-up: the first run reads the files from disk
    TIMEFORMAT="%R s"
    for _ in $(seq "$RUNS"); do
        time "$BUNDLE" --self-test >/dev/null
    done
fi
