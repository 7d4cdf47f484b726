"""Keyboard shortcuts for a screen's main actions, named in the button's tooltip and in the Actions menu.

A button keeps its Alt+letter mnemonic (from the & in its text); `add_shortcut` gives it a second, Ctrl
shortcut as a QShortcut that belongs to the button, so it is live only while the button is visible and
enabled: the same keys can serve "New" on every screen and tab without ever being ambiguous.
`screen_actions` lists what a screen offers now, with its keys (the main window's Actions menu).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QPushButton, QWidget


def keys_text(keys: str | QKeySequence | QKeySequence.StandardKey) -> str:
    """The keys as a person reads them on this platform ("Ctrl+N")."""
    sequence = keys if isinstance(keys, QKeySequence) else QKeySequence(keys)
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def add_shortcut(button: QAbstractButton, keys: str | QKeySequence.StandardKey, tip: str | None = None) -> QShortcut:
    """Press ``keys`` anywhere in the window to click ``button`` while it is shown and enabled.

    The tooltip becomes ``tip`` (or stays as it is) followed by the keys, unless it names them already.
    """
    sequence = QKeySequence(keys)
    shortcut = QShortcut(sequence, button)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    shortcut.activated.connect(lambda: button.isEnabled() and button.isVisible() and button.click())
    text = keys_text(sequence)
    portable = sequence.toString(QKeySequence.SequenceFormat.PortableText)
    base = tip if tip is not None else button.toolTip()
    if text not in base and portable not in base:
        base = f"{base} ({text})" if base else f"{label_of(button)} ({text})"
    button.setToolTip(base)
    return shortcut


def label_of(button: QAbstractButton) -> str:
    """The button's text without its mnemonic ampersand (a literal && stays one &)."""
    return button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")


@dataclass(frozen=True)
class Entry:
    """One line of the Actions menu: what it does, its keys, whether it can be done now, and doing it."""
    label: str
    keys: str
    enabled: bool
    trigger: Callable[[], object]


def screen_actions(screen: QWidget) -> list[Entry]:
    """What can be done on ``screen`` as it is shown now: its push buttons (in reading order) with their
    keys (the Ctrl shortcut, else the Alt+letter), then its own actions that have keys (Undo, Find…)."""
    if screen is None:
        return []
    buttons = [b for b in screen.findChildren(QPushButton) if b.isVisible() and b.text().strip()]
    buttons.sort(key=lambda b: (b.mapTo(screen, QPoint(0, 0)).y() // 20, b.mapTo(screen, QPoint(0, 0)).x()))
    entries = []
    for button in buttons:
        extra = [s for s in button.findChildren(QShortcut) if not s.key().isEmpty()]
        keys = keys_text(extra[0].key()) if extra else keys_text(button.shortcut())
        entries.append(Entry(label_of(button), keys, button.isEnabled(), button.click))
    for action in screen.actions():
        if action.text().strip() and not action.shortcut().isEmpty():
            entries.append(Entry(action.text().replace("&", ""), keys_text(action.shortcut()),
                                 action.isEnabled(), action.trigger))
    return entries


__all__ = ["Entry", "add_shortcut", "keys_text", "label_of", "screen_actions"]
