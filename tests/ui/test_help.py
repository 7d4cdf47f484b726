"""Help: F1 opens the guide for the signed-in person's role; the guides' screenshots resolve."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QApplication

from fairfields_desktop.ui.help_view import GUIDES, INDEX, HelpDialog, about_text, guide_for, help_dir
from fairfields_desktop.ui.main_window import MainWindow


@pytest.fixture
def demo(open_school, sqlite_url):  # noqa: ANN001, ANN201
    services = open_school(sqlite_url)
    services.dataset.load_demo()
    return services


def close(window) -> None:  # noqa: ANN001
    window._signing_out = True
    window.close()


@pytest.mark.parametrize(("username", "guide", "title"), [
    ("hcarter", "headteacher", "Guide for the headteacher"),
    ("mokafor", "senco", "Guide for the SENCO"),
    ("ttaylor", "teacher", "Guide for the class teacher"),
])
def test_f1_opens_the_guide_for_the_signed_in_role(qtbot, demo, actor, username, guide, title):
    window = MainWindow(demo, actor(demo, username))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.help_button.isVisible()
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F1)
    try:
        assert window.help_dialog is not None and window.help_dialog.isVisible()
        assert window.help_dialog.guide == guide
        assert window.help_dialog.browser.toPlainText().startswith(title)
    finally:
        if window.help_dialog is not None:
            window.help_dialog.close()
        close(window)


def test_the_administrator_gets_all_guides_and_links_move_between_them(qtbot):
    assert guide_for(["admin"]) == INDEX
    dialog = HelpDialog(None, INDEX)
    qtbot.addWidget(dialog)
    assert "Class teacher" in dialog.browser.toPlainText()
    dialog.on_link(QUrl("office.md"))
    assert dialog.guide == "office"
    assert dialog.browser.toPlainText().startswith("Guide for the office")
    dialog.all_button.click()
    assert dialog.guide == INDEX


@pytest.mark.parametrize("role", list(GUIDES))
def test_every_guide_is_short_and_its_images_resolve(qtbot, role):
    name, _label = GUIDES[role]
    text = (help_dir() / name).read_text(encoding="utf-8")
    assert 40 <= len(text.splitlines()) <= 80
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert images
    dialog = HelpDialog(None, role)
    qtbot.addWidget(dialog)
    document = dialog.browser.document()
    for image in images:
        assert (help_dir() / image).is_file(), image
        loaded = dialog.browser.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl(image))
        assert loaded is not None, image
        picture = QImage.fromData(loaded)
        assert not picture.isNull(), image
        assert picture.width() <= 1100 and picture.height() <= 700
    assert document is not None


def test_about_gives_the_version():
    from fairfields_desktop import __version__

    assert __version__ in about_text()
