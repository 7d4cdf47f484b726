"""EHC needs assessments: each one's state and next deadline, its stages against the statutory weeks, and
recording a new request, a stage reached, or the LA stopping it (with the reason).

The assessments service checks and records everything; this panel gathers the inputs (in small dialogs
behind methods tests can replace) and shows the service's answer in words.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...domain.checks import day_text
from ...domain.errors import FairfieldsError, InvalidInput
from ...domain.permissions import allowed
from ...services.assessments import STAGES
from ..change_hub import watch_record
from ..contrast import error_style
from ..operations import perform
from ..models.base import ITEM_ROLE, Column, RowsModel, fit_columns, make_table
from ..shortcuts import add_shortcut

#: the words for the fields the service names in its problems
FIELD_WORDS = {**{key: words.capitalize() for key, words in STAGES.items()}, "requested_on": "Request date",
               "stopped_on": "Date stopped", "reason": "Reason", "pupil": "Pupil", "stage": "Stage"}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def error_text(exc: FairfieldsError) -> str:
    """The service's refusal in words, its fields named as the screen names them."""
    if isinstance(exc, InvalidInput) and exc.problems:
        return "; ".join(f"{FIELD_WORDS.get(p.where, p.where)}: {p.message}" if p.where else p.message
                         for p in exc.problems)
    return str(exc)


def stage_state(stage, today: date, stopped: bool = False) -> str:  # noqa: ANN001
    """A stage in words: "done", "done late", "OVERDUE", "to do" (or "not reached" once stopped)."""
    if stage.done_on is not None:
        return "done late" if stage.late(today) else "done"
    if stopped:
        return "not reached"
    return "OVERDUE" if stage.late(today) else "to do"


def next_deadline(assessment, today: date) -> tuple[date, str] | None:  # noqa: ANN001
    """(the next last day, what for) of an assessment in progress; None once it is finished."""
    if assessment.stopped_on or assessment.stages[-1].done_on:
        return None
    waiting = [(s.due, s.what.removesuffix(" issued")) for s in assessment.stages if s.done_on is None and s.due is not None]
    if assessment.comments_by is not None and assessment.comments_by >= today:
        waiting.append((assessment.comments_by, "parents' comments on the draft"))
    return min(waiting) if waiting else None


def deadline_text(assessment, today: date) -> str:  # noqa: ANN001
    found = next_deadline(assessment, today)
    if found is None:
        return "—"
    due, what = found
    return f"{day_text(due)} ({what})" + (" OVERDUE" if due < today else "")


def _fit(view) -> None:  # noqa: ANN001
    """Columns sized to their contents, with room to breathe between them."""
    fit_columns(view)
    header = view.horizontalHeader()
    for column in range(header.count() - 1):
        header.resizeSection(column, header.sectionSize(column) + 18)


def _date_edit(day: date, latest: date | None) -> QDateEdit:
    edit = QDateEdit(_qdate(day))
    edit.setDisplayFormat("ddd d MMM yyyy")
    edit.setCalendarPopup(True)
    if latest is not None:
        edit.setMaximumDate(_qdate(latest))
    return edit


def _dialog(parent: QWidget, title: str, rows: list[tuple[str, QWidget]], note: str = "") -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setMinimumWidth(440)
    form = QFormLayout(dialog)
    if note:
        label = QLabel(note)
        label.setWordWrap(True)
        form.addRow(label)
    for text, widget in rows:
        widget.setAccessibleName(text.replace("&", ""))
        form.addRow(text, widget)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    return dialog


class AssessmentsPanel(QWidget):
    """Needs assessments in progress (and, on request, finished); ``open_requested("pupils", upn)``."""

    open_requested = Signal(str, object)

    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.can_manage = allowed(actor.roles, "assessments.manage")

        self.new_button = QPushButton("&New assessment…")
        add_shortcut(self.new_button, "Ctrl+N", "Record that the LA received a request for an EHC needs assessment")
        self.stage_button = QPushButton("Record &stage…")
        self.stage_button.setToolTip("Record the day the chosen assessment reached a stage (a decision, the draft "
                                     "or the final plan)")
        self.stop_button = QPushButton("Stopped by the &LA…")
        self.stop_button.setToolTip("The LA decided not to assess, or not to issue a plan: record the day and why")
        self.show_finished = QCheckBox("Show &finished")
        self.show_finished.setToolTip("Also list assessments with the final plan issued, or stopped by the LA")
        for widget in (self.new_button, self.stage_button, self.stop_button, self.show_finished):
            widget.setAccessibleDescription(widget.toolTip())
            widget.setEnabled(self.can_manage)
        self.message = QLabel("")
        self.message.setObjectName("screenMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._shown = None  # the assessment whose stages are shown
        self.model = RowsModel([
            Column("Pupil", lambda a: a.pupil_name),
            Column("Class", lambda a: a.class_name),
            Column("Requested", lambda a: day_text(a.requested_on), lambda a: a.requested_on),
            Column("State", lambda a: a.state),
            Column("Next deadline", lambda a: deadline_text(a, self.services.clock.today()),
                   lambda a: (next_deadline(a, self.services.clock.today()) or (date.max, ""))[0]),
        ], self)
        self.table = make_table(self.model, "EHC needs assessments", None)
        self.table.setSortingEnabled(False)  # in the order they were requested
        self.stages_title = QLabel("")
        self.stages_title.setStyleSheet("font-weight: 600")
        self.stages_title.setWordWrap(True)
        self.stages_model = RowsModel([
            Column("Stage", lambda s: s.what[0].upper() + s.what[1:]),
            Column("Due by", lambda s: day_text(s.due) if s.due else "no deadline of its own", lambda s: s.due),
            Column("Done on", lambda s: day_text(s.done_on) if s.done_on else "—", lambda s: s.done_on),
            Column("State", lambda s: stage_state(s, self.services.clock.today(),
                                                  bool(self._shown and self._shown.stopped_on))),
        ], self)
        self.stages_table = make_table(self.stages_model, "Stages of the chosen assessment", None)
        self.stages_table.setSortingEnabled(False)
        self.stages_note = QLabel("")
        self.stages_note.setWordWrap(True)
        self.stages_title.setBuddy(self.stages_table)

        buttons = QHBoxLayout()
        for widget in (self.new_button, self.stage_button, self.stop_button):
            buttons.addWidget(widget)
        buttons.addSpacing(16)
        buttons.addWidget(self.show_finished)
        buttons.addStretch(1)
        hint = QLabel("Double-click an assessment to open the pupil.")
        hint.setObjectName("hint")
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table, 1)
        top_layout.addWidget(hint)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 6, 0, 0)
        bottom_layout.addWidget(self.stages_title)
        bottom_layout.addWidget(self.stages_table, 1)
        bottom_layout.addWidget(self.stages_note)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setSizes([280, 320])
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        self.new_button.clicked.connect(self.on_new_clicked)
        self.stage_button.clicked.connect(self.on_stage_clicked)
        self.stop_button.clicked.connect(self.on_stop_clicked)
        self.show_finished.toggled.connect(lambda _on: self.reload())
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self.show_stages())
        self.table.doubleClicked.connect(self.on_activated)
        self.reload()

    # --- what is shown -------------------------------------------------------------------------------
    def reload(self, select: int | None = None) -> None:
        """List the assessments again, keeping the chosen one (or choosing ``select``, an assessment's id)."""
        chosen = select if select is not None else getattr(self.selected(), "id", None)
        rows = []
        if self.can_manage:
            try:
                rows = self.services.assessments.list_assessments(
                    self.actor, in_progress_only=not self.show_finished.isChecked())
            except FairfieldsError as exc:
                self.message.setText(f"The assessments cannot be shown: {exc}")
        else:
            self.message.setText("Needs assessments are kept by the SENCO and the headteacher.")
        self.model.set_rows(rows)
        _fit(self.table)
        row = self.model.row_of(chosen) if chosen is not None else None
        if row is None and rows:
            row = 0
        if row is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.show_stages()

    def select_pupil(self, upn: str) -> None:
        """Choose the pupil's assessment (in progress first)."""
        for row in range(self.model.rowCount()):
            if self.model.row(row).pupil_upn == upn:
                self.table.selectRow(row)
                return

    def selected(self):  # noqa: ANN201
        """The chosen assessment (None when there is none)."""
        index = self.table.currentIndex()
        return index.data(ITEM_ROLE) if index.isValid() else None

    def show_stages(self) -> None:
        chosen = self._shown = self.selected()
        self.stage_button.setEnabled(self.can_manage and chosen is not None and not chosen.stopped_on
                                     and not chosen.stages[-1].done_on)
        self.stop_button.setEnabled(self.stage_button.isEnabled())
        if chosen is None:
            self.stages_title.setText("Stages: choose an assessment above."
                                      if self.model.rowCount() else "No needs assessments in progress.")
            self.stages_model.set_rows([])
            self.stages_note.setText("")
            return
        self.stages_title.setText(f"Stages of {chosen.pupil_name}'s assessment (requested "
                                  f"{day_text(chosen.requested_on)}): {chosen.state}")
        self.stages_model.set_rows(list(chosen.stages))
        _fit(self.stages_table)
        notes = []
        if chosen.comments_by is not None:
            today = self.services.clock.today()
            notes.append(f"The parents have until {day_text(chosen.comments_by)} to comment on the draft plan"
                         + (" (that time is over)." if chosen.comments_by < today else "."))
        if chosen.stopped_on:
            notes.append(f"Stopped by the LA on {day_text(chosen.stopped_on)}: {chosen.stopped_reason}")
        self.stages_note.setText(" ".join(notes))
        self.stages_note.setVisible(bool(notes))

    # --- inputs (tests replace these) ----------------------------------------------------------------
    def ask_new_assessment(self) -> tuple[str, date] | None:
        """(the pupil's UPN, the day the LA received the request), or None when cancelled."""
        today = self.services.clock.today()
        pupil = QComboBox()
        for p in self.services.pupils.list_pupils(self.actor):
            pupil.addItem(f"{p.first_name} {p.last_name} ({p.class_name}, {p.upn})", p.upn)
        requested = _date_edit(today, today)
        dialog = _dialog(self, "New needs assessment", [("&Pupil", pupil), ("&Request received", requested)],
                         "The day the local authority received the request starts the statutory weeks.")
        if dialog.exec() != QDialog.DialogCode.Accepted or pupil.currentIndex() < 0:
            return None
        return pupil.currentData(), requested.date().toPython()

    def ask_stage(self, assessment) -> tuple[str, date] | None:  # noqa: ANN001
        """(the stage's key in STAGES, the day it happened), or None when cancelled."""
        today = self.services.clock.today()
        stage = QComboBox()
        for (key, words), s in zip(STAGES.items(), assessment.stages, strict=True):
            stage.addItem(words[0].upper() + words[1:] + (f" (done {day_text(s.done_on)})" if s.done_on else ""),
                          key)
        waiting = next((n for n, s in enumerate(assessment.stages) if s.done_on is None), 0)
        stage.setCurrentIndex(waiting)
        on = _date_edit(today, today)
        dialog = _dialog(self, f"Stage of {assessment.pupil_name}'s assessment",
                         [("&Stage", stage), ("&Happened on", on)])
        watch_record(dialog, self.services, "assessments", "assessment", assessment.id,
                     f"{assessment.pupil_name}'s assessment", refused=False)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return stage.currentData(), on.date().toPython()

    def ask_stop(self, assessment) -> tuple[date, str] | None:  # noqa: ANN001
        """(the day the LA stopped the assessment, what it decided), or None when cancelled."""
        today = self.services.clock.today()
        on = _date_edit(today, today)
        reason = QLineEdit()
        reason.setPlaceholderText("e.g. the LA decided not to assess")
        dialog = _dialog(self, f"{assessment.pupil_name}'s assessment stopped",
                         [("&Stopped on", on), ("&Reason", reason)])
        watch_record(dialog, self.services, "assessments", "assessment", assessment.id,
                     f"{assessment.pupil_name}'s assessment", refused=False)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return on.date().toPython(), reason.text()

    # --- recording -----------------------------------------------------------------------------------
    def _chosen(self):  # noqa: ANN202
        chosen = self.selected()
        if chosen is None:
            self.message.setText("Choose an assessment first.")
            self.message.setStyleSheet(error_style())
        return chosen

    def _done(self, text: str, select: int | None) -> None:
        self.reload(select)
        self.message.setStyleSheet("")
        self.message.setText(text)

    def _refused(self, exc: FairfieldsError) -> None:
        self.message.setStyleSheet(error_style())
        self.message.setText(f"Not recorded: {error_text(exc)}")

    def on_new_clicked(self) -> None:
        answer = self.ask_new_assessment()
        if answer is None:
            return
        upn, requested_on = answer
        try:
            new_id = perform(self, lambda: self.services.assessments.start(self.actor, upn, requested_on))
        except FairfieldsError as exc:
            self._refused(exc)
            return
        self._done(f"Needs assessment requested {day_text(requested_on)} recorded.", new_id)

    def on_stage_clicked(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        answer = self.ask_stage(chosen)
        if answer is None:
            return
        stage, on = answer
        try:
            perform(self, lambda: self.services.assessments.record_stage(self.actor, chosen.id, stage, on))
        except FairfieldsError as exc:
            self._refused(exc)
            return
        self._done(f"{chosen.pupil_name}: {STAGES[stage]} on {day_text(on)} recorded.", chosen.id)

    def on_stop_clicked(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        answer = self.ask_stop(chosen)
        if answer is None:
            return
        on, reason = answer
        try:
            perform(self, lambda: self.services.assessments.stop(self.actor, chosen.id, on, reason))
        except FairfieldsError as exc:
            self._refused(exc)
            return
        self._done(f"{chosen.pupil_name}'s assessment recorded as stopped by the LA on {day_text(on)}.", chosen.id)

    def on_activated(self, index) -> None:  # noqa: ANN001
        chosen = index.data(ITEM_ROLE)
        if chosen is not None:
            self.open_requested.emit("pupils", chosen.pupil_upn)
