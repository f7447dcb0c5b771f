"""Help > Documentation and Help > Open log folder.

The documentation is the README, shown in the app: from the source checkout when the app runs
from one (its links to docs/*.md open in the same window), else from the installed package's
metadata, which carries the README too. The log folder opens in the desktop's file manager.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
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


class DocumentationDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("eyetracker documentation")
        self.browser = QTextBrowser(objectName="documentation")
        self.browser.setOpenExternalLinks(True)
        readme = checkout_readme()
        if readme is not None:
            self.browser.setSource(QUrl.fromLocalFile(str(readme)))
        else:
            self.browser.setMarkdown(
                packaged_readme() or "The documentation is the README of the eyetracker project."
            )
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
