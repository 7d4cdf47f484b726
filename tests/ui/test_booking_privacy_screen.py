"""What the Spaces & bookings screen shows each role of a booking: the Oak teacher reads another class's
pupil as "a pupil of another class" on the day view and in the booking's details; the booking form says at
the title, as one types, that a pupil's name does not belong there; notes only for who may read them; an
administrator mends titles that name a pupil under Settings → Booking titles."""

from __future__ import annotations

import os
from datetime import date, datetime

from PySide6.QtWidgets import QApplication

from fairfields_desktop.domain.bookings import OTHER_CLASS_PUPIL
from fairfields_desktop.services.bookings import BookingDraft
from fairfields_desktop.ui.timetable_canvas import block_summary
from fairfields_desktop.ui.views.booking_dialog import BookingDialog
from fairfields_desktop.ui.views.booking_titles_view import BookingTitlesTab
from fairfields_desktop.ui.views.timetable_view import TimetableScreen

AMARA, DEV = "Z319700118114", "X319700121005"  # Oak, Willow
MONDAY = date(2026, 11, 30)
SCREENSHOTS = os.environ.get("FAIRFIELDS_SCREENSHOTS", "")  # a folder: the day view is saved there to look at


def open_screen(qtbot, services, who):  # noqa: ANN001, ANN201
    screen = TimetableScreen(services, who)
    qtbot.addWidget(screen)
    screen.resize(1280, 820)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def test_the_oak_teachers_day_view_and_details_name_no_other_classs_pupil(qtbot, sqlite_school, actor):
    sqlite_school.bookings.book(actor(sqlite_school, "sbrown"), BookingDraft(
        space="Sensory Room", start=datetime(2026, 11, 30, 10, 0), end=datetime(2026, 11, 30, 11, 0),
        professional="nhs-slt-1", pupils=(AMARA, DEV), title="Hydrotherapy programme"))
    screen = open_screen(qtbot, sqlite_school, actor(sqlite_school, "ttaylor"))
    screen.set_mode("day")  # every space side by side (a teacher opens on their class's week)
    screen.set_day(MONDAY)
    [block] = [b for b in screen.canvas.blocks() if b.title == "Hydrotherapy programme"]
    assert block.pupils == ("Amara Osei", OTHER_CLASS_PUPIL)
    assert screen.canvas.select_block(block.occurrence_id)  # as a click on it does: its details beside
    details = screen.detail.toPlainText()
    assert "Rachel Green with Amara Osei, a pupil of another class" in details
    assert "Hydrotherapy programme" in details
    shown = details + block_summary(block)
    assert "Dev" not in shown and "Sharma" not in shown and "Willow" not in shown and "Notes" not in details
    QApplication.processEvents()
    if SCREENSHOTS:
        screen.grab().save(os.path.join(SCREENSHOTS, "oak-day-view.png"))


def test_the_booking_form_says_at_the_title_that_a_pupils_name_does_not_belong_there(qtbot, sqlite_school, actor):
    dialog = BookingDialog(sqlite_school, actor(sqlite_school, "sbrown"), space="Meeting Room",
                           start=datetime(2026, 11, 30, 9, 0), end=datetime(2026, 11, 30, 9, 30))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.notes_field.isVisible()  # the office does not read notes
    qtbot.keyClicks(dialog.title_field, "Annual review: amara OSEI")
    assert dialog.title_message.isVisible()
    assert dialog.title_message.text().startswith("Title: the title names Amara Osei:")
    assert "choose the pupil from the register" in dialog.title_message.text()
    dialog.title_field.setText("Annual review")
    assert not dialog.title_message.isVisible()


def test_the_senco_writes_notes_that_the_office_never_reads(qtbot, sqlite_school, actor):
    dialog = BookingDialog(sqlite_school, actor(sqlite_school, "mokafor"), space="Meeting Room",
                           start=datetime(2026, 11, 30, 9, 0), end=datetime(2026, 11, 30, 9, 30))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.notes_field.isVisible()
    dialog.for_school.setChecked(True)
    dialog.choose_staff(["ttaylor"])
    dialog.choose_pupils([AMARA])
    dialog.title_field.setText("Parents' meeting")
    dialog.notes_field.setText("mother would like the interpreter")
    assert dialog.submit()
    office = open_screen(qtbot, sqlite_school, actor(sqlite_school, "sbrown"))
    office.set_day(MONDAY)
    [block] = [b for b in office.canvas.blocks() if b.title == "Parents' meeting"]
    assert block.notes is None and block.pupils == ("Amara Osei",)


def test_the_administrator_mends_a_title_naming_a_pupil(qtbot, open_school, sqlite_url, example_doc, actor):
    example_doc["bookings"].append({
        "id": "b-004", "space": "Meeting Room", "start": "2026-11-25T14:00", "end": "2026-11-25T14:30",
        "professional": None, "staff": ["sbrown"], "pupils": [], "purpose": "Annual review: Dev Sharma",
        "repeat_weekly_until": None, "status": "booked"})
    services = open_school(sqlite_url)
    services.dataset.load(example_doc)
    tab = BookingTitlesTab(services, actor(services, "admin"))
    qtbot.addWidget(tab)
    tab.show()
    assert tab.model.rowCount() == 1 and tab.chosen().booking_ref == "b-004"
    chosen = [tab.pupils.item(i).text() for i in range(tab.pupils.count()) if tab.pupils.item(i).isSelected()]
    assert chosen == ["Dev Sharma (Willow)"]  # the pupil the title named, offered from the register
    qtbot.keyClicks(tab.title_field, "Annual review for Dev Sharma")
    assert "Dev Sharma" in tab.title_message.text()
    tab.title_field.setText("Annual review")
    tab.save_button.click()
    assert tab.model.rowCount() == 0
    assert tab.message.text().startswith("Booking b-004 now reads “Annual review”; pupils on it: Dev Sharma.")
