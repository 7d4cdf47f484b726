"""Undoable changes: thin QUndoCommands that call services (the services check and audit).

Each command keeps the values before and after; undo saves the values before through the same
service, so an undo is itself checked, audited and refused if someone else changed the record since.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand


class ServiceCommand(QUndoCommand):
    """Redo calls ``apply(after)``, undo calls ``apply(before)``; each returns the new version."""

    def __init__(self, text: str, apply: Callable[[Any, int | None], int], before: Any, after: Any,
                 version: int | None, on_done: Callable[[Exception | None], None] | None = None) -> None:
        super().__init__(text)
        self._apply = apply
        self._before = before
        self._after = after
        self._version = version
        self._on_done = on_done
        self.error: Exception | None = None
        self._pushed = False

    def first_run(self) -> Exception | None:
        """Make the change once, before the command goes on the stack; the error if refused."""
        self._run(self._after)
        return self.error

    def redo(self) -> None:
        if not self._pushed:  # QUndoStack.push calls redo: the change was already made by first_run
            self._pushed = True
            return
        self._run(self._after)

    def undo(self) -> None:
        self._run(self._before)

    def _run(self, values: Any) -> None:
        try:
            self._version = self._apply(values, self._version)
            self.error = None
        except Exception as exc:  # shown by the screen; the stack records nothing as done
            self.error = exc
            self.setObsolete(True)
        if self._on_done:
            self._on_done(self.error)
