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

from fairfields_desktop.ui.launch import load_style
from fairfields_desktop.ui.main_window import MainWindow
from ui_walk import screens_and_tabs

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
    load_style(qapp)  # as the app does at start: style.qss, and style-dark.qss on a dark palette
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


#: a `color:` declaration (in a style sheet or an inline HTML style) with a fixed #rgb/#rrggbb colour
COLOUR = re.compile(r"(?<![-\w])color\s*:\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b")
BACKGROUND = re.compile(r"background(?:-color)?\s*:\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b")
INLINE_STYLE = re.compile(r"""style\s*=\s*(['"])(.*?)\1""", re.IGNORECASE | re.DOTALL)


def is_large(font: QFont) -> bool:
    """WCAG large text: 18pt, or 14pt bold."""
    size = font.pointSizeF()
    return size >= 18 or (size >= 14 and font.weight() >= QFont.Weight.DemiBold)


def fixed_colours(label) -> list[tuple[str, str | None]]:  # noqa: ANN001
    """(text colour, its own background or None) set by the label's style sheet or its rich text's styles."""
    found = []
    sheet = label.styleSheet()
    for colour in COLOUR.findall(sheet):
        background = BACKGROUND.search(sheet)
        found.append((colour, background.group(1) if background else None))
    for _, style in INLINE_STYLE.findall(label.text()):
        background = BACKGROUND.search(style)
        found.extend((colour, background.group(1) if background else None) for colour in COLOUR.findall(style))
    return found


def low_contrast_labels(window: MainWindow, where: str, offenders: dict[str, str]) -> None:
    from PySide6.QtWidgets import QLabel, QTextEdit

    from fairfields_desktop.ui.contrast import AA_LARGE, AA_TEXT, contrast

    window_colour = window.palette().color(QPalette.ColorRole.Window).name()
    for label in window.findChildren(QLabel):
        if not label.isVisible():
            continue
        minimum = AA_LARGE if is_large(label.font()) else AA_TEXT
        for colour, background in fixed_colours(label):
            against = background or window_colour
            ratio = contrast(colour, against)
            if ratio < minimum:
                name = label.objectName() or " ".join(re.sub(r"<[^>]+>", " ", label.text()).split())[:40]
                offenders[f"{where}: {name or '(empty label)'} {colour} on {against}"] = f"{ratio:.2f}:1"
    # rich text panes (a pupil's detail, a booking's): each run of text with a colour of its own, on its own
    # background, else its table cell's, else the palette's base
    base_colour = window.palette().color(QPalette.ColorRole.Base).name()
    for pane in window.findChildren(QTextEdit):
        if not pane.isVisible() or pane.document().isEmpty():
            continue
        for colour, against, text in coloured_runs(pane.document(), base_colour):
            ratio = contrast(colour, against)
            if ratio < AA_TEXT:
                name = pane.objectName() or pane.accessibleName() or type(pane).__name__
                offenders[f"{where}: {name} {colour} on {against} ({text[:30]})"] = f"{ratio:.2f}:1"


def low_contrast_cells(window: MainWindow, where: str, offenders: dict[str, str], rows: int = 60) -> None:
    """Each cell of a visible list, table or tree that sets its own text or background colour keeps 4.5:1: its
    colour on its background, the palette's text on its background, or its colour on the palette's base."""
    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView

    from fairfields_desktop.ui.contrast import AA_TEXT, contrast

    palette = window.palette()
    base, text = (palette.color(QPalette.ColorRole.Base).name(), palette.color(QPalette.ColorRole.Text).name())

    def colour(value) -> str | None:  # noqa: ANN001
        if value is None:
            return None
        return (value.color() if hasattr(value, "color") else QColor(value)).name()

    def columns(model, parent: QModelIndex) -> int:  # noqa: ANN001
        try:
            return model.columnCount(parent)
        except TypeError:  # a list model keeps columnCount private: one column
            return 1

    def has_children(model, index: QModelIndex) -> bool:  # noqa: ANN001
        try:
            return model.hasChildren(index)
        except TypeError:  # list and table models keep it private: flat
            return False

    def check(view, model, parent: QModelIndex, depth: int) -> None:  # noqa: ANN001
        for row in range(min(model.rowCount(parent), rows)):
            for column in range(columns(model, parent)):
                index = model.index(row, column, parent)
                if view.selectionModel() is not None and view.selectionModel().isSelected(index):
                    continue  # the palette's highlight pair, not the cell's own
                fg = colour(index.data(Qt.ItemDataRole.ForegroundRole))
                bg = colour(index.data(Qt.ItemDataRole.BackgroundRole))
                if fg is None and bg is None:
                    continue
                ratio = contrast(fg or text, bg or base)
                if ratio < AA_TEXT:
                    name = view.accessibleName() or view.objectName() or type(view).__name__
                    words = str(index.data() or "")[:30]
                    offenders[f"{where}: {name} ({words}) {fg or text} on {bg or base}"] = f"{ratio:.2f}:1"
            if depth < 3 and has_children(model, model.index(row, 0, parent)):
                check(view, model, model.index(row, 0, parent), depth + 1)

    for view in window.findChildren(QAbstractItemView):
        if view.isVisible() and view.model() is not None and not isinstance(view, QHeaderView):
            check(view, view.model(), QModelIndex(), 0)


def coloured_runs(document, base_colour: str) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """(text colour, background, text) of each fragment of a rich text document that sets its own colour."""
    from PySide6.QtGui import QTextCursor, QTextFormat

    runs = []
    block = document.begin()
    while block.isValid():
        cursor = QTextCursor(block)
        table = cursor.currentTable()
        cell_format = table.cellAt(cursor).format() if table is not None else None
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fragment.isValid() and fragment.text().strip() and fmt.hasProperty(QTextFormat.Property.ForegroundBrush):
                background = base_colour
                for source in (fmt, block.blockFormat(), cell_format):
                    if source is not None and source.hasProperty(QTextFormat.Property.BackgroundBrush):
                        background = source.background().color().name()
                        break
                runs.append((fmt.foreground().color().name(), background, fragment.text()))
            it += 1
        block = block.next()
    return runs


def select_first_rows(page) -> None:  # noqa: ANN001
    """Select the first row of each visible list and table, and the first leaf of each tree, so the detail
    beside it shows."""
    from PySide6.QtWidgets import QAbstractItemView

    for view in page.findChildren(QAbstractItemView):
        model = view.model()
        if view.isVisible() and model is not None and model.rowCount() and not view.currentIndex().isValid():
            index = model.index(0, 0)
            while model.rowCount(index):
                index = model.index(0, 0, index)
            view.setCurrentIndex(index)
    QApplication.processEvents()


@pytest.mark.parametrize("username", ["hcarter", "mokafor", "sbrown", "ttaylor", "admin"])
def test_no_label_fixes_a_text_colour_unreadable_on_the_high_contrast_window(qtbot, sqlite_school, actor, username,
                                                                            high_contrast_large_text):
    """A label's own `color:` (its style sheet, or an inline style in its rich text) keeps AA contrast against
    the window under "High Contrast Black": 4.5:1, or 3:1 for large text (18pt, or 14pt bold)."""
    window = MainWindow(sqlite_school, actor(sqlite_school, username))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    offenders: dict[str, str] = {}
    for where in screens_and_tabs(window, select_first_rows):
        low_contrast_labels(window, where, offenders)
        low_contrast_cells(window, where, offenders)
    assert not offenders, "\n".join(f"{k}: {v}" for k, v in sorted(offenders.items()))


def test_the_label_check_finds_a_dark_colour_on_black(qtbot, high_contrast_large_text):
    """The check is not vacuous: dark red in a style sheet, dark blue in a label's rich text, grey in a text
    pane and a pale cell left with the palette's white text are caught; pairs that set their own light
    background and dark text (a span's, a table cell's, an item's) are not."""
    from PySide6.QtWidgets import (
        QLabel,
        QMainWindow,
        QTableWidget,
        QTableWidgetItem,
        QTextBrowser,
        QVBoxLayout,
        QWidget,
    )

    window = QMainWindow()
    qtbot.addWidget(window)
    body = QWidget()
    layout = QVBoxLayout(body)
    error = QLabel("Something went wrong")
    error.setObjectName("error")
    error.setStyleSheet("color: #8a1c1c")
    title = QLabel("<h3 style='color:#1a3a5c'>A title</h3>")
    paired = QLabel("<span style='background:#ececec; color:#8a1c1c'>On its own grey</span>")
    pane = QTextBrowser()
    pane.setObjectName("pane")
    pane.setHtml("<p style='color:#555'>Muted</p><p style='color:#ffffff'>White</p><table><tr>"
                 "<td style='background:#fff0c0;color:#1b1b1b'><b>Warning</b></td><td>text</td></tr></table>")
    table = QTableWidget(1, 2)
    table.setAccessibleName("cells")
    pale, dark_on_pale = QTableWidgetItem("pale only"), QTableWidgetItem("dark on pale")
    pale.setBackground(QColor("#e6f4ea"))
    dark_on_pale.setBackground(QColor("#e6f4ea"))
    dark_on_pale.setForeground(QColor("#1b1b1b"))
    table.setItem(0, 0, pale)
    table.setItem(0, 1, dark_on_pale)
    table.setCurrentCell(-1, -1)
    for w in (error, title, paired, pane, table):
        layout.addWidget(w)
    window.setCentralWidget(body)
    window.show()
    offenders: dict[str, str] = {}
    low_contrast_labels(window, "t", offenders)  # type: ignore[arg-type]
    low_contrast_cells(window, "t", offenders)  # type: ignore[arg-type]
    assert sorted(offenders) == ["t: A title #1a3a5c on #000000", "t: cells (pale only) #ffffff on #e6f4ea",
                                 "t: error #8a1c1c on #000000", "t: pane #555555 on #000000 (Muted)"], offenders


def test_unticked_boxes_stay_visible_on_a_black_window(qtbot, high_contrast_large_text):
    """Fusion draws a box's outline from the window colour made darker: black on black. The dark style
    draws it in the text colour, and fills a ticked one."""
    from PySide6.QtWidgets import QCheckBox, QRadioButton, QVBoxLayout, QWidget

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    boxes = [QCheckBox("Has an EHCP"), QCheckBox("Looked after"), QRadioButton("This PC")]
    boxes[1].setChecked(True)
    for box in boxes:
        layout.addWidget(box)
    root.show()
    qtbot.waitExposed(root)

    def indicator_pixels(box) -> set[str]:  # noqa: ANN001
        """The colours inside the box's indicator (where the style says it is drawn)."""
        from PySide6.QtWidgets import QStyle, QStyleOptionButton

        option = QStyleOptionButton()
        box.initStyleOption(option)
        element = QStyle.SubElement.SE_RadioButtonIndicator if isinstance(box, QRadioButton) \
            else QStyle.SubElement.SE_CheckBoxIndicator
        rect = box.style().subElementRect(element, option, box)
        image = box.grab().toImage()
        return {image.pixelColor(x, y).name() for x in range(rect.left(), rect.right() + 1)
                for y in range(rect.top(), rect.bottom() + 1)}

    for box in boxes:
        bright = {c for c in indicator_pixels(box) if QColor(c).lightness() > 128}
        assert bright, f"{box.text()}: its box is not drawn (only {sorted(indicator_pixels(box))[:5]}…)"
    highlight = QApplication.instance().palette().color(QPalette.ColorRole.Highlight).name()
    assert highlight in indicator_pixels(boxes[1]) and highlight not in indicator_pixels(boxes[0])
