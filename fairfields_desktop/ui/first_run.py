"""The first-run assistant: an empty database becomes a school (new, loaded from JSON, or the demo).

Pages: what to do → where the data lives (this PC, or a shared PostgreSQL server, tested) → the
school (name, this year's terms, attendance threshold) → the first administrator. Finish builds a
`fairfields-school/1` dataset (domain/first_run.py) and loads it, so the usual checks apply.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ..domain import first_run
from ..domain.dataset import settings_problems, term_problems
from ..domain.errors import FairfieldsError, InvalidInput, Problem
from ..domain.passwords import RULE_TEXT
from .workers import wait_in_background

log = logging.getLogger(__name__)

NEW, LOAD, DEMO, JOIN = "new", "load", "demo", "join"
START_PAGE, WHERE_PAGE, SCHOOL_PAGE, ADMIN_PAGE = range(4)


def _problems_text(problems: list[Problem]) -> str:
    return "\n".join(f"{first_run.field_label(p.where)}: {p.message}." if p.where else f"{p.message}."
                     for p in problems)


def _message_label() -> QLabel:
    label = QLabel()
    label.setObjectName("assistantMessage")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class StartPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Welcome to Fairfields Desktop")
        self.setSubTitle("This database holds no school yet. What would you like to do?")
        self.new_school = QRadioButton("Set up a &new school")
        self.load_dataset = QRadioButton("&Load a school dataset (JSON)…")
        self.demo = QRadioButton("Open the &demo school (made-up pupils and staff, to try the app)")
        self.join = QRadioButton("&Join the school's shared PostgreSQL server (another PC set it up)")
        self.join.setToolTip("The school already works on a PostgreSQL server: this PC opens it too, and you "
                             "sign in with your own username")
        self.new_school.setChecked(True)
        self.group = QButtonGroup(self)
        for button in (self.new_school, self.load_dataset, self.demo, self.join):
            self.group.addButton(button)
        self.file = QLineEdit()
        self.file.setPlaceholderText("the dataset file, e.g. school.json")
        self.file.setAccessibleName("Dataset file")
        self.browse = QPushButton("&Browse…")
        self.browse.clicked.connect(self.on_browse)
        file_row = QHBoxLayout()
        file_row.setContentsMargins(24, 0, 0, 0)
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.browse)
        self.message = _message_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.new_school)
        layout.addWidget(self.load_dataset)
        layout.addLayout(file_row)
        layout.addWidget(self.demo)
        layout.addWidget(self.join)
        layout.addStretch(1)
        layout.addWidget(self.message)
        self.group.buttonToggled.connect(self._update)
        self._update()

    def choice(self) -> str:
        if self.join.isChecked():
            return JOIN
        return LOAD if self.load_dataset.isChecked() else DEMO if self.demo.isChecked() else NEW

    def _update(self, *_args: Any) -> None:
        loading = self.load_dataset.isChecked()
        self.file.setEnabled(loading)
        self.browse.setEnabled(loading)
        self.message.clear()

    def on_browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load a school dataset", "", "School dataset (*.json)")
        if path:
            self.file.setText(path)

    def validatePage(self) -> bool:  # noqa: N802
        if self.choice() != LOAD:
            return True
        wizard: FirstRunAssistant = self.wizard()  # type: ignore[assignment]
        path = Path(self.file.text().strip())
        if not self.file.text().strip():
            self.message.setText("Choose the dataset file to load (Browse…).")
            return False
        try:
            wizard.loaded_doc = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            self.message.setText(f"The file {path} cannot be read: {exc.strerror or exc}.")
            return False
        except ValueError as exc:
            self.message.setText(f"The file {path.name} is not JSON: {exc}.")
            return False
        from ..domain.dataset import validate_dataset

        problems = validate_dataset(wizard.loaded_doc)
        if problems:
            shown = problems[:8]
            more = f"\n… and {len(problems) - len(shown)} more." if len(problems) > len(shown) else ""
            self.message.setText(f"The dataset has {len(problems)} problem(s); nothing will be loaded:\n"
                                 + "\n".join(f"{p.where}: {p.message}." for p in shown) + more)
            return False
        return True

    def nextId(self) -> int:  # noqa: N802
        return WHERE_PAGE


class WherePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Where the school's data lives")
        self.setSubTitle("One PC on its own keeps it in an encrypted file; several PCs share a PostgreSQL server.")
        self.this_pc = QRadioButton("This &PC (SQLite, encrypted)")
        self.postgres = QRadioButton("A shared Post&greSQL server")
        self.this_pc.setChecked(True)
        self.group = QButtonGroup(self)
        self.group.addButton(self.this_pc)
        self.group.addButton(self.postgres)
        self.url = QLineEdit()
        self.url.setPlaceholderText("postgresql+psycopg://USER@HOST/DATABASE")
        self.url.setAccessibleName("PostgreSQL server address (URL)")
        self.test_button = QPushButton("&Test connection")
        self.test_button.clicked.connect(self.on_test)
        url_row = QHBoxLayout()
        url_row.setContentsMargins(24, 0, 0, 0)
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.test_button)
        hint = QLabel("The password is not part of the address: the IT technician stores it once in this "
                     "PC's keyring (fairfields db remember ADDRESS), or it comes from ~/.pgpass.")
        hint.setWordWrap(True)
        hint.setContentsMargins(24, 0, 0, 0)
        self.message = _message_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.this_pc)
        layout.addWidget(self.postgres)
        layout.addLayout(url_row)
        layout.addWidget(hint)
        layout.addStretch(1)
        layout.addWidget(self.message)
        self._tested: str | None = None  # the URL last tested successfully
        self.group.buttonToggled.connect(self._update)
        self.url.textChanged.connect(self._update)
        self._update()

    def _update(self, *_args: Any) -> None:
        shared = self.postgres.isChecked()
        self.url.setEnabled(shared)
        self.test_button.setEnabled(shared)
        if self._tested != self.url.text().strip():
            self.message.clear()

    def initializePage(self) -> None:  # noqa: N802
        """Joining a school's server: only the PostgreSQL choice makes sense."""
        joining = self.wizard().start_page.choice() == JOIN  # type: ignore[attr-defined]
        if joining:
            self.postgres.setChecked(True)
        self.this_pc.setEnabled(not joining)
        self.setSubTitle("The school's PostgreSQL server: the same address the other PCs use (ask the IT "
                         "technician)." if joining else
                         "One PC on its own keeps it in an encrypted file; several PCs share a PostgreSQL server.")

    def database_url(self) -> str | None:
        return self.url.text().strip() if self.postgres.isChecked() else None

    def on_test(self) -> bool:
        """Connect, then try to create a table (rolled back): say in words what was found or is wrong."""
        from ..app import Services

        url = self.url.text().strip()
        self._tested = None
        if not url:
            self.message.setText("Type the server's address, e.g. postgresql+psycopg://fairfields@server/fairfields.")
            return False
        if not url.startswith(("postgresql", "postgres")):
            self.message.setText("That is not a PostgreSQL address: it starts with postgresql+psycopg://")
            return False
        try:
            found, rights = wait_in_background(
                lambda: (Services.test_connection(url), Services.check_rights(url)), self.wizard() or self,
                "Connecting to the server…")
        except FairfieldsError as exc:
            self.message.setText(f"Not connected — {exc}")
            return False
        except Exception as exc:  # noqa: BLE001 - the driver's own words are still worth showing
            log.warning("connection test failed", exc_info=True)
            self.message.setText(f"Not connected — {exc}")
            return False
        self._tested = url
        self.message.setText(f"{found}\n{rights}")
        return True

    def validatePage(self) -> bool:  # noqa: N802
        if not self.postgres.isChecked():
            return True
        return self._tested == self.url.text().strip() or self.on_test()

    def nextId(self) -> int:  # noqa: N802
        wizard: FirstRunAssistant = self.wizard()  # type: ignore[assignment]
        return SCHOOL_PAGE if wizard.start_page.choice() == NEW else -1


class SchoolPage(QWizardPage):
    def __init__(self, today: date) -> None:
        super().__init__()
        self.setTitle("The school")
        self.setSubTitle("Its name, this year's terms and the attendance below which a pupil is flagged.")
        note = QLabel("The terms below follow the usual English dates: change them to your school's own. "
                      "Half terms, INSET days and next year's terms are added later in Settings.")
        note.setWordWrap(True)
        self.school_name = QLineEdit()
        self.school_name.setAccessibleName("School name")
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0, 100)
        self.threshold.setDecimals(1)
        self.threshold.setSuffix(" %")
        self.threshold.setValue(95.0)
        self.threshold.setAccessibleName("Attendance threshold")
        form = QFormLayout()
        form.addRow("School &name:", self.school_name)
        form.addRow("&Attendance threshold:", self.threshold)
        grid = QGridLayout()
        for column, heading in enumerate(("Term", "First day", "Last day")):
            grid.addWidget(QLabel(f"<b>{heading}</b>"), 0, column)
        self.term_rows: list[tuple[QLineEdit, QDateEdit, QDateEdit]] = []
        for row, term in enumerate(first_run.usual_terms(today), start=1):
            name = QLineEdit(term["name"])
            name.setAccessibleName(f"Term {row} name")
            first, last = self._date_edit(term["first_day"]), self._date_edit(term["last_day"])
            first.setAccessibleName(f"{term['name']} first day")
            last.setAccessibleName(f"{term['name']} last day")
            grid.addWidget(name, row, 0)
            grid.addWidget(first, row, 1)
            grid.addWidget(last, row, 2)
            self.term_rows.append((name, first, last))
        self.message = _message_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(8)
        layout.addWidget(note)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(self.message)

    @staticmethod
    def _date_edit(iso: str) -> QDateEdit:
        edit = QDateEdit(QDate.fromString(iso, Qt.DateFormat.ISODate))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("ddd d MMM yyyy")
        return edit

    def terms(self) -> list[dict[str, Any]]:
        return [{"name": name.text().strip(), "first_day": first.date().toString(Qt.DateFormat.ISODate),
                 "last_day": last.date().toString(Qt.DateFormat.ISODate), "closures": []}
                for name, first, last in self.term_rows]

    def settings(self) -> dict[str, Any]:
        return {"school_name": self.school_name.text().strip(),
                "attendance_threshold_percent": self.threshold.value()}

    def validatePage(self) -> bool:  # noqa: N802
        problems = settings_problems(self.settings())
        problems += term_problems([(f"terms[{i}]", t) for i, t in enumerate(self.terms())])
        self.message.setText(_problems_text(problems))
        return not problems


class AdminPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("The first administrator")
        self.setSubTitle("The person who adds the other users and sets the school up. Their password: "
                         f"{RULE_TEXT}.")
        self.username = QLineEdit()
        self.name = QLineEdit()
        self.password = QLineEdit()
        self.repeated = QLineEdit()
        for field, label in ((self.username, "Username"), (self.name, "Name"), (self.password, "Password"),
                             (self.repeated, "Password again")):
            field.setAccessibleName(label)
        for field in (self.password, self.repeated):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("&Username:", self.username)
        form.addRow("N&ame:", self.name)
        form.addRow("&Password:", self.password)
        form.addRow("Password a&gain:", self.repeated)
        self.message = _message_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.message)

    def validatePage(self) -> bool:  # noqa: N802
        problems = first_run.admin_problems(self.username.text(), self.name.text(), self.password.text(),
                                            self.repeated.text())
        if problems:
            self.message.setText(_problems_text(problems))
            return False
        wizard: FirstRunAssistant = self.wizard()  # type: ignore[assignment]
        return wizard.create_school(self.message)


class FirstRunAssistant(QWizard):
    """Shown instead of sign-in when the database holds no school. After Finish: ``services`` holds the
    school, ``outcome`` is "new", "load" or "demo", ``admin_username`` the new administrator (if any)."""

    def __init__(self, parent: QWidget | None = None, *, services: Any = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Fairfields Desktop — first start")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        metrics = self.fontMetrics()  # grows with the system's text size (150 % text: a larger assistant)
        self.resize(max(640, metrics.averageCharWidth() * 96), max(460, metrics.height() * 30))
        self.services = services
        self.today = today or (services.clock.today() if services is not None else date.today())
        self.loaded_doc: Any = None
        self.outcome: str | None = None
        self.admin_username: str | None = None
        self.school_name = ""
        self.notice = ""  # what the sign-in dialog should say after Finish
        self.start_page = StartPage()
        self.where_page = WherePage()
        self.school_page = SchoolPage(self.today)
        self.admin_page = AdminPage()
        self.setPage(START_PAGE, self.start_page)
        self.setPage(WHERE_PAGE, self.where_page)
        self.setPage(SCHOOL_PAGE, self.school_page)
        self.setPage(ADMIN_PAGE, self.admin_page)
        self.where_page.setFinalPage(False)

    def validateCurrentPage(self) -> bool:  # noqa: N802
        ok = super().validateCurrentPage()
        if ok and self.currentId() == WHERE_PAGE and self.start_page.choice() == JOIN:
            return self.join_school(self.where_page.message)
        if ok and self.currentId() == WHERE_PAGE and self.start_page.choice() != NEW:
            return self.create_school(self.where_page.message)
        return ok

    def dataset(self) -> dict[str, Any]:
        """The document to load: the new school, the chosen file, or the demo school."""
        choice = self.start_page.choice()
        if choice == LOAD:
            return self.loaded_doc
        if choice == DEMO:
            from ..services.dataset import demo_dataset

            return demo_dataset()
        page, admin = self.school_page, self.admin_page
        settings = page.settings()
        return first_run.new_school_dataset(settings["school_name"], page.terms(),
                                            settings["attendance_threshold_percent"], admin.username.text(),
                                            admin.name.text(), admin.password.text())

    def _target_services(self) -> Any:
        """The services of the chosen database: the one already open, or the PostgreSQL server's."""
        from ..app import open_services
        from ..config import default_database_url

        url = self.where_page.database_url()
        if url is None and self.services is not None and self.services.db.is_sqlite:
            return self.services
        return open_services(url or default_database_url(), today=self.today)

    def create_school(self, message: QLabel) -> bool:
        """Load the dataset into the chosen (empty) database; problems are shown on ``message``."""
        from ..app import Services

        doc = self.dataset()

        def create() -> Any:  # off the UI thread: opening, migrating and loading take seconds on a server
            target = self._target_services()
            try:
                if not target.dataset.is_empty():
                    raise FairfieldsError(f"{target.db.description} already holds a school: nothing was loaded "
                                          "(to use that school from this PC, go Back and choose 'Join the "
                                          "school's shared PostgreSQL server')")
                target.dataset.load(doc)
            except BaseException:
                self._discard(target)
                raise
            return target

        try:
            target = wait_in_background(create, self, "Creating the school's database…")
        except InvalidInput as exc:
            message.setText(_problems_text(exc.problems) or str(exc))
            return False
        except FairfieldsError as exc:
            message.setText(str(exc))
            return False
        url = self.where_page.database_url()
        if url is not None or not (self.services is not None and self.services.db.is_sqlite):
            Services.use_database_url_on_this_pc(url)
        self.services = target
        self.outcome = self.start_page.choice()
        self.school_name = target.school.settings().school_name
        if self.outcome == NEW:
            self.admin_username = self.admin_page.username.text().strip()
            self.notice = f"{self.school_name} is ready: sign in as {self.admin_username} with the password you chose."
        elif self.outcome == DEMO:
            self.notice = "The demo school is ready: sign in with a demo user (see the README)."
        else:
            self.notice = f"{self.school_name} was loaded: sign in with one of its users."
        if url is not None:
            self.notice += f" This PC now opens {target.db.description} each time the app starts."
        return True

    def join_school(self, message: QLabel) -> bool:
        """Open the school already on the server and make this PC use it; nothing is written to it."""
        from ..app import Services

        def open_it() -> Any:
            target = self._target_services()
            if target.dataset.is_empty():
                self._discard(target)
                raise FairfieldsError(f"{target.db.description} holds no school yet: choose 'Set up a new "
                                      "school' (or 'Load a school dataset') to put one there")
            return target

        try:
            target = wait_in_background(open_it, self, "Opening the school's server…")
        except FairfieldsError as exc:
            message.setText(str(exc))
            return False
        url = self.where_page.database_url()
        Services.use_database_url_on_this_pc(url)
        self.services = target
        self.outcome = JOIN
        self.school_name = target.school.settings().school_name
        self.notice = (f"This PC now opens {self.school_name} on {target.db.description} each time the app "
                       "starts: sign in with your own username and password.")
        return True

    def _discard(self, target: Any) -> None:
        if target is not None and target is not self.services:
            target.close()
