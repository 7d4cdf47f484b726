"""The office books a statutory therapist over an independent session on two dates: the priority panel, in
place of the form and never below a scroll, at 1366×768 and at 150 % text; one date resolved by moving the
session to another room, one by cancelling it; the outcome in one sentence per date and who must be told."""

from __future__ import annotations

import os
from datetime import date, datetime, time

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QScrollArea, QWidget

from fairfields_desktop.services.bookings import BookingDraft
from fairfields_desktop.ui.views.booking_dialog import BookingDialog, error_text
from fairfields_desktop.ui.views.timetable_view import TimetableScreen

SCREENSHOTS = os.environ.get("FAIRFIELDS_SCREENSHOTS")
LAPTOP = QRect(0, 0, 1366, 768)  # a common school laptop
WED_1, WED_2 = date(2026, 12, 2), date(2026, 12, 9)
REASON = "Parent-arranged OT agreed while the request is considered"


@pytest.fixture
def walsh_on_two_wednesdays(sqlite_school, actor):  # noqa: ANN001, ANN201
    """Karen Walsh (independent OT) with a pupil in Therapy Room 1 on two Wednesdays at 10:00."""
    return sqlite_school.bookings.book(actor(sqlite_school, "hcarter"), BookingDraft(
        "Therapy Room 1", datetime(2026, 12, 2, 10, 0), datetime(2026, 12, 2, 10, 45), professional="ind-ot-1",
        pupils=("X319700119023",), title="OT: handwriting", weekly_until=WED_2, direct_reason=REASON))


@pytest.fixture
def large_text():  # noqa: ANN201
    old = QApplication.font()
    big = QFont(old)
    big.setPointSizeF(old.pointSizeF() * 1.5)
    QApplication.setFont(big)
    yield
    QApplication.setFont(old)


def fill_statutory_series(dialog: BookingDialog) -> None:
    dialog.space.setCurrentIndex(dialog.space.findData("Therapy Room 1"))
    dialog.set_when(WED_1, time(10, 0), time(10, 45))
    dialog.choose_professional("nhs-slt-1")
    dialog.choose_pupils(["Z319700118114"])
    dialog.repeat.setChecked(True)
    dialog.until.setDate(dialog.until.date().fromString(WED_2.isoformat(), "yyyy-MM-dd"))


def in_a_scroll_area(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def seen_whole(widget: QWidget, dialog: QDialog) -> bool:
    """The widget is shown and lies wholly inside the dialog (nothing to scroll to)."""
    top_left = widget.mapTo(dialog, QPoint(0, 0))
    return widget.isVisible() and dialog.rect().contains(QRect(top_left, widget.size()))


def assert_panel_in_plain_sight(dialog: BookingDialog) -> None:
    panel = dialog.priority_panel
    assert dialog.pages.currentWidget() is panel and panel.isVisible()
    assert LAPTOP.contains(QRect(QPoint(0, 0), dialog.frameGeometry().size()))  # the dialog fits the laptop
    assert not in_a_scroll_area(panel)  # never below a scroll
    for widget in (panel.heading, panel.book_button, panel.back_button, panel.give_up_button):
        assert not in_a_scroll_area(widget) and seen_whole(widget, dialog), widget
    viewport = panel.rows_area.viewport()
    for _day, _clash, combo in panel.combos:  # every date and its choice, none scrolled away
        assert seen_whole(combo, dialog)
        assert viewport.rect().contains(QRect(combo.mapTo(viewport, QPoint(0, 0)), combo.size()))


def resolve(dialog: BookingDialog, shots: list[str], name: str) -> None:
    fill_statutory_series(dialog)
    dialog.resize(620, 720)
    dialog.ok_button.click()
    panel = dialog.priority_panel
    assert [day for day, _clash, _combo in panel.combos] == [WED_1, WED_2]
    assert panel.heading.text() == "2 date(s) meet other sessions: choose what happens on each"
    assert_panel_in_plain_sight(dialog)
    if SCREENSHOTS:
        path = os.path.join(SCREENSHOTS, f"{name}.png")
        dialog.grab().save(path)
        shots.append(path)
    assert not panel.book_button.isEnabled()  # nothing chosen for the person
    panel.choose(WED_1, "Move to Sensory Room, 10:00–10:45 (same time, another room)")
    assert not panel.book_button.isEnabled()
    panel.choose(WED_2, "Cancel")
    if SCREENSHOTS:
        path = os.path.join(SCREENSHOTS, f"{name}-chosen.png")
        dialog.grab().save(path)
        shots.append(path)
    panel.book_button.click()
    assert_outcome_shown(dialog)
    if SCREENSHOTS:
        path = os.path.join(SCREENSHOTS, f"{name}-outcome.png")
        dialog.grab().save(path)
        shots.append(path)
    panel.done_button.click()


def assert_outcome_shown(dialog: BookingDialog) -> None:
    panel = dialog.priority_panel
    assert panel.outcome_label.text().splitlines() == [
        "2 Dec 2026: booked; Karen Walsh's session moved to Sensory Room at 10:00.",
        "9 Dec 2026: booked; Karen Walsh's session cancelled for priority."]
    told = panel.told_label.text()
    assert "• Karen Walsh — the professional" in told and told.count("Karen Walsh") == 1  # each person once
    assert "(karen@example.co.uk), about 2 Dec 2026 and 9 Dec 2026" in told  # with the dates they are told of
    assert "Mark Hughes" in told and "class teacher" in told
    assert seen_whole(panel.outcome_label, dialog) and seen_whole(panel.told_box, dialog)


class TestThePriorityPanel:
    def test_the_office_resolves_two_dates_one_moved_one_cancelled(self, qtbot, sqlite_school, actor, monkeypatch,
                                                                   walsh_on_two_wednesdays):
        screen = TimetableScreen(sqlite_school, actor(sqlite_school, "sbrown"))
        qtbot.addWidget(screen)
        screen.resize(1366, 768)
        screen.show()
        shots: list[str] = []

        def run(dialog: BookingDialog) -> int:
            dialog.show()
            qtbot.waitExposed(dialog)
            resolve(dialog, shots, "priority-panel-1366x768")
            return dialog.result()

        monkeypatch.setattr(BookingDialog, "exec", run)
        screen.new_button.click()
        message = screen.message.text()
        assert "2 Dec 2026: booked; Karen Walsh's session moved to Sensory Room at 10:00." in message
        assert "Skipped" not in message
        # the timetable shows Karen Walsh's session in the other room, and Rachel Green in Therapy Room 1
        screen.set_day(WED_1)
        by_who = {b.professional: b for b in screen.canvas.blocks()}
        assert (by_who["Karen Walsh"].space, by_who["Karen Walsh"].start) == ("Sensory Room",
                                                                               datetime(2026, 12, 2, 10, 0))
        assert by_who["Rachel Green"].space == "Therapy Room 1"
        screen.set_day(WED_2)
        assert [b.professional for b in screen.canvas.blocks()] == ["Rachel Green"]  # Walsh's 9 Dec: cancelled
        assert not SCREENSHOTS or all(os.path.getsize(p) > 0 for p in shots)

    def test_at_150_percent_text_the_panel_is_still_in_plain_sight(self, qtbot, sqlite_school, actor, large_text,
                                                                  walsh_on_two_wednesdays):
        dialog = BookingDialog(sqlite_school, actor(sqlite_school, "sbrown"))
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        resolve(dialog, [], "priority-panel-150-percent")
        assert dialog.result() == QDialog.DialogCode.Accepted and len(dialog.booked) == 2

    def test_back_to_the_form_keeps_the_dates_at_the_top_and_give_priority_returns(
            self, qtbot, sqlite_school, actor, walsh_on_two_wednesdays):
        dialog = BookingDialog(sqlite_school, actor(sqlite_school, "sbrown"))
        qtbot.addWidget(dialog)
        dialog.show()
        fill_statutory_series(dialog)
        dialog.ok_button.click()
        dialog.priority_panel.back_button.click()
        assert dialog.pages.currentIndex() == 0 and seen_whole(dialog.plan_box, dialog)
        assert not in_a_scroll_area(dialog.plan_box)  # "Skip those dates", "Give up" never below a scroll
        assert seen_whole(dialog.priority_button, dialog) and seen_whole(dialog.skip_button, dialog)
        dialog.priority_button.click()
        assert dialog.pages.currentWidget() is dialog.priority_panel

    def test_skipping_a_date_leaves_the_session_where_it_was(self, qtbot, sqlite_school, actor,
                                                             walsh_on_two_wednesdays):
        dialog = BookingDialog(sqlite_school, actor(sqlite_school, "sbrown"))
        qtbot.addWidget(dialog)
        dialog.show()
        fill_statutory_series(dialog)
        dialog.ok_button.click()
        panel = dialog.priority_panel
        panel.choose(WED_1, "Cancel")
        panel.choose(WED_2, "Skip 9 Dec 2026")
        panel.book_button.click()
        assert panel.outcome_label.text().splitlines() == [
            "2 Dec 2026: booked; Karen Walsh's session cancelled for priority.",
            "9 Dec 2026: not booked (skipped); Karen Walsh keeps Therapy Room 1."]
        assert "9 Dec" not in panel.told_label.text()  # nobody is told of a session that stayed


class TestTheMoveDialogClashes:
    def test_a_refused_series_move_lists_each_clash_once_with_its_date(self, sqlite_school, actor,
                                                                       walsh_on_two_wednesdays):
        from fairfields_desktop.domain.errors import Refused

        office = actor(sqlite_school, "sbrown")
        [first, _second] = walsh_on_two_wednesdays
        series = sqlite_school.bookings.book(office, BookingDraft(
            "Sensory Room", datetime(2026, 12, 2, 13, 0), datetime(2026, 12, 2, 13, 45), staff=("jpatel",),
            title="Sensory circuit", weekly_until=WED_2))
        assert len(series) == 2
        with pytest.raises(Refused) as refused:
            sqlite_school.bookings.move(office, first.occurrence_id, datetime(2026, 12, 2, 13, 0),
                                        datetime(2026, 12, 2, 13, 45), "Sensory Room", whole_series=True)
        lines = error_text(refused.value, "Not moved").splitlines()[1:]
        assert lines == [
            "• Wed 2 Dec 2026: Sensory Room is held 13:00–13:45 by School: Sensory circuit (School's own use, "
            f"{series[0].booking_ref})",
            "• Wed 9 Dec 2026: Sensory Room is held 13:00–13:45 by School: Sensory circuit (School's own use, "
            f"{series[0].booking_ref})"]
        doubled = Refused("held", reasons=list(refused.value.reasons) * 2)  # the same clash met twice: shown once
        assert error_text(doubled, "Not moved").splitlines()[1:] == lines
