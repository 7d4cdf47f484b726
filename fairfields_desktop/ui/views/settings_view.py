"""Settings: the database in use, the school's settings, and its terms with their closures.

An administrator edits; everyone else sees. The school service checks and saves; this screen only
gathers the values and shows what the service said, naming the field.
"""

from __future__ import annotations

import copy
import re
from datetime import time
from typing import Any

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import FairfieldsError, InvalidInput, Problem, StaleRecord
from ..change_hub import watch_panel
from ..operations import perform
from ..undo import install_undo, push_done
from ...domain.permissions import allowed
from ..models.terms import ClosuresModel, TermsModel
from ..shortcuts import add_shortcut

FIELD_LABELS = {
    "school_name": "School name",
    "attendance_threshold_percent": "Attendance threshold",
    "max_authorised_weeks": "Maximum weeks",
    "school_day.start": "School day starts",
    "school_day.end": "School day ends",
    "school_day": "School day",
    "dbs_recheck_years": "DBS re-check after",
    "under_five_review_months": "Under-five review every",
    "idle_lock_minutes": "Lock the window after",
    "retention_years": "Keep leavers' records for",
    "address": "Postal address",
    "telephone": "Telephone",
    "name": "name",
    "first_day": "first day",
    "last_day": "last day",
    "from": "from",
    "to": "to",
    "why": "why",
}


def describe(problem: Problem, terms: list[dict[str, Any]] | None = None) -> str:
    """A problem's JSON path in words: "Autumn 2026, closure 2, to: …"."""
    where = problem.where
    if where.startswith("settings."):
        field = where[len("settings."):]
        return f"{FIELD_LABELS.get(field, field)}: {problem.message}"
    match = re.match(r"terms\[(\d+)\](?:\.closures\[(\d+)\])?(?:\.(\w+))?$", where)
    if match:
        index = int(match.group(1))
        name = (terms or [{}] * (index + 1))[index].get("name") if terms and index < len(terms) else None
        parts = [name or f"Term {index + 1}"]
        if match.group(2) is not None:
            parts.append(f"closure {int(match.group(2)) + 1}")
        if match.group(3):
            parts.append(FIELD_LABELS.get(match.group(3), match.group(3)))
        return f"{', '.join(parts)}: {problem.message}"
    return str(problem)


class SettingsScreen(QWidget):
    settings_saved = Signal()
    terms_saved = Signal()
    database_restored = Signal()  # a backup replaced the database: everyone signs in again

    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.can_edit_settings = allowed(actor.roles, "settings.edit")
        self.can_edit_terms = allowed(actor.roles, "terms.edit")

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        body = QWidget()
        scroll.setWidget(body)
        from .people_view import ClassesTab, SpacesTab, StaffTab

        outer = QVBoxLayout(self)
        heading = QLabel("Settings")
        heading.setObjectName("screenTitle")
        outer.addWidget(heading)
        self.tabs = QTabWidget()
        self.tabs.addTab(scroll, "School and &database")
        self.undo_stack = install_undo(self)  # one history for the screen and its tabs (Ctrl+Z)
        self.staff_tab = StaffTab(services, actor, undo_stack=self.undo_stack)
        self.classes_tab = ClassesTab(services, actor, undo_stack=self.undo_stack)
        self.spaces_tab = SpacesTab(services, actor, undo_stack=self.undo_stack)
        self.tabs.addTab(self.staff_tab, "S&taff")
        self.tabs.addTab(self.classes_tab, "&Classes")
        self.tabs.addTab(self.spaces_tab, "S&paces")
        if allowed(actor.roles, "users.manage"):  # who signs in: administrators only (ui/views/users_view.py)
            from .users_view import UsersTab

            self.users_tab = UsersTab(services, actor)
            self.tabs.addTab(self.users_tab, "Use&rs")
        if allowed(actor.roles, "backup.run"):
            from .backups_view import BackupsTab

            self.backups_tab = BackupsTab(services, actor)
            self.backups_tab.restored.connect(self.database_restored)
            self.tabs.addTab(self.backups_tab, "&Backups")
        if allowed(actor.roles, "audit.view"):  # the audit trail and its check (ui/views/audit_view.py)
            from .audit_view import AuditTab

            self.audit_tab = AuditTab(services, actor)
            self.tabs.addTab(self.audit_tab, "A&udit trail")
        if allowed(actor.roles, "retention.manage"):  # leavers' records past retention (ui/views/retention_view.py)
            from .retention_view import RetentionTab

            self.retention_tab = RetentionTab(services, actor)
            self.tabs.addTab(self.retention_tab, "Rete&ntion")
        if allowed(actor.roles, "bookings.mend_titles"):  # titles that name a pupil (ui/views/booking_titles_view.py)
            from .booking_titles_view import BookingTitlesTab

            self.booking_titles_tab = BookingTitlesTab(services, actor)
            self.tabs.addTab(self.booking_titles_tab, "Booking titles to ad&just")
        outer.addWidget(self.tabs, 1)
        layout = QVBoxLayout(body)
        if not self.can_edit_settings:
            note = QLabel("Only an administrator can change these settings; you can see them.")
            note.setObjectName("hint")
            layout.addWidget(note)

        layout.addWidget(self._database_group())
        layout.addWidget(self._school_group())
        layout.addWidget(self._terms_group())
        layout.addStretch(1)
        self.load()

    # --- building -------------------------------------------------------------------------------
    def _database_group(self) -> QGroupBox:
        group = QGroupBox("Database")
        form = QFormLayout(group)
        info = self.services.database_info()
        self.database_label = QLabel(info.description)
        self.database_label.setObjectName("databaseInUse")
        self.database_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.database_label.setWordWrap(True)
        form.addRow("In use", self.database_label)
        form.addRow("Schema version", QLabel(info.schema_revision or "—"))
        self.database_url = QLineEdit()
        self.database_url.setObjectName("databaseUrl")
        self.database_url.setAccessibleName("Database for this PC")
        self.database_url.setPlaceholderText("postgresql+psycopg://USER@HOST/DATABASE (empty: this PC's SQLite file)")
        self.database_url.setText(self.services.configured_database_url() or "")
        self.database_url.setEnabled(self.can_edit_settings)
        form.addRow("Database for this PC", self.database_url)
        buttons = QHBoxLayout()
        self.test_connection_button = QPushButton("Test c&onnection")
        self.use_database_button = QPushButton("Use on ne&xt start")
        self.test_connection_button.setEnabled(self.can_edit_settings)
        self.use_database_button.setEnabled(self.can_edit_settings)
        buttons.addWidget(self.test_connection_button)
        buttons.addWidget(self.use_database_button)
        buttons.addStretch(1)
        form.addRow("", buttons)
        self.database_message = QLabel("")
        self.database_message.setWordWrap(True)
        self.database_message.setObjectName("databaseMessage")
        form.addRow("", self.database_message)
        self.test_connection_button.clicked.connect(self.on_test_connection_clicked)
        self.use_database_button.clicked.connect(self.on_use_database_clicked)
        return group

    def _school_group(self) -> QGroupBox:
        group = QGroupBox("School")
        form = QFormLayout(group)
        self.school_name = QLineEdit()
        self.school_name.setObjectName("schoolName")
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.0, 100.0)
        self.threshold.setDecimals(1)
        self.threshold.setSuffix(" %")
        self.threshold.setObjectName("attendanceThreshold")
        self.max_weeks = QSpinBox()
        self.max_weeks.setRange(1, 52)
        self.max_weeks.setSuffix(" school weeks")
        self.max_weeks.setObjectName("maxWeeks")
        self.day_start = QTimeEdit()
        self.day_start.setDisplayFormat("HH:mm")
        self.day_start.setObjectName("dayStart")
        self.day_end = QTimeEdit()
        self.day_end.setDisplayFormat("HH:mm")
        self.day_end.setObjectName("dayEnd")
        self.dbs_years = QSpinBox()
        self.dbs_years.setRange(1, 20)
        self.dbs_years.setSuffix(" years")
        self.dbs_years.setObjectName("dbsYears")
        self.under_five = QSpinBox()
        self.under_five.setRange(1, 12)
        self.under_five.setSuffix(" months")
        self.under_five.setObjectName("underFiveMonths")
        self.idle_lock = QSpinBox()
        self.idle_lock.setRange(1, 120)
        self.idle_lock.setSuffix(" minutes without input")
        self.idle_lock.setObjectName("idleLockMinutes")
        self.retention = QSpinBox()
        self.retention.setRange(25, 100)
        self.retention.setSuffix(" years from birth")
        self.retention.setObjectName("retentionYears")
        self.address = QPlainTextEdit()
        self.address.setObjectName("schoolAddress")
        self.address.setTabChangesFocus(True)
        self.address.setPlaceholderText("One line each, e.g.\nFairfields Lane\nLeeds\nLS6 2AB")
        self.address.setFixedHeight(self.address.fontMetrics().lineSpacing() * 5 + 12)
        self.telephone = QLineEdit()
        self.telephone.setObjectName("schoolTelephone")
        self.telephone.setPlaceholderText("e.g. 0113 496 0000")
        rows = (
            ("Sc&hool name", self.school_name, "The name printed on every report"),
            ("Postal address, l&ine by line", self.address,
             "The school's address, printed at the head of every letter to a family"),
            ("Telephone", self.telephone, "The school's telephone number, printed at the head of every letter"),
            ("&Attendance threshold", self.threshold,
             "Good attendance for independent therapy in the school day: at or above this figure"),
            ("&Maximum weeks", self.max_weeks, "The longest authorisation without an extension"),
            ("School day &starts", self.day_start, "Bookings must fall inside the school day"),
            ("School day &ends", self.day_end, "Bookings must fall inside the school day"),
            ("DBS re-check a&fter", self.dbs_years,
             "A school's own DBS check older than this raises a warning (never a block)"),
            ("Under-fi&ve review every", self.under_five, "Annual reviews of a child under 5 come this often"),
            ("&Lock the window after", self.idle_lock,
             "With no keyboard or mouse input for this long, the window locks and asks for the password"),
            ("&Keep leavers' records for", self.retention,
             "A pupil who left is kept until their date of birth plus this many years, then listed for "
             "review and erasure (the IRMS toolkit for schools: SEN records, date of birth + 31 years)"),
        )
        for label, widget, tip in rows:
            widget.setToolTip(tip)
            widget.setAccessibleName(label.replace("&", ""))
            widget.setAccessibleDescription(tip)
            widget.setEnabled(self.can_edit_settings)
            widget.setMaximumWidth(420 if widget in (self.school_name, self.address) else 200)
            form.addRow(label, widget)
        self.save_settings_button = QPushButton("Save settings")
        self.save_settings_button.setObjectName("saveSettings")
        self.save_settings_button.setEnabled(self.can_edit_settings)
        add_shortcut(self.save_settings_button, "Ctrl+S", "Save the school's settings")
        self.settings_message = QLabel("")
        self.settings_message.setObjectName("settingsMessage")
        self.settings_message.setWordWrap(True)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_settings_button)
        save_row.addStretch(1)
        form.addRow("", save_row)
        form.addRow("", self.settings_message)
        self.save_settings_button.clicked.connect(self.on_save_settings_clicked)
        # someone else saves the settings meanwhile: said at once (the settings are audited as one record)
        self.settings_watch = watch_panel(group, self.services, "school") if self.can_edit_settings else None
        return group

    def _terms_group(self) -> QGroupBox:
        group = QGroupBox("Terms and closures")
        layout = QVBoxLayout(group)
        hint = QLabel("A school day is a Monday–Friday inside a term and outside its closures (holidays, "
                      "INSET days, bank holidays). Dates as YYYY-MM-DD; double-click a cell to edit.")
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        layout.addWidget(hint)
        self.terms_model = TermsModel(editable=self.can_edit_terms, parent=self)
        self.closures_model = ClosuresModel(self.terms_model, parent=self)
        self.terms_view = self._table(self.terms_model, "Terms")
        self.closures_view = self._table(self.closures_model, "Closures of the selected term")
        layout.addWidget(self.terms_view)
        term_buttons = QHBoxLayout()
        self.add_term_button = QPushButton("Add term")
        self.remove_term_button = QPushButton("Remove term")
        for button in (self.add_term_button, self.remove_term_button):
            button.setEnabled(self.can_edit_terms)
            term_buttons.addWidget(button)
        term_buttons.addStretch(1)
        layout.addLayout(term_buttons)
        self.closures_label = QLabel("Closures: select a term")
        layout.addWidget(self.closures_label)
        layout.addWidget(self.closures_view)
        closure_buttons = QHBoxLayout()
        self.add_closure_button = QPushButton("Add closure")
        self.remove_closure_button = QPushButton("Remove closure")
        for button in (self.add_closure_button, self.remove_closure_button):
            button.setEnabled(self.can_edit_terms)
            closure_buttons.addWidget(button)
        closure_buttons.addStretch(1)
        layout.addLayout(closure_buttons)
        save_row = QHBoxLayout()
        self.save_terms_button = QPushButton("Save terms")
        self.save_terms_button.setObjectName("saveTerms")
        self.revert_terms_button = QPushButton("Undo chan&ges")
        add_shortcut(self.save_terms_button, "Ctrl+Shift+S", "Save the terms and closures")
        for button in (self.save_terms_button, self.revert_terms_button):
            button.setEnabled(self.can_edit_terms)
            save_row.addWidget(button)
        save_row.addStretch(1)
        layout.addLayout(save_row)
        self.terms_message = QLabel("")
        self.terms_message.setObjectName("termsMessage")
        self.terms_message.setWordWrap(True)
        layout.addWidget(self.terms_message)

        self.terms_view.selectionModel().currentRowChanged.connect(self.on_term_selected)
        self.add_term_button.clicked.connect(self.on_add_term_clicked)
        self.remove_term_button.clicked.connect(self.on_remove_term_clicked)
        self.add_closure_button.clicked.connect(self.on_add_closure_clicked)
        self.remove_closure_button.clicked.connect(self.on_remove_closure_clicked)
        self.save_terms_button.clicked.connect(self.on_save_terms_clicked)
        self.revert_terms_button.clicked.connect(self.load_terms)
        # the terms are saved (and audited) as a whole: any change to them is a change to what is shown
        self.terms_watch = watch_panel(group, self.services, "school") if self.can_edit_terms else None
        return group

    def _table(self, model, name: str) -> QTableView:  # noqa: ANN001
        view = QTableView()
        view.setModel(model)
        view.setAccessibleName(name)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        view.verticalHeader().hide()
        view.setMinimumHeight(130)
        view.setAlternatingRowColors(True)
        return view

    # --- loading --------------------------------------------------------------------------------
    def load(self) -> None:
        self.load_settings()
        self.load_terms()

    def load_settings(self) -> None:
        if self.settings_watch is not None:  # before reading: a change in between is not missed
            self.settings_watch.track("school_settings", 1, "The school's settings")
        values = self.services.school.settings_values(with_version=True)
        self.settings_version = values.get("version")  # sent with a save: refused if someone saved since
        self.school_name.setText(values["school_name"])
        self.threshold.setValue(float(values["attendance_threshold_percent"]))
        self.max_weeks.setValue(int(values["max_authorised_weeks"]))
        self.day_start.setTime(_qtime(values["school_day"]["start"]))
        self.day_end.setTime(_qtime(values["school_day"]["end"]))
        self.dbs_years.setValue(int(values["dbs_recheck_years"]))
        self.under_five.setValue(int(values["under_five_review_months"]))
        self.idle_lock.setValue(int(values.get("idle_lock_minutes", 10)))
        self.retention.setValue(int(values.get("retention_years", 31)))
        self.address.setPlainText(values.get("address") or "")
        self.telephone.setText(values.get("telephone") or "")

    def load_terms(self) -> None:
        if self.terms_watch is not None:
            self.terms_watch.track("terms", None, "The terms and closures")
        terms = self.services.school.terms_values()
        self.terms_opened = copy.deepcopy(terms)  # sent with a save: refused if someone saved since
        self.terms_model.set_terms(terms)
        self.terms_message.clear()
        if self.terms_model.rowCount():
            self.terms_view.selectRow(0)

    def settings_values(self) -> dict[str, Any]:
        return {
            "school_name": self.school_name.text().strip(),
            "attendance_threshold_percent": round(self.threshold.value(), 1),
            "max_authorised_weeks": self.max_weeks.value(),
            "school_day": {"start": self.day_start.time().toString("HH:mm"),
                           "end": self.day_end.time().toString("HH:mm")},
            "dbs_recheck_years": self.dbs_years.value(),
            "under_five_review_months": self.under_five.value(),
            "idle_lock_minutes": self.idle_lock.value(),
            "retention_years": self.retention.value(),
            "address": self.address.toPlainText().strip(),
            "telephone": self.telephone.text().strip(),
        }

    # --- slots ----------------------------------------------------------------------------------
    def on_save_settings_clicked(self) -> None:
        before = self.services.school.settings_values()  # as saved now: what Ctrl+Z puts back
        values, version = self.settings_values(), self.settings_version
        school, actor = self.services.school, self.actor
        try:
            perform(self, lambda: school.update_settings(actor, values, version))
        except InvalidInput as exc:
            self.settings_message.setText("Not saved. " + " ".join(describe(p) for p in exc.problems))
            self.settings_message.setProperty("tone", "error")
            return
        except StaleRecord as exc:
            from .people_view import RELOADED, ask_reload, stale_text

            if ask_reload(self, exc):
                self.load_settings()
                self.settings_message.setText(RELOADED)
            else:
                self.settings_message.setText(stale_text(exc))
            return
        except FairfieldsError as exc:
            self.settings_message.setText(f"Not saved: {exc}")
            return
        self.load_settings()  # as saved, with the new version (a second save from this screen is not stale)
        self.settings_message.setText("Settings saved. Ctrl+Z undoes it.")
        self.settings_saved.emit()
        after = {k: v for k, v in school.settings_values().items() if k != "version"}

        def apply(settings: dict[str, Any], current: int | None) -> int | None:
            perform(self, lambda: school.update_settings(actor, settings, current), verb="Not done")
            return school.settings_values(with_version=True).get("version")

        def reloaded() -> None:
            self.load_settings()
            self.settings_saved.emit()

        def read() -> tuple[dict, int | None]:
            now = school.settings_values(with_version=True)
            return {k: v for k, v in now.items() if k != "version"}, now.get("version")

        push_done(self.undo_stack, "change of the school's settings", apply, before, after, self.settings_version,
                  self.settings_message.setText, reloaded, read)

    def on_term_selected(self, current, _previous=None) -> None:  # noqa: ANN001
        row = current.row() if current.isValid() else None
        self.closures_model.show_term(row)
        if row is None:
            self.closures_label.setText("Closures: select a term")
        else:
            self.closures_label.setText(f"Closures of {self.terms_model.term(row).get('name') or 'this term'}")

    def on_add_term_clicked(self) -> None:
        row = self.terms_model.add_term()
        self.terms_view.selectRow(row)
        self.terms_view.edit(self.terms_model.index(row, TermsModel.NAME))

    def on_remove_term_clicked(self) -> None:
        index = self.terms_view.currentIndex()
        if index.isValid():
            self.terms_model.remove_term(index.row())

    def on_add_closure_clicked(self) -> None:
        position = self.closures_model.add_closure()
        if position is None:
            self.terms_message.setText("Select a term first, then add its closure.")
            return
        self.closures_view.selectRow(position)
        self.closures_view.edit(self.closures_model.index(position, ClosuresModel.FROM))

    def on_remove_closure_clicked(self) -> None:
        index = self.closures_view.currentIndex()
        if index.isValid():
            self.closures_model.remove_closure(index.row())

    def on_save_terms_clicked(self) -> None:
        terms = self.terms_model.terms()
        try:
            opened = self.terms_opened
            perform(self, lambda: self.services.school.save_terms(self.actor, terms, opened))
        except InvalidInput as exc:
            self.terms_message.setText("Not saved. " + " ".join(describe(p, terms) for p in exc.problems))
            return
        except StaleRecord as exc:
            from .people_view import RELOADED, ask_reload, stale_text

            if ask_reload(self, exc):
                self.load_terms()
                self.terms_message.setText(RELOADED)
            else:
                self.terms_message.setText(stale_text(exc))
            return
        except FairfieldsError as exc:
            self.terms_message.setText(f"Not saved: {exc}")
            return
        self.load_terms()
        self.terms_message.setText("Terms saved.")
        self.terms_saved.emit()

    def on_test_connection_clicked(self) -> None:
        from ..workers import run_in_background

        url = self.database_url.text().strip()
        self.database_message.setText("Testing the connection…")
        self.test_connection_button.setEnabled(False)

        def done(message: str) -> None:
            self.test_connection_button.setEnabled(True)
            self.database_message.setText(message)

        def failed(exc: BaseException) -> None:
            self.test_connection_button.setEnabled(True)
            self.database_message.setText(f"Cannot connect: {exc}")

        run_in_background(lambda: self.services.test_connection(url or None), done, failed)

    def on_use_database_clicked(self) -> None:
        url = self.database_url.text().strip()
        try:
            self.services.set_configured_database_url(self.actor, url or None)
        except FairfieldsError as exc:
            self.database_message.setText(f"Not saved: {exc}")
            return
        self.database_message.setText("Saved for this PC: Fairfields Desktop will use it from its next start.")


def _qtime(value: str) -> QTime:
    parsed = time.fromisoformat(value)
    return QTime(parsed.hour, parsed.minute)
