"""Keyboard use: each screen's main actions have keys, the Actions menu shows them, they work, and no two
keys live at the same moment clash (Qt does nothing on an ambiguous shortcut but move the focus).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel, QTabBar, QWidget

from fairfields_desktop.ui.main_window import MainWindow
from fairfields_desktop.ui.shortcuts import screen_actions
from ui_walk import screens_and_tabs

ROLES = ("hcarter", "mokafor", "sbrown", "ttaylor", "admin")


def portable(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.PortableText)


def live_keys(window: QWidget) -> dict[str, list[str]]:
    """Every key sequence that works in the window now, and what owns it.

    A button counts while shown even when disabled (it becomes enabled when a row is chosen)."""
    owners: dict[str, list[str]] = {}

    def add(sequence: QKeySequence, what: str) -> None:
        if portable(sequence):
            owners.setdefault(portable(sequence), []).append(what)

    for button in window.findChildren(QAbstractButton):
        if button.isVisible():
            add(button.shortcut(), f"button {button.text()!r}")
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if shortcut.isEnabled() and parent.isVisible():
            add(shortcut.key(), f"shortcut of {getattr(parent, 'text', lambda: type(parent).__name__)()!r}")
    for label in window.findChildren(QLabel):
        if label.isVisible() and label.buddy() is not None and "&" in label.text():
            add(QKeySequence.mnemonic(label.text()), f"label {label.text()!r}")
    for bar in window.findChildren(QTabBar):
        if bar.isVisible():
            for index in range(bar.count()):
                add(QKeySequence.mnemonic(bar.tabText(index)), f"tab {bar.tabText(index)!r}")
    seen: set[int] = set()
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        for action in widget.actions():
            if id(action) in seen or not action.isEnabled():
                continue
            seen.add(id(action))
            for sequence in action.shortcuts():
                add(sequence, f"action {action.text()!r}")
    return owners


@pytest.fixture
def window_for(qtbot, sqlite_school, actor):  # noqa: ANN001, ANN201
    def make(username: str) -> MainWindow:
        window = MainWindow(sqlite_school, actor(sqlite_school, username))
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # shortcuts work in the active window
        return window
    return make


@pytest.mark.parametrize("username", ROLES)
def test_no_two_keys_clash_on_any_screen_or_tab(window_for, username):
    window = window_for(username)
    clashes = []
    for state in screens_and_tabs(window):
        for keys, owners in live_keys(window).items():
            if len(owners) > 1:
                clashes.append(f"{state}: {keys}: {owners}")
    assert not clashes, "\n".join(clashes)


def test_the_clash_finder_finds_a_clash(qtbot):
    from PySide6.QtWidgets import QPushButton, QVBoxLayout

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    for text in ("&Save", "&Search", "&Print"):
        layout.addWidget(QPushButton(text))
    root.show()
    assert {k: v for k, v in live_keys(root).items() if len(v) > 1} == {
        "Alt+S": ["button '&Save'", "button '&Search'"]}


#: (role, screen or screen:tab) → keys that must be live there, each shown in the Actions menu
MAIN_ACTIONS = [
    ("sbrown", "pupils", {"Ctrl+N": "Add pupil", "Ctrl+E": "Edit", "Ctrl+F": "Find a pupil"}),
    ("sbrown", "professionals:Register and checks", {"Ctrl+N": "Add professional",
                                                     "Ctrl+E": "Edit details and checks"}),
    ("sbrown", "professionals:Visitors", {"Ctrl+N": "Sign a visitor in", "Ctrl+P": "Print fire list"}),
    ("mokafor", "requests", {"Ctrl+N": "New request…", "Ctrl+E": "Edit…"}),
    ("sbrown", "spaces", {"Ctrl+N": "New booking…", "Ctrl+M": "Move…", "Del": "Cancel booking…",
                          "Ctrl+T": "Today", "Alt+Left": "‹ Previous day", "Alt+Right": "Next day ›"}),
    ("mokafor", "ehcp:Reviews", {"Ctrl+N": "Schedule meeting…", "Ctrl+S": "Save paperwork"}),
    ("mokafor", "ehcp:Calendar", {"Ctrl+T": "This month", "Alt+Left": "‹ Previous month"}),
    ("mokafor", "ehcp:Needs assessments", {"Ctrl+N": "New assessment…"}),
    ("mokafor", "ehcp:Outcomes", {"Ctrl+N": "Add outcome…", "Ctrl+E": "Edit…", "Ctrl+Shift+N": "Add target…"}),
    ("mokafor", "ehcp:Advice requests", {"Ctrl+Shift+C": "Chase…"}),
    ("mokafor", "ehcp:Sessions to mark", {"Ctrl+D": "Delivered…"}),
    ("mokafor", "reports", {"F5": "Preview", "Ctrl+P": "Print…", "Ctrl+Shift+S": "Save as…"}),
    ("admin", "settings:School and database", {"Ctrl+S": "Save settings", "Ctrl+Shift+S": "Save terms"}),
    ("admin", "settings:Staff", {"Ctrl+N": "Add member of staff", "Ctrl+E": "Edit"}),
    ("admin", "settings:Classes", {"Ctrl+N": "Add class", "Ctrl+E": "Edit"}),
    ("admin", "settings:Spaces", {"Ctrl+N": "Add space", "Ctrl+E": "Edit"}),
    ("admin", "settings:Users", {"Ctrl+N": "New user…"}),
    ("admin", "settings:Retention", {"F5": "Refresh"}),
]


@pytest.mark.parametrize(("username", "where", "expected"), MAIN_ACTIONS,
                         ids=[f"{u}-{w}" for u, w, _ in MAIN_ACTIONS])
def test_the_main_actions_have_keys_shown_in_the_actions_menu(window_for, username, where, expected):
    window = window_for(username)
    for state in screens_and_tabs(window):
        if state == where:
            break
    else:
        pytest.fail(f"{where} is not a screen or tab {username} sees")
    live = live_keys(window)
    window.actions_menu.aboutToShow.emit()
    menu = {item.text() for item in window.actions_menu.actions()}
    for keys, label in expected.items():
        assert keys in live, f"{where}: {keys} ({label}) does nothing"
        assert f"{label}\t{keys}" in menu, f"{where}: the Actions menu lacks {label} with {keys}: {sorted(menu)}"
    entries = screen_actions(window.stack.currentWidget())
    assert all(entry.keys for entry in entries if entry.label not in EXEMPT), \
        [entry.label for entry in entries if not entry.keys and entry.label not in EXEMPT]


#: buttons editing the terms table, reached with Tab: every letter of their names is taken on that tab
EXEMPT = {"Add term", "Remove term", "Add closure", "Remove closure"}


def test_the_window_menus_name_the_window_wide_keys(window_for):
    window = window_for("hcarter")
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["Fairfields", "Go", "Actions", "Help"]
    texts = {}
    for action in window.menuBar().actions():
        for item in action.menu().actions():
            texts[item.text().split("\t")[0]] = (item.shortcut().toString() or item.text().partition("\t")[2])
    assert texts["Dashboard"] == "Ctrl+1" and texts["Settings"] == "Ctrl+8"
    assert texts["Lock the window now"] == "Ctrl+L"
    assert texts["Sign out"] == "Ctrl+Shift+L"
    assert texts["Quit"] == "Ctrl+Q"
    assert texts["User guide for the Headteacher"] == "F1"


def modal_title_after(qtbot, press) -> str:  # noqa: ANN001
    """Run ``press``; the title of the dialog it opens (closed again at once), or "" if none opened."""
    seen: list[str] = []

    def close_it() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog):
            seen.append(dialog.windowTitle())
            dialog.reject()

    QTimer.singleShot(200, close_it)
    window = QApplication.activeWindow()
    press()
    qtbot.wait(300)
    window.activateWindow()  # the offscreen platform does not give it back when the dialog closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return seen[0] if seen else ""


def test_keys_do_what_the_menu_says(window_for, qtbot):
    window = window_for("sbrown")
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen_key() == "professionals"
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen_key() == "spaces"
    spaces = window.screens["spaces"]
    today = spaces.day
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert spaces.day > today
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert spaces.day == today
    title = modal_title_after(qtbot, lambda: qtbot.keyClick(window, Qt.Key.Key_N,
                                                             Qt.KeyboardModifier.ControlModifier))
    assert "book" in title.casefold(), title
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    title = modal_title_after(qtbot, lambda: qtbot.keyClick(window, Qt.Key.Key_N,
                                                             Qt.KeyboardModifier.ControlModifier))
    assert "pupil" in title.casefold(), title


def test_an_action_from_the_menu_clicks_its_button(window_for, qtbot):
    window = window_for("sbrown")
    window.show_screen("spaces")
    spaces = window.screens["spaces"]
    today = spaces.day
    window.actions_menu.aboutToShow.emit()
    [next_day] = [a for a in window.actions_menu.actions() if a.text().startswith("Next day")]
    next_day.trigger()
    assert spaces.day > today


def open_dialog_keys(qtbot, button) -> tuple[str, dict[str, list[str]]]:  # noqa: ANN001
    """Click ``button``; the title and the clashing keys of each dialog it opens (each closed again)."""
    found: list[tuple[str, dict[str, list[str]]]] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            return
        QApplication.processEvents()
        found.append((dialog.windowTitle(), {k: v for k, v in live_keys(dialog).items() if len(v) > 1}))
        dialog.close()
        if isinstance(dialog, QDialog):
            dialog.reject()
        QTimer.singleShot(150, look)  # a second dialog may follow (e.g. "choose a row first")

    QTimer.singleShot(150, look)
    window = QApplication.activeWindow()
    button.click()
    qtbot.wait(200)
    if window is not None:
        window.activateWindow()
    return found


#: buttons that open Qt's own dialogs (files, folders, printing): their keys are Qt's, not ours
QT_OWN_DIALOGS = {"Print…", "Save as…", "Choose folder…", "Back up now…", "Restore…", "Export calendar…",
                  "Browse…", "Choose the export…", "Import from MIS…"}


@pytest.mark.parametrize("username", ["hcarter", "mokafor", "sbrown", "admin"])
def test_no_two_keys_clash_in_the_dialogs_the_screens_open(window_for, qtbot, username):
    """Every button whose name ends in "…" opens a dialog: its keys must not clash either."""
    from PySide6.QtWidgets import QPushButton

    window = window_for(username)
    clashes, opened = [], set()
    for state in screens_and_tabs(window):
        screen = window.stack.currentWidget()
        for button in screen.findChildren(QPushButton):
            text = button.text().replace("&", "")
            if not (button.isVisible() and button.isEnabled() and text.endswith("…")) or text in opened \
                    or text in QT_OWN_DIALOGS:
                continue
            opened.add(text)
            for title, clash in open_dialog_keys(qtbot, button):
                for keys, owners in clash.items():
                    clashes.append(f"{state} → {text} → {title}: {keys}: {owners}")
    assert opened
    assert not clashes, "\n".join(clashes)
