"""Help: a short user guide for each role (Markdown in resources/help/), all guides, and About.

The header's "Help" button holds the menu; F1 opens the guide for the signed-in person's role.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QMenu,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

#: role → (file in resources/help, who it is for); the order is the order of "All guides"
GUIDES: dict[str, tuple[str, str]] = {
    "headteacher": ("headteacher.md", "Headteacher"),
    "senco": ("senco.md", "SENCO"),
    "office": ("office.md", "Office"),
    "teacher": ("teacher.md", "Class teacher"),
}
INDEX = "index"


def help_dir() -> Path:
    from ..config import resources_dir

    return resources_dir() / "help"


def guide_for(roles: object) -> str:
    """The guide for someone with ``roles`` (the first that has one), else the list of all guides."""
    for role in roles or ():  # type: ignore[union-attr]
        if role in GUIDES:
            return role
    return INDEX


def index_markdown() -> str:
    lines = ["# Fairfields Desktop user guides", "",
             "A short guide for each role: what it does in the app, and its main tasks step by step.", ""]
    lines += [f"- [{label}]({name})" for name, label in GUIDES.values()]
    lines += ["", "Press **F1** in the main window to open the guide for your own role."]
    return "\n".join(lines)


def about_text() -> str:
    from .. import __version__

    return (f"<b>Fairfields Desktop</b> {__version__}<br>"
            "Pupils, EHCPs, professionals, therapy requests and shared spaces for a special school.<br>"
            "Help: the Help button or F1 opens the guide for your role.")


class HelpDialog(QDialog):
    """One guide at a time, rendered from Markdown; links move between the guides."""

    def __init__(self, parent: QWidget | None = None, guide: str = INDEX) -> None:
        super().__init__(parent)
        self.setWindowTitle("Fairfields Desktop — help")
        self.resize(900, 680)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("User guide")
        self.browser.setOpenLinks(False)
        self.browser.setSearchPaths([str(help_dir())])
        self.browser.anchorClicked.connect(self.on_link)
        self.all_button = QPushButton("&All guides")
        self.all_button.clicked.connect(lambda: self.show_guide(INDEX))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.all_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(row)
        self.guide = INDEX
        self.show_guide(guide)

    def show_guide(self, guide: str) -> None:
        if guide in GUIDES:
            name, label = GUIDES[guide]
            try:
                text = (help_dir() / name).read_text(encoding="utf-8")
            except OSError:
                text = f"# {label}\n\nThe guide {name} is missing from {help_dir()}."
            self.setWindowTitle(f"Fairfields Desktop — guide for the {label}")
        else:
            guide, text = INDEX, index_markdown()
            self.setWindowTitle("Fairfields Desktop — user guides")
        self.guide = guide
        self.browser.setMarkdown(text)
        self._fit_images()
        self.browser.verticalScrollBar().setValue(0)

    def _fit_images(self, width: int = 840) -> None:
        """Screenshots (1100 wide) shown at the dialog's width; the height follows."""
        document = self.browser.document()
        block = document.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                if fragment.isValid() and fragment.charFormat().isImageFormat():
                    image = fragment.charFormat().toImageFormat()
                    image.setWidth(width)
                    cursor = QTextCursor(document)
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                    cursor.setCharFormat(image)
                it += 1
            block = block.next()

    def on_link(self, url: QUrl) -> None:
        target = url.toString()
        for role, (name, _label) in GUIDES.items():
            if target == name:
                self.show_guide(role)
                return
        if url.scheme() in ("http", "https", "mailto"):
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(url)


def install_help(window, header_layout: QHBoxLayout, actor) -> None:  # noqa: ANN001
    """A "Help" button before "Sign out" in the main window's header: the role's guide (F1), all
    guides, About. Sets ``window.help_button``, ``window.guide_action`` and, once open, ``window.help_dialog``."""
    window.help_dialog = None
    role = guide_for(actor.roles)
    label = GUIDES[role][1] if role in GUIDES else None

    def open_guide(guide: str) -> None:
        if window.help_dialog is None:
            window.help_dialog = HelpDialog(window, guide)
        else:
            window.help_dialog.show_guide(guide)
        window.help_dialog.show()
        window.help_dialog.raise_()
        window.help_dialog.activateWindow()

    menu = QMenu(window)
    window.guide_action = QAction(f"User guide for {'the ' + label if label else 'your role'}", window)
    window.guide_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    window.guide_action.triggered.connect(lambda _checked=False: open_guide(role))
    all_action = QAction("All guides", window)
    all_action.triggered.connect(lambda _checked=False: open_guide(INDEX))
    about_action = QAction("About Fairfields Desktop", window)
    about_action.triggered.connect(lambda _checked=False: QMessageBox.about(window, "About Fairfields Desktop",
                                                                             about_text()))
    for action in (window.guide_action, all_action, about_action):
        menu.addAction(action)
    window.addAction(window.guide_action)  # F1 works wherever the focus is in the window
    window.help_button = QPushButton("Help")
    window.help_button.setObjectName("help")
    window.help_button.setToolTip("User guides and About (F1: the guide for your role)")
    window.help_button.setMenu(menu)
    index = header_layout.indexOf(window.sign_out_button)
    header_layout.insertWidget(index if index >= 0 else header_layout.count(), window.help_button)


__all__ = ["GUIDES", "HelpDialog", "about_text", "guide_for", "install_help"]
