"""The Spaces & bookings screen with qtbot: the views, booking (clashes, skip, priority), move, cancel, roles."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog

from fairfields_desktop.services.bookings import BookingDraft, Timetable
from fairfields_desktop.ui.timetable_canvas import TimetableCanvas
from fairfields_desktop.ui.views.booking_dialog import (
    BookingDialog,
    CancelDialog,
    MoveDialog,
    OutOfUseDialog,
)
from fairfields_desktop.ui.views.timetable_view import TimetableScreen

LEFT = Qt.MouseButton.LeftButton
INSET = date(2026, 11, 27)


@pytest.fixture
def screen_for(qtbot, sqlite_school, actor):  # noqa: ANN001, ANN201
    def make(username: str = "sbrown") -> TimetableScreen:
        screen = TimetableScreen(sqlite_school, actor(sqlite_school, username))
        qtbot.addWidget(screen)
        screen.resize(1280, 820)
        with qtbot.waitActive(screen):  # shortcuts (Ctrl+T, Ctrl+Z) go to the active window
            screen.show()
            screen.activateWindow()
        return screen

    return make


@pytest.fixture
def no_dialog(monkeypatch):  # noqa: ANN001, ANN201
    """Fail if the booking dialog opens."""

    def fail(_dialog) -> int:  # noqa: ANN001
        raise AssertionError("the booking dialog should not open")

    monkeypatch.setattr(BookingDialog, "exec", fail)


def blocks(screen: TimetableScreen, ref: str | None = None) -> list:
    return [b for b in screen.canvas.blocks() if ref is None or b.booking_ref == ref]


def space_id(screen: TimetableScreen, name: str) -> int:
    return next(c.key for c in screen.canvas.columns() if c.title == name)


def click_block(qtbot, screen: TimetableScreen, block) -> None:  # noqa: ANN001
    qtbot.mouseClick(screen.canvas, LEFT, pos=screen.canvas.block_rect(block.occurrence_id).center())


def column_at(screen: TimetableScreen, point: QPoint):  # noqa: ANN201
    """The column whose middle is nearest the point (the canvas's columns are equally wide)."""
    canvas = screen.canvas
    return min(canvas.columns(), key=lambda c: abs(canvas.point_at(c.key, time(12, 0)).x() - point.x()))


class TestViews:
    def test_day_view_shows_b001_in_therapy_room_1(self, screen_for, qtbot):
        screen = screen_for()
        screen.set_day(date(2026, 12, 1))
        assert screen.timetable_title.text() == "Tuesday 1 Dec 2026"
        (block,) = blocks(screen, "b-001")
        rect = screen.canvas.block_rect(block.occurrence_id)
        assert column_at(screen, rect.center()).title == "Therapy Room 1"
        assert rect.contains(screen.canvas.point_at(space_id(screen, "Therapy Room 1"), time(9, 45)))
        lines = [text for text, _struck in screen.canvas.block_text(block.occurrence_id)]
        assert lines[:4] == ["09:30–10:15 · weekly", "Statutory, booked", "Rachel Green with Amara Osei",
                             "SLT: AAC programme"]
        click_block(qtbot, screen, block)
        assert screen.canvas.selected_block() == block
        detail = screen.detail.toPlainText()
        assert "Rachel Green" in detail and "Amara Osei" in detail and "part of a weekly series" in detail

    def test_the_inset_day_column_says_so_and_a_slot_there_is_refused(self, screen_for, qtbot, no_dialog):
        screen = screen_for()
        screen.set_mode("week")
        assert screen.space_combo.currentText() == "Hydrotherapy Pool"
        screen.space_combo.setCurrentIndex(screen.space_combo.findText("Therapy Room 1"))
        assert screen.timetable_title.text() == "Therapy Room 1: week of 23 Nov 2026"
        assert [c.key for c in screen.canvas.columns()] == [date(2026, 11, d) for d in range(23, 28)]
        friday = screen.canvas.column(INSET)
        assert friday.reason == "INSET day" and "INSET day" in friday.subtitle
        assert screen.canvas.column_reason(date(2026, 11, 26)) is None
        assert "Friday: INSET day" in screen.canvas.accessibleDescription()
        qtbot.mouseDClick(screen.canvas, LEFT, pos=screen.canvas.point_at(INSET, time(10, 0)))
        assert screen.message.text() == "Nothing can be booked on Friday 27 Nov 2026: INSET day."
        # the day itself: every space is closed, for the same reason
        screen.set_mode("day")
        screen.set_day(INSET)
        assert screen.timetable_title.text().endswith("not a school day (INSET day)")
        assert {c.reason for c in screen.canvas.columns()} == {"INSET day"}

    def test_a_teacher_lands_on_the_class_view_of_oak_and_sees_the_pool_swimming(self, screen_for, qtbot, no_dialog):
        screen = screen_for("ttaylor")
        assert screen.mode == "class" and screen.class_button.isChecked()
        assert screen.class_combo.currentData() == "Oak" and screen.class_combo.count() == 1
        assert screen.timetable_title.text() == "Class Oak: week of 23 Nov 2026"
        (swim,) = [b for b in blocks(screen) if b.title == "Oak class swimming"]
        assert swim.space == "Hydrotherapy Pool" and swim.start == datetime(2026, 11, 26, 11, 0)
        assert column_at(screen, screen.canvas.block_rect(swim.occurrence_id).center()).key == date(2026, 11, 26)
        assert "Hydrotherapy Pool" in [t for t, _s in screen.canvas.block_text(swim.occurrence_id)]
        assert not screen.new_button.isVisibleTo(screen) and not screen.move_button.isVisibleTo(screen)
        assert not screen.out_of_use_button.isVisibleTo(screen)
        qtbot.mouseDClick(screen.canvas, LEFT, pos=screen.canvas.point_at(date(2026, 11, 23), time(13, 0)))
        assert "can book" in screen.message.text()

    def test_navigation_by_day_and_week_and_back_to_today(self, screen_for, qtbot):
        screen = screen_for()
        screen.next_button.click()
        assert screen.day == date(2026, 11, 24)
        screen.set_day(date(2026, 11, 27))
        screen.next_button.click()  # over the weekend
        assert screen.day == date(2026, 11, 30)
        screen.set_mode("week")
        screen.previous_button.click()
        assert screen.day == date(2026, 11, 23)
        screen.date_edit.setDate(screen.date_edit.date().addDays(9))
        assert screen.day == date(2026, 12, 2) and screen.timetable_title.text().endswith("week of 30 Nov 2026")
        qtbot.keyClick(screen.canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: screen.day == date(2026, 11, 23))  # a button's shortcut clicks it shortly after

    def test_arrow_keys_move_between_blocks_and_enter_activates(self, screen_for, qtbot):
        screen = screen_for("ttaylor")
        canvas = screen.canvas
        canvas.setFocus()
        refs = []
        for key in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Left):
            qtbot.keyClick(canvas, key)
            refs.append(canvas.selected_block().booking_ref)
        assert refs == ["b-001", "b-002", "b-003", "b-002"]
        assert "Selected: 13:30–14:15 25 Nov 2026, Sensory Room" in canvas.accessibleDescription()
        with qtbot.waitSignal(canvas.block_activated) as activated:
            qtbot.keyClick(canvas, Qt.Key.Key_Return)
        assert activated.args[0].booking_ref == "b-002"
        assert canvas.accessibleName() == "Timetable"

    def test_the_canvas_paints(self, screen_for, qtbot):
        screen = screen_for()
        screen.set_day(date(2026, 12, 1))
        assert not screen.canvas.grab().isNull()
        assert not screen.grab().isNull()
        empty = TimetableCanvas()
        qtbot.addWidget(empty)
        empty.set_timetable(Timetable("Nothing", (), (), (), time(8, 50), time(15, 10)))
        assert empty.columns() == [] and not empty.grab().isNull()


class TestBooking:
    def test_book_from_a_double_click_and_see_it_on_the_canvas(self, screen_for, qtbot, monkeypatch):
        screen = screen_for()
        screen.set_day(date(2026, 12, 1))
        sensory = space_id(screen, "Sensory Room")

        def fake_exec(dialog: BookingDialog) -> int:
            draft = dialog.draft()
            assert (draft.space, draft.start, draft.end) == ("Sensory Room", datetime(2026, 12, 1, 11, 0),
                                                             datetime(2026, 12, 1, 11, 45))
            dialog.choose_professional("nhs-physio-1")  # statutory: an independent one needs a request
            dialog.choose_pupils(["X319700117077"])
            dialog.title_field.setText("Physio: sensory diet")
            dialog.ok_button.click()
            return dialog.result()

        monkeypatch.setattr(BookingDialog, "exec", fake_exec)
        qtbot.mouseDClick(screen.canvas, LEFT, pos=screen.canvas.point_at(sensory, time(11, 2)))
        (new,) = [b for b in blocks(screen) if b.professional == "Omar Haddad"]
        assert new.space_id == sensory and new.kind == "statutory" and new.pupils == ("Chloe Nowak",)
        assert screen.canvas.selected_block() == new
        assert column_at(screen, screen.canvas.block_rect(new.occurrence_id).center()).title == "Sensory Room"
        assert screen.message.text().startswith(f"Booked {new.booking_ref}: Sensory Room, 11:00–11:45, 1 Dec 2026")

    def test_dragging_over_empty_time_offers_that_slot(self, screen_for, qtbot, monkeypatch):
        screen = screen_for()
        screen.set_day(date(2026, 12, 1))
        meeting = space_id(screen, "Meeting Room")
        offered: list[BookingDraft] = []

        def fake_exec(dialog: BookingDialog) -> int:
            offered.append(dialog.draft())
            return QDialog.DialogCode.Rejected

        monkeypatch.setattr(BookingDialog, "exec", fake_exec)
        canvas = screen.canvas
        qtbot.mousePress(canvas, LEFT, pos=canvas.point_at(meeting, time(13, 1)))
        qtbot.mouseMove(canvas, canvas.point_at(meeting, time(13, 50)))
        qtbot.mouseRelease(canvas, LEFT, pos=canvas.point_at(meeting, time(14, 21)))
        assert [(d.space, d.start, d.end) for d in offered] == [
            ("Meeting Room", datetime(2026, 12, 1, 13, 0), datetime(2026, 12, 1, 14, 20))]
        assert len(blocks(screen)) == 1  # nothing booked

    def test_a_weekly_series_lists_every_clashing_date_and_skip_books_the_rest(self, screen_for, sqlite_school,
                                                                             monkeypatch):
        screen = screen_for()
        sqlite_school.bookings.book(screen.actor, BookingDraft(
            "Sensory Room", datetime(2026, 12, 9, 13, 0), datetime(2026, 12, 9, 13, 30), staff=("jpatel",),
            title="Sensory circuit"))
        seen = {}

        def fake_exec(dialog: BookingDialog) -> int:
            dialog.space.setCurrentIndex(dialog.space.findData("Sensory Room"))
            dialog.set_when(date(2026, 11, 25), time(13, 0), time(14, 0))
            dialog.choose_professional("nhs-physio-1")
            dialog.choose_pupils(["Z319700118114"])
            dialog.repeat.setChecked(True)
            assert dialog.until.date().toString("yyyy-MM-dd") == "2026-12-18"  # the end of the term
            dialog.until.setDate(dialog.until.date().addDays(-2))
            dialog.ok_button.click()
            assert dialog.result() != QDialog.DialogCode.Accepted and not dialog.plan_box.isHidden()
            seen["lines"] = [dialog.clash_list.item(i).text() for i in range(dialog.clash_list.count())]
            seen["summary"] = dialog.plan_summary.text()
            seen["priority"] = not dialog.priority_button.isHidden()
            dialog.skip_button.click()
            return dialog.result()

        monkeypatch.setattr(BookingDialog, "exec", fake_exec)
        screen.new_button.click()
        assert seen["summary"].startswith("2 of 4 date(s) cannot be booked. Nothing has been booked yet.")
        assert seen["lines"] == [
            "Wed 25 Nov 2026 13:00–14:00: Sensory Room is held 13:30–14:15 by Grace Lee (Music therapy group) "
            "(School-commissioned, b-002)",
            "Wed 9 Dec 2026 13:00–14:00: Sensory Room is held 13:00–13:30 by School: Sensory circuit "
            "(School's own use, b-004)"]
        assert not seen["priority"]  # a statutory service does not displace commissioned or school use
        assert "Skipped: 25 Nov 2026, 9 Dec 2026." in screen.message.text()
        booked = sqlite_school.bookings.bookings_between(screen.actor, date(2026, 11, 23), date(2026, 12, 18),
                                                         professional="nhs-physio-1")
        assert [b.start.date() for b in booked] == [date(2026, 12, 2), date(2026, 12, 16)]
        screen.set_mode("week")
        screen.space_combo.setCurrentIndex(screen.space_combo.findText("Sensory Room"))
        screen.set_day(date(2026, 12, 2))
        assert [b.professional for b in blocks(screen)] == ["Omar Haddad"]

    def test_problems_are_shown_naming_the_field_and_nothing_is_saved(self, screen_for, sqlite_school, monkeypatch):
        screen = screen_for()
        before = sqlite_school.bookings.bookings_between(screen.actor, date(2026, 11, 23), date(2026, 12, 31))
        messages = []

        def fake_exec(dialog: BookingDialog) -> int:
            dialog.for_school.setChecked(True)
            dialog.set_when(date(2026, 11, 30), time(10, 0), time(9, 30))
            dialog.ok_button.click()
            messages.append(dialog.message.text())
            dialog.set_when(date(2026, 11, 27), time(10, 0), time(10, 30))
            dialog.choose_staff(["jpatel"])
            dialog.ok_button.click()
            messages.append(dialog.message.text())
            return dialog.result()

        monkeypatch.setattr(BookingDialog, "exec", fake_exec)
        screen.new_button.click()
        assert messages[0].startswith("Not booked. End: the booking must end after it starts (10:00)")
        assert "Who it is for: say who the booking is for" in messages[0]
        assert messages[1] == "Not booked. Date and start: 27 Nov 2026 is not a school day (INSET day)"
        assert sqlite_school.bookings.bookings_between(screen.actor, date(2026, 11, 23), date(2026, 12, 31)) == before

    def test_giving_priority_moves_an_independent_session_and_says_who_must_be_told(
            self, screen_for, sqlite_school, monkeypatch, qtbot, actor):
        screen = screen_for()
        # an independent session with a pupil in the school day: the headteacher booked it, with her reason
        sqlite_school.bookings.book(actor(sqlite_school, "hcarter"), BookingDraft(
            "Therapy Room 1", datetime(2026, 11, 30, 10, 0), datetime(2026, 11, 30, 10, 45),
            professional="ind-ot-1", pupils=("X319700119023",), title="OT: handwriting",
            direct_reason="Parent-arranged OT agreed while the request is considered"))
        screen.set_day(date(2026, 11, 30))
        (walsh,) = blocks(screen)
        offered = []

        def fake_exec(dialog: BookingDialog) -> int:
            dialog.space.setCurrentIndex(dialog.space.findData("Therapy Room 1"))
            dialog.set_when(date(2026, 11, 30), time(10, 0), time(10, 45))
            dialog.choose_professional("nhs-slt-1")
            dialog.choose_pupils(["Z319700118114"])
            dialog.ok_button.click()
            panel = dialog.priority_panel
            assert dialog.pages.currentWidget() is panel  # the panel replaces the form: nothing below a scroll
            [(_day, clash, combo)] = panel.combos
            assert "Karen Walsh" in clash.who and clash.kind == "independent"
            offered.extend(combo.itemText(i) for i in range(combo.count()))
            assert not panel.book_button.isEnabled()  # nothing is chosen for the person
            combo.setCurrentIndex(1)
            panel.book_button.click()
            assert "Mark Hughes" in panel.told_label.text()
            panel.done_button.click()
            return dialog.result()

        monkeypatch.setattr(BookingDialog, "exec", fake_exec)
        screen.new_button.click()
        assert offered[0] == "— choose —"
        assert offered[1] == "Move to Hydrotherapy Pool, 10:00–10:45 (same time, another room)"
        assert offered[-2:] == ["Cancel the session for priority", "Skip 30 Nov 2026 for the new booking"]
        assert ("30 Nov 2026: booked; Karen Walsh's session moved to Hydrotherapy Pool at 10:00."
                in screen.message.text())
        assert "Skipped" not in screen.message.text()
        assert "Who must be told of the sessions that gave way: Karen Walsh — the professional" in screen.message.text()
        by_ref = {b.booking_ref: b for b in blocks(screen)}
        assert (by_ref[walsh.booking_ref].space, by_ref[walsh.booking_ref].start) == (
            "Hydrotherapy Pool", datetime(2026, 11, 30, 10, 0))
        assert by_ref["b-005"].professional == "Rachel Green" and by_ref["b-005"].start.hour == 10
        # the moved session's details list who must be told, each with a button to mark it done
        click_block(qtbot, screen, by_ref[walsh.booking_ref])
        notices = sqlite_school.bookings.notices(screen.actor, walsh.occurrence_id)
        assert {n.audience for n in notices} == {"professional", "parents", "class_teacher"}
        assert set(screen.notice_buttons) == {n.id for n in notices}
        screen.notice_buttons[notices[0].id].click()
        assert screen.message.text() == "Karen Walsh marked as told."
        assert notices[0].id not in screen.notice_buttons
        assert sqlite_school.bookings.notices(screen.actor, walsh.occurrence_id)[0].told_by == "sbrown"


class TestChanging:
    def test_move_a_block_and_undo_it(self, screen_for, monkeypatch, qtbot):
        screen = screen_for()
        screen.set_day(date(2026, 12, 1))
        (block,) = blocks(screen, "b-001")
        click_block(qtbot, screen, block)

        def fake_exec(dialog: MoveDialog) -> int:
            assert dialog.whole_series.isEnabled()
            dialog.set_values(date(2026, 12, 1), time(11, 0), "Sensory Room")
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(MoveDialog, "exec", fake_exec)
        screen.move_button.click()
        (moved,) = blocks(screen, "b-001")
        assert (moved.space, moved.start, moved.end) == ("Sensory Room", datetime(2026, 12, 1, 11, 0),
                                                         datetime(2026, 12, 1, 11, 45))
        assert column_at(screen, screen.canvas.block_rect(moved.occurrence_id).center()).title == "Sensory Room"
        assert screen.day == date(2026, 12, 1) and screen.message.text().startswith("Moved b-001 to Sensory Room")
        qtbot.keyClick(screen.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        (back,) = blocks(screen, "b-001")
        assert (back.space, back.start) == ("Therapy Room 1", datetime(2026, 12, 1, 9, 30))

    def test_a_refused_move_is_explained_in_the_dialog(self, screen_for, monkeypatch, qtbot):
        screen = screen_for()
        screen.set_day(date(2026, 11, 25))
        (block,) = blocks(screen, "b-002")
        click_block(qtbot, screen, block)
        calls = []

        def fake_exec(dialog: MoveDialog) -> int:
            calls.append(dialog.message.text())
            if len(calls) == 1:
                dialog.set_values(INSET, time(13, 30))
                return QDialog.DialogCode.Accepted
            return QDialog.DialogCode.Rejected

        monkeypatch.setattr(MoveDialog, "exec", fake_exec)
        screen.move_button.click()
        assert calls[1] == "Not moved: 27 Nov 2026 is not a school day (INSET day)"
        assert blocks(screen, "b-002")[0].start == datetime(2026, 11, 25, 13, 30)

    def test_a_booking_moved_on_another_pc_meanwhile_is_not_moved_again(self, screen_for, sqlite_school, actor,
                                                                      monkeypatch, qtbot):
        screen = screen_for()
        screen.set_day(date(2026, 12, 1))
        (block,) = blocks(screen, "b-001")
        click_block(qtbot, screen, block)
        # the headteacher moves it on another PC while this screen still shows it at 09:30
        sqlite_school.bookings.move(actor(sqlite_school, "hcarter"), block.occurrence_id,
                                    datetime(2026, 12, 1, 13, 0), datetime(2026, 12, 1, 13, 45))
        calls = []

        def fake_exec(dialog: MoveDialog) -> int:
            calls.append(dialog.message.text())
            if len(calls) == 1:
                dialog.set_values(date(2026, 12, 1), time(11, 0), "Sensory Room")
                return QDialog.DialogCode.Accepted
            return QDialog.DialogCode.Rejected

        monkeypatch.setattr(MoveDialog, "exec", fake_exec)
        screen.move_button.click()
        assert calls[1].startswith("Not moved: this session of booking b-001 was changed by hcarter at ")
        screen.refresh()
        (where,) = blocks(screen, "b-001")
        assert (where.space, where.start) == ("Therapy Room 1", datetime(2026, 12, 1, 13, 0))

    def test_cancel_needs_a_reason_and_shows_struck_through_only_with_show_cancelled(self, screen_for, monkeypatch,
                                                                                   qtbot):
        screen = screen_for()
        screen.set_day(date(2026, 12, 1))
        (block,) = blocks(screen, "b-001")
        click_block(qtbot, screen, block)
        messages = []

        def fake_exec(dialog: CancelDialog) -> int:
            messages.append(dialog.message.text())
            dialog.reason.setText("" if len(messages) == 1 else "therapist on a course")
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(CancelDialog, "exec", fake_exec)
        screen.cancel_button.click()
        assert messages == ["", "Not cancelled. Reason: say why the booking is cancelled"]
        assert blocks(screen) == []
        assert "Tick “Show cancelled”" in screen.message.text()
        screen.show_cancelled.setChecked(True)
        (cancelled,) = blocks(screen, "b-001")
        assert cancelled.status == "cancelled" and cancelled.cancelled_by == "sbrown"
        text = screen.canvas.block_text(cancelled.occurrence_id)
        assert text[:2] == [("Cancelled", False), ("09:30–10:15 Statutory", True)]
        assert ("Rachel Green with Amara Osei", True) in text
        assert text[-1] == ("Why: therapist on a course", False)
        click_block(qtbot, screen, cancelled)
        assert not screen.move_button.isEnabled() and not screen.cancel_button.isEnabled()
        assert "therapist on a course" in screen.detail.toPlainText()
        screen.show_cancelled.setChecked(False)
        assert blocks(screen) == [] and screen.day == date(2026, 12, 1)
        screen.set_day(date(2026, 12, 8))
        assert len(blocks(screen, "b-001")) == 1  # only that date

    def test_an_admin_marks_a_space_out_of_use_and_booking_there_is_refused(self, screen_for, monkeypatch, qtbot,
                                                                          no_dialog):
        office = screen_for("sbrown")
        assert not office.out_of_use_button.isVisibleTo(office)
        screen = screen_for("admin")
        screen.set_day(date(2026, 12, 2))

        def fake_exec(dialog: OutOfUseDialog) -> int:
            dialog.space.setCurrentIndex(dialog.space.findData("Hydrotherapy Pool"))
            dialog.last.setDate(dialog.last.date().addDays(1))
            dialog.reason.setText("pump repair")
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(OutOfUseDialog, "exec", fake_exec)
        screen.out_of_use_button.click()
        pool = space_id(screen, "Hydrotherapy Pool")
        assert screen.canvas.column_reason(pool) == "Out of use: pump repair"
        qtbot.mouseDClick(screen.canvas, LEFT, pos=screen.canvas.point_at(pool, time(9, 0)))
        assert screen.message.text() == ("Nothing can be booked in Hydrotherapy Pool on Wednesday 2 Dec 2026: "
                                         "Out of use: pump repair.")


class TestCalendarExport:
    def test_exporting_the_class_calendar_writes_an_ics_with_initials(self, qtbot, sqlite_school, actor, tmp_path):
        import vobject

        from fairfields_desktop.ui.views.export_dialog import CalendarExportDialog

        dialog = CalendarExportDialog(sqlite_school, actor(sqlite_school, "sbrown"), "class", "", "Oak",
                                      date(2026, 11, 23))
        qtbot.addWidget(dialog)
        assert dialog.subject.currentText() == "Class: Oak"
        dialog.on_save_clicked(str(tmp_path / "oak.ics"))
        text = (tmp_path / "oak.ics").read_text(encoding="utf-8")
        events = list(vobject.readComponents(text))[0].vevent_list
        assert dialog.events == len(events) >= 3
        assert "Amara" not in text and "Hughes" not in text
