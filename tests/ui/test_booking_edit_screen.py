"""Editing a booking whole from the bookings screen: Ctrl+E on the selected booking, which dates, the form
filled with the booking, its clashes shown before anything is saved, the timetable after, and Ctrl+Z."""

from __future__ import annotations

import os
from datetime import date, datetime, time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from fairfields_desktop.services.bookings import BookingDraft
from fairfields_desktop.ui.views.booking_dialog import BookingDialog, ScopeDialog
from fairfields_desktop.ui.views.timetable_view import TimetableScreen

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def screen(qtbot, sqlite_school, actor):  # noqa: ANN001, ANN201
    screen = TimetableScreen(sqlite_school, actor(sqlite_school, "sbrown"))
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    with qtbot.waitActive(screen):
        screen.show()
        screen.activateWindow()
    return screen


def block_of(screen: TimetableScreen, ref: str | None = None, *, title: str | None = None):  # noqa: ANN201
    return next(b for b in screen.canvas.blocks() if (ref is None or b.booking_ref == ref)
                and (title is None or b.title == title))


def select(qtbot, screen: TimetableScreen, block) -> None:  # noqa: ANN001
    qtbot.mouseClick(screen.canvas, LEFT, pos=screen.canvas.block_rect(block.occurrence_id).center())
    assert screen.canvas.selected_block().occurrence_id == block.occurrence_id


def test_ctrl_e_edits_this_and_the_following_dates_and_ctrl_z_puts_them_back(screen, qtbot, monkeypatch):
    screen.set_day(date(2026, 12, 1))  # b-001: SLT with Amara in Therapy Room 1, Tuesdays 09:30–10:15
    select(qtbot, screen, block_of(screen, "b-001"))
    seen: dict = {}

    def choose_scope(dialog: ScopeDialog) -> int:
        seen["chosen_for_them"] = dialog.scope()
        seen["continue_enabled"] = dialog.ok_button.isEnabled()
        dialog.choose("following")
        return QDialog.DialogCode.Accepted

    def edit(dialog: BookingDialog) -> int:
        seen["title"] = dialog.title_field.text()
        seen["end"] = dialog.end_time.time().toString("HH:mm")
        seen["pupils"] = [dialog.pupils.item(i).text() for i in range(dialog.pupils.count())
                          if dialog.pupils.item(i).isSelected()]
        seen["date_editable"] = dialog.date.isEnabled()
        seen["window"] = dialog.windowTitle()
        dialog.title_field.setText("SLT: AAC and signing")
        dialog.end_time.setTime(time(10, 30))
        dialog.ok_button.click()
        return dialog.result()

    monkeypatch.setattr(ScopeDialog, "exec", choose_scope)
    monkeypatch.setattr(BookingDialog, "exec", edit)
    qtbot.keyClick(screen.canvas, Qt.Key.Key_E, CTRL)

    assert seen["chosen_for_them"] is None and not seen["continue_enabled"]  # nothing chosen for the person
    assert seen["title"] == "SLT: AAC programme" and seen["end"] == "10:15"  # the form holds the booking
    assert seen["pupils"] == ["Amara Osei (Oak)"] and not seen["date_editable"]
    assert seen["window"] == "Edit booking b-001: this and the following dates"
    edited = block_of(screen, title="SLT: AAC and signing")
    assert (edited.start, edited.end) == (datetime(2026, 12, 1, 9, 30), datetime(2026, 12, 1, 10, 30))
    assert edited.booking_ref != "b-001" and edited.pupils == ("Amara Osei",)
    assert screen.message.text().startswith("Saved b-001 from this date on") and "Ctrl+Z" in screen.message.text()
    screen.set_day(date(2026, 11, 24))  # the date before stays as it was
    assert block_of(screen, "b-001").title == "SLT: AAC programme"
    screen.set_day(date(2026, 12, 8))
    assert block_of(screen, title="SLT: AAC and signing").end == datetime(2026, 12, 8, 10, 30)

    screen.set_day(date(2026, 12, 1))
    qtbot.keyClick(screen.canvas, Qt.Key.Key_Z, CTRL)
    back = block_of(screen, "b-001")
    assert (back.title, back.end) == ("SLT: AAC programme", datetime(2026, 12, 1, 10, 15))
    assert screen.message.text() == "Undone: edit of b-001."


def test_a_clash_is_listed_in_the_form_and_nothing_is_saved(screen, qtbot, monkeypatch, sqlite_school, actor):
    office = actor(sqlite_school, "sbrown")
    sqlite_school.bookings.book(office, BookingDraft(space="Therapy Room 1", start=datetime(2026, 12, 1, 10, 15),
                                                     end=datetime(2026, 12, 1, 11, 0), staff=("ttaylor",),
                                                     title="Oak class review"))
    screen.set_day(date(2026, 12, 1))
    select(qtbot, screen, block_of(screen, "b-001"))
    seen: dict = {}

    def choose_scope(dialog: ScopeDialog) -> int:
        dialog.choose("this")
        return QDialog.DialogCode.Accepted

    def edit(dialog: BookingDialog) -> int:
        dialog.end_time.setTime(time(10, 45))
        dialog.ok_button.click()
        seen["box"] = not dialog.plan_box.isHidden()
        seen["shown"] = [dialog.clash_list.item(i).text() for i in range(dialog.clash_list.count())]
        seen["summary"] = dialog.plan_summary.text()
        seen["skip"] = not dialog.skip_button.isHidden()
        seen["saved"] = dialog.edited
        if os.environ.get("FAIRFIELDS_SCREENSHOTS"):
            dialog.resize(620, 700)
            dialog.grab().save(os.path.join(os.environ["FAIRFIELDS_SCREENSHOTS"], "booking-edit-clash.png"))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ScopeDialog, "exec", choose_scope)
    monkeypatch.setattr(BookingDialog, "exec", edit)
    screen.edit_button.click()
    assert seen["box"] and seen["shown"] == [
        "Tue 1 Dec 2026 09:30–10:45: Therapy Room 1 is held 10:15–11:00 by School: Oak class review (School's own use, b-004)"]
    assert "Nothing has been changed" in seen["summary"] and not seen["skip"] and seen["saved"] is None
    assert block_of(screen, "b-001").end == datetime(2026, 12, 1, 10, 15)


def test_double_click_opens_a_single_booking_in_the_form_without_asking_which_dates(screen, qtbot, monkeypatch):
    screen.set_day(date(2026, 11, 25))  # b-002: music therapy group, one date
    block = block_of(screen, "b-002")
    seen: dict = {}

    def no_scope(_dialog) -> int:  # noqa: ANN001
        raise AssertionError("a single booking has no dates to choose")

    def edit(dialog: BookingDialog) -> int:
        seen["repeat_shown"] = dialog.form.isRowVisible(dialog.repeat_row)
        seen["date_editable"] = dialog.date.isEnabled()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ScopeDialog, "exec", no_scope)
    monkeypatch.setattr(BookingDialog, "exec", edit)
    qtbot.mouseDClick(screen.canvas, LEFT, pos=screen.canvas.block_rect(block.occurrence_id).center())
    assert seen == {"repeat_shown": True, "date_editable": True}  # a single date may change, or become a series
