"""A screen whose capability is still to come: it says plainly what it will hold."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PlaceholderScreen(QWidget):
    def __init__(self, title: str, description: str, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setObjectName("screenTitle")
        body = QLabel(description)
        body.setObjectName("placeholderText")
        body.setWordWrap(True)
        body.setAccessibleName(f"{title}: what this screen will hold")
        layout.addWidget(heading)
        layout.addWidget(body)
        layout.addStretch(1)
        self.description = description
