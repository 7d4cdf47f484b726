"""Dialogs of the Requests screen: the request form with its live rule panel, decisions, the acting head.

The rule panel shows exactly what the service returns: widgets never decide a rule.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import FairfieldsError, InvalidInput, NotAllowed, StaleRecord
from ...domain.lifecycle import KnownPeople
from ...domain.school import WEEKDAYS
from ...services.requests import RequestView
from ...domain.rules import join_words
from ..change_hub import rewatch, watch_record
from ..contrast import error_style
from ..models.requests import RulesModel, rule_label
from .people_view import RELOADED, FormDialog, ask_reload, stale_text

#: the form's fields in words (for "field: message" problems from the service)
FIELD_LABELS = {
    "pupil": "Pupil", "professional": "Professional", "setting": "Off site or in school",
    "first_session": "First session", "last_session": "Last session", "weekday": "Weekday",
    "start_time": "Start", "end_time": "End", "space": "Where", "class_staff": "Class staff",
    "ehcp_approval_on": "EHCP approval date", "ehcp_approval_reference": "EHCP approval reference",
    "extends": "Extends", "extension_reason": "Extension reason",
    "outside_school_day": "Outside the school day",
}


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def iso(edit: QDateEdit) -> str:
    return edit.date().toString("yyyy-MM-dd")


def date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(qdate(day))
    edit.setDisplayFormat("ddd d MMM yyyy")
    edit.setCalendarPopup(True)
    return edit


def problems_text(problems) -> str:  # noqa: ANN001
    return "\n".join(f"{FIELD_LABELS.get(p.where, p.where)}: {p.message}" if p.where else p.message
                     for p in problems)


class RulePanel(QWidget):
    """Every rule with a tick or a cross and the words "met" / "not met", or the problems with the input."""

    def __init__(self, title: str = "Rules", parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setAccessibleName(title)
        self.title = QLabel(f"<b>{title}</b>")
        self.summary = QLabel("")
        self.summary.setObjectName("ruleSummary")
        self.summary.setWordWrap(True)
        self.model = RulesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(title)
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(RulesModel.RESULT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RulesModel.RULE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RulesModel.DETAIL, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())  # wrapped details fit
        self.problems = QLabel("")
        self.problems.setObjectName("ruleProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(error_style())
        self.problems.setAccessibleName(f"{title}: what to fill in")
        self.problems.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems)

    def set_results(self, results) -> None:  # noqa: ANN001
        results = list(results)
        self.model.set_rows(results)
        failed = [r.rule for r in results if not r.ok]
        words = join_words([rule_label(rule) for rule in failed])
        self.summary.setText("All rules met." if results and not failed else
                             f"{len(failed)} of {len(results)} rules not met: {words}." if results else "")
        self.problems.hide()
        self.table.show()
        self.table.resizeRowsToContents()

    def set_problems(self, text: str) -> None:
        """Show why the rules cannot be checked yet (the service's problems, or a refusal) instead."""
        self.model.set_rows([])
        self.table.hide()
        self.summary.setText("The rules cannot be checked yet:")
        self.problems.setText(text)
        self.problems.show()

    def texts(self) -> list[tuple[str, str, str]]:
        """(result, rule, detail) as displayed, one per row (for tests and screen readers)."""
        return [tuple(self.model.index(r, c).data() for c in range(3)) for r in range(self.model.rowCount())]

    def row(self, rule: str) -> tuple[str, str, str] | None:
        for r in range(self.model.rowCount()):
            if self.model.row(r).rule == rule:
                return tuple(self.model.index(r, c).data() for c in range(3))
        return None


class RequestDialog(QDialog):
    """A request being filled in, with the rules beside it, checked by the service on every change."""

    def __init__(self, services, actor, view: RequestView | None = None, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.submit = True
        self.ref = view.ref if view else None
        self.version: int | None = None  # the version the form was filled from: sent with the save
        self.setWindowTitle(f"Edit request {view.ref}" if view else "New request")
        today = services.clock.today()
        self.pupil = QComboBox()
        self.pupil.addItem("(choose the pupil)", None)
        for p in services.pupils.list_pupils(actor):
            self.pupil.addItem(f"{p.first_name} {p.last_name} ({p.class_name})", p.upn)
        self.professional = QComboBox()
        self.professional.addItem("(choose the independent professional)", None)
        for p in services.professionals.list_professionals(actor):
            if p.kind == "independent" and p.active:
                self.professional.addItem(f"{p.name} — {p.discipline_label}", p.ext_id)
        self.setting = QComboBox()
        self.setting.addItem("In school (the professional comes in)", "in_school")
        self.setting.addItem("Off site (the pupil leaves school)", "off_site")
        self.first = date_edit(today)
        self.last = date_edit(today)
        self.weekday = QLabel("")
        self.weekday.setObjectName("weekday")
        self.start = QTimeEdit(QTime(9, 0))
        self.end = QTimeEdit(QTime(9, 45))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        self.space = QComboBox()
        self.space.addItem("The classroom", None)
        for space in services.bookings.spaces(actor):
            if space.kind != "classroom":
                self.space.addItem(space.name, space.name)
        self.class_staff = QComboBox()
        self.class_staff.addItem("(none named)", None)
        for s in services.people.list_staff(actor):
            self.class_staff.addItem(f"{s.name} ({s.class_name} class staff)" if s.class_name else s.name, s.ext_id)
        self.has_ehcp = QCheckBox("EHCP team approval recorded")
        self.ehcp_on = date_edit(today)
        self.ehcp_reference = QLineEdit()
        self.ehcp_reference.setPlaceholderText("the EHCP team's reference")
        self.budget = QCheckBox("Linked to the personal budget")
        self.agreed = QCheckBox("Some sessions agreed to happen in the classroom, with the class team")
        self.extends = QLineEdit()
        self.extends.setPlaceholderText("the request it extends, e.g. r-001 (empty: not an extension)")
        self.extension_reason = QLineEdit()
        self.outside_school_day = QLineEdit()
        self.outside_school_day.setPlaceholderText("were sessions before or after school, at weekends or in the "
                                                   "holidays considered? why will they not do?")
        self.outside_school_day.setToolTip("The policy's first instance: therapy happens outside the school day "
                                           "unless it cannot. Needed to submit the request.")
        form = QFormLayout()
        for label, widget in (("&Pupil", self.pupil), ("Pro&fessional", self.professional),
                              ("&Setting", self.setting), ("Outside the school da&y", self.outside_school_day),
                              ("F&irst session", self.first),
                              ("&Last session", self.last), ("Weekday", self.weekday), ("S&tart", self.start),
                              ("E&nd", self.end), ("&Where", self.space), ("Class st&aff", self.class_staff),
                              ("", self.has_ehcp), ("Approval &date", self.ehcp_on),
                              ("Approval &reference", self.ehcp_reference), ("", self.budget), ("", self.agreed),
                              ("E&xtends", self.extends), ("Extension reas&on", self.extension_reason)):
            widget.setAccessibleName(label.replace("&", "") or widget.text())
            form.addRow(label, widget)
        self.panel = RulePanel("Rules as the form stands")
        self.panel.setMinimumWidth(460)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(error_style())
        self.draft_button = QPushButton("Sa&ve as draft")
        self.submit_button = QPushButton("Su&bmit for decision")
        self.submit_button.setDefault(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.draft_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.submit_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.draft_button.clicked.connect(lambda: self._finish(False))
        self.submit_button.clicked.connect(lambda: self._finish(True))
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        left = QWidget()
        left.setLayout(form)
        body.addWidget(left)
        body.addWidget(self.panel, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        if view is not None:
            # stamped before the form is filled: a change in between is not missed
            watch_record(self, services, "requests", "request", view.ref, f"Request {view.ref}")
            self._fill(view)
        for signal in (self.pupil.currentIndexChanged, self.professional.currentIndexChanged,
                       self.setting.currentIndexChanged, self.first.dateChanged, self.last.dateChanged,
                       self.start.timeChanged, self.end.timeChanged, self.space.currentIndexChanged,
                       self.class_staff.currentIndexChanged, self.has_ehcp.toggled, self.ehcp_on.dateChanged,
                       self.ehcp_reference.textChanged, self.budget.toggled, self.agreed.toggled,
                       self.extends.textChanged, self.extension_reason.textChanged):
            signal.connect(self.on_form_changed)
        self.on_form_changed()

    def _finish(self, submit: bool) -> None:
        self.submit = submit
        if self.ref is not None:  # saved by someone else since the form was filled? say who, offer to reload
            try:
                self.services.requests.check_version(self.actor, self.ref, self.version)
            except StaleRecord as exc:
                if ask_reload(self, exc):
                    self.reload()
                    self.message.setText(RELOADED)
                else:
                    self.message.setText(stale_text(exc))
                return
            except FairfieldsError:
                pass  # the save itself says what is wrong
        self.accept()

    def reload(self) -> None:
        """Fill the form again from the request as it is saved now."""
        rewatch(self)
        self._fill_values(self.services.requests.values(self.actor, self.ref))

    def _fill(self, view: RequestView) -> None:
        self._fill_values(self.services.requests.values(self.actor, view.ref))

    def _fill_values(self, v: dict[str, Any]) -> None:
        self.version = v.get("version")
        self.pupil.setCurrentIndex(max(0, self.pupil.findData(v["pupil"])))
        self.professional.setCurrentIndex(max(0, self.professional.findData(v["professional"])))
        self.setting.setCurrentIndex(max(0, self.setting.findData(v["setting"])))
        self.first.setDate(qdate(date.fromisoformat(v["first_session"])))
        self.last.setDate(qdate(date.fromisoformat(v["last_session"])))
        start, end = time.fromisoformat(v["start_time"]), time.fromisoformat(v["end_time"])
        self.start.setTime(QTime(start.hour, start.minute))
        self.end.setTime(QTime(end.hour, end.minute))
        self.space.setCurrentIndex(max(0, self.space.findData(v["space"])))
        self.class_staff.setCurrentIndex(max(0, self.class_staff.findData(v["class_staff"])))
        self.has_ehcp.setChecked(v["ehcp_approval_on"] is not None)
        if v["ehcp_approval_on"]:
            self.ehcp_on.setDate(qdate(date.fromisoformat(v["ehcp_approval_on"])))
        self.ehcp_reference.setText(v["ehcp_approval_reference"] or "")
        self.budget.setChecked(v["personal_budget_linked"])
        self.agreed.setChecked(v["classroom_sessions_agreed"])
        self.extends.setText(v["extends"] or "")
        self.extension_reason.setText(v["extension_reason"] or "")
        self.outside_school_day.setText(v.get("outside_school_day") or "")

    def prefill(self, v: dict[str, Any]) -> None:
        """A new request filled from what is known (a booking that needs one): only the fields given."""
        for key, combo in (("pupil", self.pupil), ("professional", self.professional), ("setting", self.setting),
                           ("space", self.space), ("class_staff", self.class_staff)):
            if v.get(key) is not None and combo.findData(v[key]) >= 0:
                combo.setCurrentIndex(combo.findData(v[key]))
        for key, edit in (("first_session", self.first), ("last_session", self.last)):
            if v.get(key):
                edit.setDate(qdate(date.fromisoformat(v[key])))
        for key, edit in (("start_time", self.start), ("end_time", self.end)):
            if v.get(key):
                moment = time.fromisoformat(v[key])
                edit.setTime(QTime(moment.hour, moment.minute))

    def values(self) -> dict[str, Any]:
        in_school = self.setting.currentData() == "in_school"
        first = self.first.date()
        return {
            "pupil": self.pupil.currentData(), "professional": self.professional.currentData(),
            "setting": self.setting.currentData(), "first_session": iso(self.first), "last_session": iso(self.last),
            "weekday": WEEKDAYS[first.dayOfWeek() - 1],
            "start_time": self.start.time().toString("HH:mm"), "end_time": self.end.time().toString("HH:mm"),
            "space": self.space.currentData() if in_school else None,
            "class_staff": self.class_staff.currentData() if in_school else None,
            "ehcp_approval_on": iso(self.ehcp_on) if self.has_ehcp.isChecked() else None,
            "ehcp_approval_reference": (self.ehcp_reference.text().strip() or None) if self.has_ehcp.isChecked()
            else None,
            "personal_budget_linked": self.budget.isChecked(),
            "classroom_sessions_agreed": self.agreed.isChecked(),
            "extends": self.extends.text().strip() or None,
            "extension_reason": self.extension_reason.text().strip() or None,
            "outside_school_day": self.outside_school_day.text().strip() or None,
            "version": self.version,
        }

    def on_form_changed(self, *_args) -> None:  # noqa: ANN002
        in_school = self.setting.currentData() == "in_school"
        for widget in (self.space, self.class_staff, self.has_ehcp, self.budget, self.agreed):
            widget.setEnabled(in_school)
        self.ehcp_on.setEnabled(in_school and self.has_ehcp.isChecked())
        self.ehcp_reference.setEnabled(in_school and self.has_ehcp.isChecked())
        self.extension_reason.setEnabled(bool(self.extends.text().strip()))
        values = self.values()
        self.weekday.setText(f"{values['weekday'].capitalize()}s (the first session's day)")
        try:
            results = self.services.requests.evaluate_values(self.actor, values)
        except InvalidInput as exc:
            self.panel.set_problems(problems_text(exc.problems))
            return
        except NotAllowed:
            self.panel.set_problems("The headteacher and the SENCO see the rules; the request can still be "
                                    "saved and submitted.")
            return
        except FairfieldsError as exc:
            self.panel.set_problems(str(exc))
            return
        self.panel.set_results(results)

    def show_problems(self, problems) -> None:  # noqa: ANN001
        self.message.setText("Not saved. " + problems_text(problems))


class AttendeesPicker(QWidget):
    """Who attended a review meeting: the pupil's parents and carers, the professionals and the staff as
    choices to tick, and a line for others (names as the app knows them). ``text()`` is what is sent."""

    def __init__(self, known: KnownPeople, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setAccessibleName("Attendees the app knows")
        for name, what in ([(n, "parent or carer") for n in known.parents]
                           + [(name, "professional") for _id, name in known.professionals]
                           + [(name, "staff") for _id, name in known.staff]
                           + [(n, "contact") for n in known.contacts]):
            item = QListWidgetItem(f"{name} ({what})")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.setMinimumHeight(140)
        self.list.setMinimumWidth(360)
        self.others = QLineEdit()
        self.others.setPlaceholderText("others, separated by commas")
        self.others.setAccessibleName("Other attendees")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addWidget(self.others)

    def tick(self, *names: str) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) in names:
                item.setCheckState(Qt.CheckState.Checked)

    def text(self) -> str:
        ticked = [self.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.list.count())
                  if self.list.item(r).checkState() == Qt.CheckState.Checked]
        others = self.others.text().strip()
        return ", ".join(ticked + ([others] if others else []))


class DecisionDialog(FormDialog):
    """A decision's form: the fields the request's life asks for (``domain.lifecycle.requirements``),
    those in ``required`` marked so, and a line above them. The service says what is wrong."""

    def __init__(self, title: str, intro: str, fields: list[tuple[str, str, QWidget]], required: tuple[str, ...] = (),
                 ok_text: str = "OK", parent=None) -> None:  # noqa: ANN001
        super().__init__(title, fields, parent)
        self.required = required
        text = QLabel(intro)
        text.setWordWrap(True)
        text.setObjectName("decisionIntro")
        self.layout().insertRow(0, text)
        self.intro = text
        box = self.findChild(QDialogButtonBox)
        box.button(QDialogButtonBox.StandardButton.Save).setText(ok_text)

    def text(self, key: str) -> str:
        widget = self.fields[key]
        return widget.text().strip() if isinstance(widget, (QLineEdit, AttendeesPicker)) else ""

    def date(self, key: str) -> date:
        return self.fields[key].date().toPython()


class ActingHeadDialog(FormDialog):
    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        today = services.clock.today()
        self.user = QComboBox()
        self.user.setEditable(True)
        for s in services.people.list_staff(actor):
            if s.username and s.username != actor.username:
                self.user.addItem(s.username)
        self.user.setCurrentText("")
        self.starts = date_edit(today)
        self.ends = date_edit(today)
        super().__init__("Acting head", [("delegate", "&User name", self.user), ("starts_on", "&From", self.starts),
                                         ("ends_on", "&To", self.ends)], parent)
        self.layout().insertRow(0, QLabel("Name who decides requests for you, and for which days."))
