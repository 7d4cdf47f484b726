"""The Professionals screen: the register with safeguarding checks, and the visitors' log."""

from __future__ import annotations

import os
from datetime import date, time, timedelta
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QItemSelectionModel, Qt, QTime
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QInputDialog,
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
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain.attendance import mark_words
from ...domain.checks import day_text
from ...domain.errors import FairfieldsError, InvalidInput
from ...domain.permissions import allowed
from ...domain.professionals import KIND_LABELS, VISIT_PURPOSES
from ...domain.visitors import DBS_KINDS, KIND_WORDS, ORGANISATION_WORDS, VisitorDraft
from ...domain.words import DISCIPLINES, code_from_words, discipline_words
from ..printing import default_printer, print_pdf
from ..commands import ServiceCommand, outcome_text
from ..contrast import error_style, readable
from ..shortcuts import add_shortcut
from ..forms import reserve_lines, run_form, set_reserved_text
from ..change_hub import watch_record
from ..operations import job, perform
from ..models.base import Column, RowsModel, fit_columns, make_table
from ..models.professionals import (
    ITEM_ROLE,
    KIND_COLOURS,
    LEVEL_BACKGROUNDS,
    LEVEL_TEXT,
    LEVEL_WORDS,
    ProfessionalFilterProxy,
    ProfessionalsModel,
    VisitsModel,
)

FIELD_LABELS = {
    "id": "Id", "name": "Name", "discipline": "Discipline", "kind": "Kind", "email": "Email",
    "checks.dbs.type": "DBS record", "checks.dbs.date": "DBS date", "checks.dbs.given_by": "Assurance given by",
    "checks.dbs.certificate": "Certificate number", "checks.registration.body": "Registration body",
    "checks.registration.number": "Registration number", "checks.registration.checked_on": "Register checked on",
    "checks.insurance_expires": "Insurance expires",
}


def render_professional(p) -> str:  # noqa: ANN001
    rows = "".join(
        f"<tr><td style='background:{LEVEL_BACKGROUNDS[f.level]};color:{LEVEL_TEXT};padding:4px'><b>{LEVEL_WORDS[f.level]}</b></td>"
        f"<td style='padding:4px'><b>{escape(f.check.upper() if f.check == 'dbs' else f.check.capitalize())}</b>: "
        f"{escape(f.message)}" + (f"<br><i>To renew: {escape(f.renew)}</i>" if f.renew else "") + "</td></tr>"
        for f in p.status.findings)
    return (
        f"<h2 style='color:{readable('#1a3a5c')}'>{escape(p.name)}</h2>"
        f"<p><span style='color:{readable(KIND_COLOURS.get(p.kind, '#000000'))}'><b>{escape(KIND_LABELS.get(p.kind, p.kind))}</b>"
        f"</span> · {escape(p.discipline_label)} · {escape(p.organisation or 'no organisation')}</p>"
        f"<p>{escape(p.contact or 'no phone or email recorded')}</p>"
        + ("" if p.active else "<p><b>No longer works with the school</b> (kept on the register with their "
                                "checks, visits and bookings; not offered for new ones).</p>")
        + f"<h3 style='color:{readable('#1a3a5c')}'>Safeguarding checks on {day_text(p.status.on)}: "
        f"{LEVEL_WORDS[p.status.level]}</h3><table>{rows}</table>"
    )


def _qdate(value: str | None, fallback: QDate) -> QDate:
    return QDate.fromString(value, "yyyy-MM-dd") if value else fallback


class ProfessionalDialog(QDialog):
    """Add or edit a professional and their checks; the status line follows the form as it changes."""

    def __init__(self, services, actor, values: dict[str, Any] | None = None, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.setWindowTitle("Edit professional" if values else "Add a professional")
        today = services.clock.today()
        qtoday = QDate(today.year, today.month, today.day)
        self.ext_id = ""  # the app makes the id of a new professional; an edit keeps theirs
        self.name = QLineEdit()
        self.kind = QComboBox()
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(label, kind)
        self.discipline = QComboBox()  # the school's words; another discipline can be typed in words
        self.discipline.setEditable(True)
        self.discipline.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.discipline.addItem("", "")
        for code, label in DISCIPLINES.items():
            self.discipline.addItem(label, code)
        self.discipline.lineEdit().setPlaceholderText("choose from the list, or type another in words")
        self.organisation = QLineEdit()
        self.email = QLineEdit()
        self.phone = QLineEdit()
        form = QFormLayout()
        for label, widget in (("&Name", self.name), ("&Kind", self.kind),
                              ("&Discipline", self.discipline), ("&Organisation", self.organisation),
                              ("&Email", self.email), ("&Phone", self.phone)):
            widget.setAccessibleName(label.replace("&", ""))
            form.addRow(label, widget)

        dbs_box = QGroupBox("DBS (enhanced, with the children's barred list)")
        self.dbs_type = QComboBox()
        self.dbs_type.addItem("None recorded", None)
        self.dbs_type.addItem("Employer's written assurance", "employer_assurance")
        self.dbs_type.addItem("School's own check", "school_check")
        self.dbs_date = QDateEdit(qtoday)
        self.dbs_given_by = QLineEdit()
        self.dbs_certificate = QLineEdit()
        self.dbs_barred = QCheckBox("Barred list checked")
        self.dbs_update = QCheckBox("Subscribed to the update service")
        dbs_form = QFormLayout(dbs_box)
        dbs_form.addRow("Record", self.dbs_type)
        dbs_form.addRow("Date", self.dbs_date)
        dbs_form.addRow("Assurance given by", self.dbs_given_by)
        dbs_form.addRow("Certificate number", self.dbs_certificate)
        dbs_form.addRow("", self.dbs_barred)
        dbs_form.addRow("", self.dbs_update)
        reg_box = QGroupBox("Registration")
        self.reg_body = QComboBox()
        self.reg_body.setEditable(True)
        self.reg_body.addItems(["", "HCPC", "NMC", "TRA"])
        self.reg_number = QLineEdit()
        self.reg_checked = QDateEdit(qtoday)
        reg_form = QFormLayout(reg_box)
        reg_form.addRow("Body (empty: none)", self.reg_body)
        reg_form.addRow("Number", self.reg_number)
        reg_form.addRow("Register checked on", self.reg_checked)
        ins_box = QGroupBox("Insurance")
        self.has_insurance = QCheckBox("Own insurance (unticked: covered by the employer)")
        self.insurance = QDateEdit(qtoday)
        ins_form = QFormLayout(ins_box)
        ins_form.addRow("", self.has_insurance)
        ins_form.addRow("Expires", self.insurance)
        for edit in (self.dbs_date, self.reg_checked, self.insurance):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)

        self.status = reserve_lines(QLabel(""), 3, padding=6)
        self.status.setObjectName("checkStatus")
        self.status.setAccessibleName("Checks as they stand")
        self.message = reserve_lines(QLabel(""), 3)
        self.message.setStyleSheet(error_style())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        checks = QHBoxLayout()
        checks.addWidget(dbs_box)
        right = QVBoxLayout()
        right.addWidget(reg_box)
        right.addWidget(ins_box)
        checks.addLayout(right)
        layout.addLayout(checks)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        if values:
            self._fill(values)
        for signal in (self.kind.currentIndexChanged, self.dbs_type.currentIndexChanged, self.dbs_date.dateChanged,
                       self.dbs_barred.toggled, self.reg_body.currentTextChanged, self.reg_checked.dateChanged,
                       self.has_insurance.toggled, self.insurance.dateChanged):
            signal.connect(self.on_form_changed)
        self.on_form_changed()

    def _fill(self, v: dict[str, Any]) -> None:
        today = self.dbs_date.date()
        self.ext_id = v["id"]
        self.name.setText(v["name"])
        self.kind.setCurrentIndex(self.kind.findData(v["kind"]))
        self.set_discipline(v["discipline"])
        self.organisation.setText(v.get("organisation") or "")
        self.email.setText(v.get("email") or "")
        self.phone.setText(v.get("phone") or "")
        checks = v.get("checks") or {}
        dbs = checks.get("dbs")
        self.dbs_type.setCurrentIndex(self.dbs_type.findData(dbs["type"] if dbs else None))
        if dbs:
            self.dbs_date.setDate(_qdate(dbs.get("date"), today))
            self.dbs_given_by.setText(dbs.get("given_by") or "")
            self.dbs_certificate.setText(dbs.get("certificate") or "")
            self.dbs_barred.setChecked(bool(dbs.get("barred_list")))
            self.dbs_update.setChecked(bool(dbs.get("update_service")))
        registration = checks.get("registration")
        if registration:
            self.reg_body.setCurrentText(registration.get("body") or "")
            self.reg_number.setText(registration.get("number") or "")
            self.reg_checked.setDate(_qdate(registration.get("checked_on"), today))
        self.has_insurance.setChecked(bool(checks.get("insurance_expires")))
        self.insurance.setDate(_qdate(checks.get("insurance_expires"), today))

    def values(self) -> dict[str, Any]:
        iso = lambda edit: edit.date().toString("yyyy-MM-dd")  # noqa: E731
        dbs = None
        if self.dbs_type.currentData():
            dbs = {"type": self.dbs_type.currentData(), "date": iso(self.dbs_date),
                   "given_by": self.dbs_given_by.text().strip() or None,
                   "certificate": self.dbs_certificate.text().strip() or None,
                   "barred_list": self.dbs_barred.isChecked(), "update_service": self.dbs_update.isChecked()}
        body = self.reg_body.currentText().strip()
        registration = ({"body": body, "number": self.reg_number.text().strip(), "checked_on": iso(self.reg_checked)}
                        if body else None)
        return {"id": self.ext_id, "name": self.name.text().strip(), "kind": self.kind.currentData(),
                "discipline": self.discipline_code(), "organisation": self.organisation.text().strip() or None,
                "email": self.email.text().strip() or None, "phone": self.phone.text().strip() or None,
                "checks": {"dbs": dbs, "registration": registration,
                           "insurance_expires": iso(self.insurance) if self.has_insurance.isChecked() else None}}

    def set_discipline(self, code: str) -> None:
        """Show a discipline in words (one the list does not know is added to it in words)."""
        index = self.discipline.findData(code)
        if index < 0:
            self.discipline.addItem(discipline_words(code), code)
            index = self.discipline.count() - 1
        self.discipline.setCurrentIndex(index)

    def discipline_code(self) -> str:
        """The stored code of the discipline chosen or typed in words."""
        text = self.discipline.currentText().strip()
        index = self.discipline.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0 and self.discipline.itemData(index):
            return self.discipline.itemData(index)
        return code_from_words(text, DISCIPLINES)

    def on_form_changed(self, *_args) -> None:  # noqa: ANN002
        self.insurance.setEnabled(self.has_insurance.isChecked())
        try:
            status = self.services.professionals.status(self.actor, self.values())
        except (ValueError, FairfieldsError) as exc:
            set_reserved_text(self.status, str(exc))
            return
        level = status.level
        set_reserved_text(self.status, f"<b>{LEVEL_WORDS[level]}</b> today: {escape(status.summary)}")
        self.status.setStyleSheet(f"background: {LEVEL_BACKGROUNDS[level]}; color: {LEVEL_TEXT}; padding: 6px")

    def show_problems(self, problems) -> None:  # noqa: ANN001
        set_reserved_text(self.message, "Not saved. " + "\n".join(
            f"{FIELD_LABELS.get(p.where, p.where)}: {p.message}" for p in problems))


class OffSiteReturnDialog(QDialog):
    """A pupil back from off-site therapy: the time back, whether they were registered before leaving, and the
    attendance mark, chosen by the person recording from the 2024 codes with the suggestion pre-selected (never B
    by default) and why it is suggested. The service suggests (`suggest_back_mark`) and checks the mark."""

    def __init__(self, services, actor, log_id: int, pupil: str, out_at, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services, self.actor, self.log_id, self.out_at = services, actor, log_id, out_at
        self.setWindowTitle("Pupil is back")
        now = services.clock.now()
        self.back = QTimeEdit(QTime(now.hour, now.minute))
        self.back.setDisplayFormat("HH:mm")
        self.back.setAccessibleName("Time back")
        first = services.requests.suggest_back_mark(actor, log_id, self._back_at())
        self.registered = QCheckBox(f"Registered at the {first.session} registration ({first.registration:%H:%M}) "
                                    "before leaving")
        self.registered.setChecked(first.registered)
        self.mark = QComboBox()
        self.mark.setAccessibleName("Attendance mark")
        for code in first.choices:
            self.mark.addItem(mark_words(code), code)
        self.why = QLabel("")
        self.why.setWordWrap(True)
        self.why.setObjectName("hint")
        form = QFormLayout(self)
        form.addRow(QLabel(f"<b>{escape(pupil)}</b> went out at {out_at:%H:%M} on {day_text(out_at.date())}."))
        form.addRow("&Back at", self.back)
        form.addRow("", self.registered)
        form.addRow("Attendance &mark", self.mark)
        form.addRow("Suggested", self.why)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(error_style())
        form.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record the return")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.suggested: str | None = None
        self.show_suggestion(first)
        self.back.timeChanged.connect(self.on_facts_changed)
        self.registered.toggled.connect(self.on_facts_changed)
        self.setMinimumWidth(560)

    def _back_at(self):  # noqa: ANN202
        from datetime import datetime as _datetime

        value = self.back.time()
        return _datetime.combine(self.out_at.date(), time(value.hour(), value.minute()))

    def on_facts_changed(self, *_: object) -> None:
        """The time back or the registration changed: suggest again (the service decides), pre-selected."""
        if self._back_at() <= self.out_at:
            self.why.setText("The time back is before the pupil left.")
            return
        try:
            suggestion = self.services.requests.suggest_back_mark(self.actor, self.log_id, self._back_at(),
                                                                  self.registered.isChecked())
        except FairfieldsError as exc:
            self.why.setText(str(exc))
            return
        self.show_suggestion(suggestion)

    def show_suggestion(self, suggestion) -> None:  # noqa: ANN001
        self.suggested = suggestion.code
        self.mark.setCurrentIndex(self.mark.findData(suggestion.code))
        why = suggestion.why[:1].upper() + suggestion.why[1:]
        self.why.setText(f"{escape(why)}.<br><i>You decide: choose another mark if this one is wrong.</i>")

    def values(self) -> tuple:
        return self._back_at(), self.mark.currentData()


class SignInVisitorDialog(QDialog):
    """Sign anyone in: first who they are (the kind), then the fields that kind needs. A professional is
    chosen from the register (purpose, space, pupils seen); anyone else is named, with their organisation; a
    contractor or supply staff in regulated activity shows the DBS seen or the escort. A name seen before
    fills in the visitor's last details."""

    def __init__(self, services, actor, professionals, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.setWindowTitle("Sign a visitor in")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Who is visiting")
        for kind, words in KIND_WORDS.items():
            self.kind.addItem(words, kind)
        self.kind.setCurrentIndex(self.kind.findData("professional"))
        self.name = QLineEdit()
        self.name.setAccessibleName("Visitor's name")
        self.name.setPlaceholderText("as on their identity")
        completer = QCompleter(services.visitors.regular_names(actor), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.name.setCompleter(completer)
        self.known = QLabel("")
        self.known.setWordWrap(True)
        self.professional = QComboBox()
        self.professional.setAccessibleName("Professional")
        for p in professionals:
            self.professional.addItem(f"{p.name} — {KIND_LABELS.get(p.kind, p.kind)}, {p.discipline_label}", p.id)
        self.organisation = QLineEdit()
        self.organisation.setAccessibleName("Organisation")
        self.visiting = QLineEdit()
        self.visiting.setAccessibleName("Visiting")
        self.visiting.setPlaceholderText("a member of staff, a class or the office")
        self.identity = QCheckBox("Identity checked (photo ID seen)")
        self.identity_note = QLineEdit()
        self.identity_note.setPlaceholderText("e.g. NHS badge, driving licence")
        self.badge = QLineEdit()
        self.badge.setAccessibleName("Badge number")
        self.badge.setMaxLength(40)
        self.regulated = QCheckBox("In regulated activity (working with or near the pupils)")
        self.dbs_certificate = QLineEdit()
        self.dbs_certificate.setAccessibleName("DBS certificate number")
        self.dbs_certificate.setPlaceholderText("the enhanced DBS certificate seen, if any")
        self.dbs_certificate.setMaxLength(40)
        self.dbs_date = QDateEdit()
        self.dbs_date.setAccessibleName("DBS certificate date")
        self.dbs_date.setCalendarPopup(True)
        self.dbs_date.setDisplayFormat("dd/MM/yyyy")
        self.dbs_date.setMinimumDate(QDate(2000, 1, 1))
        self.dbs_date.setSpecialValueText("not given")
        self.dbs_date.setDate(self.dbs_date.minimumDate())
        self.escorted = QCheckBox("Escorted all the time they are on site")
        self.purpose = QComboBox()
        self.purpose.addItems(VISIT_PURPOSES)
        self.space = QComboBox()
        self.space.addItem("(another place)", None)
        for name in services.professionals.space_names():
            self.space.addItem(name, name)
        self.location = QLineEdit()
        self.location.setPlaceholderText("where, if not one of the spaces")
        self.pupils = QListWidget()
        self.pupils.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        self.pupils.setAccessibleName("Pupils seen")
        for pupil_id, label in services.professionals.pupil_choices(actor):
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, pupil_id)
            self.pupils.addItem(item)
        self.form = form = QFormLayout(self)
        form.addRow("&Who is visiting", self.kind)
        form.addRow("&Name", self.name)
        form.addRow("", self.known)
        form.addRow("&Visitor", self.professional)
        form.addRow("&Organisation", self.organisation)
        form.addRow("Visi&ting", self.visiting)
        form.addRow("", self.identity)
        form.addRow("Identity &seen", self.identity_note)
        form.addRow("&Badge", self.badge)
        form.addRow("", self.regulated)
        form.addRow("&DBS certificate", self.dbs_certificate)
        form.addRow("DBS d&ate", self.dbs_date)
        form.addRow("", self.escorted)
        form.addRow("&Purpose", self.purpose)
        form.addRow("&Space", self.space)
        form.addRow("Or &where", self.location)
        form.addRow("Pupils &seen", self.pupils)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(error_style())
        form.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.kind.currentIndexChanged.connect(self.show_fields)
        self.regulated.toggled.connect(self.show_fields)
        self.name.editingFinished.connect(self.offer_known)
        completer.activated.connect(lambda _text: self.offer_known())
        self.show_fields()

    def current_kind(self) -> str:
        return self.kind.currentData()

    def show_fields(self) -> None:
        """Only the fields the chosen kind needs."""
        kind = self.current_kind()
        professional = kind == "professional"
        dbs = kind in DBS_KINDS
        regulated = dbs and self.regulated.isChecked()
        for widget, shown in ((self.name, not professional), (self.known, not professional and bool(self.known.text())),
                              (self.professional, professional), (self.organisation, not professional),
                              (self.regulated, dbs), (self.dbs_certificate, regulated), (self.dbs_date, regulated),
                              (self.escorted, regulated), (self.purpose, professional), (self.space, professional),
                              (self.location, professional), (self.pupils, professional)):
            self.form.setRowVisible(widget, shown)
        label = self.form.labelForField(self.organisation)
        if isinstance(label, QLabel):
            label.setText("&" + ORGANISATION_WORDS.get(kind, "Organisation"))
        self.organisation.setAccessibleName(ORGANISATION_WORDS.get(kind, "Organisation"))

    def offer_known(self) -> None:
        """A name seen before: their last visit's details filled in (the office checks and changes them)."""
        known = self.services.visitors.known_visitor(self.actor, self.name.text())
        if known is None:
            self.known.setText("")
            self.show_fields()
            return
        self.kind.setCurrentIndex(self.kind.findData(known.kind))
        self.name.setText(known.name)
        self.organisation.setText(known.organisation or "")
        self.visiting.setText(known.visiting or "")
        self.badge.setText(known.badge or "")
        self.regulated.setChecked(known.regulated)
        self.dbs_certificate.setText(known.dbs_certificate or "")
        if known.dbs_date:
            self.dbs_date.setDate(QDate(known.dbs_date.year, known.dbs_date.month, known.dbs_date.day))
        self.escorted.setChecked(known.escorted)
        self.known.setText(f"<i>A regular visitor ({known.visits} visit{'s' if known.visits != 1 else ''}, last "
                           f"{day_text(known.last_seen.date())}): their last details are filled in — check them. "
                           "Identity is checked each visit.</i>")
        self.show_fields()

    def draft(self) -> VisitorDraft:
        kind = self.current_kind()
        dbs_date = None
        if self.dbs_date.date() != self.dbs_date.minimumDate():
            value = self.dbs_date.date()
            dbs_date = date(value.year(), value.month(), value.day())
        if kind == "professional":
            return VisitorDraft(kind=kind, professional_id=self.professional.currentData(),
                                identity_checked=self.identity.isChecked(), identity_note=self.identity_note.text(),
                                purpose=self.purpose.currentText(), space=self.space.currentData(),
                                location=self.location.text(), visiting=self.visiting.text(), badge=self.badge.text(),
                                pupil_ids=tuple(i.data(Qt.ItemDataRole.UserRole) for i in self.pupils.selectedItems()))
        regulated = kind in DBS_KINDS and self.regulated.isChecked()
        return VisitorDraft(kind=kind, name=self.name.text(), organisation=self.organisation.text(),
                            visiting=self.visiting.text(), identity_checked=self.identity.isChecked(),
                            identity_note=self.identity_note.text(), badge=self.badge.text(), regulated=regulated,
                            dbs_certificate=self.dbs_certificate.text() if regulated else "",
                            dbs_date=dbs_date if regulated else None, escorted=regulated and self.escorted.isChecked())


class ProfessionalsScreen(QWidget):
    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.undo_stack = QUndoStack(self)
        heading = QLabel("Professionals")
        heading.setObjectName("screenTitle")
        self.tabs = QTabWidget()
        self.tabs.addTab(self._register_tab(), "&Register and checks")
        if allowed(actor.roles, "visits.view"):
            self.tabs.addTab(self._visits_tab(), "&Visitors")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)
        self.reload()

    # --- register ---------------------------------------------------------------------------------
    def _register_tab(self) -> QWidget:
        tab = QWidget()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name, organisation or discipline")
        self.search.setAccessibleName("Search professionals")
        self.search.setClearButtonEnabled(True)
        self.kind_filter = QComboBox()
        self.kind_filter.setAccessibleName("Kind filter")
        self.kind_filter.addItem("All kinds", None)
        for kind, label in KIND_LABELS.items():
            self.kind_filter.addItem(label, kind)
        self.level_filter = QComboBox()
        self.level_filter.setAccessibleName("Checks filter")
        self.level_filter.addItem("All checks", None)
        self.level_filter.addItem("Warning or blocked", "warning")
        self.level_filter.addItem("Blocked only", "blocking")
        self.show_former = QCheckBox("Show &former professionals")
        self.show_former.setToolTip("Also list professionals who no longer work with the school")
        self.add_button = QPushButton("&Add professional")
        self.edit_button = QPushButton("&Edit details and checks")
        self.active_button = QPushButton("No longer &works here…")
        can_edit = allowed(self.actor.roles, "professionals.edit")
        self.add_button.setVisible(can_edit)
        self.edit_button.setVisible(can_edit)
        self.active_button.setVisible(can_edit)
        add_shortcut(self.add_button, "Ctrl+N", "Add a professional to the register, with their checks")
        add_shortcut(self.edit_button, "Ctrl+E", "Edit the selected professional's details and checks")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.model = ProfessionalsModel(self)
        self.proxy = ProfessionalFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table(self.proxy, "Professionals", ProfessionalsModel.NAME)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Professional's details and checks")
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.kind_filter)
        top.addWidget(self.level_filter)
        top.addWidget(self.show_former)
        actions = QHBoxLayout()  # a row of their own: the search field keeps its width
        for button in (self.add_button, self.edit_button, self.active_button):
            actions.addWidget(button)
        actions.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        self.search.textChanged.connect(self.proxy.set_search)
        self.kind_filter.currentIndexChanged.connect(self.on_filters_changed)
        self.level_filter.currentIndexChanged.connect(self.on_filters_changed)
        self.show_former.toggled.connect(self.on_filters_changed)
        self.active_button.clicked.connect(self.on_active_clicked)
        self.table.selectionModel().currentRowChanged.connect(self.on_current_changed)
        self.add_button.clicked.connect(self.on_add_clicked)
        self.edit_button.clicked.connect(self.on_edit_clicked)
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        self.addAction(undo)
        self.addAction(redo)
        return tab

    def reload(self) -> None:
        current = self.current_professional_id()
        self.model.set_professionals(self.services.professionals.list_professionals(self.actor))
        if not getattr(self, "_fitted", False):
            fit_columns(self.table)
            self._fitted = True
        if current is not None:
            self.select_professional(current)
        elif self.proxy.rowCount():
            self.table.selectRow(0)
        if hasattr(self, "visits_model"):
            self.reload_visits()

    def current_professional_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.proxy.data(index, ITEM_ROLE).id if index.isValid() else None

    def select_professional(self, professional_id: int) -> None:
        row = self.model.row_of(professional_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.detail.setHtml(render_professional(self.model.item(row)))

    def on_filters_changed(self, *_args) -> None:  # noqa: ANN002
        self.proxy.set_filters(self.kind_filter.currentData(), self.level_filter.currentData(),
                               self.show_former.isChecked())

    def on_current_changed(self, current, _previous=None) -> None:  # noqa: ANN001
        if current.isValid():
            chosen = self.proxy.data(current, ITEM_ROLE)
            self.detail.setHtml(render_professional(chosen))
            self.active_button.setText("No longer &works here…" if chosen.active else "&Works here again")

    def on_active_clicked(self) -> None:
        """Mark the chosen professional as no longer working with the school (asking why), or back again."""
        professional_id = self.current_professional_id()
        if professional_id is None:
            self.message.setText("Choose a professional first.")
            return
        chosen = self.model.item(self.model.row_of(professional_id))
        reason = ""
        if chosen.active:
            reason, ok = QInputDialog.getText(self, "No longer works here",
                                              f"Why does {chosen.name} no longer work with the school?\n"
                                              "(for example: contract ended July 2026)")
            if not ok:
                return
        try:
            saved = perform(self, lambda: self.services.professionals.set_active(
                self.actor, professional_id, not chosen.active, reason, chosen.version))
        except FairfieldsError as exc:
            self.message.setText(f"Not changed: {exc}")
            return
        self.model.replace(saved)
        if saved.active:
            self.message.setText(f"{saved.name} works with the school again.")
            self.select_professional(saved.id)
        else:
            shown = " (ticked “Show former professionals”: listed)" if self.show_former.isChecked() else \
                " Tick “Show former professionals” to see them."
            self.message.setText(f"{saved.name} is marked as no longer working with the school: kept on the "
                                 f"register with their checks, visits and bookings.{shown}")
            self.select_professional(saved.id)

    def on_add_clicked(self) -> None:
        dialog = ProfessionalDialog(self.services, self.actor, parent=self)
        saved = run_form(dialog, lambda: job(self.services.professionals.save, self.actor, dialog.values()))
        if saved is not None:
            self.model.replace(saved)
            self.select_professional(saved.id)
            self.message.setText(f"{saved.name} added.")

    def on_edit_clicked(self) -> None:
        professional_id = self.current_professional_id()
        if professional_id is None:
            self.message.setText("Choose a professional first.")
            return
        before = self.services.professionals.values(self.actor, professional_id)
        dialog = ProfessionalDialog(self.services, self.actor, before, parent=self)
        watch_record(dialog, self.services, "professionals", "professional", before["id"], before["name"])
        while dialog.exec() == QDialog.DialogCode.Accepted:
            error = self.edit_professional(professional_id, before, dialog.values())
            if error is None:
                return
            if isinstance(error, InvalidInput):
                dialog.show_problems(error.problems)
            else:
                dialog.message.setText(f"Not saved: {error}")

    def edit_professional(self, professional_id: int, before: dict[str, Any], after: dict[str, Any]) -> Exception | None:
        professionals, actor = self.services.professionals, self.actor

        def apply(values: dict[str, Any], version: int | None) -> int:
            saved = perform(self, lambda: professionals.save(actor, values, professional_id, version))
            self.model.replace(saved)
            return saved.version

        def done(error: Exception | None) -> None:
            if command.step != "do":  # an undo or redo: say what it did, or why it could not
                self.message.setText(outcome_text(command, error))
            self.select_professional(professional_id)

        command = ServiceCommand(f"edit of {after.get('name', '')}", apply,
                                 {k: v for k, v in before.items() if k != "version"}, after, before["version"], done)
        error = command.first_run()
        if error is not None:
            return error
        self.undo_stack.push(command)
        self.message.setText("Saved. Ctrl+Z undoes it.")
        return None

    # --- visitors ---------------------------------------------------------------------------------
    def _visits_tab(self) -> QWidget:
        tab = QWidget()
        self.on_site_label = QLabel("")
        self.on_site_label.setObjectName("onSiteCount")
        self.sign_in_button = QPushButton("&Sign a visitor in")
        self.sign_out_button = QPushButton("Sign &out")
        self.print_button = QPushButton("&Print fire list")
        add_shortcut(self.sign_in_button, "Ctrl+N", "Sign a visitor in: a parent or carer, a contractor, a governor, "
                     "a student, supply staff, a professional or another visitor")
        add_shortcut(self.print_button, "Ctrl+P", "For a fire evacuation: everyone on site and the pupils off site, "
                     "sent to the default printer at once and saved as a PDF in the reports folder")
        #: the printer the fire list goes to (None: no printer set up; the PDF is kept and the office told)
        self.printer_factory = default_printer
        can_record = allowed(self.actor.roles, "visits.record")
        self.sign_in_button.setEnabled(can_record)
        self.sign_out_button.setEnabled(can_record)
        self.visit_message = QLabel("")
        self.visit_message.setWordWrap(True)
        self.visits_model = VisitsModel(self)
        self.visits_table = make_table(self.visits_model, "Visitors on site now", None)
        self.log_model = VisitsModel(self)
        self.log_table = make_table(self.log_model, "Visits this week", None)
        buttons = QHBoxLayout()
        for button in (self.sign_in_button, self.sign_out_button, self.print_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.on_site_label)
        layout = QVBoxLayout(tab)
        layout.addLayout(buttons)
        layout.addWidget(self.visit_message)
        layout.addWidget(QLabel("On site now (the fire list)"))
        layout.addWidget(self.visits_table, 2)
        off_site_buttons = QHBoxLayout()
        off_site_buttons.addWidget(QLabel("Pupils off site now (on the fire list too)"))
        off_site_buttons.addStretch(1)
        layout.addLayout(off_site_buttons)
        self.off_site_model = RowsModel([
            Column("Pupil", lambda r: r[1]), Column("Where", lambda r: r[2]),
            Column("Out since", lambda r: f"{r[3]:%H:%M}", lambda r: r[3]), Column("Taken by", lambda r: r[4] or "")],
            self)
        self.off_site_table = make_table(self.off_site_model, "Pupils off site now", None)
        layout.addWidget(self.off_site_table, 1)
        self.staff_note = QLabel("")
        self.staff_note.setWordWrap(True)
        layout.addWidget(self.staff_note)
        layout.addWidget(QLabel("Visits in the last 7 days"))
        layout.addWidget(self.log_table, 1)
        if allowed(self.actor.roles, "requests.off_site"):
            self.out_button = QPushButton("Pupil leaves for &therapy…")
            self.back_button = QPushButton("Pupil is &back…")
            off_site_buttons.addWidget(self.out_button)
            off_site_buttons.addWidget(self.back_button)
            self.out_button.clicked.connect(self.on_pupil_out_clicked)
            self.back_button.clicked.connect(self.on_pupil_back_clicked)
        self.sign_in_button.clicked.connect(self.on_sign_in_clicked)
        self.sign_out_button.clicked.connect(self.on_sign_out_clicked)
        self.print_button.clicked.connect(self.on_print_clicked)
        return tab

    def reload_visits(self) -> None:
        self.show_fire_list(self.services.visitors.fire_list(self.actor))
        today = self.services.clock.today()
        self.log_model.set_visits(self.services.professionals.visits(self.actor, today - timedelta(days=7), today))
        if self.log_model.rowCount():
            fit_columns(self.log_table)

    def show_fire_list(self, data) -> None:  # noqa: ANN001 - a FireList
        """The fire list on screen: the same figures the printed list is made from."""
        self.fire_list = data
        self.visits_model.set_visits(list(data.visits))
        self.on_site_label.setText(f"{len(data.visits)} visitor(s) on site")
        self.off_site_model.set_rows([(p.log, p.name, p.where, p.since, p.taken_by) for p in data.pupils_off_site])
        self.staff_note.setText(data.staff_note)
        for table, model in ((self.visits_table, self.visits_model), (self.off_site_table, self.off_site_model)):
            if model.rowCount():
                fit_columns(table)

    def on_sign_in_clicked(self) -> None:
        dialog = SignInVisitorDialog(self.services, self.actor,
                                     [p for p in self.services.professionals.list_professionals(self.actor)
                                      if p.active], self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            draft = dialog.draft()
            try:
                visit = perform(dialog, lambda draft=draft: self.services.visitors.sign_in(self.actor, draft),
                                doing="Signing in…", verb="Not signed in")
            except InvalidInput as exc:
                dialog.message.setText("Not signed in. " + " ".join(p.message for p in exc.problems))
                continue
            except FairfieldsError as exc:
                dialog.message.setText(f"Not signed in: {exc}")
                continue
            self.reload_visits()
            kind = "" if visit.visitor_kind == "professional" else f" ({visit.kind_words.lower()})"
            self.visit_message.setText(f"{visit.name}{kind} signed in at {visit.signed_in_at:%H:%M}.")
            return

    def on_pupil_out_clicked(self) -> None:
        """Sign a pupil out for authorised off-site therapy. Outside its day or times the headteacher (or an acting
        head) is asked for a reason, kept with the session; anyone else is told why not."""
        choices = self.services.requests.off_site_authorisations(self.actor)
        if not choices:
            self.visit_message.setText("No off-site therapy is authorised for today.")
            return
        labels = [label for _ref, label in choices]
        choice, ok = QInputDialog.getItem(self, "Pupil leaves for therapy", "Authorisation:", labels, 0, False)
        if not ok:
            return
        ref, now = choices[labels.index(choice)][0], self.services.clock.now()
        exception_reason = None
        try:
            problem = self.services.requests.off_site_problem(self.actor, ref, now)
        except FairfieldsError as exc:
            self.visit_message.setText(f"Not recorded: {exc}")
            return
        if problem:
            if self.services.requests.can_decide(self.actor) is not None:
                self.visit_message.setText(f"Not recorded: {problem}. Only the headteacher (or an acting head) may "
                                           "let the pupil go outside the authorisation.")
                return
            exception_reason, ok = QInputDialog.getText(
                self, "Outside the authorisation", f"{problem}.\nYou may let the pupil go as an exception: "
                "why? (kept with the session)")
            if not ok or not exception_reason.strip():
                self.visit_message.setText(f"Not recorded: {problem}.")
                return
        taken_by, ok = QInputDialog.getText(self, "Pupil leaves for therapy", "Who takes the pupil?")
        if not ok:
            return
        try:
            self.services.requests.log_off_site(self.actor, ref, now, taken_by=taken_by,
                                                exception_reason=exception_reason)
        except FairfieldsError as exc:
            self.visit_message.setText(f"Not recorded: {exc}")
            return
        self.reload_visits()
        self.visit_message.setText(f"{choice.split(' with ')[0]} is out for therapy"
                                   + (" (an exception to the authorisation, with your reason)." if exception_reason
                                      else "."))

    def on_pupil_back_clicked(self) -> None:
        index = self.off_site_table.currentIndex()
        if not index.isValid():
            self.visit_message.setText("Choose the pupil who is back.")
            return
        row = self.off_site_model.row(index.row())
        dialog = OffSiteReturnDialog(self.services, self.actor, row[0], row[1], row[3], self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            back, mark = dialog.values()
            try:
                perform(dialog, lambda back=back, mark=mark: self.services.requests.mark_back(
                    self.actor, row[0], back, mark))
            except InvalidInput as exc:
                dialog.message.setText("Not recorded. " + " ".join(f"{p.where}: {p.message}" for p in exc.problems))
                continue
            except FairfieldsError as exc:
                dialog.message.setText(f"Not recorded: {exc}")
                continue
            self.reload_visits()
            self.visit_message.setText(f"{row[1]} is back at {back:%H:%M}, marked {mark_words(mark)}.")
            return

    def on_sign_out_clicked(self) -> None:
        index = self.visits_table.currentIndex()
        if not index.isValid():
            self.visit_message.setText("Choose the visitor who is leaving.")
            return
        visit = self.visits_model.visit(index.row())
        try:
            done = perform(self, lambda: self.services.professionals.sign_out_visitor(self.actor, visit.id))
        except FairfieldsError as exc:
            self.visit_message.setText(f"Not signed out: {exc}")
            return
        self.reload_visits()
        self.visit_message.setText(f"{done.professional_name} signed out at {done.signed_out_at:%H:%M}.")

    def on_print_clicked(self) -> None:
        """The fire list in one action: made from the figures now on screen's source, saved as a PDF in the
        reports folder, and sent to the default printer (no dialog)."""
        try:
            path, made = self.save_fire_list()
        except (FairfieldsError, OSError) as exc:
            self.visit_message.setText(f"The fire list was not made: {exc}")
            return
        printer = self.printer_factory()
        if printer is None:
            self.visit_message.setText(f"No printer is set up on this computer: the fire list is saved as {path} "
                                       "— open it and print it.")
            return
        pages = print_pdf(path, printer, made.title)
        if not pages:
            self.visit_message.setText(f"The printer could not be opened: the fire list is saved as {path}.")
            return
        self.visit_message.setText(f"The fire list was sent to {printer.printerName() or 'the printer'} and saved "
                                   f"as {path}.")

    def save_fire_list(self, path: str | Path | None = None):  # noqa: ANN201 - (Path, Made)
        """Make the fire list as a PDF (in the reports folder unless ``path``) and show the same list on screen."""
        from ...config import reports_dir
        from ...reports.make import make

        now = self.services.clock.now()
        target = Path(path) if path else reports_dir() / f"fire-list-{now:%Y-%m-%d-%H%M%S}.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        try:
            made = make(self.services, self.actor, "fire-list", part)
            os.replace(part, target)
        finally:
            part.unlink(missing_ok=True)
        self.show_fire_list(made.data)
        return target, made

    def save_on_site_pdf(self, path: str | None = None) -> str | None:
        """The fire list saved as a PDF (at ``path``, else in the reports folder); its path."""
        return str(self.save_fire_list(path)[0])
