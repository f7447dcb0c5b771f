"""The demo end to end, as a newcomer would click it: the real main window with the synthetic
camera and the bundled model, Tools > Quick calibration, Validate now, the validation report.

    xvfb-run -a -s "-screen 0 1600x900x24" python tests/app/demo_tour.py OUT [--timeout 480]
        [--real-settings]

It runs in settings and data folders of its own (a temporary folder, removed afterwards;
the data folder is EYETRACKER_DATA_DIR when that is set), so the backend, device, user and
"demo" profile it chooses never reach the user's own; --real-settings uses the user's.

It follows the calibration's advice once: when the verdict names a point to redo (the
synthetic person blinked at that dot, say), it clicks "Redo point N" before "Validate now".
Writes OUT/demo-calibration.png (the residuals and verdict; after a redo also
demo-calibration-redone.png), OUT/demo-validation.png (the report), OUT/tour.json (the
calibration quality, before and after a redo, and the validation report) and exits 0; on a
failure or time-out exits 1 with one line saying where it stopped. test_demo_e2e.py runs it;
the screenshots in docs/screenshots/ come from it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

CHECK_MS = 100


def use_own_folders(folder: Path) -> None:
    """Settings (QSettings' INI files) under folder/settings and, unless EYETRACKER_DATA_DIR
    is set, data under folder/data: the tour's choices stay out of the user's own."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder / "settings"))
    os.environ.setdefault("EYETRACKER_DATA_DIR", str(folder / "data"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--timeout", type=float, default=480.0, help="seconds for the tour")
    parser.add_argument(
        "--real-settings",
        action="store_true",
        help="use the user's own settings and data folder (default: a temporary one)",
    )
    args = parser.parse_args(argv)
    from eyetracker.doctor.qt_platform import forget_opencv_qt_paths

    forget_opencv_qt_paths()
    if args.real_settings:
        return run_tour(args)
    with tempfile.TemporaryDirectory(prefix="eyetracker-demo-") as folder:
        use_own_folders(Path(folder))
        return run_tour(args)


def run_tour(args: argparse.Namespace) -> int:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox

    from eyetracker.app.errors import install_excepthook
    from eyetracker.app.paths import data_dir
    from eyetracker.app.screens.calibration import CalibrationScreen
    from eyetracker.app.screens.validation import ValidationScreen
    from eyetracker.app.settings import APPLICATION, ORGANIZATION
    from eyetracker.app.window.controls import select_data
    from eyetracker.app.window.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)  # as the app: its data and settings folders
    app.setApplicationName(APPLICATION)
    install_excepthook(data_dir() / "eyetracker.log")  # as the app: an error is a dialog
    window = MainWindow(cameras=[])  # no webcam: the synthetic demo camera
    select_data(window.controls.backend, "torch")  # the bundled model, quick to load
    select_data(window.controls.device, "cpu")
    window.controls.user.setCurrentText("demo")
    window.show()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    state = {"step": "calibration", "failure": ""}
    tour: dict = {}

    def screens(kind):
        return [s for s in window.tools.open_screens if isinstance(s, kind)]

    def stop(failure: str = "") -> None:
        state["failure"] = failure
        checker.stop()
        (out / "tour.json").write_text(json.dumps(tour, indent=1))
        window.close()
        app.quit()

    def check() -> None:
        dialogs = [w for w in app.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if dialogs:
            stop(f"a dialog opened at step {state['step']}: {dialogs[0].text()}")
            return
        step = state["step"]
        if step == "calibration" and screens(CalibrationScreen):
            [screen] = screens(CalibrationScreen)
            if screen.intro.isVisible():
                QTest.keyClick(screen, Qt.Key.Key_Space)  # Start
                state["step"] = "calibrating"
        elif step == "calibrating":
            [screen] = screens(CalibrationScreen)
            if screen.feedback.isVisible():
                redone = "calibration" in tour
                name = "calibration-redone" if redone else "calibration"
                screen.grab().save(str(out / f"demo-{name}.png"))
                tour[name] = screen.quality.to_json()
                if screen.quality.redo is not None and not redone:
                    screen.feedback.redo.click()  # the one point again, then a new fit
                    return
                state["step"] = "validation"
                screen.feedback.validate.click()
        elif step == "validation" and screens(ValidationScreen):
            [screen] = screens(ValidationScreen)
            QTest.keyClick(screen, Qt.Key.Key_Space)  # Start
            state["step"] = "validating"
        elif step == "validating":
            [screen] = screens(ValidationScreen)
            if screen.saved is not None:
                screen.grab().save(str(out / "demo-validation.png"))
                tour["validation"] = screen.report
                screen.close()
                stop()

    checker = QTimer()
    checker.timeout.connect(check)
    checker.start(CHECK_MS)
    QTimer.singleShot(0, window.tools.calibration)
    QTimer.singleShot(round(args.timeout * 1000), lambda: stop(f"timed out at {state['step']}"))
    app.exec()
    if state["failure"]:
        print(f"demo tour FAILED: {state['failure']}", flush=True)
        return 1
    report = tour["validation"]
    verdicts = [tour[k]["verdict"] for k in ("calibration", "calibration-redone") if k in tour]
    print(
        f"demo tour ok: calibration {' -> redone: '.join(verdicts)}; validation accuracy "
        f"{report['accuracy_pct']:.1f}% of the screen, {report['targets_with_samples']} of "
        f"{report['targets_total']} targets",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
