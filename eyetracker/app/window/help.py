"""Help > Documentation and Help > Open log folder.

The documentation is the README, shown in the app: from the source checkout when the app runs
from one (its links to docs/*.md open in the same window), else from the installed package's
metadata, which carries the README too. The log folder opens in the desktop's file manager.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QTextCursor, QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

import eyetracker
from eyetracker.app.errors import show_error
from eyetracker.app.paths import data_dir

LOG_NAME = "eyetracker.log"


def log_file() -> Path:
    """Where the app logs (warnings, uncaught errors): in its data folder."""
    return data_dir() / LOG_NAME


def checkout_readme() -> Path | None:
    """README.md of the source checkout the app runs from (an editable install), if any."""
    readme = Path(eyetracker.__file__).resolve().parents[1] / "README.md"
    return readme if readme.is_file() else None


def packaged_readme() -> str:
    """The README as the installed package's metadata carries it ("" if it does not)."""
    try:
        metadata = importlib.metadata.metadata("eyetracker")
    except importlib.metadata.PackageNotFoundError:
        return ""
    return metadata.get("Description") or metadata.get_payload() or ""


class DocumentationBrowser(QTextBrowser):
    """A text browser no wider than its window: images shrink to its width (never grow) and
    follow it as it is resized; code blocks wrap their long lines (a command's) instead of
    widening the page."""

    IMAGE = QTextDocument.ResourceType.ImageResource

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="documentation")
        self._images: dict[str, QImage] = {}  # as loaded, by the name the document uses
        self.sourceChanged.connect(lambda _url: self.wrap_code_blocks())

    def wrap_code_blocks(self) -> None:
        """Let the blocks that keep their lines whole (code) wrap at the browser's width."""
        block = self.document().begin()
        while block.isValid():
            fmt = block.blockFormat()
            if fmt.nonBreakableLines():
                fmt.setNonBreakableLines(False)
                QTextCursor(block).setBlockFormat(fmt)
            block = block.next()

    def image_room(self) -> int:
        """The widest an image may be: the viewport less the document's margins."""
        margin = 2 * self.document().documentMargin()
        return max(16, self.viewport().width() - round(margin) - 4)

    def _fitted(self, image: QImage) -> QImage:
        room = self.image_room()
        if image.width() <= room:
            return image
        return image.scaledToWidth(room, Qt.TransformationMode.SmoothTransformation)

    def loadResource(self, kind: int, url: QUrl):  # noqa: N802 (Qt's name)
        data = super().loadResource(kind, url)
        if kind != self.IMAGE or data is None:
            return data
        image = data if isinstance(data, QImage) else QImage.fromData(data)
        if image.isNull():
            return data
        self._images[url.toString()] = image
        return self._fitted(image)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if not self._images:
            return
        document = self.document()
        for name, image in self._images.items():
            document.addResource(self.IMAGE, QUrl(name), self._fitted(image))
        document.markContentsDirty(0, document.characterCount())


class DocumentationDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("eyetracker documentation")
        self.browser = DocumentationBrowser()
        self.browser.setOpenExternalLinks(True)
        readme = checkout_readme()
        if readme is not None:
            self.browser.setSource(QUrl.fromLocalFile(str(readme)))
        else:
            self.browser.setMarkdown(
                packaged_readme() or "The documentation is the README of the eyetracker project."
            )
            self.browser.wrap_code_blocks()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(820, 640)


def show_documentation(window: QWidget) -> DocumentationDialog:
    from eyetracker.app.placement import place_over

    dialog = DocumentationDialog(window)
    place_over(dialog, window)
    dialog.show()
    return dialog


def open_log_folder(window: QWidget) -> bool:
    """Open the folder of the log in the file manager; a dialog says where it is if none can."""
    folder = log_file().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        show_error(window, f"The log folder {folder} cannot be made ({error.strerror}).")
        return False
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return True
    show_error(
        window,
        f"No file manager could open {folder}; the log is {LOG_NAME} in that folder.",
    )
    return False
