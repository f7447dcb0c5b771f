"""The lasting notes above the preview: no camera, no model, first run, drift.

One line per key, each with optional link words at its end; clicking them runs that line's
action. An empty text removes the line, and the bar hides when no line is left.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

Link = tuple[str, Callable[[], object]]  # (link words, what clicking them does)


class NoticeBar(QLabel):
    def __init__(self) -> None:
        super().__init__(textFormat=Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setStyleSheet("background:#fff3cd; color:#664d03; padding:6px; border-radius:4px")
        self.hide()
        self._notices: dict[str, tuple[str, Link | None]] = {}
        self.linkActivated.connect(self._clicked)

    def show_notice(self, key: str, text: str, link: Link | None = None) -> None:
        """The line for `key` ("" removes it), with `link` at its end."""
        self._notices[key] = (text, link)
        lines = []
        for name, (line, action) in self._notices.items():
            if line:
                words = f' <a href="{name}">{html.escape(action[0])}</a>' if action else ""
                lines.append(html.escape(line) + words)
        self.setText("<br>".join(lines))
        self.setVisible(bool(lines))

    def _clicked(self, key: str) -> None:
        link = self._notices[key][1]
        if link is not None:
            link[1]()
