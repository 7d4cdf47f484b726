"""Accessibility: every interactive widget on every screen, for every role, is named and in the tab order.

Also: table/list/tree views are named, and the professionals' checks say their level in words (never colour alone).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSlider,
    QTextEdit,
    QWidget,
)

from fairfields_desktop.ui.main_window import MainWindow
from ui_walk import screens_and_tabs

ROLES = ("hcarter", "mokafor", "sbrown", "ttaylor", "admin")
INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QPlainTextEdit,
               QTextEdit, QSlider)
#: Qt's own parts of a composite widget (the line edit inside a spin box or an editable combo box, a table's
#: corner button, an item editor): they take their name from the widget around them
COMPOSITES = (QAbstractSpinBox, QComboBox, QAbstractItemView)

#: offenders in files other engineers are editing (people_view.py, request_dialogs.py, settings_view.py,
#: launch.py, main_window.py, sign_in.py): the lead fixes these, then empties this set. Each entry is
#: "screen/ClassName/objectName-or-description" as `describe` writes it; anything else found fails the test.
KNOWN_FOR_LEAD: set[str] = set()


def describe(screen: str, widget: QWidget) -> str:
    label = widget.objectName() or (widget.text() if isinstance(widget, QAbstractButton) else "")
    return f"{screen}/{type(widget).__name__}/{label or '?'}/{widget.parentWidget().__class__.__name__}"


def is_part_of_composite(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, COMPOSITES):
            return True
        parent = parent.parentWidget()
    return False


def has_name(widget: QWidget, buddies: set[int]) -> bool:
    if widget.accessibleName().strip():
        return True
    if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
        return True
    return id(widget) in buddies


def buddy_ids(root: QWidget) -> set[int]:
    return {id(label.buddy()) for label in root.findChildren(QLabel)
            if label.buddy() is not None and label.isVisible() and label.text().strip()}


def audit(root: QWidget, screen: str, checked: dict[str, object], problems: dict[str, str]) -> None:
    buddies = buddy_ids(root)
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or not widget.isVisible() or not widget.isEnabled():
            continue
        if is_part_of_composite(widget):
            continue
        key = describe(screen, widget)
        checked[str(id(widget))] = widget
        if not has_name(widget, buddies):
            problems[key] = "no accessible name"
        elif isinstance(widget, QAbstractItemView) and not widget.accessibleName().strip():
            problems[key] = "view without an accessible name"
        if not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            problems[key] = problems.get(key, "") + " out of the tab order"
        if isinstance(widget, QAbstractButton):
            shortcut = widget.shortcut()
            own = shortcut.toString(QKeySequence.SequenceFormat.PortableText)
            if own and shortcut != QKeySequence.mnemonic(widget.text()) and own not in widget.toolTip():
                problems[key] = problems.get(key, "") + f" tooltip does not name its shortcut {own}"


@pytest.mark.parametrize("username", ROLES)
def test_every_interactive_widget_is_named_and_in_the_tab_order(qtbot, sqlite_school, actor, username, capsys):
    window = MainWindow(sqlite_school, actor(sqlite_school, username))
    qtbot.addWidget(window)
    window.show()
    checked: dict[str, object] = {}
    problems: dict[str, str] = {}
    for where in screens_and_tabs(window):
        audit(window, where, checked, problems)
    with capsys.disabled():
        print(f"\n[a11y] {username}: {len(checked)} interactive widgets checked, {len(problems)} problems")
    assert checked
    unexpected = {k: v for k, v in problems.items() if k not in KNOWN_FOR_LEAD}
    assert not unexpected, "\n".join(f"{k}: {v}" for k, v in sorted(unexpected.items()))


def test_the_audit_finds_an_unnamed_or_untabbable_widget(qtbot):
    """The audit is not vacuous: a bare line edit, a focus-less button and an unnamed table are all caught."""
    from PySide6.QtWidgets import QPushButton, QTableView, QVBoxLayout

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    bare = QLineEdit()
    labelled = QLineEdit()
    label = QLabel("&Name")
    label.setBuddy(labelled)
    button = QPushButton("&Go")
    button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    shortcut = QPushButton("Save")
    shortcut.setShortcut(QKeySequence("Ctrl+S"))
    for w in (bare, label, labelled, button, shortcut, QTableView()):
        layout.addWidget(w)
    root.show()
    checked: dict[str, object] = {}
    problems: dict[str, str] = {}
    audit(root, "t", checked, problems)
    assert len(checked) == 5
    assert sorted(problems.values()) == sorted([
        "no accessible name", " out of the tab order", " tooltip does not name its shortcut Ctrl+S",
        "no accessible name"]), problems


def test_the_checks_column_says_the_level_in_words(qtbot, sqlite_school, actor):
    window = MainWindow(sqlite_school, actor(sqlite_school, "sbrown"))
    qtbot.addWidget(window)
    window.show()
    window.show_screen("professionals")
    screen = window.screens["professionals"]
    from fairfields_desktop.ui.models.professionals import ProfessionalsModel

    [model] = [m for m in (v.model() for v in screen.findChildren(QAbstractItemView)) if m is not None
               and isinstance(getattr(m, "sourceModel", lambda: None)() or m, ProfessionalsModel)][:1]
    assert model.rowCount() > 0
    levels = set()
    for row in range(model.rowCount()):
        text = model.index(row, ProfessionalsModel.CHECKS).data().casefold()
        words = [w for w in ("valid", "warning", "blocked") if text.startswith(w)]
        assert words, f"row {row}: the checks column says {text!r}, not valid/warning/blocked in words"
        levels.update(words)
    assert {"valid", "warning"} <= levels
