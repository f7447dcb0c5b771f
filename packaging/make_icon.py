"""Save the app's icon (the eye drawn by eyetracker.app.window.menus.app_icon) as
eyetracker/resources/icons/eyetracker.png, for the bundle's executable and desktop entries.

    python packaging/make_icon.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZE = 256
OUT = Path(__file__).resolve().parents[1] / "eyetracker" / "resources" / "icons" / "eyetracker.png"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from eyetracker.app.window.menus import app_icon

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    if not app_icon(SIZE).pixmap(SIZE, SIZE).save(str(OUT), "PNG"):
        print(f"could not write {OUT}", file=sys.stderr)
        return 1
    print(f"wrote {OUT} ({SIZE}x{SIZE})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
