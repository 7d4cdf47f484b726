"""One undo history per screen, named in the Actions menu, and changes already made put on it.

`install_undo(screen)` gives a screen its own `QUndoStack` with Undo (Ctrl+Z) and Redo (Ctrl+Shift+Z)
actions on the screen: the Actions menu lists them with what they will undo ("Undo move of b-041"), and
their keys work only while the screen is shown, so Ctrl+Z never undoes another screen's change. A screen's
tabs and panels share the screen's stack (`undo_stack_for`).

`push_done(stack, text, apply, before, after, version, on_done)` records a change the screen has just made
through a service: undo calls ``apply(before, version)`` (a service save with its version check, so a
record changed on another PC since is refused and said, see `commands.outcome_text`), redo
``apply(after, version)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import QWidget

from .commands import ServiceCommand, outcome_text


def install_undo(screen: QWidget) -> QUndoStack:
    """The screen's undo history with its Undo and Redo actions (Ctrl+Z, Ctrl+Shift+Z) on the screen."""
    stack = QUndoStack(screen)
    undo = stack.createUndoAction(screen, "&Undo")
    undo.setObjectName("undoAction")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = stack.createRedoAction(screen, "&Redo")
    redo.setObjectName("redoAction")
    redo.setShortcut(QKeySequence.StandardKey.Redo)
    screen.addAction(undo)
    screen.addAction(redo)
    screen.undo_stack = stack  # type: ignore[attr-defined]
    return stack


def undo_stack_for(widget: QWidget, given: QUndoStack | None) -> QUndoStack:
    """``given`` (the screen's, when the widget is one of its tabs or panels), else the widget's own."""
    return given if given is not None else install_undo(widget)


def push_done(stack: QUndoStack, text: str, apply: Callable[[Any, Any], Any], before: Any, after: Any,
              version: Any, show: Callable[[str], None] | None = None,
              after_each: Callable[[], None] | None = None,
              read: Callable[[], tuple[Any, Any]] | None = None) -> ServiceCommand:
    """Put a change already made on ``stack``; ``show`` receives what each undo or redo did, in words
    (or why it could not be done), after ``after_each`` (a reload of what the screen shows).

    ``read`` gives the record's values and version now. When the values are still those this change
    left (undo) or undid (redo), the version now is sent: later changes on this screen, undone since, and
    changes to other fields or rows of the same record keep the undo possible. Otherwise the version this
    change left is sent, and the service refuses, naming who changed it and when."""
    command: ServiceCommand

    def done(error: Exception | None) -> None:
        if after_each is not None:
            after_each()
        if show is not None:
            show(outcome_text(command, error))

    command = ServiceCommand(text, apply, before, after, version, done, read)
    stack.push(command)  # its first redo does nothing: the change was made already
    return command


__all__ = ["install_undo", "push_done", "undo_stack_for"]
