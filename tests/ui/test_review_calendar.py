"""The month calendar of review meetings and deadlines: what a reader sees on each day, moving between
months, and opening the pupil an entry is about."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from fairfields_desktop.ui.views.review_calendar import ReviewCalendar

BEN = "X319700119023"
CHLOE = "X319700117077"


def cell(calendar: ReviewCalendar, day: date, role=Qt.ItemDataRole.DisplayRole) -> str:  # noqa: ANN001
    index = calendar.model.index_of(day)
    assert index.isValid(), f"{day} is not shown"
    return index.data(role)


def listed(calendar: ReviewCalendar) -> list[str]:
    return [calendar.day_list.item(i).text() for i in range(calendar.day_list.count())]


def test_november_shows_the_overdue_review_and_advice_in_words_on_their_days(qtbot, sqlite_school, actor):
    calendar = ReviewCalendar(sqlite_school, actor(sqlite_school, "mokafor"))
    qtbot.addWidget(calendar)
    assert calendar.title.text() == "November 2026"
    assert calendar.model.columnCount() == 7 and calendar.model.rowCount() == 6  # Sunday 1st to Monday 30th
    assert calendar.model.headerData(0, Qt.Orientation.Horizontal) == "Monday"
    assert cell(calendar, date(2026, 11, 9)).splitlines() == ["9", "OVERDUE Review due: Ben Hughes"]
    assert cell(calendar, date(2026, 11, 16)).splitlines() == ["16", "OVERDUE Advice due: Chloe Nowak"]
    spoken = cell(calendar, date(2026, 11, 9), Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == "Monday 9 November 2026: 1 entry: OVERDUE Review due: Ben Hughes"
    assert cell(calendar, date(2026, 11, 10), Qt.ItemDataRole.AccessibleTextRole).endswith("nothing due")
    # today is chosen, and said to be today
    assert calendar.grid.currentIndex() == calendar.model.index_of(date(2026, 11, 23))
    assert cell(calendar, date(2026, 11, 23)) == "23 (today)"
    assert "today" in cell(calendar, date(2026, 11, 23), Qt.ItemDataRole.AccessibleTextRole)
    assert "2 OVERDUE" in calendar.summary.text()
    # the chosen day's entries in full
    calendar.select_day(date(2026, 11, 16))
    assert listed(calendar) == [("Advice due — OVERDUE\nadvice from Rachel Green for Chloe Nowak's needs "
                                 "assessment, due 16 Nov 2026")]
    assert calendar.day_title.text().startswith("Monday 16 Nov 2026")


def test_a_scheduled_meeting_is_on_its_day_with_its_invitations_deadline_before(qtbot, sqlite_school, actor):
    senco = actor(sqlite_school, "mokafor")
    calendar = ReviewCalendar(sqlite_school, senco)
    qtbot.addWidget(calendar)
    assert len(cell(calendar, date(2026, 11, 30)).splitlines()) == 1  # nothing on the 30th yet
    sqlite_school.reviews.schedule(senco, BEN, date(2026, 12, 14))
    calendar.reload()
    assert "Invitations: Ben Hughes" in cell(calendar, date(2026, 11, 30)).splitlines()
    calendar.next_button.click()
    assert calendar.title.text() == "December 2026"
    assert cell(calendar, date(2026, 12, 14)).splitlines() == ["14", "Review meeting: Ben Hughes"]
    assert "Report to LA: Ben Hughes" in cell(calendar, date(2026, 12, 28))
    calendar.select_day(date(2026, 12, 14))
    assert listed(calendar) == ["Review meeting\nBen Hughes: review meeting"]
    calendar.select_day(date(2026, 11, 30))  # a day of another month: that month is shown
    assert calendar.title.text() == "November 2026"
    assert any("invitations sent by 30 Nov 2026" in text for text in listed(calendar))


def test_previous_next_and_this_month_change_the_title_and_the_entries(qtbot, sqlite_school, actor):
    calendar = ReviewCalendar(sqlite_school, actor(sqlite_school, "mokafor"))
    qtbot.addWidget(calendar)
    assert "Alt+Right" in calendar.next_button.toolTip() and "Alt+Left" in calendar.previous_button.toolTip()
    calendar.previous_button.click()
    assert calendar.title.text() == "October 2026"
    assert calendar.summary.text() == "Nothing due and no review meetings this month."
    assert all(len(cell(calendar, date(2026, 10, d)).splitlines()) == 1 for d in range(1, 32))
    calendar.next_button.click()
    calendar.next_button.click()
    assert calendar.title.text() == "December 2026"
    assert cell(calendar, date(2026, 12, 2)).splitlines() == ["2", "Review due: Amara Osei"]
    calendar.show_month(2027, 1)
    assert calendar.title.text() == "January 2027"
    assert cell(calendar, date(2027, 1, 18)).splitlines() == ["18", "Decide to issue: Chloe Nowak"]
    calendar.today_button.click()
    assert calendar.title.text() == "November 2026"
    assert calendar.selected_day == date(2026, 11, 23)


def test_the_keyboard_moves_by_day_week_and_month(qtbot, sqlite_school, actor):
    calendar = ReviewCalendar(sqlite_school, actor(sqlite_school, "mokafor"))
    qtbot.addWidget(calendar)
    qtbot.keyClick(calendar.grid, Qt.Key.Key_Up)
    assert calendar.selected_day == date(2026, 11, 16) and listed(calendar)[0].startswith("Advice due")
    qtbot.keyClick(calendar.grid, Qt.Key.Key_PageDown)
    assert calendar.title.text() == "December 2026" and calendar.selected_day == date(2026, 12, 16)
    qtbot.keyClick(calendar.grid, Qt.Key.Key_PageUp)
    qtbot.keyClick(calendar.grid, Qt.Key.Key_Down)
    qtbot.keyClick(calendar.grid, Qt.Key.Key_Down)
    assert calendar.selected_day == date(2026, 11, 30)
    qtbot.keyClick(calendar.grid, Qt.Key.Key_Right)  # over the end of the month
    assert calendar.title.text() == "December 2026" and calendar.selected_day == date(2026, 12, 1)
    assert calendar.grid.currentIndex() == calendar.model.index_of(date(2026, 12, 1))


def test_activating_an_entry_or_a_day_opens_the_pupil(qtbot, sqlite_school, actor):
    calendar = ReviewCalendar(sqlite_school, actor(sqlite_school, "mokafor"))
    qtbot.addWidget(calendar)
    calendar.select_day(date(2026, 11, 16))
    with qtbot.waitSignal(calendar.open_requested) as opened:
        qtbot.keyClick(calendar.day_list, Qt.Key.Key_Return)
    assert opened.args == ["pupils", CHLOE]
    calendar.select_day(date(2026, 11, 9))
    with qtbot.waitSignal(calendar.open_requested) as opened:
        qtbot.keyClick(calendar.grid, Qt.Key.Key_Return)  # a day about one pupil opens them
    assert opened.args == ["pupils", BEN]


def test_a_teacher_sees_their_own_class_only(qtbot, sqlite_school, actor):
    senco = ReviewCalendar(sqlite_school, actor(sqlite_school, "mokafor"))
    teacher = ReviewCalendar(sqlite_school, actor(sqlite_school, "ttaylor"))  # Oak
    qtbot.addWidget(senco)
    qtbot.addWidget(teacher)
    for calendar in (senco, teacher):
        calendar.show_month(2027, 4)
    assert "Review due: Dev Sharma" in cell(senco, date(2027, 4, 13))  # Willow
    assert cell(teacher, date(2027, 4, 13)) == "13"
    teacher.show_month(2026, 11)
    assert "OVERDUE Review due: Ben Hughes" in cell(teacher, date(2026, 11, 9))
