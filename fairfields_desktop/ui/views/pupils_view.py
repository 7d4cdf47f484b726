"""The Pupils screen: the register with search and filters, a pupil's details, add, edit, mark as left."""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import FairfieldsError, InvalidInput, Problem
from ...domain.permissions import allowed
from ...domain.school import AREAS_OF_NEED, YEAR_GROUPS, year_group_label
from ..commands import ServiceCommand, outcome_text
from ..contrast import error_style
from ..shortcuts import add_shortcut
from ..forms import FormDialog, reserve_lines, run_form, set_reserved_text
from ..models.contacts import EMAIL as CONTACT_EMAIL  # noqa: F401 (tests name the columns)
from ..models.contacts import NAME as CONTACT_NAME
from ..models.contacts import PARENTAL_RESPONSIBILITY as CONTACT_PR
from ..models.contacts import PHONE as CONTACT_PHONE
from ..models.contacts import RELATIONSHIP as CONTACT_RELATIONSHIP
from ..models.contacts import ContactsModel
from ..change_hub import watch_record
from ..operations import job, perform
from ..undo import push_done
from ..models.base import fit_columns, make_table
from ..models.pupils import PUPIL_ROLE, PupilFilterProxy, PupilsModel
from ...domain.school import AREA_LABELS
from ...domain.professionals import KIND_LABELS
from .consent_dialog import ConsentDialog  # noqa: F401 (tests take it from here too)
from .pupil_detail import render_pupil

log = logging.getLogger(__name__)

FIELD_LABELS = {
    "upn": "UPN", "first_name": "First name", "last_name": "Last name", "date_of_birth": "Date of birth",
    "year_group": "Year group", "class": "Class", "attendance_percent": "Attendance",
    "attendance_as_of": "Attendance date", "ehcp.issued": "EHCP issued", "ehcp.last_review": "Last review",
    "ehcp.personal_budget.reference": "Budget reference", "ehcp.personal_budget.annual_amount_gbp": "Budget amount",
    "looked_after.local_authority": "Local authority", "areas_of_need": "Areas of need",
}


def problem_text(problems: list[Problem]) -> str:
    lines = []
    for p in problems:
        label = FIELD_LABELS.get(p.where)
        if label is None and p.where.startswith("contacts["):
            index = int(p.where[9:p.where.index("]")])
            label = f"Contact {index + 1}"
        lines.append(f"{label or p.where}: {p.message}")
    return "\n".join(lines)


def _qdate(value: str | None) -> QDate:
    return QDate.fromString(value, "yyyy-MM-dd") if value else QDate()


class PupilDialog(QDialog):
    """Add or edit a pupil. The service checks every field; problems are listed by field name.

    Editing, the form is built from the service's edit view: ``values`` holds only the fields the role may
    edit, and ``edits_needs`` says whether the plan and the areas of need are among them. Without them the
    form has no EHCP or areas-of-need section at all (it never had the values to show)."""

    def __init__(self, services, actor, class_names: list[str], values: dict[str, Any] | None = None,  # noqa: ANN001
                 parent=None, *, edits_needs: bool | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.original = values
        self.setWindowTitle("Edit pupil" if values else "Add a pupil")
        can_needs = allowed(actor.roles, "pupils.edit_needs") if edits_needs is None else edits_needs
        self.edits_needs = can_needs
        today = services.clock.today()

        self.upn = QLineEdit()
        self.upn.setPlaceholderText("13 characters, e.g. X319700119023 (temporary UPNs end in a letter)")
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.date_of_birth = QDateEdit()
        self.date_of_birth.setCalendarPopup(True)
        self.date_of_birth.setDisplayFormat("dd/MM/yyyy")
        self.date_of_birth.setDate(QDate(today.year - 10, 9, 1))
        self.year_group = QComboBox()
        for year in YEAR_GROUPS:
            self.year_group.addItem(year_group_label(year), year)
        self.class_name = QComboBox()
        self.class_name.addItems(class_names)
        self.attendance = QDoubleSpinBox()
        self.attendance.setRange(-1, 100)
        self.attendance.setDecimals(1)
        self.attendance.setSpecialValueText("not recorded")
        self.attendance.setValue(-1)
        self.attendance.setSuffix(" %")
        self.attendance_as_of = QDateEdit()
        self.attendance_as_of.setDisplayFormat("dd/MM/yyyy")
        self.attendance_as_of.setCalendarPopup(True)
        self.attendance_as_of.setDate(QDate(today.year, today.month, today.day))

        form = QFormLayout()
        for label, widget in (("&UPN", self.upn), ("&First name", self.first_name), ("&Last name", self.last_name),
                              ("Date of &birth", self.date_of_birth), ("&Year group", self.year_group),
                              ("&Class", self.class_name), ("&Attendance", self.attendance),
                              ("Attendance &date", self.attendance_as_of)):
            widget.setAccessibleName(label.replace("&", ""))
            form.addRow(label, widget)

        self.ehcp_box: QGroupBox | None = None
        self.areas: dict[str, QCheckBox] = {}
        areas_box = None
        if can_needs:
            self._add_needs(today)
            areas_box = self.areas_box

        self.looked_after = QGroupBox("Looked after")
        self.looked_after.setCheckable(True)
        self.looked_after.setChecked(False)
        self.local_authority = QLineEdit()
        self.social_worker = QLineEdit()
        la_form = QFormLayout(self.looked_after)
        la_form.addRow("Local authority", self.local_authority)
        la_form.addRow("Social worker", self.social_worker)

        self.key_worker = QComboBox()
        self.key_worker.setAccessibleName("Key worker")
        self.key_worker.addItem("(none)", None)
        for reference, label in services.pupils.key_worker_choices(actor):
            self.key_worker.addItem(label, reference)
        form.addRow("&Key worker", self.key_worker)

        self.contacts_model = ContactsModel(self)
        self.contacts = QTableView()
        self.contacts.setModel(self.contacts_model)
        self.contacts.setAccessibleName("Contacts (parents and carers)")
        self.contacts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.contacts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.contacts.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.contacts.verticalHeader().hide()
        header = self.contacts.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, chars in ((CONTACT_NAME, 18), (CONTACT_RELATIONSHIP, 12), (CONTACT_PR, 0), (CONTACT_PHONE, 14)):
            self.contacts.setColumnWidth(column, max(header.sectionSizeHint(column),
                                                     self.fontMetrics().averageCharWidth() * chars + 16))
        rows = self.contacts.verticalHeader().defaultSectionSize()
        self.contacts.setFixedHeight(self.contacts.horizontalHeader().sizeHint().height() + rows * 4 + 4)
        self.add_contact_button = QPushButton("Add a contact")
        self.remove_contact_button = QPushButton("Remove the contact")
        self.add_contact_button.clicked.connect(self.on_add_contact_clicked)
        self.remove_contact_button.clicked.connect(self.on_remove_contact_clicked)
        contact_buttons = QHBoxLayout()
        contact_buttons.addWidget(QLabel("Contacts (parents and carers): tick parental responsibility where they "
                                         "have it"), 1)
        contact_buttons.addWidget(self.add_contact_button)
        contact_buttons.addWidget(self.remove_contact_button)

        self.message = reserve_lines(QLabel(""), 3)
        self.message.setObjectName("formMessage")
        self.message.setStyleSheet(error_style())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.on_save_clicked)
        buttons.rejected.connect(self.reject)

        body = QWidget()
        fields = QVBoxLayout(body)
        fields.setContentsMargins(0, 0, 0, 0)
        fields.addLayout(form)
        if self.ehcp_box is not None:
            fields.addWidget(self.ehcp_box)
        if areas_box is not None:
            fields.addWidget(areas_box)
        fields.addWidget(self.looked_after)
        fields.addStretch(1)
        # the fields scroll on a small screen; the contacts, the problems and Save never do (always in sight)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(contact_buttons)
        layout.addWidget(self.contacts)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        wanted = body.sizeHint()
        scroll.setMinimumWidth(wanted.width() + scroll.verticalScrollBar().sizeHint().width())
        screen = QApplication.primaryScreen()
        room = screen.availableGeometry().height() - 80 if screen is not None else 700
        extra = self.message.height() + buttons.sizeHint().height() + self.contacts.height() + 80
        self.resize(self.sizeHint().width(), min(wanted.height() + extra, room))
        self.saved_values: dict[str, Any] | None = None
        if values:
            self._fill(values)

    def _add_needs(self, today: date) -> None:
        """The plan (dates, personal budget) and the areas of need: only for a role that edits them."""
        self.ehcp_box = QGroupBox("EHCP")
        self.ehcp_box.setCheckable(True)
        self.ehcp_box.setChecked(False)
        self.ehcp_issued = QDateEdit()
        self.ehcp_last_review = QDateEdit()
        for edit in (self.ehcp_issued, self.ehcp_last_review):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
            edit.setDate(QDate(today.year, today.month, today.day))
        self.no_review_yet = QCheckBox("no review meeting yet")
        self.budget_reference = QLineEdit()
        self.budget_reference.setPlaceholderText("empty: no personal budget")
        self.budget_amount = QDoubleSpinBox()
        self.budget_amount.setRange(0, 1_000_000)
        self.budget_amount.setPrefix("£ ")
        self.budget_amount.setDecimals(0)
        ehcp_form = QFormLayout(self.ehcp_box)
        ehcp_form.addRow("Issued", self.ehcp_issued)
        review_row = QHBoxLayout()
        review_row.addWidget(self.ehcp_last_review)
        review_row.addWidget(self.no_review_yet)
        ehcp_form.addRow("Last review meeting", review_row)
        ehcp_form.addRow("Personal budget reference", self.budget_reference)
        ehcp_form.addRow("Annual amount", self.budget_amount)
        self.areas_box = QGroupBox("Areas of need")
        areas_layout = QGridLayout(self.areas_box)
        for i, area in enumerate(AREAS_OF_NEED):
            box = QCheckBox(AREA_LABELS[area])
            self.areas[area] = box
            areas_layout.addWidget(box, i // 2, i % 2)

    def _fill(self, v: dict[str, Any]) -> None:
        self.upn.setText(v["upn"])
        self.first_name.setText(v["first_name"])
        self.last_name.setText(v["last_name"])
        self.date_of_birth.setDate(_qdate(v["date_of_birth"]))
        self.year_group.setCurrentIndex(self.year_group.findData(v["year_group"]))
        self.class_name.setCurrentText(v["class"])
        if v.get("attendance_percent") is not None:
            self.attendance.setValue(v["attendance_percent"])
            self.attendance_as_of.setDate(_qdate(v["attendance_as_of"]))
        ehcp = v.get("ehcp")
        if self.ehcp_box is not None:
            self.ehcp_box.setChecked(bool(ehcp))
        if ehcp and self.ehcp_box is not None:
            self.ehcp_issued.setDate(_qdate(ehcp["issued"]))
            self.no_review_yet.setChecked(not ehcp.get("last_review"))
            if ehcp.get("last_review"):
                self.ehcp_last_review.setDate(_qdate(ehcp["last_review"]))
            budget = ehcp.get("personal_budget")
            if budget:
                self.budget_reference.setText(budget["reference"])
                self.budget_amount.setValue(budget["annual_amount_gbp"] or 0)
        for area, box in self.areas.items():
            box.setChecked(area in (v.get("areas_of_need") or []))
        la = v.get("looked_after")
        self.looked_after.setChecked(bool(la))
        if la:
            self.local_authority.setText(la.get("local_authority") or "")
            self.social_worker.setText(la.get("social_worker") or "")
        for index in range(self.key_worker.count()):
            if self.key_worker.itemData(index) == v.get("key_worker"):
                self.key_worker.setCurrentIndex(index)
        self.contacts_model.set_contacts(list(v.get("contacts") or []))

    def values(self) -> dict[str, Any]:
        iso = lambda edit: edit.date().toString("yyyy-MM-dd")  # noqa: E731
        ehcp = None
        if self.ehcp_box is not None and self.ehcp_box.isChecked():
            reference = self.budget_reference.text().strip()
            ehcp = {"issued": iso(self.ehcp_issued),
                    "last_review": None if self.no_review_yet.isChecked() else iso(self.ehcp_last_review),
                    "personal_budget": {"reference": reference, "annual_amount_gbp": self.budget_amount.value()}
                    if reference else None}
        contacts = self.contacts_model.contacts()
        attendance = self.attendance.value()
        values = {
            "upn": self.upn.text().strip().upper(), "first_name": self.first_name.text(),
            "last_name": self.last_name.text(), "date_of_birth": iso(self.date_of_birth),
            "year_group": self.year_group.currentData(), "class": self.class_name.currentText(),
            "attendance_percent": None if attendance < 0 else round(attendance, 1),
            "attendance_as_of": None if attendance < 0 else iso(self.attendance_as_of),
            "ehcp": ehcp, "areas_of_need": [a for a, box in self.areas.items() if box.isChecked()],
            "looked_after": {"local_authority": self.local_authority.text().strip(),
                             "social_worker": self.social_worker.text().strip() or None}
            if self.looked_after.isChecked() else None,
            "contacts": contacts,
            "key_worker": self.key_worker.currentData(),
        }
        if not self.edits_needs:
            values.pop("ehcp")
            values.pop("areas_of_need")
        return values

    def on_add_contact_clicked(self) -> None:
        """A new row, its name cell open for typing."""
        row = self.contacts_model.add_contact()
        index = self.contacts_model.index(row, CONTACT_NAME)
        self.contacts.setCurrentIndex(index)
        self.contacts.edit(index)

    def on_remove_contact_clicked(self) -> None:
        index = self.contacts.currentIndex()
        if not index.isValid():
            set_reserved_text(self.message, "Choose the contact to remove first.")
            return
        self.contacts_model.remove_contact(index.row())

    def on_save_clicked(self) -> None:
        """Check with the service without saving yet is not possible: save, and show what was wrong."""
        self.saved_values = self.values()
        self.accept()

    def show_problems(self, problems: list[Problem]) -> None:
        set_reserved_text(self.message, "Not saved. " + problem_text(problems))


class PupilsScreen(QWidget):
    pupil_saved = Signal(int)

    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.can_edit = allowed(actor.roles, "pupils.edit")
        self.undo_stack = QUndoStack(self)
        self.last_detail_ms = 0.0

        heading = QLabel("Pupils")
        heading.setObjectName("screenTitle")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name or UPN")
        self.search.setAccessibleName("Search pupils by name or UPN")
        self.search.setClearButtonEnabled(True)
        self.class_filter = QComboBox()
        self.class_filter.setAccessibleName("Class filter")
        self.year_filter = QComboBox()
        self.year_filter.setAccessibleName("Year group filter")
        self.ehcp_filter = QCheckBox("Has an EHCP")
        self.attendance_filter = QCheckBox("Attendance below threshold")
        self.looked_after_filter = QCheckBox("Looked after")
        self.review_filter = QCheckBox("Review due this term")
        self.show_left = QCheckBox("Show pupils who left")
        self.count_label = QLabel("")
        self.count_label.setObjectName("hint")

        self.model = PupilsModel(self)
        self.proxy = PupilFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table(self.proxy, "Pupils", PupilsModel.NAME)
        self.detail = QTextBrowser()
        self.detail.setObjectName("pupilDetail")
        self.detail.setAccessibleName("Pupil details")
        self.detail.setOpenLinks(False)

        self.add_button = QPushButton("&Add pupil")
        self.edit_button = QPushButton("&Edit")
        self.left_button = QPushButton("Mark as &left")
        self.import_button = QPushButton("&Import from MIS…")
        self.import_button.setToolTip("Update the roll and attendance from a SIMS or Arbor CSV export")
        self.import_button.setVisible(allowed(actor.roles, "mis.import"))
        self.team_button = QPushButton("Add to &team")
        self.team_button.setToolTip("Record a professional as part of the team around this pupil")
        self.team_button.setVisible(allowed(actor.roles, "pupils.edit_needs"))
        self.budget_button = QPushButton("&Budget discussion…")
        self.budget_button.setToolTip("Record the EHCP officer's and headteacher's discussion before a personal "
                                      "budget is allocated for in-school provision")
        self.budget_button.setVisible(allowed(actor.roles, "budget.discuss"))
        self.consent_button = QPushButton("Add &consent")
        self.subject_access_button = QPushButton("Subject access e&xport…")
        self.subject_access_button.setToolTip("Everything held about this pupil, as a JSON file and a PDF, with other "
                                              "pupils' names left out")
        self.subject_access_button.setVisible(allowed(actor.roles, "pupils.subject_access"))
        self.withdraw_button = QPushButton("&Withdraw consent")
        self.review_consent_button = QPushButton("Re&view consent…")
        self.review_consent_button.setToolTip("Turn a consent recorded in words into one that names who receives "
                                              "it and which sections (until then it shares nothing)")
        add_shortcut(self.add_button, "Ctrl+N", "Add a pupil to the register")
        add_shortcut(self.edit_button, "Ctrl+E", "Edit the selected pupil")
        for button in (self.add_button, self.edit_button, self.left_button):
            button.setVisible(self.can_edit)
        for button in (self.consent_button, self.withdraw_button, self.review_consent_button):
            button.setVisible(allowed(actor.roles, "pupils.edit_consent"))
        self.message = QLabel("")
        self.message.setObjectName("screenMessage")
        self.message.setWordWrap(True)

        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        focus_search = QAction("Find a pupil", self)
        focus_search.setShortcut(QKeySequence.StandardKey.Find)
        focus_search.triggered.connect(self.search.setFocus)
        self.addAction(focus_search)

        self.search.setMinimumWidth(260)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.class_filter)
        filters.addWidget(self.year_filter)
        checks = QHBoxLayout()
        for box in (self.ehcp_filter, self.attendance_filter, self.looked_after_filter, self.review_filter,
                    self.show_left):
            checks.addWidget(box)
        checks.addStretch(1)
        actions = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.left_button, self.team_button, self.consent_button,
                       self.withdraw_button, self.review_consent_button, self.budget_button, self.import_button,
                       self.subject_access_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.count_label)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(filters)
        layout.addLayout(checks)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        self.search.textChanged.connect(self.on_search_changed)
        self.class_filter.currentIndexChanged.connect(self.on_filters_changed)
        self.year_filter.currentIndexChanged.connect(self.on_filters_changed)
        for box in (self.ehcp_filter, self.attendance_filter, self.looked_after_filter, self.review_filter):
            box.toggled.connect(self.on_filters_changed)
        self.show_left.toggled.connect(self.reload)
        self.table.selectionModel().currentRowChanged.connect(self.on_current_changed)
        self.add_button.clicked.connect(self.on_add_clicked)
        self.edit_button.clicked.connect(self.on_edit_clicked)
        self.table.doubleClicked.connect(lambda _index: self.can_edit and self.on_edit_clicked())
        self.left_button.clicked.connect(self.on_mark_left_clicked)
        self.consent_button.clicked.connect(self.on_add_consent_clicked)
        self.withdraw_button.clicked.connect(self.on_withdraw_consent_clicked)
        self.review_consent_button.clicked.connect(self.on_review_consent_clicked)
        self.import_button.clicked.connect(self.on_import_clicked)
        self.team_button.clicked.connect(self.on_add_team_member_clicked)
        self.budget_button.clicked.connect(self.on_budget_discussion_clicked)
        self.subject_access_button.clicked.connect(self.on_subject_access_clicked)
        self._fill_filters()
        self.reload()

    # --- loading --------------------------------------------------------------------------------
    def _fill_filters(self) -> None:
        self.class_filter.addItem("All classes", None)
        if allowed(self.actor.roles, "pupils.all_classes"):
            for name in self.services.pupils.class_names():
                self.class_filter.addItem(name, name)
        else:
            self.class_filter.setEnabled(False)
        self.year_filter.addItem("All year groups", None)
        for year in YEAR_GROUPS:
            self.year_filter.addItem(year_group_label(year), year)
        sees_needs = allowed(self.actor.roles, "pupils.view_needs")
        self.ehcp_filter.setVisible(sees_needs)
        self.review_filter.setVisible(sees_needs)

    def reload(self) -> None:
        current = self.current_pupil_id()
        self.model.set_pupils(self.services.pupils.list_pupils(self.actor, include_left=self.show_left.isChecked()))
        if not getattr(self, "_fitted", False):
            fit_columns(self.table)
            self._fitted = True
        self._update_count()
        if current is not None:
            self.select_pupil(current)
        elif self.proxy.rowCount():
            self.table.selectRow(0)
        else:
            self.detail.setHtml("<p>No pupils to show.</p>")

    def _update_count(self) -> None:
        self.count_label.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} pupils")

    def current_pupil_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.proxy.data(index, PUPIL_ROLE).id

    def select_pupil(self, pupil_id: int) -> bool:
        row = self.model.row_of(pupil_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.show_detail(pupil_id)
        return True

    def show_detail(self, pupil_id: int) -> None:
        started = time.perf_counter()
        try:
            detail = self.services.pupils.get_pupil(self.actor, pupil_id)
        except FairfieldsError as exc:
            self.detail.setHtml(f"<p>{exc}</p>")
            return
        self.detail.setHtml(render_pupil(detail))
        self.last_detail_ms = (time.perf_counter() - started) * 1000

    # --- slots ----------------------------------------------------------------------------------
    def on_search_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_count()

    def on_filters_changed(self, *_args) -> None:  # noqa: ANN002
        self.proxy.set_filters(
            class_name=self.class_filter.currentData(), year_group=self.year_filter.currentData(),
            ehcp_only=self.ehcp_filter.isChecked(), below_threshold_only=self.attendance_filter.isChecked(),
            looked_after_only=self.looked_after_filter.isChecked(), review_due_only=self.review_filter.isChecked())
        self._update_count()

    def on_current_changed(self, current, _previous=None) -> None:  # noqa: ANN001
        if current.isValid():
            self.show_detail(self.proxy.data(current, PUPIL_ROLE).id)

    def on_add_clicked(self) -> None:
        dialog = PupilDialog(self.services, self.actor, self.services.pupils.class_names(), parent=self)
        saved = run_form(dialog, lambda: job(self.services.pupils.save_pupil, self.actor, dialog.saved_values))
        if saved is not None:
            self.model.replace(saved)
            self.select_pupil(saved.id)
            self.message.setText(f"{saved.name} added.")
            self.pupil_saved.emit(saved.id)

    def on_edit_clicked(self) -> None:
        pupil_id = self.current_pupil_id()
        if pupil_id is None:
            self.message.setText("Choose a pupil first.")
            return
        view = self.services.pupils.edit_view(self.actor, pupil_id)
        before = {**view.values, "version": view.version}
        dialog = PupilDialog(self.services, self.actor, self.services.pupils.class_names(), view.values, parent=self,
                             edits_needs=view.edits_needs)
        watch_record(dialog, self.services, "pupils", "pupil", pupil_id, f"{view.name}'s record")
        while dialog.exec() == QDialog.DialogCode.Accepted:
            error = self.edit_pupil(pupil_id, before, dialog.saved_values)
            if error is None:
                return
            if isinstance(error, InvalidInput):
                dialog.show_problems(error.problems)
            else:
                dialog.message.setText(f"Not saved: {error}")

    def edit_pupil(self, pupil_id: int, before: dict[str, Any], after: dict[str, Any]) -> Exception | None:
        """Save an edit as an undoable command; returns the error if the service refused it."""
        keys = set(after)
        before_values = {k: v for k, v in before.items() if k in keys}

        pupils, actor = self.services.pupils, self.actor

        def apply(values: dict[str, Any], version: int | None) -> int:
            saved = perform(self, lambda: pupils.save_pupil(actor, values, pupil_id, version), verb="Not saved")
            self.model.replace(saved)
            return saved.version

        name = f"{after.get('first_name', '')} {after.get('last_name', '')}".strip()
        def read() -> tuple[dict[str, Any], int]:
            now = pupils.pupil_values(actor, pupil_id)
            return {k: v for k, v in now.items() if k in keys}, now["version"]

        command = ServiceCommand(f"edit of {name}" if name else "edit", apply, before_values, after,
                                 before["version"], on_done=lambda error: self._after_command(command, pupil_id, error),
                                 read=read)
        error = command.first_run()
        if error is not None:
            return error
        self.undo_stack.push(command)
        self.message.setText("Saved. Ctrl+Z undoes it.")
        self.pupil_saved.emit(pupil_id)
        return None

    def _after_command(self, command: ServiceCommand, pupil_id: int, error: Exception | None) -> None:
        if command.step != "do":  # an undo or redo: say what it did, or why it could not
            self.message.setText(outcome_text(command, error))
        self.select_pupil(pupil_id)

    def on_mark_left_clicked(self) -> None:
        pupil_id = self.current_pupil_id()
        if pupil_id is None:
            self.message.setText("Choose a pupil first.")
            return
        summary = self.model.pupil(self.model.row_of(pupil_id))
        if summary.left_on:
            self.mark_left(pupil_id, None, summary.left_on, summary.version)
            return
        today = self.services.clock.today()
        text, ok = QInputDialog.getText(self, "Mark as left", f"Date {summary.name} left (YYYY-MM-DD):",
                                        text=today.isoformat())
        if ok:
            try:
                left_on = date.fromisoformat(text.strip())
            except ValueError:
                self.message.setText("Not saved: write the leaving date as YYYY-MM-DD.")
                return
            self.mark_left(pupil_id, left_on, None, summary.version)

    def mark_left(self, pupil_id: int, left_on: date | None, previous: date | None, version: int) -> None:
        pupils, actor = self.services.pupils, self.actor

        def apply(value: date | None, current_version: int | None) -> int:
            saved = perform(self, lambda: pupils.mark_left(actor, pupil_id, value, current_version))
            self.model.replace(saved)
            return saved.version

        command = ServiceCommand("mark as left" if left_on else "back on roll", apply, previous, left_on, version,
                                 on_done=lambda error: self._after_command(command, pupil_id, error))
        error = command.first_run()
        if error is not None:
            self.message.setText(f"Not saved: {error}")
            return
        self.undo_stack.push(command)
        self.message.setText(("Marked as left" if left_on else "Back on roll") + ". Ctrl+Z undoes it.")

    def on_add_team_member_clicked(self) -> None:
        pupil_id = self.current_pupil_id()
        if pupil_id is None:
            self.message.setText("Choose a pupil first.")
            return
        choices = [p for p in self.services.professionals.list_professionals(self.actor) if p.active]
        labels = [f"{p.name} ({p.discipline_label}, {KIND_LABELS.get(p.kind, p.kind)})" for p in choices]
        choice, ok = QInputDialog.getItem(self, "Add to the team", "Professional:", labels, 0, False)
        if not ok:
            return
        role, ok = QInputDialog.getText(self, "Add to the team", "Their part (e.g. assessment, programme):")
        if not ok:
            return
        try:
            member = choices[labels.index(choice)].ext_id
            perform(self, lambda: self.services.pupils.add_team_member(self.actor, pupil_id, member, role))
        except FairfieldsError as exc:
            self.message.setText(f"Not saved: {exc}")
            return
        self.show_detail(pupil_id)
        self.message.setText(f"{choice.split(' (')[0]} is now in the team around the child.")

    def on_budget_discussion_clicked(self) -> None:
        pupil_id = self.current_pupil_id()
        if pupil_id is None:
            self.message.setText("Choose a pupil first.")
            return
        today = self.services.clock.today()
        held_on = QDateEdit(QDate(today.year, today.month, today.day))
        held_on.setDisplayFormat("dd/MM/yyyy")
        officer = QLineEdit()
        capacity = QCheckBox("The school has capacity to accommodate it in the school day")
        provided = QCheckBox("This provision is already given in school (e.g. through pupil premium)")
        notes = QLineEdit()
        dialog = FormDialog("Personal budget discussion", [
            ("held_on", "&Held on", held_on), ("ehcp_officer", "EHCP &officer", officer),
            ("capacity_agreed", "", capacity), ("already_provided", "", provided), ("notes", "&Notes", notes)], self)
        saved = run_form(dialog, lambda: job(
            lambda *a, **k: self.services.pupils.record_budget_discussion(*a, **k) or True,
            self.actor, pupil_id, held_on.date().toPython(), ehcp_officer=officer.text(),
            capacity_agreed=capacity.isChecked(), already_provided=provided.isChecked(), notes=notes.text()))
        if saved:
            self.show_detail(pupil_id)
            self.message.setText("Budget discussion recorded.")

    def choose_export_folder(self) -> str:
        """The folder for a subject access export ("" when cancelled); tests replace this."""
        from PySide6.QtWidgets import QFileDialog

        return QFileDialog.getExistingDirectory(self, "Folder for the subject access export")

    def on_subject_access_clicked(self) -> None:
        from ...reports.subject_access import save

        pupil_id = self.current_pupil_id()
        if pupil_id is None:
            self.message.setText("Choose a pupil first.")
            return
        folder = self.choose_export_folder()
        if not folder:
            return
        try:
            json_path, pdf_path = save(self.services, self.actor, pupil_id, folder)
        except FairfieldsError as exc:
            self.message.setText(f"Not exported: {exc}")
            return
        self.message.setText(f"Subject access export written to {json_path.parent}: {json_path.name} and "
                             f"{pdf_path.name}.")

    def on_import_clicked(self) -> None:
        from .import_dialog import ImportDialog

        dialog = ImportDialog(self.services, self.actor, self)
        dialog.imported.connect(self.reload)
        dialog.exec()

    def on_add_consent_clicked(self) -> None:
        pupil_id = self.current_pupil_id()
        if pupil_id is None:
            return
        pupils, actor = self.services.pupils, self.actor
        try:
            dialog = ConsentDialog(pupils.consent_choices(actor, pupil_id), self.services.clock.today(), self)
        except FairfieldsError as exc:
            self.message.setText(f"Not possible: {exc}")
            return
        added = run_form(dialog, lambda: job(pupils.add_consent, actor, pupil_id, **dialog.values()))
        if added is None:
            return
        values = dialog.values()
        self.show_detail(pupil_id)
        self.message.setText("Consent recorded. Ctrl+Z undoes it.")
        consent_id = [added.id]

        def apply(present: bool, version: int | None) -> int:
            def change() -> int:
                if present:  # redo: recorded again (a new record)
                    consent_id[0] = pupils.add_consent(actor, pupil_id, expected_version=version, **values).id
                else:
                    pupils.remove_consent(actor, consent_id[0], version)
                return pupils.consent_version(actor, pupil_id)
            return perform(self, change, verb="Not done")

        def read() -> tuple[bool, int]:
            detail = pupils.get_pupil(actor, pupil_id)
            present = any(c.id == consent_id[0] and not c.withdrawn for c in detail.consents or ())
            return present, detail.summary.version

        push_done(self.undo_stack, f"consent to share with {added.recipient}", apply, False, True,
                  pupils.consent_version(actor, pupil_id), self.message.setText,
                  lambda: self._after_consent_undo(pupil_id), read)

    def on_review_consent_clicked(self) -> None:
        """A consent recorded in words: the same form, its words shown, turns it into consent as data."""
        pupil_id = self.current_pupil_id()
        if pupil_id is None:
            return
        pupils, actor = self.services.pupils, self.actor
        waiting = [c for c in pupils.list_consents(actor, pupil_id) if c.to_be_reviewed and not c.withdrawn]
        if not waiting:
            self.message.setText("No consent is waiting to be reviewed.")
            return
        consent = waiting[0]
        if len(waiting) > 1:
            labels = [f"“{c.what}” to {c.share_with} (given {c.given_on:%d %b %Y})" for c in waiting]
            choice, ok = QInputDialog.getItem(self, "Review a consent", "Which consent is reviewed?", labels, 0,
                                              False)
            if not ok:
                return
            consent = waiting[labels.index(choice)]
        dialog = ConsentDialog(pupils.consent_choices(actor, pupil_id), self.services.clock.today(), self,
                               reviewing=consent)
        reviewed = run_form(dialog, lambda: job(pupils.review_consent, actor, consent.id, **dialog.values()))
        if reviewed is None:
            return
        self.show_detail(pupil_id)
        self.message.setText(f"Consent reviewed: it now shares {reviewed.shares} with {reviewed.recipient}; the "
                             "family's words stay on record.")

    def on_withdraw_consent_clicked(self) -> None:
        pupil_id = self.current_pupil_id()
        if pupil_id is None:
            return
        detail = self.services.pupils.get_pupil(self.actor, pupil_id)
        current = [c for c in detail.consents or () if not c.withdrawn]
        if not current:
            self.message.setText("There is no current consent to withdraw.")
            return
        labels = [f"{c.shares or c.what} to {c.recipient or c.share_with} (given {c.given_on:%d %b %Y})"
                  for c in current]
        choice, ok = QInputDialog.getItem(self, "Withdraw consent", "Which consent is withdrawn today?", labels,
                                          0, False)
        if not ok:
            return
        consent = current[labels.index(choice)]
        pupils, actor, today = self.services.pupils, self.actor, self.services.clock.today()
        try:
            perform(self, lambda: pupils.withdraw_consent(actor, consent.id, today))
        except FairfieldsError as exc:
            self.message.setText(f"Not saved: {exc}")
            return
        self.show_detail(pupil_id)
        self.message.setText("Consent withdrawn: it stays on record as withdrawn. Ctrl+Z undoes it.")

        def apply(withdrawn_on: date | None, version: int | None) -> int:
            def change() -> int:
                if withdrawn_on is None:
                    pupils.reinstate_consent(actor, consent.id, version)
                else:
                    pupils.withdraw_consent(actor, consent.id, withdrawn_on, version)
                return pupils.consent_version(actor, pupil_id)
            return perform(self, change, verb="Not done")

        def read() -> tuple[date | str | None, int]:
            detail = pupils.get_pupil(actor, pupil_id)
            now = next((c for c in detail.consents or () if c.id == consent.id), None)
            return (now.withdrawn_on if now else "gone"), detail.summary.version

        push_done(self.undo_stack, f"withdrawal of consent to share with {consent.recipient or consent.share_with}",
                  apply, None, today,
                  pupils.consent_version(actor, pupil_id), self.message.setText,
                  lambda: self._after_consent_undo(pupil_id), read)

    def _after_consent_undo(self, pupil_id: int) -> None:
        if self.current_pupil_id() == pupil_id:
            self.show_detail(pupil_id)
