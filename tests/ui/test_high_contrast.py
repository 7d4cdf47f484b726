"""High contrast and large text: the app under a "High Contrast Black" palette and a 150 % font.

Screenshots go to /tmp/a11y-*.png for a person to look at; the assertions check what a machine can: the
style sheet does not fix a text colour without its background (or the reverse), and each screen still fits.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from fairfields_desktop.ui.main_window import MainWindow

STYLE = Path(__file__).parents[2] / "resources" / "style.qss"
SHOTS = Path("/tmp")


def high_contrast_black() -> QPalette:
    """As Windows' "High Contrast Black": black surfaces, white text, yellow links, cyan selection."""
    palette = QPalette()
    black, white = QColor("#000000"), QColor("#ffffff")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase,
                     QPalette.ColorRole.Button, QPalette.ColorRole.ToolTipBase):
            palette.setColor(group, role, black)
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                     QPalette.ColorRole.ToolTipText, QPalette.ColorRole.BrightText):
            palette.setColor(group, role, white)
        palette.setColor(group, QPalette.ColorRole.Link, QColor("#ffff00"))
        palette.setColor(group, QPalette.ColorRole.LinkVisited, QColor("#ffff00"))
        palette.setColor(group, QPalette.ColorRole.Highlight, QColor("#1aebff"))
        palette.setColor(group, QPalette.ColorRole.HighlightedText, black)
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#c0c0c0"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#3ff23f"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#3ff23f"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#3ff23f"))
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.Button):
        palette.setColor(QPalette.ColorGroup.Disabled, role, black)
    return palette


@pytest.fixture
def high_contrast_large_text(qapp):  # noqa: ANN001, ANN201
    old_palette, old_font, old_sheet = qapp.palette(), qapp.font(), qapp.styleSheet()
    font = QFont(old_font)
    font.setPointSizeF(old_font.pointSizeF() * 1.5)
    qapp.setPalette(high_contrast_black())
    qapp.setFont(font)
    qapp.setStyleSheet(STYLE.read_text(encoding="utf-8"))  # as launch.load_style does
    yield font
    qapp.setStyleSheet(old_sheet)
    qapp.setFont(old_font)
    qapp.setPalette(old_palette)


@pytest.mark.parametrize("username", ["sbrown", "mokafor"])
def test_dashboard_and_pupils_under_high_contrast_and_large_text(qtbot, sqlite_school, actor, username,
                                                                  high_contrast_large_text):
    window = MainWindow(sqlite_school, actor(sqlite_school, username))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    assert QApplication.font().pointSizeF() == pytest.approx(high_contrast_large_text.pointSizeF())
    for key in ("dashboard", "pupils", "professionals"):
        window.show_screen(key)
        if key == "pupils":
            table = window.screens["pupils"].findChild(type(window.nav).__mro__[2])  # a QAbstractItemView
            if table is not None and table.model() is not None and table.model().rowCount():
                table.setCurrentIndex(table.model().index(0, 0))
        QApplication.processEvents()
        image = window.grab().toImage()
        path = SHOTS / f"a11y-{username}-{key}.png"
        assert image.save(str(path)), path
        # the window is dark, as the palette says: most pixels are near black
        dark = sum(1 for x in range(0, image.width(), 16) for y in range(0, image.height(), 16)
                   if QColor(image.pixel(x, y)).lightness() < 60)
        total = len(range(0, image.width(), 16)) * len(range(0, image.height(), 16))
        assert dark / total > 0.6, f"{key}: only {dark}/{total} sampled pixels are dark under high contrast"


def test_the_style_sheet_never_fixes_a_text_colour_without_its_background():
    """A rule that sets only `color:` (or only `background:`) to a fixed colour pairs it with whatever the
    palette gives: dark blue text on a high-contrast black window. Fixed colours come in pairs or not at all."""
    text = re.sub(r"/\*.*?\*/", "", STYLE.read_text(encoding="utf-8"), flags=re.DOTALL)
    lonely = []
    for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", text):
        props = {k.strip(): v.strip() for k, v in (p.split(":", 1) for p in body.split(";") if ":" in p)}
        fg = props.get("color", "")
        bg = props.get("background", props.get("background-color", ""))
        fixed_fg, fixed_bg = fg.startswith("#"), bg.startswith("#")
        if fixed_fg != fixed_bg and (fg or bg):
            lonely.append(f"{selector.strip()}: color={fg or '-'} background={bg or '-'}")
    assert not lonely, "\n".join(lonely)
