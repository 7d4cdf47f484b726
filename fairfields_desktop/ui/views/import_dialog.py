"""Import from the MIS: choose the export, see exactly what would change, then import all or nothing."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from ...domain.errors import FairfieldsError
from ...domain.mis import ImportPlan
from ..models.base import Column, FilterProxy, RowsModel
from ..workers import run_in_background


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreviewRow:
    line: int
    action: str  # "add" | "update" | "refused"
    pupil: str
    detail: str


def preview_rows(plan: ImportPlan) -> list[PreviewRow]:
    rows = [PreviewRow(r.line, "add", f"{r.name} ({r.upn})",
                       f"{r.class_name}, year {r.year_group}"
                       + (f", attendance {r.attendance_percent:.1f}%" if r.attendance_percent is not None else ""))
            for r in plan.added]
    for u in plan.updated:
        parts = [f"{c.field.replace('_', ' ')}: {c.old} → {c.new}" for c in u.changes]
        if u.attendance is not None:
            parts.append(f"attendance → {u.attendance:.1f}%")
        if u.matched_by != "upn":
            parts.append(f"matched by {u.matched_by}")
        rows.append(PreviewRow(u.line, "update", f"{u.name} ({u.upn})", "; ".join(parts)))
    for problem in plan.refused:
        line = int(problem.where.split()[-1]) if problem.where.startswith("line ") else 0
        rows.append(PreviewRow(line, "refused", "", problem.message))
    return sorted(rows, key=lambda r: (r.line, r.action))


class ImportDialog(QDialog):
    imported = Signal()

    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.setWindowTitle("Import from the MIS")
        self.resize(860, 560)
        today = services.clock.today()
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setAccessibleName("Export file")
        self.choose_button = QPushButton("&Choose the export…")
        self.as_of = QDateEdit(QDate(today.year, today.month, today.day))
        self.as_of.setDisplayFormat("dd/MM/yyyy")
        self.as_of.setCalendarPopup(True)
        self.as_of.setAccessibleName("Attendance figures as of")
        self.summary = QLabel("Choose a CSV export from SIMS, Arbor or Bromcom (headings in line 1).")
        self.summary.setWordWrap(True)
        self.summary.setObjectName("importSummary")
        self.model = RowsModel([
            Column("Line", lambda r: r.line),
            Column("Action", lambda r: {"add": "Add", "update": "Update", "refused": "Refused"}[r.action]),
            Column("Pupil", lambda r: r.pupil),
            Column("What changes, or why refused", lambda r: r.detail),
        ], self)
        proxy = FilterProxy(self)
        proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(proxy)
        self.table.setAccessibleName("What the import would change")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.import_button = QPushButton("&Import")
        self.import_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel")
        self.close_button = QPushButton("Close")

        form = QFormLayout()
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.choose_button)
        form.addRow("Export", file_row)
        form.addRow("Attendance as of", self.as_of)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.cancel_button.hide()

        self.text: str | None = None
        self.plan: ImportPlan | None = None
        self._stop = threading.Event()
        self.choose_button.clicked.connect(self.on_choose_clicked)
        self.as_of.dateChanged.connect(lambda *_: self.refresh())
        self.import_button.clicked.connect(self.on_import_clicked)
        self.cancel_button.clicked.connect(self.on_cancel_clicked)
        self.close_button.clicked.connect(self.accept)

    def on_choose_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the MIS export", "", "CSV files (*.csv);;All files (*)")
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> None:
        self.path.setText(path)
        try:
            self.text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            self.text = None
            self.summary.setText(f"Cannot read that file ({exc}): export it from the MIS as CSV (UTF-8).")
            self.model.set_rows([])
            self.import_button.setEnabled(False)
            return
        self.refresh()

    def as_of_date(self):  # noqa: ANN201
        return self.as_of.date().toPython()

    def refresh(self) -> None:
        if self.text is None:
            return
        try:
            self.plan = self.services.mis.preview(self.actor, self.text, self.as_of_date())
        except FairfieldsError as exc:
            self.summary.setText(str(exc))
            return
        plan = self.plan
        self.model.set_rows(preview_rows(plan))
        counts = (f"{len(plan.added)} to add, {len(plan.updated)} to update, {len(plan.unchanged)} unchanged, "
                  f"{len(plan.refused_lines)} refused")
        if plan.ok:
            self.summary.setText(f"{counts}. Nothing is written until you press Import.")
        else:
            self.summary.setText(f"{counts}. A refused row stops the whole import (all or nothing): correct the "
                                 "export, then choose it again.")
        self.import_button.setEnabled(plan.ok and bool(plan.added or plan.updated))

    def on_import_clicked(self) -> None:
        text, as_of = self.text, self.as_of_date()
        self._stop.clear()
        self.progress.show()
        self.cancel_button.show()
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.summary.setText("Importing…")
        services, actor, stop = self.services, self.actor, self._stop
        run_in_background(lambda: services.mis.apply(actor, text, as_of, should_stop=stop.is_set),
                          self.on_imported, self.on_import_failed)

    def on_cancel_clicked(self) -> None:
        self._stop.set()
        self.summary.setText("Stopping: nothing will be written…")

    def _finished(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.choose_button.setEnabled(True)

    def on_imported(self, result) -> None:  # noqa: ANN001
        self._finished()
        self.summary.setText(f"Imported: {result.added} added, {result.updated} updated, {result.unchanged} "
                             "unchanged.")
        self.text = None
        self.imported.emit()

    def on_import_failed(self, exc: BaseException) -> None:
        """Said as what it is (ui/operations): database trouble with Try again (the same import again, the
        file still chosen), a bug logged and shown once; a refusal or a stop in the summary line."""
        from ..operations import can_try_again, is_database_trouble, trouble_box

        self._finished()
        self.summary.setText(f"Nothing was imported: {exc}")
        if not isinstance(exc, FairfieldsError):
            log.error("MIS import failed", exc_info=exc)
            trouble_box(self, exc, "Nothing was imported")
        elif is_database_trouble(exc) and trouble_box(self, exc, "Nothing was imported") == "retry" \
                and can_try_again(exc) and self.text is not None:
            self.on_import_clicked()
            return
        self.refresh()
