"""The Reports screen: choose a report and what it is about, preview it, print it or save it as PDF, and
make the review packs of a whole period in a worker process.

The PDFs come from `reports.make.make` (the services check who may print what and audit it); this screen
only gathers the choices, runs the making off the UI thread, and shows the result with QtPdf.
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import tempfile
import weakref
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QMargins, QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPageLayout, QPainter, QPalette
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import FairfieldsError, InvalidInput
from ...domain.permissions import allowed
from ...reports.make import REPORTS, make
from ..contrast import readable
from ..workers import run_in_background
from ..shortcuts import add_shortcut

log = logging.getLogger(__name__)

#: report key → the use case that lets a role print it
REPORT_PERMISSION: dict[str, str] = {
    "review-pack": "report.review_pack",
    "timetable": "report.timetable",
    "authorisations": "report.authorisations",
    "letter": "report.authorisations",
    "checks": "visits.view",
    "visits": "visits.view",
    "fire-list": "visits.view",
}
DECIDED = ("approved", "declined", "suspended", "ended")
WHOLE_PACK = "The review's invitees (whole pack)"
#: dots per inch the pages are drawn at for a printer (enough for text; a 1200 dpi page would be huge)
PRINT_DPI = 300


def reports_for(roles: frozenset[str]) -> list[str]:
    """The reports a role may print, in the order of the list."""
    return [key for key in REPORTS if allowed(roles, REPORT_PERMISSION[key])]


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _date_edit(day: date, name: str) -> QDateEdit:
    edit = QDateEdit(_qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("ddd dd/MM/yyyy")
    edit.setAccessibleName(name)
    return edit


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def failure_text(exc: BaseException, verb: str = "Not made") -> str:
    """A service's refusal in words (each problem with what it is about), or where a bug's details are."""
    if isinstance(exc, InvalidInput):
        return f"{verb}. " + "; ".join(str(p) for p in exc.problems)
    if isinstance(exc, FairfieldsError):
        return f"{verb}: {exc}"
    from ..errors import explain

    return f"{verb}: {explain(exc)}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def pages_text(count: int) -> str:
    return plural(count, "page")


class ReportsScreen(QWidget):
    """Reports: the list on the left with what each is about, the preview on the right, a batch below."""

    def __init__(self, services, actor, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.keys = reports_for(actor.roles)
        self.can_batch = allowed(actor.roles, "report.review_pack")
        today = services.clock.today()
        self._temp = tempfile.mkdtemp(prefix="fairfields-reports-")
        weakref.finalize(self, shutil.rmtree, self._temp, ignore_errors=True)
        self._numbers = itertools.count(1)
        self._making = False
        self._after_made: Callable[[], None] | None = None
        self._shown: tuple | None = None  # the choices the preview was made from
        self._shown_path: Path | None = None
        self._shown_title = ""
        self._shown_made: Any = None
        self._batch: Any = None
        self._batch_outcome: tuple | None = None
        self._batch_errors: list[tuple[str, str]] = []
        self._batch_names: dict[str, str] = {}
        self._batch_folder = ""
        self._batch_merged = False
        #: seconds the batch worker waits after each pupil (tests use it to cancel at a known point)
        self.batch_pause = 0.0

        heading = QLabel("Reports")
        heading.setObjectName("screenTitle")

        # --- which report ---
        self.report_list = QListWidget()
        self.report_list.setObjectName("reportList")
        self.report_list.setAccessibleName("Reports you may print")
        for key in self.keys:
            title, needs = REPORTS[key]
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{title}: needs {needs}")
            self.report_list.addItem(item)
        self.report_list.setMaximumHeight(self.report_list.sizeHintForRow(0) * max(len(self.keys), 1)
                                          + 2 * self.report_list.frameWidth() + 4)
        list_label = QLabel("&Reports")
        list_label.setBuddy(self.report_list)
        if not self.keys:
            list_label.setText("Your role may not print any report.")

        # --- what it is about: one page per report ---
        self.needs_label = QLabel("")
        self.needs_label.setObjectName("hint")
        self.needs_label.setWordWrap(True)
        self.subject_stack = QStackedWidget()
        self.subject_stack.setAccessibleName("What the report is about")
        self.pages: dict[str, QWidget] = {}
        self.pupil_combo = QComboBox()
        self.pupil_combo.setAccessibleName("Pupil")
        self.recipient_combo = QComboBox()
        self.recipient_combo.setAccessibleName("Who the pack is for")
        self.recipient_combo.setToolTip("The review's invitees get the whole pack; anyone else only what the "
                                        "family's consent lets them see, saying what was left out")
        self.week_edit = _date_edit(today, "Week of")
        self.week_edit.setToolTip("Any day of the school week to print (Monday to Friday)")
        self.all_spaces = QCheckBox("Also spaces with nothing booked that wee&k")
        self.all_spaces.setToolTip("Left out, the timetable shows only the spaces booked that week (and names the "
                                   "others under the title)")
        school_year = today.year if today.month >= 9 else today.year - 1
        self.auth_from = _date_edit(date(school_year, 9, 1), "Authorisations from")
        self.auth_to = _date_edit(date(school_year + 1, 8, 31), "Authorisations to")
        self.visits_from = _date_edit(today.replace(day=1), "Visits from")
        self.visits_to = _date_edit(today, "Visits to")
        self.request_combo = QComboBox()
        self.request_combo.setAccessibleName("Request decided")
        self._events_of: str | None = None  # the request whose events the event box lists
        self.event_combo = QComboBox()
        self.event_combo.setObjectName("letterEvent")
        self.event_combo.setAccessibleName("Which event the letter is about")
        self.event_combo.setToolTip("Each decision, review meeting and session moved has its own letter, written "
                                    "from that event; the latest comes first")
        self.request_combo.currentIndexChanged.connect(lambda _index: self.reload_events())
        self.request_hint = QLabel("")
        self.request_hint.setObjectName("hint")
        self.request_hint.setWordWrap(True)
        for key in self.keys:
            page = self._subject_page(key)
            self.pages[key] = page
            self.subject_stack.addWidget(page)
        subject_box = QGroupBox("About")
        subject_layout = QVBoxLayout(subject_box)
        subject_layout.addWidget(self.needs_label)
        subject_layout.addWidget(self.subject_stack)

        self.preview_button = QPushButton("&Preview")
        add_shortcut(self.preview_button, "F5", "Make the report and show it on the right (F5; Enter on the list does "
                                                "it too)")
        self.print_button = QPushButton("Pri&nt…")
        add_shortcut(self.print_button, "Ctrl+P", "Print the report")
        self.save_button = QPushButton("Save &as…")
        add_shortcut(self.save_button, "Ctrl+Shift+S", "Save the report as a PDF file")
        button_row = QHBoxLayout()
        for button in (self.preview_button, self.print_button, self.save_button):
            button.setEnabled(bool(self.keys))
            button_row.addWidget(button)
        button_row.addStretch(1)
        self.message = QLabel("")
        self.message.setObjectName("screenMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setAccessibleName("Message")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        left_layout.addWidget(list_label)
        left_layout.addWidget(self.report_list)
        left_layout.addWidget(subject_box)
        left_layout.addLayout(button_row)
        left_layout.addWidget(self.message)
        self.batch_box = self._batch_group(today)
        self.batch_box.setVisible(self.can_batch)
        left_layout.addWidget(self.batch_box)
        left_layout.addStretch(1)
        left_scroll = QScrollArea()
        left_scroll.setWidgetResizable(True)
        left_scroll.setWidget(left)
        left_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        left_scroll.setMinimumWidth(360)

        # --- the preview ---
        self.status = QLabel("No report made yet.")
        self.status.setObjectName("reportStatus")
        self.status.setStyleSheet(f"font-size: 12pt; font-weight: 600; color: {readable('#1a3a5c')}")
        self.status.setAccessibleName("Report shown")
        self.status.setWordWrap(True)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("reportPreview")
        self.view.setAccessibleName("Preview of the report")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setDocumentMargins(QMargins(10, 10, 10, 10))
        palette = self.view.palette()
        palette.setColor(QPalette.ColorRole.Dark, QColor("#d5dbe1"))  # the desk the white pages lie on
        self.view.setPalette(palette)
        self.view.setDocument(self.document)
        self.empty = QLabel("Choose a report on the left and press Preview: it is shown here, page by page, "
                            "before you print or save it.")
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_stack = QStackedWidget()
        self.preview_stack.addWidget(self.empty)
        self.preview_stack.addWidget(self.view)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addWidget(self.status)
        right_layout.addWidget(self.preview_stack, 1)

        splitter = QSplitter()
        splitter.addWidget(left_scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 860])
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(splitter, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self.poll_batch)

        self.report_list.currentRowChanged.connect(self.on_report_chosen)
        self.report_list.itemActivated.connect(lambda _item: self.preview())
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.on_print_clicked)
        self.save_button.clicked.connect(self.on_save_clicked)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop_batch)

        self.reload_subjects()
        if self.keys:
            self.report_list.setCurrentRow(0)

    # --- the choices ---------------------------------------------------------------------------------
    def _subject_page(self, key: str) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)

        def row(label: str, widget: QWidget) -> None:
            text = QLabel(label)
            text.setBuddy(widget)
            form.addRow(text, widget)

        if key == "review-pack":
            row("P&upil", self.pupil_combo)
            row("&For", self.recipient_combo)
        elif key == "timetable":
            row("&Week of", self.week_edit)
            form.addRow("", self.all_spaces)
        elif key == "authorisations":
            row("Fro&m", self.auth_from)
            row("&To", self.auth_to)
        elif key == "letter":
            row("Re&quest", self.request_combo)
            row("E&vent", self.event_combo)
            form.addRow(self.request_hint)
        elif key == "visits":
            row("Fro&m", self.visits_from)
            row("&To", self.visits_to)
        else:
            words = QLabel("The register as it stands today: there is nothing to choose.")
            words.setWordWrap(True)
            form.addRow(words)
        return page

    def reload_subjects(self) -> None:
        """Fill the pupils, professionals and decided requests again, keeping what was chosen."""
        try:
            if "review-pack" in self.keys:
                self._refill(self.pupil_combo, [(f"{p.name} ({p.class_name})", p.upn)
                                                for p in self.services.pupils.list_pupils(self.actor)])
                self._refill(self.recipient_combo, [(WHOLE_PACK, None)] + [
                    (f"{p.name} ({p.organisation or p.discipline_label})", p.ext_id)
                    for p in self.services.professionals.list_professionals(self.actor)])
            if "letter" in self.keys:
                decided = [r for r in self.services.requests.list_requests(self.actor, with_rules=False)
                           if r.status in DECIDED]
                self._refill(self.request_combo, [(f"{r.ref}: {r.pupil} with {r.professional} ({r.status})", r.ref)
                                                  for r in decided])
                self.request_hint.setText("" if decided else
                                          "No request has been decided yet: a letter follows a decision.")
                self.reload_events()
        except FairfieldsError as exc:
            self.message.setText(failure_text(exc, "Cannot list what reports are about"))

    def reload_events(self) -> None:
        """The chosen request's events the family must hear of, the latest first (the letter's default)."""
        ref = self.request_combo.currentData()
        try:
            events = self.services.reports.letter_events(self.actor, ref) if ref else ()
        except FairfieldsError as exc:
            self.message.setText(failure_text(exc, "Cannot list the request's events"))
            events = ()
        kept = self.event_combo.currentData() if ref == self._events_of else None
        self._events_of = ref
        self.event_combo.blockSignals(True)
        self.event_combo.clear()
        for event in reversed(events):
            self.event_combo.addItem(event.words, event.id)
        index = self.event_combo.findData(kept) if kept is not None else -1
        self.event_combo.setCurrentIndex(index if index >= 0 else (0 if events else -1))
        self.event_combo.blockSignals(False)

    @staticmethod
    def _refill(combo: QComboBox, entries: list[tuple[str, object]]) -> None:
        kept = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, data in entries:
            combo.addItem(text, data)
        index = combo.findData(kept) if kept is not None else -1
        combo.setCurrentIndex(index if index >= 0 else (0 if entries else -1))
        combo.blockSignals(False)

    def report_keys(self) -> list[str]:
        """The reports in the list (what this role may print)."""
        return [self.report_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.report_list.count())]

    def current_key(self) -> str | None:
        item = self.report_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def select_report(self, key: str) -> None:
        self.report_list.setCurrentRow(self.report_keys().index(key))

    def on_report_chosen(self, row: int) -> None:
        if row < 0:
            return
        key = self.keys[row]
        for other, page in self.pages.items():  # the box is as tall as this report's choices, not the tallest
            policy = QSizePolicy.Policy.Preferred if other == key else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        self.subject_stack.setCurrentWidget(self.pages[key])
        self.subject_stack.adjustSize()
        title, needs = REPORTS[key]
        self.needs_label.setText(f"{title}: needs {needs}.")

    def choices(self) -> tuple[str, dict[str, Any]] | str:
        """(report key, what to pass to make) for what is chosen, or what is missing, in words."""
        key = self.current_key()
        if key is None:
            return "Choose a report first."
        if key == "review-pack":
            if self.pupil_combo.currentData() is None:
                return "Choose a pupil first."
            return key, {"upn": self.pupil_combo.currentData(), "recipient": self.recipient_combo.currentData()}
        if key == "timetable":
            return key, {"week": _date(self.week_edit.date()), "all_spaces": self.all_spaces.isChecked()}
        if key == "authorisations":
            return key, {"first": _date(self.auth_from.date()), "last": _date(self.auth_to.date())}
        if key == "visits":
            return key, {"first": _date(self.visits_from.date()), "last": _date(self.visits_to.date())}
        if key == "letter":
            if self.request_combo.currentData() is None:
                return "Choose a decided request first: a letter follows the headteacher's decision."
            return key, {"ref": self.request_combo.currentData(), "event_id": self.event_combo.currentData()}
        return key, {}

    @staticmethod
    def _signature(key: str, values: dict[str, Any]) -> tuple:
        return (key, tuple(sorted(values.items())))

    def suggested_name(self, key: str) -> str:
        title = REPORTS[key][0]
        if key == "review-pack":
            pupil = self.pupil_combo.currentText().split(" (")[0]
            title = f"{title} - {pupil}"
        elif key == "letter":
            title = f"Letter {self.request_combo.currentData()}"
        elif key == "timetable":
            title = f"{title} {_date(self.week_edit.date()).isoformat()}"
        return "".join(c if c not in '\\/:*?"<>|' else " " for c in title) + ".pdf"

    # --- making a report (off the UI thread) ---------------------------------------------------------
    def _make(self, out: Path, on_made: Callable[[Any, Path, tuple], None]) -> bool:
        """Make the chosen report into ``out`` in the background; ``on_made(made, out, signature)`` after."""
        choice = self.choices()
        if isinstance(choice, str):
            self.message.setText(choice)
            return False
        if self._making:
            self.message.setText("A report is being made: wait for it.")
            return False
        key, values = choice
        signature = self._signature(key, values)
        services, actor = self.services, self.actor
        self._set_making(True)
        self.message.setText(f"Making the {REPORTS[key][0].lower()}…")

        def job() -> Any:
            return make(services, actor, key, out, **values)

        def done(made: Any) -> None:
            self._set_making(False)
            self.message.setText("")
            on_made(made, out, signature)

        def failed(exc: BaseException) -> None:
            self._set_making(False)
            self._after_made = None
            Path(out).unlink(missing_ok=True)
            self.message.setText(failure_text(exc))

        run_in_background(job, done, failed)
        return True

    def _set_making(self, making: bool) -> None:
        self._making = making
        for button in (self.preview_button, self.print_button, self.save_button):
            button.setEnabled(not making and bool(self.keys))

    @property
    def making(self) -> bool:
        return self._making

    def preview(self) -> None:
        """Make the chosen report into a temporary file and show it."""
        out = Path(self._temp) / f"report-{next(self._numbers)}.pdf"
        self._make(out, self._show)

    def _show(self, made: Any, path: Path, signature: tuple) -> None:
        previous = self._shown_path
        self.document.close()
        error = self.document.load(str(path))
        if error != QPdfDocument.Error.None_:
            self.message.setText(f"The report was made but cannot be shown ({error.name}): save it and open it "
                                 "in a PDF reader.")
            return
        if previous is not None and previous != path:
            previous.unlink(missing_ok=True)
        self._shown, self._shown_path, self._shown_title = signature, path, made.title
        self._shown_made = made
        self.preview_stack.setCurrentWidget(self.view)
        self.view.pageNavigator().jump(0, QPointF(0, 0))
        self.status.setText(f"{made.title} — {pages_text(self.document.pageCount())}")
        after, self._after_made = self._after_made, None
        if after is not None:
            after()

    def preview_is_current(self) -> bool:
        choice = self.choices()
        return (not isinstance(choice, str) and self._shown_path is not None
                and self._signature(*choice) == self._shown)

    # --- printing ------------------------------------------------------------------------------------
    def on_print_clicked(self) -> None:
        if self.preview_is_current():
            self.ask_and_print()
            return
        self._after_made = self.ask_and_print
        self.preview()

    def ask_and_print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._shown_title)
        if self.document.pageCount():
            size = self.document.pagePointSize(0)
            printer.setPageOrientation(QPageLayout.Orientation.Landscape if size.width() > size.height()
                                       else QPageLayout.Orientation.Portrait)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print {self._shown_title}")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        pages = self.print_to(printer)
        if pages:
            self.message.setText(f"Sent {self._shown_title} to {printer.printerName() or 'the printer'} "
                                 f"({pages_text(pages)}).")
            self.keep_letter(self._shown_made, self._shown_path)

    def print_to(self, printer: QPrinter) -> int:
        """Draw every page of the shown report on ``printer``, each scaled to fit the paper; the page count."""
        count = self.document.pageCount()
        if not count:
            self.message.setText("There is nothing to print: preview a report first.")
            return 0
        printer.setFullPage(True)  # the report has its own margins
        painter = QPainter()
        if not painter.begin(printer):
            self.message.setText("Not printed: the printer could not be opened.")
            return 0
        try:
            dpi = min(printer.resolution(), PRINT_DPI)
            for page in range(count):
                if page and not printer.newPage():
                    self.message.setText(f"Not printed: the printer stopped after page {page}.")
                    return page
                points = self.document.pagePointSize(page)
                image = self.document.render(page, QSize(round(points.width() * dpi / 72),
                                                         round(points.height() * dpi / 72)))
                paper = printer.paperRect(QPrinter.Unit.DevicePixel)
                scale = min(paper.width() / image.width(), paper.height() / image.height())
                width, height = image.width() * scale, image.height() * scale
                painter.drawImage(QRectF((paper.width() - width) / 2, (paper.height() - height) / 2, width, height),
                                  image)
        finally:
            painter.end()
        return count

    # --- saving --------------------------------------------------------------------------------------
    def on_save_clicked(self) -> None:
        choice = self.choices()
        if isinstance(choice, str):
            self.message.setText(choice)
            return
        suggested = str(Path.home() / self.suggested_name(choice[0]))
        path, _filter = QFileDialog.getSaveFileName(self, "Save the report as PDF", suggested, "PDF files (*.pdf)")
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        part = target.with_name(target.name + ".part")
        if self.preview_is_current():
            try:
                shutil.copyfile(self._shown_path, part)
                os.replace(part, target)
            except OSError as exc:
                part.unlink(missing_ok=True)
                self.message.setText(f"Not saved: {exc.strerror or exc} ({target}).")
                return
            self.message.setText(f"Saved {self._shown_title} to {target}.")
            self.keep_letter(self._shown_made, target)
            return

        def saved(made: Any, out: Path, _signature: tuple) -> None:
            try:
                os.replace(out, target)
            except OSError as exc:
                out.unlink(missing_ok=True)
                self.message.setText(f"Not saved: {exc.strerror or exc} ({target}).")
                return
            self.message.setText(f"Saved {made.title} to {target}.")
            self.keep_letter(made, target)

        self._make(part, saved)

    def keep_letter(self, made: Any, path: Path | None) -> None:
        """A letter printed or saved is kept with its event (the request's history shows it was sent)."""
        if made is None or made.key != "letter" or path is None:
            return
        from ...reports.make import keep_letter

        try:
            keep_letter(self.services, self.actor, made, path)
        except FairfieldsError as exc:
            self.message.setText(self.message.text() + " " + failure_text(exc, "The letter was not recorded"))
            return
        self.message.setText(self.message.text() + " The request's history shows the letter was sent.")
        self.reload_events()

    # --- the batch of review packs (a worker process) -------------------------------------------------
    def _batch_group(self, today: date) -> QGroupBox:
        box = QGroupBox("Batch of review packs")
        self.batch_from = _date_edit(today, "Batch: reviews due from")
        self.batch_to = _date_edit(today + timedelta(weeks=6), "Batch: reviews due until")
        self.per_pupil_radio = QRadioButton("One file per pup&il")
        self.merged_radio = QRadioButton("One m&erged file")
        self.per_pupil_radio.setChecked(True)
        self.batch_kind = QButtonGroup(box)
        self.batch_kind.addButton(self.per_pupil_radio)
        self.batch_kind.addButton(self.merged_radio)
        self.folder_edit = QLineEdit()
        self.folder_edit.setReadOnly(True)
        self.folder_edit.setPlaceholderText("no folder chosen")
        self.folder_edit.setAccessibleName("Folder for the packs")
        self.folder_button = QPushButton("C&hoose folder…")
        self.make_packs_button = QPushButton("Make pac&ks")
        self.make_packs_button.setToolTip("Make the review pack of every pupil whose annual review is due, or "
                                          "whose review meeting is, in the period; the window stays usable")
        self.cancel_batch_button = QPushButton("&Cancel batch")
        self.cancel_batch_button.setToolTip("Stop after the pack being made; the packs finished are kept")
        self.cancel_batch_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Batch progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%v of %m")
        self.progress.setTextVisible(False)  # until a batch gives it a count
        self.batch_label = QLabel("Review packs for the reviews due, or meeting, in a period.")
        self.batch_label.setObjectName("hint")
        self.batch_label.setWordWrap(True)
        self.batch_label.setAccessibleName("Batch result")
        self.batch_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        dates = QFormLayout()
        for text, edit in (("&Due from", self.batch_from), ("unti&l", self.batch_to)):
            label = QLabel(text)
            label.setBuddy(edit)
            dates.addRow(label, edit)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.per_pupil_radio)
        kind_row.addWidget(self.merged_radio)
        kind_row.addStretch(1)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.folder_button)
        run_row = QHBoxLayout()
        run_row.addWidget(self.make_packs_button)
        run_row.addWidget(self.cancel_batch_button)
        run_row.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addLayout(dates)
        layout.addLayout(kind_row)
        layout.addLayout(folder_row)
        layout.addLayout(run_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.batch_label)

        self.folder_button.clicked.connect(self.on_folder_clicked)
        self.make_packs_button.clicked.connect(self.start_batch)
        self.cancel_batch_button.clicked.connect(self.cancel_batch)
        return box

    def ask_folder(self) -> str:
        """The folder to write the packs to ('' if none was chosen)."""
        return QFileDialog.getExistingDirectory(self, "Folder for the review packs",
                                                self.folder_edit.text() or str(Path.home()))

    def on_folder_clicked(self) -> None:
        folder = self.ask_folder()
        if folder:
            self.folder_edit.setText(folder)

    @property
    def batch_running(self) -> bool:
        return self._batch is not None and self._batch_outcome is None

    def start_batch(self) -> None:
        from ...reports.batch import pupils_due, start_batch

        if self._batch is not None:
            return
        first, last = _date(self.batch_from.date()), _date(self.batch_to.date())
        if last < first:
            self.batch_label.setText("The end of the period is before its start.")
            return
        folder = self.folder_edit.text() or self.ask_folder()
        if not folder:
            self.batch_label.setText("Choose the folder to write the packs to.")
            return
        self.folder_edit.setText(folder)
        if not Path(folder).is_dir():
            self.batch_label.setText(f"The folder {folder} does not exist.")
            return
        try:
            pupils = pupils_due(self.services, self.actor, first, last)
        except FairfieldsError as exc:
            self.batch_label.setText(failure_text(exc, "No packs made"))
            return
        if not pupils:
            self.batch_label.setText(f"No annual review is due, and no review meeting falls, from {_day(first)} to "
                                     f"{_day(last)}: there is no pack to make.")
            return
        try:
            self._batch = start_batch(self.services, self.actor, pupils, folder, merged=self.merged_radio.isChecked(),
                                      period=(first, last), pause=self.batch_pause)
        except (OSError, ValueError) as exc:
            self.batch_label.setText(f"The batch could not start: {exc}")
            return
        self._batch_outcome = None
        self._batch_errors = []
        self._batch_names = dict(pupils)
        self._batch_folder = folder
        self._batch_merged = self.merged_radio.isChecked()
        self.progress.setRange(0, len(pupils))
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        names = ", ".join(name for _upn, name in pupils)
        self.batch_label.setText(f"{plural(len(pupils), 'pupil')}: {names}. Starting…")
        self.make_packs_button.setEnabled(False)
        self.cancel_batch_button.setEnabled(True)
        self.timer.start()

    def cancel_batch(self) -> None:
        if not self.batch_running:
            return
        self._batch.cancel()
        self.cancel_batch_button.setEnabled(False)
        self.batch_label.setText("Stopping after the pack being made; the packs finished are kept…")

    def poll_batch(self) -> None:
        """Read what the worker said (never waits); tidy up once it has ended."""
        batch = self._batch
        if batch is None:
            self.timer.stop()
            return
        alive = batch.alive
        for message in batch.messages():
            self._on_batch_message(message)
        if alive:
            return
        if self._batch_outcome is None:  # the worker ended without a word: it crashed or was killed
            for message in batch.messages():
                self._on_batch_message(message)
        if self._batch_outcome is None:
            code = batch.process.exitcode
            self._batch_outcome = ("failed", f"the worker stopped unexpectedly (exit code {code})")
            self._show_batch_result()
        batch.finish(1.0)
        self._batch = None
        self.timer.stop()

    def _on_batch_message(self, message: tuple) -> None:
        kind = message[0]
        if kind == "started":
            self.batch_label.setText(f"Making {plural(message[1], 'review pack')}…")
        elif kind == "progress":
            _kind, done, total, name = message
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            if self.batch_running and self.cancel_batch_button.isEnabled():
                self.batch_label.setText(f"Made {done} of {total}: {name}.")
        elif kind == "error":
            self._batch_errors.append((message[1], message[2]))
        elif kind in ("done", "cancelled", "failed"):
            self._batch_outcome = message
            self._show_batch_result()

    def _show_batch_result(self) -> None:
        kind, detail = self._batch_outcome
        self.make_packs_button.setEnabled(True)
        self.cancel_batch_button.setEnabled(False)
        problems = "".join(f"\nNot made for {self._batch_names.get(upn, upn)}: {why}"
                           for upn, why in self._batch_errors)
        if kind == "failed":
            self.batch_label.setText(f"The batch failed: {detail}.{problems}")
            return
        files = [Path(p).name for p in detail]
        where = self._batch_folder
        if kind == "cancelled":
            text = (f"Cancelled: {plural(len(files), 'pack')} finished, kept in {where}"
                    + (": " + ", ".join(files) if files else "") + ".")
        elif len(files) == 1 and self._batch_merged:
            made = len(self._batch_names) - len(self._batch_errors)
            text = f"Made one merged file of {plural(made, 'review pack')} in {where}: {files[0]}."
        else:
            text = f"Made {plural(len(files), 'review pack')} in {where}" + (
                ": " + ", ".join(files) if files else "") + "."
        self.batch_label.setText(text + problems)
        self.progress.setValue(self.progress.maximum() if kind == "done" else self.progress.value())

    def stop_batch(self, timeout: float = 5.0) -> None:
        """Stop a running batch and wait for its worker (the window is closing)."""
        batch, self._batch = self._batch, None
        self.timer.stop()
        if batch is None:
            return
        batch.cancel()
        batch.finish(timeout)

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802
        self.stop_batch()
        super().closeEvent(event)

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        super().showEvent(event)
        if getattr(self, "_was_shown", False):
            self.reload_subjects()  # requests decided, pupils added since
        self._was_shown = True
