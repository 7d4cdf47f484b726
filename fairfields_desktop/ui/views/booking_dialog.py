"""Dialogs of the Spaces & bookings screen: book a space (with clashes and priority), move, cancel, out of use.

The dialogs gather input and show what the bookings service answers; the service decides every rule
(school day, clashes, checks, priority). Booking is planned first, so every clashing date is listed before
anything is saved, and nothing is saved when the service refuses.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from html import escape

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain.checks import day_text
from ...domain.errors import FairfieldsError, InvalidInput, Problem, Refused
from ...domain.permissions import allowed
from ...domain.professionals import KIND_LABELS
from ...services.bookings import BookingDraft, BookingPlan, Clash, EditableBooking, EditDone, Notice, PriorityOutcome
from ..contrast import error_style
from ..models.professionals import LEVEL_WORDS
from ..timetable_canvas import kind_words

def series_choice(dialog: QDialog, block) -> tuple[QRadioButton, QRadioButton]:  # noqa: ANN001
    """"Only this date" / "this and the later ones of the series" (the latter only for a series)."""
    only_this = QRadioButton("&Only this date")
    whole_series = QRadioButton("This and the &later ones of the series")
    group = QButtonGroup(dialog)
    group.addButton(only_this)
    group.addButton(whole_series)
    only_this.setChecked(True)
    whole_series.setEnabled(bool(block.repeating))
    return only_this, whole_series


FIELD_LABELS = {
    "space": "Space", "start": "Date and start", "end": "End", "for": "Who it is for", "staff": "Staff",
    "pupils": "Pupils", "title": "Title", "notes": "Notes", "weekly_until": "Repeat weekly until", "dates": "Dates",
    "reason": "Reason", "to": "To", "from": "From",
}
AUDIENCE_WORDS = {"professional": "the professional", "parents": "parents or carers",
                  "class_teacher": "class teacher"}


def problems_text(problems: list[Problem]) -> str:
    return "\n".join(f"{FIELD_LABELS.get(p.where, p.where or 'Booking')}: {p.message}" for p in problems)


def error_text(exc: Exception, verb: str = "Not booked") -> str:
    """An error from a service in words: each problem with the field it is about, or the refusal."""
    if isinstance(exc, InvalidInput):
        return f"{verb}. " + problems_text(exc.problems)
    text = f"{verb}: {exc}"
    if isinstance(exc, Refused) and exc.reasons:
        details = list(dict.fromkeys(dated_clash_text(r) if isinstance(r, Clash) else _reason_text(r)
                                     for r in exc.reasons))  # each clash once, with its date
        text += "\n" + "\n".join(f"• {d}" for d in details if d)
    return text


def _reason_text(reason: object) -> str:
    if isinstance(reason, dict):
        day = reason.get("date")
        what = reason.get("check") or reason.get("reason") or ""
        return f"{day_text(date.fromisoformat(day))}: {what}" if day else str(what)
    return str(reason)


def clash_text(clash: Clash) -> str:
    return (f"{clash.space} is held {clash.start:%H:%M}–{clash.end:%H:%M} by {clash.who} "
            f"({kind_words(clash.kind)}, {clash.booking_ref})")


def dated_clash_text(clash: Clash) -> str:
    """A clash with its date: "Wed 20 Jan 2027: Therapy Room 1 is held 10:00–10:45 by …"."""
    return f"{clash.start:%a} {day_text(clash.start.date())}: {clash_text(clash)}"


def planned_date_lines(planned) -> list[str]:  # noqa: ANN001
    """Why one date of a plan cannot be booked, in words: each clash, the blocking check, out of use."""
    when = f"{planned.day:%a} {day_text(planned.day)} {planned.start:%H:%M}–{planned.end:%H:%M}"
    lines = [f"{when}: {clash_text(c)}" for c in planned.clashes]
    if planned.blocked:
        lines.append(f"{when}: the professional cannot be booked: {planned.blocked}")
    if planned.unavailable:
        lines.append(f"{when}: {planned.unavailable}")
    return lines


def notice_text(notice: Notice) -> str:
    contact = f" ({notice.contact})" if notice.contact else " (no contact recorded)"
    return f"{notice.who} — {AUDIENCE_WORDS.get(notice.audience, notice.audience)}{contact}"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _qtime(t: time) -> QTime:
    return QTime(t.hour, t.minute)


def _time(value: QTime) -> time:
    return time(value.hour(), value.minute())


def _message_label() -> QLabel:
    label = QLabel("")
    label.setObjectName("formMessage")
    label.setWordWrap(True)
    label.setStyleSheet(error_style())
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(_qdate(day))
    edit.setDisplayFormat("ddd dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


def _time_edit(t: time) -> QTimeEdit:
    edit = QTimeEdit(_qtime(t))
    edit.setDisplayFormat("HH:mm")
    return edit


class BookingDialog(QDialog):
    """Book a space: plan first; if every date is free, book; else list every clash and offer to skip those
    dates, give up, or (for a statutory, commissioned or school booking) ask independent sessions to give way.

    After ``exec()`` returns Accepted, ``booked`` holds the new occurrences, ``notices`` who must be told of
    sessions moved or cancelled for it, and ``warnings`` the professional's check warnings."""

    def __init__(self, services, actor, *, space: str | None = None, start: datetime | None = None,  # noqa: ANN001
                 end: datetime | None = None, parent=None, editing: EditableBooking | None = None,  # noqa: ANN001
                 scope: str = "this") -> None:
        super().__init__(parent)
        if editing is not None:  # the form opens where the booking is
            space, start, end = editing.draft.space, editing.draft.start, editing.draft.end
        self.editing: EditableBooking | None = None
        self.edited: EditDone | None = None  # after an edit is saved: what it changed, and its undo
        self.services = services
        self.actor = actor
        self.setWindowTitle("Book a space")
        self.booked: list = []
        self.notices: list[Notice] = []
        self.warnings: tuple[str, ...] = ()
        self.plan: BookingPlan | None = None
        today = services.clock.today()
        start = start or datetime.combine(today, time(9, 0))
        end = end or start + timedelta(minutes=45)

        self.space = QComboBox()
        self._spaces = services.bookings.spaces(actor)
        for info in self._spaces:
            self.space.addItem(info.name, info.name)
        if space is not None and self.space.findData(space) >= 0:
            self.space.setCurrentIndex(self.space.findData(space))
        self.date = _date_edit(start.date())
        self.start_time = _time_edit(start.time())
        self.end_time = _time_edit(end.time())
        times = QHBoxLayout()
        times.addWidget(self.start_time)
        times.addWidget(QLabel("to"))
        times.addWidget(self.end_time)
        times.addStretch(1)
        self.space_note = QLabel("")
        self.space_note.setObjectName("hint")
        self.space_note.setWordWrap(True)

        self.for_professional = QRadioButton("A pro&fessional")
        self.for_school = QRadioButton("The &school's own use (a class, a meeting, named staff)")
        group = QButtonGroup(self)
        group.addButton(self.for_professional)
        group.addButton(self.for_school)
        self.for_professional.setChecked(True)
        self.professional = QComboBox()
        self.professional.setAccessibleName("Professional")
        # nobody is chosen for the person: they choose the professional the booking is for
        self.professional.addItem("— choose —", None)
        self._kinds: dict[str, str] = {}
        for p in services.professionals.list_professionals(actor, on=start.date()):
            if not p.active:  # no longer works with the school: not offered for new bookings
                continue
            self._kinds[p.ext_id] = p.kind
            check = LEVEL_WORDS[p.status.level]
            problems = p.status.blocking or p.status.warnings
            if problems:
                check += f" ({problems[0].message})"
            self.professional.addItem(f"{p.name} — {KIND_LABELS.get(p.kind, p.kind)}, {p.discipline_label}; "
                                      f"checks: {check}", p.ext_id)
        self.staff = QListWidget()
        self.staff.setAccessibleName("Staff")
        self.staff.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for member in services.people.list_staff(actor):
            item = QListWidgetItem(f"{member.name} ({member.role}" + (f", {member.class_name})" if member.class_name
                                                                      else ")"))
            item.setData(Qt.ItemDataRole.UserRole, member.ext_id)
            self.staff.addItem(item)
        self.pupils = QListWidget()
        self.pupils.setAccessibleName("Pupils")
        self.pupils.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for pupil in services.pupils.list_pupils(actor):
            item = QListWidgetItem(f"{pupil.name} ({pupil.class_name})")
            item.setData(Qt.ItemDataRole.UserRole, pupil.upn)
            self.pupils.addItem(item)
        for listing in (self.staff, self.pupils):
            listing.setMaximumHeight(110)
        # the title is public (everyone who sees the timetable reads it): pupils are chosen above, never named
        self.title_field = QLineEdit()
        self.title_field.setPlaceholderText("e.g. SLT: AAC programme, Oak class swimming (no pupil's name)")
        self.title_message = QLabel("")
        self.title_message.setObjectName("fieldMessage")
        self.title_message.setWordWrap(True)
        self.title_message.setStyleSheet(error_style())
        self.title_message.setVisible(False)
        title_box = QVBoxLayout()
        title_box.setContentsMargins(0, 0, 0, 0)
        title_box.addWidget(self.title_field)
        title_box.addWidget(self.title_message)
        # notes: read (and so written) only by the roles that may read them; the service enforces it
        self.notes_field = QLineEdit()
        self.notes_field.setPlaceholderText("seen by the headteacher and the SENCo only")
        self.notes_field.setAccessibleName("Notes")
        self.may_write_notes = allowed(actor.roles, "bookings.view_notes")
        # the headteacher's reason to book an independent therapist with pupils in the school day without a
        # request: shown to her when the plan says an authorisation is needed (the service decides)
        self.direct_reason = QLineEdit()
        self.direct_reason.setAccessibleName("Reason to book directly")
        self.direct_reason.setPlaceholderText("why this is booked without a request (kept on the booking)")
        self.may_book_directly = allowed(actor.roles, "bookings.direct_independent")
        self.repeat = QCheckBox("Repeat &weekly until")
        self.until = _date_edit(services.bookings.default_until(start.date()) or start.date())
        self.until.setEnabled(False)
        self._until_touched = False
        repeat_row = QHBoxLayout()
        repeat_row.addWidget(self.repeat)
        repeat_row.addWidget(self.until)
        repeat_row.addStretch(1)
        self.repeat_row = repeat_row

        time_label = QLabel("&Time")
        time_label.setBuddy(self.start_time)
        for combo in (self.space, self.professional):  # long names must not widen the dialog
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(24)
        form = QFormLayout()
        for label, widget in (("S&pace", self.space), ("&Date", self.date), (time_label, times), ("", self.space_note),
                              ("For", self.for_professional), ("", self.professional), ("", self.for_school),
                              ("St&aff", self.staff), ("P&upils", self.pupils), ("Titl&e", title_box),
                              ("&Notes", self.notes_field), ("Repeat", repeat_row),
                              ("Reason to book directl&y", self.direct_reason)):
            if isinstance(widget, QWidget) and isinstance(label, str) and label:
                widget.setAccessibleName(label.replace("&", ""))
            form.addRow(label, widget)
        self.title_field.setAccessibleName("Title")
        form.setRowVisible(self.notes_field, self.may_write_notes)
        self.form = form
        form.setRowVisible(self.direct_reason, False)
        self.start_time.setAccessibleName("Start time")
        self.end_time.setAccessibleName("End time")
        self.until.setAccessibleName("Repeat weekly until")

        # what the plan found: every date that cannot be booked, and the ways on
        self.plan_box = QGroupBox("Some dates cannot be booked")
        self.plan_summary = QLabel("")
        self.plan_summary.setWordWrap(True)
        self.clash_list = QListWidget()
        self.clash_list.setAccessibleName("Dates that cannot be booked")
        self.clash_list.setMaximumHeight(160)
        self.clash_list.setWordWrap(True)
        self.clash_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.clash_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.skip_button = QPushButton("S&kip those dates and book the rest")
        self.give_up_button = QPushButton("&Give up")
        self.priority_button = QPushButton("Give p&riority…")
        self.priority_button.setToolTip("Ask the independent sessions holding these times to move or be cancelled; "
                                        "the therapist, the parents and the class teacher must then be told")
        self.request_button = QPushButton("Start a &request for the headteacher…")
        self.request_button.setToolTip("Opens a new request filled from this booking: the headteacher decides it, "
                                       "and approving it books the sessions")
        self.request_button.setVisible(False)
        self.may_start_request = allowed(actor.roles, "requests.edit")
        self.request_saved: str | None = None  # the request started from this booking
        plan_buttons = QHBoxLayout()
        for button in (self.request_button, self.skip_button, self.priority_button, self.give_up_button):
            button.setAutoDefault(False)
            plan_buttons.addWidget(button)
        plan_buttons.addStretch(1)
        plan_layout = QVBoxLayout(self.plan_box)
        plan_layout.addWidget(self.plan_summary)
        plan_layout.addWidget(self.clash_list)
        plan_layout.addLayout(plan_buttons)
        self.plan_box.setVisible(False)

        self.message = _message_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Book")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addLayout(form)
        layout.addWidget(self.message)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        # a priority clash replaces the form with its own page: each date, its choices, the outcome
        self.priority_panel = PriorityPanel(self)
        self.pages = QStackedWidget()
        self.pages.addWidget(scroll)
        self.pages.addWidget(self.priority_panel)
        self.outcome: tuple[str, ...] = ()  # one sentence per date, once booked with priority
        outer = QVBoxLayout(self)
        outer.addWidget(self.plan_box)  # at the top, never below a scroll
        outer.addWidget(self.pages, 1)
        outer.addWidget(self.buttons)
        self.resize(620, 720)

        self.for_professional.toggled.connect(self.on_for_changed)
        self.repeat.toggled.connect(self.until.setEnabled)
        self.date.dateChanged.connect(self.on_date_changed)
        self.until.dateChanged.connect(lambda _d: setattr(self, "_until_touched", True))
        self.start_time.timeChanged.connect(self.on_start_changed)
        self.space.currentIndexChanged.connect(self.on_space_changed)
        self.skip_button.clicked.connect(self.on_skip_clicked)
        self.give_up_button.clicked.connect(self.reject)
        self.priority_button.clicked.connect(self.on_priority_clicked)
        self.priority_panel.book_button.clicked.connect(self.on_give_priority_clicked)
        self.priority_panel.back_button.clicked.connect(self.show_form)
        self.priority_panel.give_up_button.clicked.connect(self.reject)
        self.priority_panel.done_button.clicked.connect(lambda: QDialog.accept(self))
        self.request_button.clicked.connect(self.on_request_clicked)
        for signal in (self.space.currentIndexChanged, self.date.dateChanged, self.start_time.timeChanged,
                       self.end_time.timeChanged, self.professional.currentIndexChanged, self.title_field.textChanged,
                       self.notes_field.textChanged,
                       self.repeat.toggled, self.until.dateChanged, self.for_school.toggled):
            signal.connect(self.on_form_edited)
        self.staff.itemSelectionChanged.connect(self.on_form_edited)
        self.pupils.itemSelectionChanged.connect(self.on_form_edited)
        self.title_field.textChanged.connect(self.on_title_edited)
        self._last_start = start.time()
        self.on_space_changed()
        if editing is not None:
            self.fill_for_edit(editing, scope)

    # --- the form ---------------------------------------------------------------------------------
    def choose_professional(self, ext_id: str) -> None:
        self.for_professional.setChecked(True)
        self.professional.setCurrentIndex(self.professional.findData(ext_id))

    def choose_staff(self, ext_ids: list[str]) -> None:
        for i in range(self.staff.count()):
            item = self.staff.item(i)
            item.setSelected(item.data(Qt.ItemDataRole.UserRole) in ext_ids)

    def choose_pupils(self, upns: list[str]) -> None:
        for i in range(self.pupils.count()):
            item = self.pupils.item(i)
            item.setSelected(item.data(Qt.ItemDataRole.UserRole) in upns)

    def set_when(self, day: date, start: time, end: time) -> None:
        self.date.setDate(_qdate(day))
        self.start_time.setTime(_qtime(start))
        self.end_time.setTime(_qtime(end))

    def kind(self) -> str:
        """The kind of the booking being made: the professional's, or "school"."""
        if self.for_professional.isChecked() and self.professional.currentData():
            return self._kinds.get(self.professional.currentData(), "independent")
        return "school"

    def draft(self) -> BookingDraft:
        day = _date(self.date.date())
        selected = lambda listing: tuple(item.data(Qt.ItemDataRole.UserRole)  # noqa: E731
                                         for item in (listing.item(i) for i in range(listing.count()))
                                         if item.isSelected())
        return BookingDraft(
            space=self.space.currentData() or "",
            start=datetime.combine(day, _time(self.start_time.time())),
            end=datetime.combine(day, _time(self.end_time.time())),
            professional=self.professional.currentData() if self.for_professional.isChecked() else None,
            staff=selected(self.staff), pupils=selected(self.pupils),
            title=self.title_field.text().strip() or None,
            notes=(self.notes_field.text().strip() or None) if self.may_write_notes else None,
            weekly_until=_date(self.until.date()) if self.repeat.isChecked() else None,
            direct_reason=(self.direct_reason.text().strip() or None) if self.may_book_directly else None)

    def on_for_changed(self, professional: bool) -> None:
        self.professional.setEnabled(professional)

    def on_date_changed(self, value: QDate) -> None:
        if not self._until_touched:
            until = self.services.bookings.default_until(_date(value))
            if until is not None:
                self.until.blockSignals(True)
                self.until.setDate(_qdate(until))
                self.until.blockSignals(False)
        self.on_space_changed()

    def on_start_changed(self, value: QTime) -> None:
        """Keep the length when the start moves."""
        previous = datetime.combine(date.today(), self._last_start)
        length = datetime.combine(date.today(), _time(self.end_time.time())) - previous
        self._last_start = _time(value)
        if length.total_seconds() > 0:
            moved = datetime.combine(date.today(), self._last_start) + length
            if moved.date() == date.today():
                self.end_time.setTime(_qtime(moved.time()))

    def on_space_changed(self, *_args) -> None:  # noqa: ANN002
        info = next((s for s in self._spaces if s.name == self.space.currentData()), None)
        if info is None:
            self.space_note.setText("")
            return
        day = _date(self.date.date())
        closed = info.out_of_use_on(day)
        kind = (info.kind or "space").replace("_", " ")
        note = f"{kind.capitalize()}, for up to {info.capacity}." if info.capacity else kind.capitalize()
        if closed:
            note += f" Out of use on {day_text(day)}: {closed}."
        self.space_note.setText(note)

    def on_title_edited(self, text: str) -> None:
        """Say at once, at the title, when it names a pupil (the service decides: it refuses such a title)."""
        message = title_message(self.services, self.actor, text)
        self.title_message.setText(message)
        self.title_message.setVisible(bool(message))

    def on_form_edited(self, *_args) -> None:  # noqa: ANN002
        """A changed form makes the last plan out of date: plan again on Book."""
        if self.plan is not None:
            self.plan = None
            self.plan_box.setVisible(False)
            self.ok_button.setEnabled(True)

    # --- planning and booking ---------------------------------------------------------------------
    def accept(self) -> None:  # the Book button
        self.submit()

    def submit(self) -> bool:
        """Plan the draft; book it if every date is free, else list the clashes. True once booked."""
        if self.editing is not None:
            return self.submit_edit()
        self.message.setText("")
        draft = self.draft()
        try:
            plan = self.services.bookings.plan(self.actor, draft)
        except FairfieldsError as exc:
            self.show_error(exc)
            return False
        self.warnings = plan.warnings
        if plan.needs_request is not None:
            self.show_authorisation(plan)
            return False
        if plan.ok:
            return self._book(draft, ())
        self.show_plan(plan)
        return False

    def show_authorisation(self, plan: BookingPlan) -> None:
        """An independent therapist with pupils in the school day: say so before anything is booked, and
        offer the way on: a request for the headteacher, or (to her) a reason to book it directly."""
        self.plan = plan
        self.clash_list.clear()
        self.clash_list.setVisible(False)
        self.skip_button.setVisible(False)
        self.priority_button.setVisible(False)
        self.plan_box.setTitle("The headteacher's authorisation is needed")
        if self.may_book_directly:
            self.plan_summary.setText(f"{plan.needs_request}.\n\nAs headteacher you may book it directly: give "
                                      "your reason below (it is kept on the booking), then Book.")
            self.form.setRowVisible(self.direct_reason, True)
            self.request_button.setVisible(False)
            self.ok_button.setEnabled(True)
            self.direct_reason.setFocus()
        else:
            self.plan_summary.setText(f"{plan.needs_request}. Nothing has been booked.")
            self.request_button.setVisible(self.may_start_request)
            self.ok_button.setEnabled(False)
            (self.request_button if self.may_start_request else self.give_up_button).setFocus()
        self.plan_box.setVisible(True)

    def request_values(self) -> dict:
        """The request form's fields as this booking fills them: pupil, professional, in school, the first
        session the date, the last the series' end (or the date), the weekday, the times, the space."""
        draft = self.plan.draft if self.plan is not None else self.draft()
        last = draft.start.date()
        if draft.weekly_until is not None:
            dates = [d.day for d in self.plan.dates] if self.plan is not None else []
            last = dates[-1] if dates else draft.weekly_until
        return {"pupil": draft.pupils[0] if draft.pupils else None, "professional": draft.professional,
                "setting": "in_school", "first_session": draft.start.date().isoformat(),
                "last_session": last.isoformat(), "start_time": f"{draft.start:%H:%M}",
                "end_time": f"{draft.end:%H:%M}", "space": draft.space}

    def request_dialog(self):  # noqa: ANN201 (a RequestDialog)
        from .request_dialogs import RequestDialog

        dialog = RequestDialog(self.services, self.actor, None, self)
        dialog.prefill(self.request_values())
        return dialog

    def on_request_clicked(self) -> None:
        """Open the request form filled from the booking; once saved, this booking is not made."""
        from ..operations import job
        from .people_view import run_form

        dialog = self.request_dialog()
        saved = run_form(dialog, lambda: job(self.services.requests.save_draft, self.actor, dialog.values(), None,
                                             submit=dialog.submit))
        if saved is None:
            return
        self.request_saved = saved.ref
        where = "saved as a draft" if saved.status == "draft" else "submitted for the headteacher's decision"
        self.plan_summary.setText(f"Request {saved.ref} {where}. Approving it books the sessions; nothing was "
                                  "booked here.")
        self.request_button.setVisible(False)

    def show_plan(self, plan: BookingPlan) -> None:
        self.plan = plan
        self.clash_list.setVisible(True)
        self.skip_button.setVisible(True)
        self.request_button.setVisible(False)
        clashing = plan.clashing
        self.clash_list.clear()
        for planned in clashing:
            for line in planned_date_lines(planned):
                item = QListWidgetItem(line)
                item.setData(Qt.ItemDataRole.UserRole, planned.day.isoformat())
                self.clash_list.addItem(item)
        free = len(plan.dates) - len(clashing)
        self.plan_summary.setText(
            f"{len(clashing)} of {len(plan.dates)} date(s) cannot be booked. Nothing has been booked yet."
            + (f" {free} date(s) are free." if free else " No date is free.")
            + ("\nNote: " + "; ".join(plan.warnings) if plan.warnings else ""))
        self.plan_box.setTitle("Dates that cannot be booked")
        self.skip_button.setEnabled(free > 0)
        self.skip_button.setToolTip("" if free else "Every date clashes: there is nothing left to book")
        movable = self.displaceable()
        self.priority_button.setVisible(bool(movable))
        self.plan_box.setVisible(True)
        self.ok_button.setEnabled(False)
        self.skip_button.setFocus()
        if movable:
            self.show_priority()

    def displaceable(self) -> list[Clash]:
        if self.plan is None:
            return []
        return self.services.bookings.displaceable(self.plan, self.kind())

    def on_skip_clicked(self) -> None:
        if self.plan is None:
            return
        self._book(self.plan.draft, [d.day for d in self.plan.clashing])

    def _book(self, draft: BookingDraft, skip) -> bool:  # noqa: ANN001
        from ..operations import perform

        try:
            self.booked = perform(self, lambda: self.services.bookings.book(self.actor, draft, skip=skip),
                                  doing="Booking…", verb="Not booked")
        except FairfieldsError as exc:
            self.show_error(exc)
            return False
        super().accept()
        return True

    def on_priority_clicked(self) -> None:
        """Give priority…: the panel of each clashing date and its choices, in place of the form."""
        if self.plan is not None:
            self.show_priority()

    def show_priority(self) -> None:
        assert self.plan is not None
        self.priority_panel.show_plan(self.services, self.actor, self.plan, self.displaceable())
        self.plan_box.setVisible(False)
        self.buttons.setVisible(False)
        self.pages.setCurrentWidget(self.priority_panel)
        self.priority_panel.first_choice_focus()

    def show_form(self) -> None:
        """Back to the form: the clashing dates stay listed at the top, with "Give priority…" to return."""
        self.pages.setCurrentIndex(0)
        self.buttons.setVisible(True)
        self.plan_box.setVisible(self.plan is not None)

    def on_give_priority_clicked(self) -> None:
        """Book with the choices made for each date, in one transaction (the sessions give way and the booking
        is made, or nothing changes), then say what happened on each date and who must be told."""
        if self.plan is None:
            return
        from ..operations import perform

        give_way, skip = self.priority_panel.choices()
        plan, actor, bookings = self.plan, self.actor, self.services.bookings
        try:
            outcome: PriorityOutcome = perform(self, lambda: bookings.resolve_priority(
                actor, plan.draft, give_way, skip=skip), doing="Booking…", verb="Nothing was changed")
        except FairfieldsError as exc:
            self.priority_panel.message.setText(error_text(exc, "Nothing was changed"))
            return
        self.booked = list(outcome.booked)
        self.notices += outcome.notices
        self.outcome = outcome.sentences
        self.priority_panel.show_outcome(outcome, self.plan)

    def show_error(self, exc: Exception, verb: str = "Not booked") -> None:
        self.message.setText(error_text(exc, verb))
        if isinstance(exc, InvalidInput) and exc.problems:
            focus = {"space": self.space, "start": self.start_time, "end": self.end_time,
                     "for": self.professional if self.for_professional.isChecked() else self.staff,
                     "staff": self.staff, "pupils": self.pupils, "weekly_until": self.until,
                     "title": self.title_field, "notes": self.notes_field}.get(exc.problems[0].where)
            named = next((p.message for p in exc.problems if p.where == "title"), None)
            if named:
                self.title_message.setText(f"Title: {named}")
                self.title_message.setVisible(True)
            if focus is not None:
                focus.setFocus()


    # --- editing a booking whole -------------------------------------------------------------------------
    def fill_for_edit(self, editing: EditableBooking, scope: str) -> None:
        """The form as the booking is (what the person chose when booking it), for ``scope``: the date can
        change for one date only; the series' end for this and the following dates or the whole series."""
        self.editing, self.scope = editing, scope
        d = editing.draft
        series_end = scope != "this" or not editing.repeating
        self.setWindowTitle(f"Edit booking {editing.booking_ref}"
                            + (f": {SCOPE_WORDS[scope].lower()}" if editing.repeating else ""))
        self.ok_button.setText("&Save")
        if self.space.findData(d.space) < 0:
            self.space.addItem(d.space, d.space)
        self.space.setCurrentIndex(self.space.findData(d.space))
        self.set_when(d.start.date(), d.start.time(), d.end.time())
        self._last_start = d.start.time()
        if d.professional:
            if self.professional.findData(d.professional) < 0:
                self.professional.addItem(d.professional, d.professional)
            self.choose_professional(d.professional)
        else:
            self.for_school.setChecked(True)
        self.choose_staff(list(d.staff))
        self.choose_pupils(list(d.pupils))
        self.title_field.setText(d.title or "")
        self.notes_field.setText(d.notes or "")
        self.repeat.setChecked(d.weekly_until is not None and series_end)
        if d.weekly_until is not None:
            self.until.setDate(_qdate(d.weekly_until))
        self._until_touched = True
        self.form.setRowVisible(self.repeat_row, series_end)
        self.date.setEnabled(scope == "this")
        self.date.setToolTip("" if scope == "this" else "The dates of a series stay as they are: edit one date to "
                                                        "change its day, or move the series")
        lines = [f"Booking {editing.booking_ref}, " + (f"a weekly series: {SCOPE_WORDS[scope].lower()}."
                                                      if editing.repeating else "a single date.")]
        if editing.request_ref:
            for widget in (self.for_professional, self.for_school, self.professional, self.pupils):
                widget.setEnabled(False)
            lines.append(f"Made by request {editing.request_ref}: its professional and pupils change through the "
                         "request (Requests screen).")
        self.edit_note = QLabel(" ".join(lines))
        self.edit_note.setObjectName("hint")
        self.edit_note.setWordWrap(True)
        self.form.insertRow(0, self.edit_note)
        self.plan = None
        self.plan_box.setVisible(False)
        self.ok_button.setEnabled(True)

    def edit_draft(self) -> BookingDraft:
        draft = self.draft()
        if self.scope == "this" and self.editing is not None and self.editing.repeating:
            draft = replace(draft, weekly_until=None)  # one date of a series: the series' end stays
        return draft

    def submit_edit(self) -> bool:
        """Plan the edit: save it if every date it changes is free, else list those dates (nothing changed)."""
        from ..operations import perform

        assert self.editing is not None
        self.message.setText("")
        editing, scope, draft, bookings = self.editing, self.scope, self.edit_draft(), self.services.bookings
        try:
            plan = bookings.plan_edit(self.actor, editing.occurrence_id, draft, scope)
        except FairfieldsError as exc:
            self.show_error(exc, "Not saved")
            return False
        self.warnings = plan.warnings
        if plan.needs_request is not None:
            self.show_authorisation(plan)
            return False
        if plan.clashing:
            self.show_plan(plan)
            self.skip_button.setVisible(False)
            self.priority_button.setVisible(False)
            self.plan_summary.setText(
                f"{len(plan.clashing)} of {len(plan.dates)} date(s) cannot take these changes. Nothing has been "
                "changed: choose another time or space, or give up.")
            self.give_up_button.setFocus()
            return False
        actor = self.actor
        try:
            self.edited = perform(self, lambda: bookings.edit(actor, editing.occurrence_id, draft, scope,
                                                              expected_version=editing.version),
                                  doing="Saving…", verb="Not saved")
        except FairfieldsError as exc:
            self.show_error(exc, "Not saved")
            return False
        QDialog.accept(self)
        return True


SCOPE_WORDS = {"this": "This date only", "following": "This and the following dates", "series": "The whole series"}


class ScopeDialog(QDialog):
    """Which dates of a series an edit changes: this date only, this and the following, or the whole series
    (nothing chosen for the person: Continue waits for their choice)."""

    def __init__(self, block, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle("Edit a repeating booking")
        heading = QLabel(f"<b>{escape(block.who)}</b> in {escape(block.space)}, {block.start:%a} "
                         f"{day_text(block.start.date())} {block.start:%H:%M}–{block.end:%H:%M} is one date of a "
                         "weekly series. What do you want to change?")
        heading.setWordWrap(True)
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        self.choices: dict[str, QRadioButton] = {}
        for key, text in (("this", "&This date only"), ("following", "This and the &following dates"),
                          ("series", "The &whole series")):
            button = QRadioButton(text)
            button.setAccessibleName(SCOPE_WORDS[key])
            self.group.addButton(button)
            self.choices[key] = button
            layout.addWidget(button)
        hint = QLabel("Dates cancelled or moved on their own keep as they are.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Continue")
        self.ok_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.group.buttonToggled.connect(lambda *_a: self.ok_button.setEnabled(self.scope() is not None))

    def scope(self) -> str | None:
        return next((key for key, button in self.choices.items() if button.isChecked()), None)

    def choose(self, scope: str) -> None:
        self.choices[scope].setChecked(True)


SKIP = "skip"  # a choice's data: skip this date for the new booking


def told_lines(notices: list[Notice], day_of: dict[int, date]) -> list[str]:
    """Who must be told, each person once, with the dates of the sessions they are told of."""
    grouped: dict[tuple, list[date]] = {}
    for n in notices:
        days = grouped.setdefault((n.who, n.audience, n.contact), [])
        if n.occurrence_id in day_of and day_of[n.occurrence_id] not in days:
            days.append(day_of[n.occurrence_id])
    return [notice_text(Notice(0, 0, audience, who, contact, "", None, None))
            + (f", about {' and '.join(day_text(d) for d in sorted(days))}" if days else "")
            for (who, audience, contact), days in grouped.items()]


class PriorityPanel(QWidget):
    """A statutory, commissioned or school booking meets independent sessions: each date that clashes, with
    its choices (move the session to a suggested place, cancel it, or skip the date for the new booking); then
    one sentence per date and who must be told. A page of the booking dialog, never below a scroll: only the
    list of dates scrolls, when there are many."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("priorityPanel")
        self.heading = QLabel("")
        self.heading.setObjectName("panelTitle")
        big = self.heading.font()  # larger than the text, as the text is (150 % text: 150 % heading)
        big.setPointSizeF(big.pointSizeF() * 1.25)
        big.setBold(True)
        self.heading.setFont(big)
        self.heading.setWordWrap(True)
        self.intro = QLabel("")
        self.intro.setWordWrap(True)
        self.rows = QWidget()
        self.rows_layout = QVBoxLayout(self.rows)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_area = QScrollArea()
        self.rows_area.setWidgetResizable(True)
        self.rows_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.rows_area.setWidget(self.rows)
        self.rows_area.setAccessibleName("Dates that meet independent sessions")
        self.outcome_label = QLabel("")
        self.outcome_label.setObjectName("priorityOutcome")
        self.outcome_label.setWordWrap(True)
        self.outcome_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.told_box = QGroupBox("Who must be told now")
        self.told_label = QLabel("")
        self.told_label.setWordWrap(True)
        self.told_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(self.told_box).addWidget(self.told_label)
        self.message = _message_label()
        self.book_button = QPushButton("Give priority and &book")
        self.book_button.setDefault(True)
        self.back_button = QPushButton("&Back to the form")
        self.give_up_button = QPushButton("&Give up")
        self.done_button = QPushButton("&Done")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back_button, self.give_up_button, self.book_button, self.done_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addWidget(self.rows_area, 1)
        # once booked, the outcome stands where the dates were
        self.outcome_box = QWidget()
        outcome_layout = QVBoxLayout(self.outcome_box)
        outcome_layout.setContentsMargins(0, 0, 0, 0)
        outcome_layout.addWidget(self.outcome_label)
        outcome_layout.addWidget(self.told_box)
        outcome_layout.addStretch(1)
        self.outcome_box.setVisible(False)
        layout.addWidget(self.outcome_box, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.combos: list[tuple[date, Clash, QComboBox]] = []
        self.skipped: list[date] = []  # dates that cannot be booked whatever is chosen

    def show_plan(self, services, actor, plan: BookingPlan, movable: list[Clash]) -> None:  # noqa: ANN001
        while self.rows_layout.count():
            item = self.rows_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.combos, self.skipped = [], []
        movable_ids = {c.occurrence_id for c in movable}
        clashing = plan.clashing
        free = len(plan.dates) - len(clashing)
        self.heading.setText(f"{len(clashing)} date(s) meet other sessions: choose what happens on each")
        self.intro.setText(
            "Statutory and commissioned services and the school's own use come before independent sessions. For "
            "each date, move the independent session to one of the places suggested (least disturbing for the "
            "pupil first), cancel it, or skip that date for the new booking. Nothing changes until you press "
            "“Give priority and book”." + (f" The other {free} date(s) are free and will be booked." if free else ""))
        for planned in clashing:
            box = QGroupBox()
            box.setObjectName("priorityDate")
            form = QFormLayout(box)
            when = QLabel(f"{planned.start:%A} {day_text(planned.day)}, {planned.start:%H:%M}–{planned.end:%H:%M}")
            bold = when.font()
            bold.setBold(True)
            when.setFont(bold)
            form.addRow(when)
            stuck = [line for line in ([f"the professional cannot be booked: {planned.blocked}"] if planned.blocked
                                       else []) + ([planned.unavailable] if planned.unavailable else [])]
            for clash in planned.clashes:
                held = QLabel(f"{clash.space} is held {clash.start:%H:%M}–{clash.end:%H:%M} by {clash.who} "
                              f"({kind_words(clash.kind)}, {clash.booking_ref})")
                held.setTextFormat(Qt.TextFormat.PlainText)
                held.setWordWrap(True)
                form.addRow(held)
                if clash.occurrence_id not in movable_ids:
                    stuck.append(f"{clash.who} ({kind_words(clash.kind)}) does not give way")
                    continue
                combo = self._choices(services, actor, planned, clash)
                form.addRow("&Then", combo)
                # the choice in full, wrapped: a narrow window or large text cuts the combo's words short
                words = QLabel("")
                words.setObjectName("hint")
                words.setWordWrap(True)
                words.setTextFormat(Qt.TextFormat.PlainText)
                combo.currentIndexChanged.connect(
                    lambda _i, combo=combo, words=words: words.setText(combo.currentData(Qt.ItemDataRole.ToolTipRole)
                                                                       or ""))
                words.setText(combo.currentData(Qt.ItemDataRole.ToolTipRole))
                form.addRow("", words)
                self.combos.append((planned.day, clash, combo))
            if stuck:
                self.skipped.append(planned.day)
                note = QLabel("This date cannot be booked and will be skipped: " + "; ".join(stuck) + ".")
                note.setWordWrap(True)
                form.addRow(note)
                for day, _clash, combo in self.combos:
                    if day == planned.day:
                        combo.setCurrentIndex(combo.findData(SKIP))
                        combo.setEnabled(False)
            self.rows_layout.addWidget(box)
        self.rows_layout.addStretch(1)
        for widget in (self.rows_area, self.intro, self.book_button, self.back_button, self.give_up_button):
            widget.setVisible(True)
        self.outcome_box.setVisible(False)
        self.done_button.setVisible(False)
        self.message.setText("")
        self.on_choice_changed()

    def _choices(self, services, actor, planned, clash: Clash) -> QComboBox:  # noqa: ANN001
        who = clash.professional or clash.who
        day = day_text(planned.day)
        combo = QComboBox()
        combo.setAccessibleName(f"What happens on {day} to {who}'s session")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(30)
        combo.addItem("— choose —", None)
        combo.setItemData(0, "Choose what happens to the session on this date", Qt.ItemDataRole.ToolTipRole)
        try:  # the service keeps the time being booked out of its suggestions
            slots = services.bookings.suggest_slots(actor, clash.occurrence_id, avoid=(planned.start, planned.end))
        except FairfieldsError as exc:
            slots = []
            combo.setToolTip(f"No free place could be suggested: {exc}")
        for slot in slots:
            when = f"{slot.start:%H:%M}–{slot.end:%H:%M}"
            if slot.start.date() != planned.day:
                when = f"{slot.start:%a} {day_text(slot.start.date())}, {when}"
            combo.addItem(f"Move to {slot.space}, {when} ({slot.why})", (slot.space, slot.start))
            combo.setItemData(combo.count() - 1, f"{who}'s session moves to {slot.space}, {when}: {slot.why}",
                              Qt.ItemDataRole.ToolTipRole)
        combo.addItem("Cancel the session for priority", "cancel")
        combo.setItemData(combo.count() - 1, f"{who}'s session on {day} is cancelled: the new booking takes its place",
                          Qt.ItemDataRole.ToolTipRole)
        combo.addItem(f"Skip {day} for the new booking", SKIP)
        combo.setItemData(combo.count() - 1, f"{who} keeps the session on {day}; the new booking is not made then",
                          Qt.ItemDataRole.ToolTipRole)
        combo.currentIndexChanged.connect(self.on_choice_changed)
        return combo

    def on_choice_changed(self, *_args) -> None:  # noqa: ANN002
        """"Give priority and book" once every date has a choice: nothing is chosen for the person."""
        undecided = [day for day, _clash, combo in self.combos if combo.currentData() is None]
        self.book_button.setEnabled(not undecided)
        self.book_button.setToolTip(f"Choose what happens on {day_text(undecided[0])} first" if undecided else "")

    def first_choice_focus(self) -> None:
        combo = next((c for _d, _clash, c in self.combos if c.isEnabled()), None)
        (combo or self.back_button).setFocus()

    def choose(self, day: date, text: str) -> None:
        """Choose, for ``day``, the first choice whose words contain ``text`` ("Sensory Room", "Cancel", "Skip")."""
        for d, _clash, combo in self.combos:
            if d == day:
                index = next(i for i in range(combo.count()) if text in combo.itemText(i))
                combo.setCurrentIndex(index)
                return
        raise LookupError(f"no choice for {day}")

    def choices(self) -> tuple[dict[int, tuple[str, datetime] | None], list[date]]:
        """(the sessions that give way: occurrence id → where they move, or None to cancel; the dates skipped)."""
        skip = set(self.skipped) | {day for day, _clash, combo in self.combos if combo.currentData() == SKIP}
        give_way: dict[int, tuple[str, datetime] | None] = {}
        for day, clash, combo in self.combos:
            if day not in skip:
                data = combo.currentData()
                give_way[clash.occurrence_id] = None if data == "cancel" else data
        return give_way, sorted(skip)

    def show_outcome(self, outcome: PriorityOutcome, plan: BookingPlan) -> None:
        """What happened on each date, one sentence each, and who must be told, at once."""
        day_of = {c.occurrence_id: d.day for d in plan.dates for c in d.clashes}
        self.heading.setText("Booked with priority: what happened on each date")
        self.outcome_label.setText("\n".join(outcome.sentences))
        told = told_lines(list(outcome.notices), day_of)
        self.told_label.setText("\n".join(f"• {line}" for line in told) + "\n\nEach is recorded; mark them as "
                                "told from the session's details on the timetable." if told else
                                "Nobody: no session gave way.")
        for widget in (self.rows_area, self.intro, self.book_button, self.back_button, self.give_up_button):
            widget.setVisible(False)
        self.outcome_box.setVisible(True)
        self.done_button.setVisible(True)
        self.done_button.setFocus()


class MoveDialog(QDialog):
    """A new date, start and space for one occurrence, or for it and the later ones of its series."""

    def __init__(self, services, actor, block, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.block = block
        self.setWindowTitle("Move a booking")
        self.length = block.end - block.start
        heading = QLabel(f"<b>{escape(block.who)}</b> in {escape(block.space)}, "
                         f"{block.start:%a} {day_text(block.start.date())} {block.start:%H:%M}–{block.end:%H:%M}")
        heading.setWordWrap(True)
        self.space = QComboBox()
        for info in services.bookings.spaces(actor):
            self.space.addItem(info.name, info.name)
        if self.space.findData(block.space) < 0:
            self.space.addItem(block.space, block.space)
        self.space.setCurrentIndex(self.space.findData(block.space))
        self.date = _date_edit(block.start.date())
        self.start_time = _time_edit(block.start.time())
        self.end_label = QLabel("")
        self.only_this, self.whole_series = series_choice(self, block)
        form = QFormLayout()
        form.addRow(heading)
        form.addRow("&Space", self.space)
        form.addRow("&Date", self.date)
        form.addRow("S&tart", self.start_time)
        form.addRow("Ends", self.end_label)
        form.addRow("Move", self.only_this)
        form.addRow("", self.whole_series)
        self.message = _message_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Move")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.start_time.timeChanged.connect(self._show_end)
        self._show_end()

    def _show_end(self, *_args) -> None:  # noqa: ANN002
        end = datetime.combine(date.today(), _time(self.start_time.time())) + self.length
        self.end_label.setText(f"{end:%H:%M} (the same length)")

    def values(self) -> tuple[datetime, datetime, str, bool]:
        """start, end, space, whole series"""
        start = datetime.combine(_date(self.date.date()), _time(self.start_time.time()))
        return start, start + self.length, self.space.currentData(), self.whole_series.isChecked()

    def set_values(self, day: date, start: time, space: str | None = None, *, whole_series: bool = False) -> None:
        self.date.setDate(_qdate(day))
        self.start_time.setTime(_qtime(start))
        if space is not None:
            self.space.setCurrentIndex(self.space.findData(space))
        (self.whole_series if whole_series else self.only_this).setChecked(True)


class CancelDialog(QDialog):
    """Why a booking is cancelled (required), and one date or the rest of the series."""

    def __init__(self, block, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.block = block
        self.setWindowTitle("Cancel a booking")
        heading = QLabel(f"<b>{escape(block.who)}</b> in {escape(block.space)}, "
                         f"{block.start:%a} {day_text(block.start.date())} {block.start:%H:%M}–{block.end:%H:%M}. "
                         "A cancelled booking stays on the timetable, struck through, with who cancelled it and why.")
        heading.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("e.g. therapist ill, pupil absent, room needed for a review")
        self.only_this, self.whole_series = series_choice(self, block)
        form = QFormLayout()
        form.addRow(heading)
        form.addRow("&Reason", self.reason)
        form.addRow("Cancel", self.only_this)
        form.addRow("", self.whole_series)
        self.message = _message_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Cancel the &booking")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Keep it")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, bool]:
        return self.reason.text().strip(), self.whole_series.isChecked()


class OutOfUseDialog(QDialog):
    """Mark a space out of use for a period (an admin)."""

    def __init__(self, services, actor, space: str | None, day: date, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle("Mark a space out of use")
        self.space = QComboBox()
        for info in services.bookings.spaces(actor, bookable_only=False):
            if info.bookable:
                self.space.addItem(info.name, info.name)
        if space is not None and self.space.findData(space) >= 0:
            self.space.setCurrentIndex(self.space.findData(space))
        self.first = _date_edit(day)
        self.last = _date_edit(day)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. pool pump repair, flooding")
        form = QFormLayout()
        form.addRow("&Space", self.space)
        form.addRow("&From", self.first)
        form.addRow("&To (inclusive)", self.last)
        form.addRow("&Reason", self.reason)
        self.message = _message_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Mark &out of use")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, date, date, str]:
        return self.space.currentData(), _date(self.first.date()), _date(self.last.date()), self.reason.text().strip()


def title_message(services, actor, text: str) -> str:  # noqa: ANN001 (the app's Services and Actor)
    """What to say at a booking's title as it is typed: "Title: the title names …", or "" (the service decides)."""
    try:
        problem = services.bookings.title_problem(actor, text) if text.strip() else None
    except FairfieldsError:
        problem = None
    return f"Title: {problem}" if problem else ""
