"""The Visitors tab: a parent and a contractor signed in through the dialog (the form shows what each kind needs),
a regular visitor's details offered, and the fire list printed in one action — the PDF saved in the reports
folder holding the same people as the screen, and the pages sent to the printer."""

from __future__ import annotations

import os
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog

from fairfields_desktop.domain.visitors import VisitorDraft
from fairfields_desktop.ui.views.professionals_view import ProfessionalsScreen, SignInVisitorDialog

SCREENSHOTS = os.environ.get("FAIRFIELDS_SCREENSHOTS")
FRIDAY = date(2027, 1, 8)  # r-003: Dev Sharma off site with Peter Quinn, Fridays 13:30–15:00


@pytest.fixture
def screen(qtbot, sqlite_school, actor, monkeypatch):  # noqa: ANN001, ANN201
    sqlite_school.requests.decide(actor(sqlite_school, "hcarter"), "r-003", "approve")
    monkeypatch.setattr(sqlite_school.clock, "today", lambda: FRIDAY)
    office = actor(sqlite_school, "sbrown")
    sqlite_school.requests.log_off_site(office, "r-003", datetime(2027, 1, 8, 13, 30), taken_by="Dad")
    widget = ProfessionalsScreen(sqlite_school, office)
    widget.printer_factory = lambda: None  # no printer under tests
    qtbot.addWidget(widget)
    widget.tabs.setCurrentIndex(1)
    widget.resize(1366, 768)
    widget.show()
    return widget


def shown(dialog: SignInVisitorDialog, widget) -> bool:  # noqa: ANN001
    return dialog.form.isRowVisible(widget)


def fill_parent(dialog: SignInVisitorDialog) -> None:
    dialog.kind.setCurrentIndex(dialog.kind.findData("parent"))
    assert shown(dialog, dialog.name) and not shown(dialog, dialog.professional)
    assert not shown(dialog, dialog.regulated) and not shown(dialog, dialog.pupils)  # no DBS asked of a parent
    assert dialog.form.labelForField(dialog.organisation).text() == "&Child at the school"
    dialog.name.setText("Abena Osei")
    dialog.organisation.setText("Amara Osei's mother")
    dialog.visiting.setText("Mrs Patel (Oak class)")
    dialog.badge.setText("V12")
    dialog.identity.setChecked(True)


def fill_contractor(dialog: SignInVisitorDialog) -> None:
    dialog.kind.setCurrentIndex(dialog.kind.findData("contractor"))
    assert shown(dialog, dialog.regulated) and not shown(dialog, dialog.dbs_certificate)
    dialog.regulated.setChecked(True)
    assert shown(dialog, dialog.dbs_certificate) and shown(dialog, dialog.escorted)
    dialog.name.setText("Gary Fix")
    dialog.organisation.setText("Acme Boilers")
    dialog.visiting.setText("Site manager")
    dialog.identity.setChecked(True)
    dialog.badge.setText("C3")
    dialog.dbs_certificate.setText("001234567890")
    dialog.dbs_date.setDate(QDate(2025, 3, 1))


def sign_in_through_the_dialog(screen, monkeypatch, *fills) -> list[str]:  # noqa: ANN001
    """Click "Sign a visitor in" once for each of ``fills``; the dialog's messages seen on the way."""
    messages: list[str] = []
    queue = list(fills)

    def fake_exec(dialog: SignInVisitorDialog) -> int:
        if dialog.message.text():
            messages.append(dialog.message.text())
            return QDialog.DialogCode.Rejected
        queue.pop(0)(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SignInVisitorDialog, "exec", fake_exec)
    for _ in range(len(fills)):
        screen.sign_in_button.click()
    return messages


def screen_names(screen) -> list[str]:  # noqa: ANN001
    return [screen.visits_model.index(r, 0).data() for r in range(screen.visits_model.rowCount())]


def test_a_parent_and_a_contractor_signed_in_through_the_tab_and_out(screen, monkeypatch):
    assert sign_in_through_the_dialog(screen, monkeypatch, fill_parent, fill_contractor) == []
    assert screen_names(screen) == ["Abena Osei", "Gary Fix"]
    assert screen.visits_model.index(0, 1).data() == "Parent or carer"
    assert screen.visits_model.index(1, 1).data() == "Contractor"
    assert screen.on_site_label.text() == "2 visitor(s) on site"
    assert screen.visit_message.text().startswith("Gary Fix (contractor) signed in at ")
    [contractor] = [v for v in screen.services.visitors.on_site(screen.actor) if v.name == "Gary Fix"]
    assert (contractor.dbs_certificate, contractor.dbs_date, contractor.badge) == ("001234567890", date(2025, 3, 1),
                                                                                   "C3")
    # the pupil off site is on the tab too, with where she is
    assert screen.off_site_model.index(0, 0).data() == "Dev Sharma"
    assert screen.off_site_model.index(0, 1).data().startswith("Off-site therapy with Peter Quinn")
    screen.visits_table.selectRow(0)
    screen.sign_out_button.click()
    assert screen_names(screen) == ["Gary Fix"]


def test_a_contractor_in_regulated_activity_without_a_dbs_is_told_what_to_record(screen, monkeypatch):
    def without_dbs(dialog: SignInVisitorDialog) -> None:
        fill_contractor(dialog)
        dialog.dbs_certificate.clear()

    [message] = sign_in_through_the_dialog(screen, monkeypatch, without_dbs)
    assert message.startswith("Not signed in.") and "escorted" in message
    assert screen_names(screen) == []


def test_a_regular_visitor_is_offered_their_last_details(screen, qtbot):
    office = screen.actor
    first = screen.services.visitors.sign_in(office, VisitorDraft(
        kind="contractor", name="Gary Fix", visiting="Site manager", organisation="Acme Boilers",
        identity_checked=True, regulated=True, dbs_certificate="001234567890", dbs_date=date(2025, 3, 1)),
        at=datetime(2027, 1, 4, 9, 0))
    screen.services.visitors.sign_out(office, first.id, at=datetime(2027, 1, 4, 11, 0))
    dialog = SignInVisitorDialog(screen.services, office, [], screen)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("other"))
    dialog.name.setText("gary fix")
    dialog.offer_known()
    assert dialog.current_kind() == "contractor" and dialog.name.text() == "Gary Fix"
    assert (dialog.organisation.text(), dialog.visiting.text(), dialog.dbs_certificate.text()) == (
        "Acme Boilers", "Site manager", "001234567890")
    assert dialog.regulated.isChecked() and dialog.dbs_date.date() == QDate(2025, 3, 1)
    assert "regular visitor" in dialog.known.text() and not dialog.identity.isChecked()  # checked each visit


def test_the_fire_list_printed_in_one_action_is_the_screens_list(screen, monkeypatch, private_home, tmp_path):
    sign_in_through_the_dialog(screen, monkeypatch, fill_parent, fill_contractor)
    screen.services.visitors.sign_in(screen.actor, VisitorDraft(kind="professional", professional="nhs-slt-1",
                                                                identity_checked=True, purpose="meeting",
                                                                location="Reception"))
    # no printer: the PDF is kept in the reports folder and the office is told
    screen.print_button.click()
    [saved] = (private_home / "reports").glob("fire-list-*.pdf")
    assert str(saved) in screen.visit_message.text() and "No printer is set up" in screen.visit_message.text()
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(saved), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())
    on_screen = screen_names(screen)
    assert sorted(on_screen) == ["Abena Osei", "Gary Fix", "Rachel Green"]
    assert all(name in text for name in on_screen)
    assert "Dev Sharma" in text and "Off-site therapy with Peter Quinn" in text
    assert screen.staff_note.text().startswith("Staff are not signed in") and screen.staff_note.text() in text
    # a printer: the same click sends the pages to it (here a PDF printer stands in for the default one)
    printed = tmp_path / "printed.pdf"

    def pdf_printer() -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return printer

    screen.printer_factory = pdf_printer
    screen.print_button.click()
    assert screen.visit_message.text().startswith("The fire list was sent to ")
    assert printed.stat().st_size > 10_000 and len(list((private_home / "reports").glob("fire-list-*.pdf"))) >= 1


def test_the_sign_in_dialog_at_1366_by_768(screen, qtbot, tmp_path):
    dialog = SignInVisitorDialog(screen.services, screen.actor,
                                 [p for p in screen.services.professionals.list_professionals(screen.actor)
                                  if p.active], screen)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("contractor"))
    dialog.regulated.setChecked(True)
    dialog.show()
    assert dialog.sizeHint().height() <= 768 and dialog.sizeHint().width() <= 1366
    for name, widget in (("visitors-tab", screen), ("sign-in-contractor", dialog)):
        image = widget.grab()
        assert not image.isNull()
        if SCREENSHOTS:
            image.save(str(Path(SCREENSHOTS) / f"{name}.png"))
