"""Test configuration: Qt runs offscreen, and every test writes only under its tmp_path."""

from __future__ import annotations

import os

# Set before anything imports Qt: GUI tests never need a display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
