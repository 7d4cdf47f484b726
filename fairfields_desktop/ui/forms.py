"""Small forms: labelled fields, a message naming the field at fault, shown until the service accepts."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QSizePolicy, QWidget

from ..domain.errors import FairfieldsError, InvalidInput
from .contrast import error_style


def reserve_lines(label: QLabel, lines: int = 3, padding: int = 0) -> QLabel:
    """Give a status or problem line its room once: word wrap, a fixed height of ``lines`` lines and a width
    that follows the dialog, never the text. Setting a long text then never resizes the dialog (nor
    re-centres it and moves its buttons under the mouse); text longer than the room is in the tooltip too."""
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    policy = label.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
    policy.setVerticalPolicy(QSizePolicy.Policy.Fixed)
    label.setSizePolicy(policy)
    label.setMinimumWidth(1)
    label.setFixedHeight(label.fontMetrics().lineSpacing() * lines + 2 * padding + 4)
    return label


def set_reserved_text(label: QLabel, text: str) -> None:
    """The text in a reserved line, and the whole of it as the tooltip (in case it is longer than the room)."""
    label.setText(text)
    label.setToolTip(text if len(text) > 80 else "")


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
        self.message = reserve_lines(QLabel(""), 3)
        self.message.setStyleSheet(error_style())
        form.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(max(self.sizeHint().width(), 420))

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
