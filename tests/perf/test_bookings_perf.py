"""Bookings on the large synthetic school (40 shared spaces, ~276,000 occurrence rows over six years).

Budgets (issue 4): a conflict check with the insert of one booking within 10 ms (median); a weekly
series over a whole school year checked and saved within 200 ms; the day view of 40 spaces and the week
view of one space drawn within 100 ms of navigating. Printed by pytest-benchmark, never asserted.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import pytest

from fairfields_desktop.services.bookings import BookingDraft

pytestmark = pytest.mark.perf


@pytest.fixture(scope="module")
def office(large):  # noqa: ANN001, ANN201
    return large.auth.sign_in("sbrown", "demo-office-2026")


def _spaces(large, office) -> list[str]:  # noqa: ANN001
    return [s.name for s in large.bookings.spaces(office)]


def test_check_and_insert_one_booking(benchmark, large, office):
    calendar = large.school.calendar()
    days = [d for d in calendar.school_days(date(2025, 9, 1), date(2026, 7, 20))]
    slots = itertools.product(days, _spaces(large, office), range(3))  # 14:40, 14:50, 15:00 (10 minutes)

    def book() -> None:
        day, space, slot = next(slots)
        start = datetime.combine(day, datetime.min.time()) + timedelta(hours=14, minutes=40 + 10 * slot)
        large.bookings.book(office, BookingDraft(space, start, start + timedelta(minutes=10),
                                                 professional="pro-000", title="bench"))

    benchmark.pedantic(book, rounds=200, iterations=1, warmup_rounds=5)


def test_check_and_save_a_weekly_series_over_a_school_year(benchmark, large, office):
    first_monday = date(2026, 9, 7)
    series = itertools.product(range(5), _spaces(large, office), range(6))  # weekday, space, 5-minute slot

    def book() -> None:
        weekday, space, slot = next(series)
        day = first_monday + timedelta(days=weekday)
        start = datetime.combine(day, datetime.min.time()) + timedelta(hours=14, minutes=40 + 5 * slot)
        booked = large.bookings.book(office, BookingDraft(space, start, start + timedelta(minutes=5),
                                                          professional="pro-003", title="bench series",
                                                          weekly_until=date(2027, 7, 21)))
        assert len(booked) >= 35

    benchmark.pedantic(book, rounds=40, iterations=1, warmup_rounds=2)


def test_day_view_of_every_space(benchmark, large, office):
    days = itertools.cycle(large.school.calendar().school_days(date(2026, 9, 7), date(2026, 12, 18)))
    view = benchmark(lambda: large.bookings.day_view(office, next(days)))
    assert len(view.spaces) == 40 and len(view.blocks) >= 200


def test_week_view_of_one_space(benchmark, large, office):
    space_id = large.bookings.spaces(office)[0].id
    weeks = itertools.cycle([date(2026, 9, 7) + timedelta(weeks=i) for i in range(14)])
    view = benchmark(lambda: large.bookings.week_view(office, space_id, next(weeks)))
    assert len(view.days) == 5


@pytest.fixture
def timetable(qtbot, large, office):  # noqa: ANN001, ANN201
    from fairfields_desktop.ui.views.timetable_view import TimetableScreen

    screen = TimetableScreen(large, office)
    qtbot.addWidget(screen)
    screen.resize(1400, 900)
    screen.show()
    return screen


def test_navigate_the_day_view_of_40_spaces_and_draw_it(benchmark, timetable, large):
    days = itertools.cycle(large.school.calendar().school_days(date(2026, 9, 7), date(2026, 12, 18)))

    def navigate() -> None:
        timetable.set_day(next(days))
        timetable.canvas.repaint()  # paint now, not at the next event-loop turn

    benchmark(navigate)
    assert len(timetable.canvas.columns()) == 40


def test_navigate_the_week_view_of_one_space_and_draw_it(benchmark, timetable, large):
    timetable.set_mode("week")
    weeks = itertools.cycle([date(2026, 9, 7) + timedelta(weeks=i) for i in range(14)])

    def navigate() -> None:
        timetable.set_day(next(weeks))
        timetable.canvas.repaint()

    benchmark(navigate)
    assert len(timetable.canvas.columns()) == 5
