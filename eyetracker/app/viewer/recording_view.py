"""The recording viewer: heatmap and scan path over the screen, a time range, Export PNG.

Opened by File > Open recording… in the main window and by `eyetracker view RECORDING`.
The picture comes from eyetracker.outputs.recording.picture (OpenCV, no Qt), so the window shows
exactly what `eyetracker view --png` writes; this module only shows it and takes choices.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QMainWindow,
    QSlider,
    QVBoxLayout,
    QWidget,
)

import eyetracker.outputs.recording
from eyetracker.app.errors import show_error
from eyetracker.app.images import to_qimage
from eyetracker.core.errors import UserError

STEP_S = 0.1  # the sliders' resolution in seconds


class PictureView(QWidget):
    """Paints one QImage scaled to fit, keeping its aspect ratio."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = QImage()
        self.setMinimumSize(320, 180)

    def set_image(self, image: QImage) -> None:
        self.image = image
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#202020"))
        if not self.image.isNull():
            size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x, y = (self.width() - size.width()) / 2, (self.height() - size.height()) / 2
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(QRectF(x, y, size.width(), size.height()), self.image)
        painter.end()


class RecordingViewer(QMainWindow):
    """One recording: `rendered` is emitted each time the picture has been drawn anew."""

    rendered = Signal()

    def __init__(self, recording: eyetracker.outputs.recording.Recording, parent=None) -> None:
        super().__init__(parent)  # a window of its own even with a parent (QMainWindow)
        self.recording = recording
        self.setWindowTitle(f"{recording.folder.name} – eyetracker recording")
        if recording.gaze.damaged_tail:
            self.statusBar().showMessage(recording.gaze.damaged_tail)
        self.backdrop = eyetracker.outputs.recording.background(recording)
        self.image = self.backdrop  # the BGR picture shown (and exported)
        steps = max(1, math.ceil(recording.duration / STEP_S))

        self.view = PictureView()
        self.start = self._slider(steps, 0, "start")
        self.end = self._slider(steps, steps, "end")
        self.heatmap = QCheckBox("&Heatmap")
        self.scanpath = QCheckBox("&Scan path")
        for box in (self.heatmap, self.scanpath):
            box.setChecked(True)
            box.toggled.connect(self.schedule_render)
        self.range_label = QLabel()
        self.summary = QLabel()

        controls = QGridLayout()
        for row, (text, slider) in enumerate((("&From:", self.start), ("&To:", self.end))):
            label = QLabel(text)
            label.setBuddy(slider)
            controls.addWidget(label, row, 0)
            controls.addWidget(slider, row, 1)
        controls.addWidget(self.range_label, 0, 2)
        controls.addWidget(self.heatmap, 0, 3)
        controls.addWidget(self.scanpath, 1, 3)
        controls.addWidget(self.summary, 1, 2)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.view, 1)
        layout.addLayout(controls)
        self.setCentralWidget(central)
        self._build_menu()

        # Dragging a slider asks for many pictures: draw the latest wish once the events settle.
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(0)
        self._render_timer.timeout.connect(self.render)
        width, height = self.backdrop.shape[1], self.backdrop.shape[0]
        self.resize(min(1100, width), min(800, round(height * min(1100, width) / width) + 110))
        self.render()

    def _slider(self, steps: int, value: int, name: str) -> QSlider:
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setObjectName(f"viewer-{name}")
        slider.setRange(0, steps)
        slider.setValue(value)
        slider.valueChanged.connect(self._range_moved)
        return slider

    def _build_menu(self) -> None:
        export = QAction("&Export PNG…", self)
        export.setShortcut(QKeySequence("Ctrl+E"))
        export.triggered.connect(lambda: self.export_png())
        close = QAction("&Close", self)
        close.setShortcut(QKeySequence.StandardKey.Close)
        close.triggered.connect(self.close)
        menu = self.menuBar().addMenu("&File")
        menu.addAction(export)
        menu.addSeparator()
        menu.addAction(close)
        self.export_action = export

    # --- the time range --------------------------------------------------------------------

    def time_range(self) -> tuple[float, float]:
        """(from, to) in seconds; `to` at the slider's end means the whole rest."""
        start = self.start.value() * STEP_S
        end = math.inf if self.end.value() == self.end.maximum() else self.end.value() * STEP_S
        return start, end

    def set_time_range(self, start: float, end: float) -> None:
        self.start.setValue(round(start / STEP_S))
        self.end.setValue(round(min(end, self.end.maximum() * STEP_S) / STEP_S))

    def _range_moved(self) -> None:
        # The two ends never cross: moving one past the other pushes the other along.
        if self.start.value() > self.end.value():
            if self.sender() is self.start:
                self.end.setValue(self.start.value())
            else:
                self.start.setValue(self.end.value())
        self.schedule_render()

    # --- drawing ---------------------------------------------------------------------------

    def schedule_render(self) -> None:
        self._render_timer.start()

    def render(self) -> None:
        start, end = self.time_range()
        self.image = eyetracker.outputs.recording.picture(
            self.recording,
            start,
            end,
            heatmap=self.heatmap.isChecked(),
            scanpath=self.scanpath.isChecked(),
            backdrop=self.backdrop,
        )
        self.view.set_image(to_qimage(self.image))
        g = self.recording.gaze
        shown = (g.time >= start) & (g.time <= end)
        fixations = len(self.recording.fixations.between(start, end))
        last = min(end, self.recording.duration)
        self.range_label.setText(f"{start:.1f} – {last:.1f} s")
        self.summary.setText(
            f"{int((shown & g.valid).sum())} of {int(shown.sum())} samples with gaze, "
            f"{fixations} fixations"
        )
        self.rendered.emit()

    # --- export ----------------------------------------------------------------------------

    def export_png(self, path: str | None = None) -> Path | None:
        """Save the picture as shown (at its full size); asks where when `path` is None."""
        if path is None:
            suggested = str(self.recording.folder / "heatmap.png")
            path, _ = QFileDialog.getSaveFileName(
                self, "Export the picture", suggested, "PNG images (*.png)"
            )
            if not path:
                return None
            if not path.lower().endswith(".png"):
                path += ".png"
        try:
            saved = eyetracker.outputs.recording.save_png(self.image, path)
        except UserError as error:
            show_error(self, str(error))
            return None
        self.statusBar().showMessage(f"Saved {saved}.", 8000)
        return saved


def open_recording(parent: QWidget, folder: str | Path) -> RecordingViewer | None:
    """A viewer for the recording in `folder`, shown, owned by `parent` and deleted when
    closed; a dialog (and None) when the folder is not a readable recording."""
    try:
        recording = eyetracker.outputs.recording.read(folder)
    except UserError as error:
        show_error(parent, str(error))
        return None
    viewer = RecordingViewer(recording, parent)
    viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    viewer.show()
    return viewer


def run_viewer(recording: eyetracker.outputs.recording.Recording) -> int:
    """`eyetracker view RECORDING`: the viewer as the only window."""
    from PySide6.QtWidgets import QApplication

    from eyetracker.app.settings import APPLICATION, ORGANIZATION
    from eyetracker.doctor.qt_platform import forget_opencv_qt_paths

    forget_opencv_qt_paths()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    viewer = RecordingViewer(recording)
    viewer.show()
    return int(app.exec())
