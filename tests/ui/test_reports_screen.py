"""The Reports screen with qtbot: the reports a role may print, preview (QtPdf), print, save, errors in
words, and a batch of review packs in a worker process while the window keeps answering."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog

from fairfields_desktop.ui.main_window import MainWindow
from fairfields_desktop.ui.views.reports_view import ReportsScreen

AMARA = "Z319700118114"
LEFT = Qt.MouseButton.LeftButton


def pdf_text(path: Path) -> str:
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(path: Path) -> int:
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


@pytest.fixture
def screen_for(qtbot, sqlite_school, actor):  # noqa: ANN001, ANN201
    def make(username: str = "mokafor") -> ReportsScreen:
        screen = ReportsScreen(sqlite_school, actor(sqlite_school, username))
        qtbot.addWidget(screen)  # closing it at the end stops any batch still running
        screen.resize(1300, 850)
        screen.show()
        return screen

    return make


def click_report(qtbot, screen: ReportsScreen, key: str) -> None:  # noqa: ANN001
    row = screen.report_keys().index(key)
    rect = screen.report_list.visualItemRect(screen.report_list.item(row))
    qtbot.mouseClick(screen.report_list.viewport(), LEFT, pos=rect.center())


def choose_pupil(screen: ReportsScreen, upn: str) -> None:
    screen.pupil_combo.setCurrentIndex(screen.pupil_combo.findData(upn))


def preview(qtbot, screen: ReportsScreen) -> None:  # noqa: ANN001
    """Press Preview and wait until the report is made (or refused)."""
    qtbot.mouseClick(screen.preview_button, LEFT)
    qtbot.waitUntil(lambda: not screen.making, timeout=20_000)


@pytest.mark.parametrize(("username", "keys"), [
    ("mokafor", ["review-pack", "timetable", "authorisations", "letter", "checks", "visits", "fire-list"]),
    ("hcarter", ["review-pack", "timetable", "authorisations", "letter", "checks", "visits", "fire-list"]),
    ("sbrown", ["timetable", "checks", "visits", "fire-list"]),
    ("ttaylor", ["timetable"]),
])
def test_each_role_sees_only_the_reports_it_may_print(screen_for, username, keys):
    screen = screen_for(username)
    assert screen.report_keys() == keys
    assert screen.current_key() == keys[0]
    assert screen.batch_box.isVisible() == ("review-pack" in keys)
    assert screen.report_list.accessibleName() and screen.pupil_combo.accessibleName()


def test_the_main_window_shows_the_reports_screen(qtbot, sqlite_school, actor):
    window = MainWindow(sqlite_school, actor(sqlite_school, "sbrown"))
    qtbot.addWidget(window)
    window.show()
    window.show_screen("reports")
    screen = window.stack.currentWidget()
    assert isinstance(screen, ReportsScreen) and screen.report_keys() == ["timetable", "checks", "visits", "fire-list"]


def test_choosing_a_report_shows_what_it_is_about(qtbot, screen_for):
    screen = screen_for()
    click_report(qtbot, screen, "timetable")
    assert screen.subject_stack.currentWidget() is screen.pages["timetable"]
    assert "needs a school week" in screen.needs_label.text()
    click_report(qtbot, screen, "authorisations")
    assert screen.auth_from.date() == QDate(2026, 9, 1) and screen.auth_to.date() == QDate(2027, 8, 31)
    click_report(qtbot, screen, "visits")
    assert screen.visits_from.date() == QDate(2026, 11, 1) and screen.visits_to.date() == QDate(2026, 11, 23)
    click_report(qtbot, screen, "review-pack")
    assert [screen.recipient_combo.itemText(0), screen.recipient_combo.itemData(0)] == [
        "The review's invitees (whole pack)", None]
    assert screen.recipient_combo.findData("ind-ot-1") > 0
    # no request is decided yet in the example school: the letter says what it follows
    click_report(qtbot, screen, "letter")
    assert screen.request_combo.count() == 0 and "No request has been decided" in screen.request_hint.text()
    qtbot.mouseClick(screen.preview_button, LEFT)
    assert "Choose a decided request" in screen.message.text() and not screen.making


def test_preview_of_a_review_pack_shows_its_pages(qtbot, screen_for):
    screen = screen_for()
    choose_pupil(screen, AMARA)
    qtbot.mouseClick(screen.preview_button, LEFT)
    assert screen.making and not screen.preview_button.isEnabled()
    qtbot.waitUntil(lambda: screen.document.pageCount() > 0, timeout=20_000)
    count = screen.document.pageCount()
    assert screen.status.text() == f"Review pack: Amara Osei — {count} pages"
    assert screen.preview_stack.currentWidget() is screen.view and screen.message.text() == ""
    assert screen.preview_button.isEnabled() and screen.preview_is_current()
    # another choice makes the shown preview out of date
    screen.recipient_combo.setCurrentIndex(screen.recipient_combo.findData("ind-ot-1"))
    assert not screen.preview_is_current()


def test_print_to_draws_every_page_on_the_printer(qtbot, screen_for, tmp_path):
    screen = screen_for()
    assert screen.print_to(QPrinter()) == 0 and "nothing to print" in screen.message.text()
    choose_pupil(screen, AMARA)
    preview(qtbot, screen)
    count = screen.document.pageCount()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert screen.print_to(printer) == count
    # the pages are drawn as pictures (QtPdf renders images), so count them rather than read their text
    assert pdf_pages(tmp_path / "printed.pdf") == count


def test_print_makes_the_preview_first_then_asks_which_printer(qtbot, screen_for, monkeypatch):
    asked: list[str] = []

    def exec_(dialog) -> int:  # noqa: ANN001
        asked.append(dialog.windowTitle())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(QPrintDialog, "exec", exec_)
    screen = screen_for()
    choose_pupil(screen, AMARA)
    qtbot.mouseClick(screen.print_button, LEFT)  # nothing shown yet: it is made, then the dialog opens
    qtbot.waitUntil(lambda: asked == ["Print Review pack: Amara Osei"], timeout=20_000)
    assert screen.document.pageCount() > 0
    qtbot.mouseClick(screen.print_button, LEFT)  # the preview is current: straight to the dialog
    assert asked == ["Print Review pack: Amara Osei"] * 2 and not screen.making


def test_save_as_writes_the_report(qtbot, screen_for, monkeypatch, tmp_path):
    screen = screen_for()
    asked: list[str] = []

    def save_to(path: Path):  # noqa: ANN202
        def fake(_parent, _title, suggested, _filter):  # noqa: ANN001, ANN202
            asked.append(suggested)
            return str(path), "PDF files (*.pdf)"
        return fake

    # not previewed: it is made straight into the file (".pdf" added when missing)
    choose_pupil(screen, AMARA)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_to(tmp_path / "amara"))
    qtbot.mouseClick(screen.save_button, LEFT)
    qtbot.waitUntil(lambda: (tmp_path / "amara.pdf").exists() and not screen.making, timeout=20_000)
    assert asked[-1].endswith("Review pack - Amara Osei.pdf")
    assert "Amara Osei" in pdf_text(tmp_path / "amara.pdf")
    assert screen.message.text() == f"Saved Review pack: Amara Osei to {tmp_path / 'amara.pdf'}."
    # previewed: the preview's file is copied
    click_report(qtbot, screen, "checks")
    preview(qtbot, screen)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_to(tmp_path / "checks.pdf"))
    qtbot.mouseClick(screen.save_button, LEFT)
    assert not screen.making and "Saved Safeguarding checks register" in screen.message.text()
    assert "Safeguarding checks" in pdf_text(tmp_path / "checks.pdf")
    assert sorted(p.name for p in tmp_path.iterdir() if ".pdf" in p.name) == ["amara.pdf", "checks.pdf"]
    # cancelling the dialog saves nothing
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: ("", ""))
    qtbot.mouseClick(screen.save_button, LEFT)
    assert not screen.making


def test_an_error_shows_in_the_message_naming_the_problem(qtbot, screen_for):
    screen = screen_for("hcarter")
    click_report(qtbot, screen, "authorisations")
    screen.auth_to.setDate(QDate(2026, 8, 1))
    preview(qtbot, screen)
    assert screen.message.text() == "Not made. to: the end of the period is before its start"
    assert screen.document.pageCount() == 0 and screen.status.text() == "No report made yet."
    # a request with no decision (listed here as if its decision were withdrawn since the list was filled)
    click_report(qtbot, screen, "letter")
    screen.request_combo.addItem("r-001: Amara Osei with Karen Walsh (submitted)", "r-001")
    preview(qtbot, screen)
    assert screen.message.text() == "Not made. request: r-001 has no decision yet to write to the family about"
    assert screen.preview_button.isEnabled()


def test_a_decided_request_gives_a_letter(qtbot, screen_for, sqlite_school, actor):
    sqlite_school.requests.decide(actor(sqlite_school, "hcarter"), "r-001", "decline",
                                  reason="attendance is below the school's threshold")
    screen = screen_for("hcarter")
    click_report(qtbot, screen, "letter")
    assert [screen.request_combo.itemData(i) for i in range(screen.request_combo.count())] == ["r-001"]
    preview(qtbot, screen)
    assert screen.status.text().startswith("Letter about Amara Osei's therapy sessions — ")
    assert screen.document.pageCount() >= 1


def test_a_batch_runs_in_a_process_while_the_window_answers_and_cancel_stops_it(qtbot, screen_for, monkeypatch,
                                                                                 tmp_path):
    screen = screen_for()
    out = tmp_path / "packs"
    out.mkdir()
    monkeypatch.setattr(screen, "ask_folder", lambda: str(out))
    assert screen.batch_from.date() == QDate(2026, 11, 23) and screen.batch_to.date() == QDate(2027, 1, 4)
    screen.batch_from.setDate(QDate(2026, 11, 1))
    screen.batch_to.setDate(QDate(2027, 4, 30))  # Ben, Amara, Chloe and Dev
    screen.batch_pause = 30.0  # the worker waits after each pack until cancelled: the stop comes at a known point
    assert not screen.cancel_batch_button.isEnabled()
    qtbot.mouseClick(screen.make_packs_button, LEFT)
    assert screen.batch_running and screen.folder_edit.text() == str(out)
    assert screen.cancel_batch_button.isEnabled() and not screen.make_packs_button.isEnabled()
    assert screen.progress.maximum() == 4 and screen.progress.value() == 0
    assert "4 pupils: Ben Hughes, Amara Osei, Chloe Nowak, Dev Sharma" in screen.batch_label.text()
    # the window answers while the worker makes packs: choose another report and preview it
    click_report(qtbot, screen, "timetable")
    assert screen.subject_stack.currentWidget() is screen.pages["timetable"]
    preview(qtbot, screen)
    assert screen.status.text().startswith("Room timetable, week of 23 Nov 2026") and screen.batch_running
    qtbot.waitUntil(lambda: screen.progress.value() == 1, timeout=30_000)
    assert screen.batch_label.text() == "Made 1 of 4: Ben Hughes."
    qtbot.mouseClick(screen.cancel_batch_button, LEFT)
    assert not screen.cancel_batch_button.isEnabled()
    qtbot.waitUntil(lambda: not screen.batch_running, timeout=20_000)
    assert screen.batch_label.text() == (f"Cancelled: 1 pack finished, kept in {out}: "
                                         "Review pack - Ben Hughes.pdf.")
    assert sorted(p.name for p in out.iterdir()) == ["Review pack - Ben Hughes.pdf"]
    assert screen.make_packs_button.isEnabled() and screen.progress.value() == 1
    qtbot.waitUntil(lambda: screen._batch is None, timeout=10_000)  # the worker has ended and been joined


def test_a_merged_batch_from_the_screen(qtbot, screen_for, monkeypatch, tmp_path):
    screen = screen_for()
    monkeypatch.setattr(screen, "ask_folder", lambda: str(tmp_path / "packs"))
    screen.batch_from.setDate(QDate(2026, 11, 1))
    screen.batch_to.setDate(QDate(2026, 12, 31))
    qtbot.mouseClick(screen.make_packs_button, LEFT)
    assert "does not exist" in screen.batch_label.text() and not screen.batch_running
    (tmp_path / "packs").mkdir()
    screen.merged_radio.setChecked(True)
    qtbot.mouseClick(screen.make_packs_button, LEFT)
    assert screen.batch_running
    qtbot.waitUntil(lambda: not screen.batch_running, timeout=30_000)
    merged = tmp_path / "packs" / "Review packs 2026-11-01 to 2026-12-31.pdf"
    assert screen.batch_label.text() == (f"Made one merged file of 2 review packs in {tmp_path / 'packs'}: "
                                         f"{merged.name}.")
    assert screen.progress.value() == screen.progress.maximum() == 2
    text = pdf_text(merged)
    assert "Ben Hughes" in text and "Amara Osei" in text


def test_a_period_with_no_review_makes_no_batch(qtbot, screen_for, monkeypatch, tmp_path):
    screen = screen_for()
    monkeypatch.setattr(screen, "ask_folder", lambda: "")
    qtbot.mouseClick(screen.make_packs_button, LEFT)
    assert screen.batch_label.text() == "Choose the folder to write the packs to." and not screen.batch_running
    monkeypatch.setattr(screen, "ask_folder", lambda: str(tmp_path))
    screen.batch_from.setDate(QDate(2027, 5, 1))
    screen.batch_to.setDate(QDate(2027, 6, 30))
    qtbot.mouseClick(screen.make_packs_button, LEFT)
    assert "no pack to make" in screen.batch_label.text() and not screen.batch_running
    screen.batch_to.setDate(QDate(2027, 4, 1))
    qtbot.mouseClick(screen.make_packs_button, LEFT)
    assert screen.batch_label.text() == "The end of the period is before its start."


def test_the_letter_is_about_the_event_chosen_and_a_saved_letter_shows_in_the_history(
        qtbot, screen_for, sqlite_school, actor, monkeypatch, tmp_path):
    import os
    from datetime import date

    from fairfields_desktop.services.context import Clock
    from fairfields_desktop.ui.views.requests_view import RequestsScreen

    head, senco = actor(sqlite_school, "hcarter"), actor(sqlite_school, "mokafor")
    sqlite_school.requests.decide(head, "r-001", "approve")
    sqlite_school.clock = sqlite_school.requests.clock = sqlite_school.bookings.clock = Clock(date(2026, 12, 2))
    sqlite_school.requests.decide(head, "r-001", "suspend", reason="the sessions clash with the phonics group")
    sqlite_school.requests.decide(senco, "r-001", "review-meeting", on=date(2026, 12, 2),
                                  attendees="Abena Osei (mother), Karen Walsh (OT)", reason="resume in January")
    sqlite_school.requests.decide(head, "r-001", "reinstate", reason="agreed at the review")
    screen = screen_for("hcarter")
    click_report(qtbot, screen, "letter")
    words = [screen.event_combo.itemText(i) for i in range(screen.event_combo.count())]
    assert words == ["Reinstated on 2 Dec 2026 by Helen Carter",
                     "Review meeting held on 2 Dec 2026 by Michael Okafor",
                     "Suspended on 2 Dec 2026 by Helen Carter", "Approved on 23 Nov 2026 by Helen Carter"]
    assert screen.event_combo.currentIndex() == 0  # the latest by default
    screen.event_combo.setCurrentIndex(2)  # the suspension, chosen explicitly
    preview(qtbot, screen)
    assert screen.document.pageCount() == 1
    out = tmp_path / "letter.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(out), "PDF files (*.pdf)"))
    qtbot.mouseClick(screen.save_button, LEFT)
    text = " ".join(pdf_text(out).split())
    assert "the school suspended Amara Osei's sessions with Karen Walsh" in text and "restart from" not in text
    assert screen.message.text().endswith("The request's history shows the letter was sent.")
    assert screen.event_combo.currentText() == "Suspended on 2 Dec 2026 by Helen Carter; letter sent 2 Dec 2026"
    shots = os.environ.get("FAIRFIELDS_SCREENSHOTS")
    if shots:
        screen.grab().save(str(Path(shots) / "reports-letter-event.png"))

    requests = RequestsScreen(sqlite_school, head)
    qtbot.addWidget(requests)
    requests.show()
    from fairfields_desktop.ui.models.base import ITEM_ROLE

    requests.filter.setCurrentIndex(requests.filter.findData("all"))
    refs = [requests.proxy.data(requests.proxy.index(r, 0), ITEM_ROLE).ref for r in range(requests.proxy.rowCount())]
    requests.table.selectRow(refs.index("r-001"))
    history = [requests.history.row(r) for r in range(requests.history.rowCount())]
    assert [(h.action, h.reason) for h in history][-1] == (
        "letter sent", "Letter sent to the family on 2 Dec 2026 (suspended)")
    if shots:
        requests.resize(1300, 850)
        requests.grab().save(str(Path(shots) / "requests-history-letter.png"))


def test_the_timetable_leaves_out_empty_spaces_unless_the_box_is_ticked(qtbot, screen_for):
    screen = screen_for("sbrown")
    click_report(qtbot, screen, "timetable")
    assert screen.all_spaces.isVisible() and not screen.all_spaces.isChecked()
    assert screen.choices()[1]["all_spaces"] is False
    screen.all_spaces.setChecked(True)
    key, values = screen.choices()
    assert key == "timetable" and values["all_spaces"] is True
