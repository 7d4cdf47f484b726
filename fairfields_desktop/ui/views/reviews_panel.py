"""Annual reviews (a tab of EHCP & reviews): one pupil's review meeting, its invitees, advice, circulations,
the paperwork with its deadlines, and the meetings before it.

Everything shown comes from `services.reviews`; the deadlines are the service's (they follow the meeting
when it moves). The SENCO and the headteacher change things; a teacher sees their class's pupils read-only.
"""

from __future__ import annotations

from datetime import date, time
from html import escape

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain.checks import day_text
from ...domain.deadlines import ASKED_LATE, advice_asked_late
from ...domain.errors import FairfieldsError, StaleRecord
from ..operations import perform
from ..undo import push_done
from ...domain.permissions import allowed
from ...services.reviews import INVITEE_ROLES, STATUS_WORDS, PupilReviews, Review
from ..change_hub import watch_panel, watch_record
from ..contrast import error_style
from ..forms import FormDialog
from ..models.base import ITEM_ROLE, Column, RowsModel, fit_columns, make_table
from ..shortcuts import add_shortcut
from .request_dialogs import date_edit

#: the four texts of the paperwork: (the service's keyword, the label)
TEXTS = (("child_views", "Views of the chi&ld"), ("parent_views", "Views of the parents or &carers"),
         ("budget_review", "Personal &budget and direct payments"), ("proposed_amendments", "Proposed ame&ndments"))
#: the dates recorded after the meeting: (the service's keyword, the label)
AFTER_DATES = (("report_sent_on", "School's report sent to the LA and invitees"),
               ("la_decision_on", "LA's decision"),
               ("amendment_notice_on", "LA's amendment notice"),
               ("final_plan_on", "Final amended plan issued"))


def _day(value: date | None) -> str:
    return day_text(value) if value else ""


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def step_state(step, today: date) -> str:  # noqa: ANN001
    """A paperwork step in words: done, done late, OVERDUE, or to do."""
    if step.done_on is not None and step.done_on <= today:
        return "done late" if step.late(today) else "done"
    return "OVERDUE" if step.due < today else "to do"


def advice_state(advice, today: date) -> str:  # noqa: ANN001
    if advice.received_on is not None:
        return f"received {day_text(advice.received_on)}"
    if advice.due < today:
        return "OVERDUE"
    return ASKED_LATE if advice_asked_late("annual_review", advice.requested_on, advice.due) else "awaited"


def past_detail(review: Review) -> str:
    if review.status == "cancelled":
        return f"reason: {review.cancelled_reason or 'not given'}"
    done = [f"{label} {day_text(getattr(review, key))}" for key, label in
            (("report_sent_on", "report sent"), ("la_decision_on", "LA decision"),
             ("amendment_notice_on", "amendment notice"), ("final_plan_on", "final plan"))
            if getattr(review, key)]
    return "; ".join(done) or "nothing recorded after the meeting yet"


class MeetingDialog(FormDialog):
    """The meeting's date (calendar popup), and optionally its time and place."""

    def __init__(self, title: str, day: date, at: time | None = None, place: str | None = None,
                 parent=None) -> None:  # noqa: ANN001
        self.day = date_edit(day)
        self.timed = QCheckBox("At a set time")
        self.at = QTimeEdit(QTime(at.hour, at.minute) if at else QTime(10, 0))
        self.at.setDisplayFormat("HH:mm")
        self.timed.setChecked(at is not None)
        self.at.setEnabled(at is not None)
        self.timed.toggled.connect(self.at.setEnabled)
        self.place = QLineEdit(place or "")
        self.place.setPlaceholderText("e.g. the meeting room (optional)")
        super().__init__(title, [("meeting_on", "&Date", self.day), ("timed", "", self.timed),
                                 ("meeting_at", "&Time", self.at), ("place", "&Place", self.place)], parent)
        self.timed.setAccessibleName("At a set time")
        self.setMinimumWidth(380)

    def values(self) -> tuple[date, time | None, str | None]:
        at = self.at.time().toPython() if self.timed.isChecked() else None
        return self.day.date().toPython(), at, self.place.text().strip() or None


class InviteeDialog(FormDialog):
    """Someone to invite: a role and a name, or one of the professionals on the register."""

    def __init__(self, professionals, parent=None) -> None:  # noqa: ANN001
        self.role = QComboBox()
        for key, words in INVITEE_ROLES.items():
            self.role.addItem(words, key)
        self.person = QLineEdit()
        self.professional = QComboBox()
        self.professional.addItem("(not a professional on the register)", None)
        for p in professionals:
            self.professional.addItem(f"{p.name} — {p.discipline_label}", p.ext_id)
        self.professional.currentIndexChanged.connect(self._on_professional)
        self.person.setPlaceholderText("their name")
        super().__init__("Invite to the review", [("role", "&Role", self.role), ("name", "&Name", self.person),
                                                  ("professional", "Pro&fessional", self.professional)], parent)

    def _on_professional(self, _index: int) -> None:
        chosen = self.professional.currentData() is not None
        if chosen:
            self.role.setCurrentIndex(self.role.findData("professional"))
        self.role.setEnabled(not chosen)
        self.person.setEnabled(not chosen)

    def values(self) -> tuple[str, str, str | None]:
        professional = self.professional.currentData()
        if professional is not None:
            return "professional", "", professional
        return self.role.currentData(), self.person.text().strip(), None


class AdviceDialog(FormDialog):
    """The professionals to ask for advice for the review (ticked in a list)."""

    def __init__(self, professionals, due: date | None = None, parent=None) -> None:  # noqa: ANN001
        self.list = QListWidget()
        for p in professionals:
            item = QListWidgetItem(f"{p.name} — {p.discipline_label}")
            item.setData(Qt.ItemDataRole.UserRole, p.ext_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText("advice for the annual review")
        super().__init__("Ask for advice", [("professionals", "&Ask", self.list), ("purpose", "&Purpose", self.purpose)],
                         parent)
        if due is not None:
            self.layout().insertRow(0, QLabel(f"Tick whom to ask. Their advice is due by {day_text(due)}."))
        self.setMinimumWidth(460)

    def values(self) -> tuple[list[str], str | None]:
        chosen = [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                  if self.list.item(i).checkState() == Qt.CheckState.Checked]
        return chosen, self.purpose.text().strip() or None


class CirculationDialog(FormDialog):
    """A document circulated: what, to whom, when."""

    def __init__(self, today: date, parent=None) -> None:  # noqa: ANN001
        self.document = QComboBox()
        self.document.setEditable(True)
        self.document.addItems(["", "advice received", "the school's report", "the EHCP and the advice"])
        self.sent_to = QLineEdit("all invitees")
        self.sent_on = date_edit(today)
        super().__init__("Record circulation", [("document", "&Document", self.document),
                                                ("sent_to", "Sent &to", self.sent_to),
                                                ("sent_on", "Sent &on", self.sent_on)], parent)
        self.setMinimumWidth(420)

    def values(self) -> tuple[str, str, date]:
        return self.document.currentText().strip(), self.sent_to.text().strip(), self.sent_on.date().toPython()


class AfterDialog(FormDialog):
    """The dates after the meeting: tick the ones to record (any of them)."""

    def __init__(self, review: Review, today: date, parent=None) -> None:  # noqa: ANN001
        self.ticks: dict[str, QCheckBox] = {}
        self.dates: dict[str, QDateEdit] = {}
        fields = []
        for key, label in AFTER_DATES:
            recorded = getattr(review, key)
            tick = QCheckBox(f"recorded: {day_text(recorded)}" if recorded else "record this date")
            edit = date_edit(recorded or today)
            edit.setEnabled(False)
            tick.toggled.connect(edit.setEnabled)
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(tick)
            line.addWidget(edit, 1)
            tick.setAccessibleName(f"{label}: record")
            self.ticks[key], self.dates[key] = tick, edit
            fields.append((key, label, row))
        super().__init__("After the meeting", fields, parent)
        self.layout().insertRow(0, QLabel(f"The meeting of {day_text(review.meeting_on)}: tick each date to record."))
        for key, label in AFTER_DATES:
            self.dates[key].setAccessibleName(label)

    def values(self) -> dict[str, date]:
        return {key: self.dates[key].date().toPython() for key, _label in AFTER_DATES if self.ticks[key].isChecked()}


class ReviewsPanel(QWidget):
    open_requested = Signal(str, object)

    def __init__(self, services, actor, parent=None, undo_stack: QUndoStack | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.can_manage = allowed(actor.roles, "reviews.manage")
        # the EHCP screen's undo history (its Undo action names the change); on its own, the panel's
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.pupil_reviews: PupilReviews | None = None
        self.review: Review | None = None  # the meeting shown: planned, else the last one held
        self._texts_review: int | None = None  # the review whose texts the editors hold
        self._texts_loaded: tuple = ()
        self._texts_version: int | None = None

        self.pupil = QComboBox()
        self.pupil.setAccessibleName("Pupil")
        self.pupil.setMinimumContentsLength(28)
        pupil_label = QLabel("&Pupil:")
        pupil_label.setBuddy(self.pupil)
        self.summary = QLabel("")
        self.summary.setObjectName("reviewSummary")
        self.summary.setAccessibleName("Plan and last review")
        self.next_due = QLabel("")
        self.next_due.setObjectName("reviewNextDue")
        self.next_due.setAccessibleName("Next review due")
        self.meeting = QLabel("")
        self.meeting.setObjectName("reviewMeeting")
        self.meeting.setWordWrap(True)
        self.meeting.setAccessibleName("Review meeting")
        self.meeting.setTextFormat(Qt.TextFormat.RichText)
        self.flags = QLabel("")
        self.flags.setWordWrap(True)
        self.flags.setTextFormat(Qt.TextFormat.PlainText)
        self.flags.setAccessibleName("Things to bear in mind")
        self.message = QLabel("")
        self.message.setObjectName("screenMessage")
        self.message.setWordWrap(True)

        self.schedule_button = QPushButton("&Schedule meeting…")
        self.move_button = QPushButton("Mo&ve…")
        self.cancel_button = QPushButton("Cancel meetin&g…")
        self.held_button = QPushButton("Meeting &held")
        self.after_button = QPushButton("Record a&fter the meeting…")
        self.invite_button = QPushButton("&Invite…")
        self.remove_button = QPushButton("&Remove invitee")
        self.invitations_button = QPushButton("Invitations sen&t (today)")
        self.advice_button = QPushButton("As&k for advice…")
        self.circulation_button = QPushButton("Record circ&ulation…")
        self.save_button = QPushButton("Sav&e paperwork")
        self.saved_text_button = QPushButton("Show the saved te&xt")
        add_shortcut(self.schedule_button, "Ctrl+N", "Schedule the pupil's annual review meeting")
        add_shortcut(self.save_button, "Ctrl+S", "Save the views, the budget review and the proposed amendments")
        self.saved_text_button.setToolTip("Replace the four texts with what is saved (what you typed since is lost)")
        self.edit_buttons = (self.schedule_button, self.move_button, self.cancel_button, self.held_button,
                             self.after_button, self.invite_button, self.remove_button, self.invitations_button,
                             self.advice_button, self.circulation_button, self.save_button, self.saved_text_button)
        if not self.can_manage:  # read-only: the buttons stay in their layouts, hidden
            for button in self.edit_buttons:
                button.setHidden(True)

        def today() -> date:  # asked each time: the clock can change
            return self.services.clock.today()

        self.steps_model = RowsModel([
            Column("What", lambda s: s.what),
            Column("Due by", lambda s: day_text(s.due), lambda s: s.due),
            Column("Done", lambda s: _day(s.done_on) if s.done_on and s.done_on <= today() else "",
                   lambda s: s.done_on if s.done_on and s.done_on <= today() else None),
            Column("State", lambda s: step_state(s, today())),
        ], self)
        self.steps_table = make_table(self.steps_model, "Paperwork deadlines", None)
        self.invitees_model = RowsModel([
            Column("Invited as", lambda i: i.role_text),
            Column("Name", lambda i: i.name),
        ], self)
        self.invitees_table = make_table(self.invitees_model, "Invitees", None)
        self.advice_model = RowsModel([
            Column("Professional", lambda a: a.professional),
            Column("Asked", lambda a: day_text(a.requested_on), lambda a: a.requested_on),
            Column("Due by", lambda a: day_text(a.due), lambda a: a.due),
            Column("State", lambda a: advice_state(a, today())),
        ], self)
        self.advice_table = make_table(self.advice_model, "Advice for this review", None)
        self.circulations_model = RowsModel([
            Column("Document", lambda c: c.document),
            Column("Sent to", lambda c: c.sent_to),
            Column("Sent on", lambda c: day_text(c.sent_on), lambda c: c.sent_on),
        ], self)
        self.circulations_table = make_table(self.circulations_model, "Circulated", None)
        self.past_model = RowsModel([
            Column("Meeting", lambda r: r.when_text, lambda r: (r.meeting_on, r.meeting_at)),
            Column("Status", lambda r: STATUS_WORDS.get(r.status, r.status)),
            Column("Detail", past_detail),
        ], self)
        self.past_table = make_table(self.past_model, "Past meetings", None)

        self.texts: dict[str, QPlainTextEdit] = {}
        texts_tab = QWidget()
        texts_grid = QGridLayout(texts_tab)
        for column, (key, label) in enumerate(TEXTS):
            edit = QPlainTextEdit()
            edit.setAccessibleName(label.replace("&", ""))
            edit.setTabChangesFocus(True)
            edit.setReadOnly(not self.can_manage)
            edit.setMinimumHeight(60)
            caption = QLabel(label)
            caption.setBuddy(edit)
            texts_grid.addWidget(caption, 0, column)
            texts_grid.addWidget(edit, 1, column)
            texts_grid.setColumnStretch(column, 1)
            self.texts[key] = edit
        texts_grid.setRowStretch(1, 1)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.saved_text_button)
        save_row.addWidget(self.save_button)
        texts_grid.addLayout(save_row, 2, 0, 1, len(TEXTS))

        chooser = QHBoxLayout()
        chooser.addWidget(pupil_label)
        chooser.addWidget(self.pupil)
        chooser.addStretch(1)
        actions = QHBoxLayout()
        for button in (self.schedule_button, self.move_button, self.cancel_button, self.held_button,
                       self.after_button):
            actions.addWidget(button)
        actions.addStretch(1)

        # the meeting's deadlines and who is invited above; the rest in tabs below (room for the texts)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self._box("Paperwork deadlines", self.steps_table, self.invitations_button), 2)
        top.addWidget(self._box("Invited", self.invitees_table, self.invite_button, self.remove_button), 1)
        self.details = QTabWidget()
        self.details.setAccessibleName("Paperwork of the meeting")
        self.details.addTab(texts_tab, "Views and plans")
        self.details.addTab(self._box("", self.advice_table, self.advice_button), "Advice")
        self.details.addTab(self._box("", self.circulations_table, self.circulation_button), "Circulated")
        self.details.addTab(self._box("", self.past_table), "Past meetings")
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(top, 1)
        body_layout.addWidget(self.details, 1)
        body.setMinimumHeight(440)  # below that, scroll rather than squash the tables
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        facts = QHBoxLayout()
        facts.addWidget(self.summary)
        facts.addSpacing(6)
        facts.addWidget(self.next_due)
        facts.addStretch(1)
        layout.addLayout(facts)
        layout.addWidget(self.meeting)
        layout.addWidget(self.flags)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)

        self.schedule_button.clicked.connect(self.on_schedule)
        self.move_button.clicked.connect(self.on_move)
        self.cancel_button.clicked.connect(self.on_cancel)
        self.held_button.clicked.connect(self.on_held)
        self.after_button.clicked.connect(self.on_after)
        self.invite_button.clicked.connect(self.on_invite)
        self.remove_button.clicked.connect(self.on_remove_invitee)
        self.invitations_button.clicked.connect(self.on_invitations_sent)
        self.advice_button.clicked.connect(self.on_ask_advice)
        self.circulation_button.clicked.connect(self.on_circulation)
        self.save_button.clicked.connect(self.on_save_paperwork)
        self.saved_text_button.clicked.connect(self.on_show_saved_text)
        self.pupil.currentIndexChanged.connect(self._on_pupil_chosen)
        # the four texts being typed while someone else saves the review: said at once, above the panel
        self.texts_watch = watch_panel(self, services, "reviews") if self.can_manage else None
        self.reload()

    def _box(self, title: str, table, *buttons: QPushButton) -> QWidget:  # noqa: ANN001
        """``table`` with ``buttons`` under it (for those who may change things), in a titled box."""
        box = QGroupBox(title) if title else QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(table, 1)
        if buttons:
            row = QHBoxLayout()
            for button in buttons:
                row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
        return box

    # --- choosing the pupil -----------------------------------------------------------------------------
    def _load_pupils(self) -> None:
        chosen = self.pupil.currentData()
        self.pupil.blockSignals(True)
        self.pupil.clear()
        try:
            pupils = [p for p in self.services.pupils.list_pupils(self.actor) if p.has_ehcp]
        except FairfieldsError as exc:
            pupils = []
            self.message.setText(f"Cannot list the pupils: {exc}")
        if not pupils:
            self.pupil.addItem("(no pupil with an EHCP)", None)
        for p in pupils:
            self.pupil.addItem(f"{p.name} ({p.class_name})", p.upn)
        self.pupil.setCurrentIndex(max(0, self.pupil.findData(chosen)))
        self.pupil.blockSignals(False)

    def show_pupil(self, upn: str) -> None:
        """Show the reviews of the pupil with ``upn`` (one with an EHCP the person may see)."""
        index = self.pupil.findData((upn or "").strip().upper())
        if index < 0:
            self.message.setText(f"There is no pupil with an EHCP and UPN {upn} to show here.")
            return
        if index == self.pupil.currentIndex():
            self.refresh()
        else:
            self.pupil.setCurrentIndex(index)

    # --- showing ------------------------------------------------------------------------------------
    def _on_pupil_chosen(self, _index: int) -> None:
        self.message.setText("")
        self.refresh()

    def reload(self) -> None:
        """Read the pupils with an EHCP again, then the chosen pupil's reviews."""
        self._load_pupils()
        self.refresh()

    def refresh(self) -> None:
        """Read the chosen pupil's reviews again (after a change)."""
        upn = self.pupil.currentData()
        self.pupil_reviews = None
        self.review = None
        if upn is not None:
            try:
                self.pupil_reviews = self.services.reviews.for_pupil(self.actor, upn)
            except FairfieldsError as exc:
                self.message.setText(f"Cannot show the reviews: {exc}")
        pr = self.pupil_reviews
        if pr is not None:
            self.review = pr.current or next((r for r in pr.reviews if r.status == "held"), None)
        self._show_summary()
        self._show_meeting()
        self._update_buttons()

    def _show_summary(self) -> None:
        pr = self.pupil_reviews
        self.next_due.setStyleSheet("")
        if pr is None:
            self.summary.setText("Choose a pupil with an EHCP.")
            self.next_due.setText("")
            return
        self.summary.setText(f"Plan issued: {_day(pr.ehcp_issued) or 'not recorded'}    ·    "
                             f"Last review: {_day(pr.last_review) or 'none yet'}    ·")
        today = self.services.clock.today()
        if pr.next_due is None:
            self.next_due.setText("No review due")
        elif pr.next_due < today:
            self.next_due.setText(f"Next review due by: {day_text(pr.next_due)} — OVERDUE "
                                  f"({_days((today - pr.next_due).days)} late)")
            self.next_due.setStyleSheet(error_style("font-weight: bold"))
        else:
            self.next_due.setText(f"Next review due by: {day_text(pr.next_due)} (in {_days((pr.next_due - today).days)})")

    def _show_meeting(self) -> None:
        pr, review = self.pupil_reviews, self.review
        if review is None:
            self.meeting.setText("No review meeting is planned." if pr is not None else "")
        elif review.status == "planned":
            self.meeting.setText(f"<b>Review meeting: {escape(review.when_text)}</b> — planned")
        else:
            self.meeting.setText(f"<b>Last meeting: {escape(review.when_text)}</b> — held; the paperwork after it "
                                 "is below")
        flags = review.flags if review else ()
        self.flags.setText("\n".join(f"• {f}" for f in flags))
        self.flags.setVisible(bool(flags))
        self.steps_model.set_rows(review.steps if review else [])
        self.invitees_model.set_rows(review.current_invitees if review else [])
        self.advice_model.set_rows(review.advice if review else [])
        self.circulations_model.set_rows(review.circulations if review else [])
        self.past_model.set_rows([r for r in pr.reviews if r.status != "planned"] if pr else [])
        for table in (self.steps_table, self.invitees_table, self.advice_table, self.circulations_table,
                      self.past_table):
            fit_columns(table)
        today = self.services.clock.today()
        late = sum(advice_state(a, today) == "OVERDUE" for a in (review.advice if review else ()))
        self.details.setTabText(1, f"Advice ({self.advice_model.rowCount()})" + (f": {late} OVERDUE" if late else ""))
        self.details.setTabText(2, f"Circulated ({self.circulations_model.rowCount()})")
        self.details.setTabText(3, f"Past meetings ({self.past_model.rowCount()})")
        self._show_texts(review)

    def _show_texts(self, review: Review | None) -> None:
        """Fill the four texts, unless the person is typing in them for this same meeting."""
        typing = any(e.document().isModified() for e in self.texts.values())
        fresh = tuple(getattr(review, key) or "" for key, _label in TEXTS) if review else ()
        if review is not None and typing and review.id == self._texts_review:
            if fresh == self._texts_loaded:  # nobody else changed the texts: keep typing, save on this version
                self._texts_version = review.version
                self._watch_texts(review)
            elif self.texts_watch is not None:  # they did: the save will be refused, say so now
                self.texts_watch.check()
            return
        for (key, _label), edit in zip(TEXTS, self.texts.values(), strict=True):
            edit.setPlainText(getattr(review, key) or "" if review else "")
            edit.document().setModified(False)
        self._texts_review = review.id if review else None
        self._texts_loaded = fresh
        self._texts_version = review.version if review else None
        self._watch_texts(review)

    def _watch_texts(self, review: Review | None) -> None:
        """The texts shown are the review's as saved now: a change from here on raises the banner."""
        if self.texts_watch is not None:
            self.texts_watch.track("annual_review" if review else None, review.id if review else None,
                                   f"The paperwork of {self._name()}'s review")

    def _update_buttons(self) -> None:
        review = self.review
        planned = review is not None and review.status == "planned"
        held = review is not None and review.status == "held"
        self.schedule_button.setEnabled(self.pupil_reviews is not None and self.pupil_reviews.current is None)
        for button in (self.move_button, self.cancel_button, self.held_button, self.advice_button):
            button.setEnabled(planned)
        for button in (self.invite_button, self.remove_button, self.invitations_button, self.circulation_button,
                       self.save_button, self.saved_text_button):
            button.setEnabled(planned or held)
        self.after_button.setEnabled(held)
        for edit in self.texts.values():
            edit.setEnabled(review is not None)

    # --- asking (small methods tests replace) -------------------------------------------------------
    def ask_meeting(self, title: str, review: Review | None = None) -> tuple[date, time | None, str | None] | None:
        if review is None:
            dialog = MeetingDialog(title, self.services.clock.today(), parent=self)
        else:
            dialog = MeetingDialog(title, review.meeting_on, review.meeting_at, review.place, parent=self)
            watch_record(dialog, self.services, "reviews", "annual_review", review.id, "This review meeting")
        return dialog.values() if dialog.exec() == FormDialog.DialogCode.Accepted else None

    def ask_reason(self) -> str | None:
        reason, ok = QInputDialog.getText(self, "Cancel the meeting", "Why is the meeting cancelled?")
        return reason if ok else None

    def ask_invitee(self) -> tuple[str, str, str | None] | None:
        dialog = InviteeDialog([p for p in self.services.professionals.list_professionals(self.actor) if p.active],
                               parent=self)
        return dialog.values() if dialog.exec() == FormDialog.DialogCode.Accepted else None

    def ask_professionals(self) -> tuple[list[str], str | None] | None:
        due = self.review.timeline.advice_circulated_by if self.review else None
        dialog = AdviceDialog([p for p in self.services.professionals.list_professionals(self.actor) if p.active],
                              due, parent=self)
        return dialog.values() if dialog.exec() == FormDialog.DialogCode.Accepted else None

    def ask_circulation(self) -> tuple[str, str, date] | None:
        dialog = CirculationDialog(self.services.clock.today(), parent=self)
        return dialog.values() if dialog.exec() == FormDialog.DialogCode.Accepted else None

    def ask_after(self, review: Review) -> dict[str, date] | None:
        dialog = AfterDialog(review, self.services.clock.today(), parent=self)
        return dialog.values() if dialog.exec() == FormDialog.DialogCode.Accepted else None

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    # --- doing ------------------------------------------------------------------------------------------
    def _do(self, action, done: str) -> bool:  # noqa: ANN001
        """Run ``action`` (a service call) off the UI thread; show ``done`` and reload, or why it was not
        recorded."""
        try:
            perform(self, action)
        except StaleRecord as exc:
            self.message.setText(f"Not saved: {exc}")
            return False
        except FairfieldsError as exc:
            self.message.setText(f"Not recorded: {exc}")
            return False
        self.refresh()
        self.message.setText(done)
        return True

    def _name(self) -> str:
        return self.pupil_reviews.name if self.pupil_reviews else ""

    def on_schedule(self) -> None:
        upn = self.pupil.currentData()
        if upn is None:
            self.message.setText("Choose a pupil first.")
            return
        answer = self.ask_meeting(f"Review meeting for {self._name()}")
        if answer is None:
            return
        day, at, place = answer
        if self._do(lambda: self.services.reviews.schedule(self.actor, upn, day, meeting_at=at, place=place), ""):
            by = f": invitations and advice are due by {day_text(self.review.timeline.invitations_by)}" \
                if self.review is not None else ""
            self.message.setText(f"Review meeting for {self._name()} set for {day_text(day)}{by}.")

    def on_move(self) -> None:
        review = self.review
        if review is None:
            return
        answer = self.ask_meeting(f"Move {self._name()}'s review meeting", review)
        if answer is None:
            return
        day, at, place = answer
        reviews, actor, moved = self.services.reviews, self.actor, []
        if not self._do(lambda: moved.append(reviews.move(actor, review.id, day, meeting_at=at, place=place,
                                                          version=review.version)), ""):
            return
        self.message.setText(f"Meeting moved to {day_text(day)}: the deadlines moved with it. Ctrl+Z undoes it.")

        def apply(when: tuple, current: int | None) -> int:  # the meeting's day, time and place
            return perform(self, lambda: reviews.move(actor, review.id, when[0], meeting_at=when[1], place=when[2],
                                                      version=current), verb="Not done").version

        def read() -> tuple[tuple, int]:
            now = reviews.get(actor, review.id)
            return (now.meeting_on, now.meeting_at, now.place), now.version

        new = moved[0]
        push_done(self.undo_stack, f"move of {self._name()}'s review meeting", apply,
                  (review.meeting_on, review.meeting_at, review.place), (new.meeting_on, new.meeting_at, new.place),
                  new.version, self.message.setText, self.refresh, read)

    def on_cancel(self) -> None:
        review = self.review
        if review is None:
            return
        reason = self.ask_reason()
        if reason is None:
            return
        self._do(lambda: self.services.reviews.cancel(self.actor, review.id, reason),
                 f"The meeting of {day_text(review.meeting_on)} is cancelled (kept in the past meetings).")

    def on_held(self) -> None:
        review = self.review
        if review is None:
            return
        if not self.confirm("Meeting held", f"Record {self._name()}'s review meeting of "
                                            f"{day_text(review.meeting_on)} as held? It becomes the last review."):
            return
        self._do(lambda: self.services.reviews.record_held(self.actor, review.id),
                 f"Meeting of {day_text(review.meeting_on)} recorded as held: it is {self._name()}'s last review.")

    def on_after(self) -> None:
        review = self.review
        if review is None:
            return
        dates = self.ask_after(review)
        if dates is None:
            return
        words = dict(AFTER_DATES)
        self._do(lambda: self.services.reviews.record_after(self.actor, review.id, **dates),
                 "Recorded: " + "; ".join(f"{words[k]} {day_text(v)}" for k, v in dates.items()) + ".")

    def on_invite(self) -> None:
        review = self.review
        if review is None:
            return
        answer = self.ask_invitee()
        if answer is None:
            return
        role, name, professional = answer
        self._do(lambda: self.services.reviews.add_invitee(self.actor, review.id, role, name, professional),
                 f"Invited: {name or 'the professional'} ({INVITEE_ROLES.get(role, role)}).")

    def on_remove_invitee(self) -> None:
        review = self.review
        index = self.invitees_table.currentIndex()
        if review is None or not index.isValid():
            self.message.setText("Choose the invitee to remove first.")
            return
        invitee = index.data(ITEM_ROLE)
        self._do(lambda: self.services.reviews.remove_invitee(self.actor, invitee.id),
                 f"{invitee.name} is no longer invited.")

    def on_invitations_sent(self) -> None:
        review = self.review
        if review is None:
            return
        today = self.services.clock.today()
        self._do(lambda: self.services.reviews.mark_invitations_sent(self.actor, review.id, today),
                 f"Invitations recorded as sent on {day_text(today)}.")

    def on_ask_advice(self) -> None:
        review = self.review
        if review is None:
            return
        answer = self.ask_professionals()
        if answer is None:
            return
        chosen, purpose = answer
        asked: list[int] = []

        def ask() -> None:
            asked.append(self.services.reviews.request_advice(self.actor, review.id, chosen, purpose))

        if self._do(ask, ""):
            skipped = len(chosen) - asked[0]
            self.message.setText(f"Advice asked of {asked[0]} professional{'s' if asked[0] != 1 else ''}, due by "
                                 f"{day_text(review.timeline.advice_circulated_by)}"
                                 + (f" ({skipped} already asked)." if skipped else "."))

    def on_circulation(self) -> None:
        review = self.review
        if review is None:
            return
        answer = self.ask_circulation()
        if answer is None:
            return
        document, sent_to, sent_on = answer
        self._do(lambda: self.services.reviews.record_circulation(self.actor, review.id, document, sent_to, sent_on),
                 f"Recorded: {document} sent to {sent_to} on {day_text(sent_on)}.")

    def on_show_saved_text(self) -> None:
        for edit in self.texts.values():
            edit.document().setModified(False)
        self.refresh()
        self.message.setText("The texts as saved are shown.")

    def on_save_paperwork(self) -> None:
        review = self.review
        if review is None:
            return
        texts = {key: self.texts[key].toPlainText() for key, _label in TEXTS}
        before = {key: getattr(review, key) or "" for key, _label in TEXTS}
        reviews, actor, version = self.services.reviews, self.actor, self._texts_version
        try:
            saved = perform(self, lambda: reviews.save_paperwork(actor, review.id, version=version, **texts))
        except StaleRecord as exc:
            self.message.setText(f"{str(exc)[:1].upper()}{str(exc)[1:]}. Your text is still below: copy what you "
                                 "need, then “Show the saved text” and make your change again.")
            return
        except FairfieldsError as exc:
            self.message.setText(f"Not saved: {exc}")
            return
        for edit in self.texts.values():
            edit.document().setModified(False)
        self.refresh()
        self.message.setText(f"Paperwork of {self._name()}'s review saved. Ctrl+Z undoes it.")

        def apply(values: dict, current: int | None) -> int:
            return perform(self, lambda: reviews.save_paperwork(actor, review.id, version=current, **values),
                           verb="Not done").version

        def shown() -> None:
            for edit in self.texts.values():
                edit.document().setModified(False)
            self.refresh()

        def read() -> tuple[dict, int]:
            now = reviews.get(actor, review.id)
            return {key: getattr(now, key) or "" for key, _label in TEXTS}, now.version

        after = {key: getattr(saved, key) or "" for key, _label in TEXTS}
        push_done(self.undo_stack, f"paperwork of {self._name()}'s review", apply, before, after, saved.version,
                  self.message.setText, shown, read)
