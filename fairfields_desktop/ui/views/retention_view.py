"""Settings → Retention (the administrator and the headteacher): the records of pupils who left that are
past the school's retention period, for review, and their erasure once someone confirms it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import FairfieldsError
from ..operations import perform
from ..models.base import (
    ITEM_ROLE,
    Column,
    FilterProxy,
    RowsModel,
    fit_columns,
    make_table,
)
from ..shortcuts import add_shortcut


def _day(value) -> str:
    return f"{value:%d %b %Y}" if value else "—"


class ConfirmErasureDialog(QDialog):
    """Lists the records to be erased; Erase is enabled only once the reviewer confirms the review."""

    def __init__(self, chosen: list, parent=None) -> None:
        super().__init__(parent)
        count = len(chosen)
        self.setWindowTitle("Erase pupil records")
        what = QLabel(f"Erase {count} pupil record{'s' if count != 1 else ''} for good? This deletes the pupil "
                      "and every record about them (contacts, consents, attendance, sessions' links, the team, "
                      "advice, assessments, reviews, outcomes, requests). It cannot be undone: only a backup "
                      "taken before holds them. The audit trail keeps only that the erasure was done.")
        what.setWordWrap(True)
        names = QLabel("\n".join(f"• {c.name} (UPN {c.upn}), left {_day(c.left_on)}, kept until "
                                 f"{_day(c.keep_until)}" for c in chosen))
        names.setObjectName("erasureList")
        names.setWordWrap(True)
        self.reviewed = QCheckBox("I have reviewed these records: none must be kept longer (for example for a "
                                  "claim, a safeguarding concern or a legal hold)")
        self.reviewed.setObjectName("erasureReviewed")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.erase_button = self.buttons.addButton(f"&Erase {count} record{'s' if count != 1 else ''}",
                                                   QDialogButtonBox.ButtonRole.DestructiveRole)
        self.erase_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        self.reviewed.toggled.connect(self.erase_button.setEnabled)
        self.erase_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addWidget(names)
        layout.addWidget(self.reviewed)
        layout.addWidget(self.buttons)


class RetentionTab(QWidget):
    erased = Signal(int)  # how many records were erased

    def __init__(self, services, actor, parent=None) -> None:
        super().__init__(parent)
        self.services = services
        self.actor = actor
        years = services.school.settings().retention_years
        intro = QLabel(f"Pupils who left are kept until their date of birth + {years} years (the school's setting; "
                       "the IRMS toolkit for schools advises this for SEN records). Those past it are listed for "
                       "review. Erasing deletes the pupil and every record about them; the audit trail keeps an "
                       "entry that it was done, with no personal data, and the earlier entries about them are "
                       "redacted.")
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        self.model = RowsModel([
            Column("Name", lambda d: d.name, lambda d: d.name.casefold()),
            Column("UPN", lambda d: d.upn),
            Column("Class", lambda d: d.class_name),
            Column("Born", lambda d: _day(d.date_of_birth), lambda d: d.date_of_birth.isoformat()),
            Column("Left", lambda d: _day(d.left_on), lambda d: d.left_on.isoformat()),
            Column("Kept until", lambda d: _day(d.keep_until), lambda d: d.keep_until.isoformat()),
        ], self)
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table(self.proxy, "Records due for erasure", sort_column=5)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.refresh_button = QPushButton("Re&fresh")
        add_shortcut(self.refresh_button, "F5", "List the records past the retention period again")
        self.erase_button = QPushButton("&Erase selected…")
        self.erase_button.setToolTip("Erase the chosen records, after you confirm that you reviewed them")
        self.message = QLabel("")
        self.message.setObjectName("screenMessage")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.erase_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.refresh_button.clicked.connect(self.reload)
        self.erase_button.clicked.connect(self.on_erase_clicked)
        self.reload()

    def reload(self) -> None:
        try:
            due = self.services.retention.due_for_erasure(self.actor)
        except FairfieldsError as exc:
            self.message.setText(f"Not shown: {exc}")
            return
        self.model.set_rows(due)
        fit_columns(self.table)
        self.erase_button.setEnabled(bool(due))
        if not due:
            self.message.setText("No pupil's record is past the retention period.")
        else:
            self.message.setText(f"{len(due)} record{'s are' if len(due) != 1 else ' is'} past the retention "
                                 "period: choose those to erase.")

    def selected(self) -> list:
        rows = self.table.selectionModel().selectedRows()
        return [self.proxy.data(index, ITEM_ROLE) for index in sorted(rows, key=lambda i: i.row())]

    def confirm(self, chosen: list) -> bool:
        """Ask the reviewer to confirm (tests replace this)."""
        return ConfirmErasureDialog(chosen, self).exec() == QDialog.DialogCode.Accepted

    def on_erase_clicked(self) -> None:
        chosen = self.selected()
        if not chosen:
            self.message.setText("Choose the records to erase first.")
            return
        if not self.confirm(chosen):
            self.message.setText("Nothing was erased.")
            return
        try:
            ids = [c.id for c in chosen]
            done = perform(self, lambda: self.services.retention.erase(self.actor, ids), doing="Erasing…",
                           verb="Nothing was erased")
        except FairfieldsError as exc:
            self.message.setText(f"Nothing was erased: {exc}")
            return
        count = len(done.erased)
        self.reload()
        self.message.setText(f"Erased {count} pupil record{'s' if count != 1 else ''} under the retention policy "
                             f"(record{'s' if count != 1 else ''} {', '.join(str(i) for i in done.erased)}).")
        self.erased.emit(count)
