"""Undoable changes: thin QUndoCommands that call services (the services check and audit).

Each command keeps the values before and after; undo saves the values before through the same
service, so an undo is itself checked, audited and refused if someone else changed the record since.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand


class ServiceCommand(QUndoCommand):
    """Redo calls ``apply(after)``, undo calls ``apply(before)``; each returns the new version.

    ``read`` (optional) gives the record's values and version now: when the values are still those the
    last step left (``after`` before an undo, ``before`` before a redo), the version now is sent, so a
    later change on this screen, undone since, or a change to other fields of the record does not block
    the undo; otherwise the version the last step left is sent and the service refuses, naming who
    changed the record and when."""

    def __init__(self, text: str, apply: Callable[[Any, int | None], int], before: Any, after: Any,
                 version: int | None, on_done: Callable[[Exception | None], None] | None = None,
                 read: Callable[[], tuple[Any, Any]] | None = None) -> None:
        super().__init__(text)
        self._read = read
        self._apply = apply
        self._before = before
        self._after = after
        self._version = version
        self._on_done = on_done
        self.error: Exception | None = None
        self._pushed = False
        self.step = "do"  # what was last tried: "do", "undo" or "redo"

    def first_run(self) -> Exception | None:
        """Make the change once, before the command goes on the stack; the error if refused."""
        self._run(self._after)
        return self.error

    def redo(self) -> None:
        self.step = "redo"
        if not self._pushed:  # QUndoStack.push calls redo: the change was already made by first_run
            self._pushed = True
            return
        self._run(self._after)

    def undo(self) -> None:
        self.step = "undo"
        self._run(self._before)

    def _run(self, values: Any) -> None:
        try:
            version = self._version
            if self._read is not None and self.step != "do":
                now, now_version = self._read()
                if now == (self._after if values is self._before else self._before):
                    version = now_version
            self._version = self._apply(values, version)
            self.error = None
        except Exception as exc:  # shown by the screen; the stack records nothing as done
            self.error = exc
            self.setObsolete(True)
        if self._on_done:
            self._on_done(self.error)


def outcome_text(command: QUndoCommand, error: Exception | None) -> str:
    """What an undo or redo did, in words, naming the action: "Undone: move of b-041." or, when it was
    refused (changed on another PC since, or the database could not be used), that it could not be done,
    why, and that it is off the undo list now (Ctrl+Z goes on to the change before)."""
    step = getattr(command, "step", "undo")
    if error is None:
        return f"{'Undone' if step == 'undo' else 'Redone'}: {command.text()}."
    why = str(error).strip().rstrip(".")
    return (f"Cannot {step} {command.text()}: {why}. It is no longer on the undo list; what is saved now is "
            "shown.")


class UndoOnlyCommand(QUndoCommand):
    """A change already made that can be undone once but not redone (a booking: undone, it is cancelled)."""

    def __init__(self, text: str, undo: Callable[[], None],
                 on_done: Callable[[Exception | None], None] | None = None) -> None:
        super().__init__(text)
        self._undo = undo
        self._on_done = on_done
        self.error: Exception | None = None
        self.step = "do"

    def redo(self) -> None:  # pushed after the change was made; never redone
        pass

    def undo(self) -> None:
        self.step = "undo"
        try:
            self._undo()
            self.error = None
        except Exception as exc:  # shown by the screen
            self.error = exc
        self.setObsolete(True)  # off the stack either way: nothing to redo
        if self._on_done:
            self._on_done(self.error)
