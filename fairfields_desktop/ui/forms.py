"""Small forms: labelled fields, a message naming the field at fault, shown until the service accepts."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from ..domain.errors import FairfieldsError, InvalidInput
from .contrast import error_style


class FormDialog(QDialog):
    """A small form: labelled fields, a message line naming the field at fault, Save and Cancel."""

    def __init__(self, title: str, fields: list[tuple[str, str, QWidget]], parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(title)
        self.fields = {key: widget for key, _label, widget in fields}
        self.labels = {key: label.replace("&", "") for key, label, _widget in fields}
        form = QFormLayout(self)
        for key, label, widget in fields:
            widget.setAccessibleName(label.replace("&", ""))
            form.addRow(label, widget)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(error_style())
        form.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def show_problems(self, problems) -> None:  # noqa: ANN001
        self.message.setText("Not saved. " + "\n".join(f"{self.labels.get(p.where, p.where)}: {p.message}"
                                                       for p in problems))


def run_form(dialog: QDialog, save: Callable[[], object]) -> object | None:
    """Show the form until the service accepts what ``save`` sends it, or the person cancels.

    ``dialog`` is any form with ``show_problems(problems)`` and a ``message`` label (FormDialog, or a
    screen's own add dialog). The save runs off the UI thread (`operations.perform`): database trouble is
    shown with Try again, and the form opens again with what was typed until it is saved or cancelled."""
    from .operations import run_save

    while dialog.exec() == QDialog.DialogCode.Accepted:
        try:
            return run_save(dialog, save)
        except InvalidInput as exc:
            dialog.show_problems(exc.problems)
        except FairfieldsError as exc:
            dialog.message.setText(f"Not saved: {exc}")
    return None
