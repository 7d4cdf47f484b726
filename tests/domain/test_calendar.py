"""The school calendar: school days, weekly series, school weeks and the holidays between them.

Most tests use the example school's year (tests/data/example-school.json), built here by hand:
Autumn 2026 Thu 3 Sep – Fri 18 Dec (half term 26–30 Oct, INSET Fri 27 Nov),
Spring 2027 Tue 5 Jan – Thu 25 Mar (half term 15–19 Feb),
Summer 2027 Mon 12 Apr – Wed 21 Jul (bank holiday Mon 3 May, half term 31 May – 4 Jun).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from fairfields_desktop.domain.calendar import Closure, SchoolCalendar, Term, monday_of
from fairfields_desktop.domain.dataset import calendar_from_terms

EXAMPLE_JSON = Path(__file__).resolve().parents[1] / "data" / "example-school.json"

AUTUMN = Term(
    "Autumn 2026", date(2026, 9, 3), date(2026, 12, 18),
    (Closure(date(2026, 10, 26), date(2026, 10, 30), "Half term"),
     Closure(date(2026, 11, 27), date(2026, 11, 27), "INSET day")),
)
SPRING = Term(
    "Spring 2027", date(2027, 1, 5), date(2027, 3, 25),
    (Closure(date(2027, 2, 15), date(2027, 2, 19), "Half term"),),
)
SUMMER = Term(
    "Summer 2027", date(2027, 4, 12), date(2027, 7, 21),
    (Closure(date(2027, 5, 3), date(2027, 5, 3), "Early May bank holiday"),
     Closure(date(2027, 5, 31), date(2027, 6, 4), "Half term")),
)
# Given out of order on purpose: the calendar sorts its terms.
EXAMPLE = SchoolCalendar([SUMMER, AUTUMN, SPRING])
NO_TERMS = SchoolCalendar()

# A January term (Mon 4 – Fri 29 Jan 2027) with a long weekend closure Fri 15 – Mon 18 Jan.
LONG_WEEKEND = SchoolCalendar([
    Term("January", date(2027, 1, 4), date(2027, 1, 29),
         (Closure(date(2027, 1, 15), date(2027, 1, 18), "Long weekend"),)),
])


def d(text: str) -> date:
    return date.fromisoformat(text)


class TestExampleCalendar:
    def test_the_hand_built_calendar_is_the_example_datasets(self):
        terms = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))["terms"]
        assert calendar_from_terms(terms).terms == EXAMPLE.terms

    def test_terms_are_kept_in_date_order(self):
        assert [t.name for t in EXAMPLE.terms] == ["Autumn 2026", "Spring 2027", "Summer 2027"]
        assert EXAMPLE.is_configured
        assert not NO_TERMS.is_configured


class TestSchoolDays:
    def test_a_normal_week_is_monday_to_friday(self):
        assert EXAMPLE.school_days(d("2026-11-16"), d("2026-11-22")) == [
            d("2026-11-16"), d("2026-11-17"), d("2026-11-18"), d("2026-11-19"), d("2026-11-20"),
        ]

    def test_weekends_are_not_school_days(self):
        assert not EXAMPLE.is_school_day(d("2026-11-21"))  # Saturday
        assert not EXAMPLE.is_school_day(d("2026-11-22"))  # Sunday

    def test_the_first_and_last_days_of_a_term_are_school_days(self):
        assert EXAMPLE.is_school_day(d("2026-09-03"))
        assert not EXAMPLE.is_school_day(d("2026-09-02"))
        assert EXAMPLE.is_school_day(d("2026-12-18"))
        assert EXAMPLE.is_school_day(d("2027-01-05"))
        assert not EXAMPLE.is_school_day(d("2027-01-04"))

    def test_half_term_is_skipped_including_its_first_and_last_day(self):
        days = EXAMPLE.school_days(d("2026-10-19"), d("2026-11-06"))
        assert len(days) == 10
        assert d("2026-10-23") in days and d("2026-11-02") in days
        assert not any(d("2026-10-26") <= day <= d("2026-10-30") for day in days)

    def test_the_inset_day_is_skipped(self):
        assert EXAMPLE.school_days(d("2026-11-23"), d("2026-11-29")) == [
            d("2026-11-23"), d("2026-11-24"), d("2026-11-25"), d("2026-11-26"),
        ]

    def test_the_christmas_gap_is_skipped(self):
        days = EXAMPLE.school_days(d("2026-12-14"), d("2027-01-08"))
        assert days == [
            d("2026-12-14"), d("2026-12-15"), d("2026-12-16"), d("2026-12-17"), d("2026-12-18"),
            d("2027-01-05"), d("2027-01-06"), d("2027-01-07"), d("2027-01-08"),
        ]

    def test_an_empty_or_backwards_range_has_no_school_days(self):
        assert EXAMPLE.school_days(d("2026-11-20"), d("2026-11-16")) == []

    def test_with_no_terms_every_weekday_is_a_school_day(self):
        assert NO_TERMS.school_days(d("2026-12-21"), d("2027-01-03")) == [
            d("2026-12-21"), d("2026-12-22"), d("2026-12-23"), d("2026-12-24"), d("2026-12-25"),
            d("2026-12-28"), d("2026-12-29"), d("2026-12-30"), d("2026-12-31"), d("2027-01-01"),
        ]


class TestWhyNotSchoolDay:
    @pytest.mark.parametrize(
        ("day", "why"),
        [
            ("2026-11-24", None),
            ("2026-11-28", "weekend"),
            ("2026-12-26", "weekend"),  # a weekend in the holidays is still a weekend
            ("2026-11-27", "INSET day"),
            ("2026-10-28", "Half term"),
            ("2027-05-03", "Early May bank holiday"),
            ("2026-12-21", "between terms"),
            ("2027-01-04", "between terms"),
            ("2026-08-31", "between terms"),  # before the first term
            ("2027-07-22", "between terms"),  # after the last term
        ],
    )
    def test_reasons(self, day, why):
        assert EXAMPLE.why_not_school_day(d(day)) == why

    def test_a_closure_without_a_reason_is_called_a_closure(self):
        calendar = SchoolCalendar([
            Term("T", d("2027-01-04"), d("2027-01-29"), (Closure(d("2027-01-11"), d("2027-01-11"), ""),)),
        ])
        assert calendar.why_not_school_day(d("2027-01-11")) == "closure"

    def test_with_no_terms_only_weekends_have_a_reason(self):
        assert NO_TERMS.why_not_school_day(d("2026-12-25")) is None
        assert NO_TERMS.why_not_school_day(d("2026-12-26")) == "weekend"

    def test_closure_reasons_come_from_the_term_the_day_is_in(self):
        assert EXAMPLE.closure_on(d("2027-02-17")) == SPRING.closures[0]
        assert EXAMPLE.closure_on(d("2026-12-21")) is None
        assert EXAMPLE.term_on(d("2026-12-21")) is None
        assert EXAMPLE.term_on(d("2027-02-17")) == SPRING


class TestWeeklyDates:
    def test_the_example_slt_series_runs_every_tuesday(self):
        # Booking b-001: Tuesdays from 24 Nov 2026 until 15 Dec 2026.
        assert EXAMPLE.weekly_dates(d("2026-11-24"), d("2026-12-15")) == [
            d("2026-11-24"), d("2026-12-01"), d("2026-12-08"), d("2026-12-15"),
        ]

    def test_a_closure_inside_the_series_is_skipped(self):
        # Fridays: 27 Nov is the INSET day.
        assert EXAMPLE.weekly_dates(d("2026-11-20"), d("2026-12-11")) == [
            d("2026-11-20"), d("2026-12-04"), d("2026-12-11"),
        ]

    def test_a_half_term_inside_the_series_is_skipped(self):
        assert EXAMPLE.weekly_dates(d("2026-10-21"), d("2026-11-04")) == [d("2026-10-21"), d("2026-11-04")]

    def test_the_series_crosses_into_the_next_term(self):
        assert EXAMPLE.weekly_dates(d("2026-12-08"), d("2027-01-19")) == [
            d("2026-12-08"), d("2026-12-15"), d("2027-01-05"), d("2027-01-12"), d("2027-01-19"),
        ]

    def test_the_example_ot_request_has_ten_sessions(self):
        # Request r-001: Tuesdays 1 Dec 2026 to 23 Feb 2027.
        dates = EXAMPLE.weekly_dates(d("2026-12-01"), d("2027-02-23"))
        assert len(dates) == 10
        assert dates[-1] == d("2027-02-23")
        assert d("2027-02-16") not in dates

    def test_until_is_inclusive_and_a_date_past_it_is_not_included(self):
        assert EXAMPLE.weekly_dates(d("2026-11-24"), d("2026-12-14")) == [
            d("2026-11-24"), d("2026-12-01"), d("2026-12-08"),
        ]

    def test_until_before_first_gives_nothing(self):
        assert EXAMPLE.weekly_dates(d("2026-11-24"), d("2026-11-23")) == []

    def test_a_first_date_that_is_not_a_school_day_is_left_out(self):
        assert EXAMPLE.weekly_dates(d("2026-11-27"), d("2026-12-11")) == [d("2026-12-04"), d("2026-12-11")]


class TestSchoolWeeks:
    def test_the_example_request_period(self):
        first, last = d("2026-12-01"), d("2027-02-23")
        assert EXAMPLE.school_weeks(first, last) == 10
        assert EXAMPLE.calendar_weeks(first, last) == 13
        assert EXAMPLE.holidays_within(first, last) == ["Christmas holiday", "Half term"]

    def test_a_term_ending_on_friday_then_one_starting_on_tuesday(self):
        # Autumn ends Friday 18 Dec; Spring starts Tuesday 5 Jan: that week counts.
        assert EXAMPLE.school_weeks(d("2026-12-14"), d("2026-12-20")) == 1
        assert EXAMPLE.school_weeks(d("2026-12-21"), d("2027-01-03")) == 0
        assert EXAMPLE.school_weeks(d("2027-01-04"), d("2027-01-10")) == 1
        assert EXAMPLE.is_school_week(d("2027-01-04"))
        assert not EXAMPLE.is_school_week(d("2026-12-28"))

    def test_a_term_ending_mid_week_counts_that_week(self):
        # Spring ends Thursday 25 Mar; the next two weeks are the Easter holiday.
        assert EXAMPLE.school_weeks(d("2027-03-22"), d("2027-04-09")) == 1
        assert EXAMPLE.school_weeks(d("2027-03-22"), d("2027-04-12")) == 2

    def test_a_closure_spanning_a_weekend_leaves_both_weeks_counted(self):
        assert LONG_WEEKEND.school_weeks(d("2027-01-04"), d("2027-01-31")) == 4
        assert len(LONG_WEEKEND.school_days(d("2027-01-04"), d("2027-01-31"))) == 18
        assert LONG_WEEKEND.why_not_school_day(d("2027-01-15")) == "Long weekend"
        assert LONG_WEEKEND.why_not_school_day(d("2027-01-16")) == "weekend"
        assert LONG_WEEKEND.why_not_school_day(d("2027-01-18")) == "Long weekend"
        assert LONG_WEEKEND.is_school_day(d("2027-01-19"))
        assert LONG_WEEKEND.holidays_within(d("2027-01-04"), d("2027-01-31")) == []

    def test_a_closure_from_friday_to_the_next_friday_removes_the_second_week(self):
        calendar = SchoolCalendar([
            Term("January", d("2027-01-04"), d("2027-01-29"),
                 (Closure(d("2027-01-15"), d("2027-01-22"), "Snow"),)),
        ])
        assert calendar.school_weeks(d("2027-01-04"), d("2027-01-31")) == 3
        assert calendar.calendar_weeks(d("2027-01-04"), d("2027-01-31")) == 4
        assert calendar.holidays_within(d("2027-01-04"), d("2027-01-31")) == ["Snow"]

    def test_a_half_term_week_is_not_counted(self):
        assert EXAMPLE.school_weeks(d("2026-10-19"), d("2026-11-06")) == 2
        assert EXAMPLE.calendar_weeks(d("2026-10-19"), d("2026-11-06")) == 3
        assert not EXAMPLE.is_school_week(d("2026-10-26"))
        assert EXAMPLE.holidays_within(d("2026-10-19"), d("2026-11-06")) == ["Half term"]

    def test_a_week_with_only_one_school_day_counts(self):
        calendar = SchoolCalendar([Term("T", d("2027-01-08"), d("2027-01-29"))])  # starts on a Friday
        assert calendar.school_days(d("2027-01-04"), d("2027-01-10")) == [d("2027-01-08")]
        assert calendar.school_weeks(d("2027-01-04"), d("2027-01-10")) == 1
        assert calendar.is_school_week(d("2027-01-04"))

    def test_a_week_with_the_inset_day_still_counts(self):
        assert EXAMPLE.school_weeks(d("2026-11-23"), d("2026-11-29")) == 1

    def test_only_the_days_in_the_period_are_looked_at(self):
        # Friday 27 Nov is the INSET day: a period from it to the Sunday holds no school day.
        assert EXAMPLE.school_weeks(d("2026-11-27"), d("2026-11-29")) == 0
        assert EXAMPLE.school_weeks(d("2026-11-26"), d("2026-11-29")) == 1
        # A period of a weekend holds no school week, though it touches one calendar week.
        assert EXAMPLE.school_weeks(d("2026-11-28"), d("2026-11-29")) == 0
        assert EXAMPLE.calendar_weeks(d("2026-11-28"), d("2026-11-29")) == 1

    def test_a_backwards_period_has_no_weeks(self):
        assert EXAMPLE.school_weeks(d("2026-12-01"), d("2026-11-30")) == 0
        assert EXAMPLE.calendar_weeks(d("2026-12-01"), d("2026-11-30")) == 0

    def test_calendar_weeks_count_monday_to_sunday_weeks_touched(self):
        assert SchoolCalendar.calendar_weeks(d("2026-11-29"), d("2026-11-30")) == 2  # Sunday, Monday
        assert SchoolCalendar.calendar_weeks(d("2026-11-30"), d("2026-12-06")) == 1
        assert SchoolCalendar.calendar_weeks(d("2026-11-30"), d("2026-11-30")) == 1

    def test_with_no_terms_every_week_counts(self):
        assert NO_TERMS.school_weeks(d("2026-12-01"), d("2027-02-23")) == 13
        assert NO_TERMS.school_weeks(d("2026-12-21"), d("2027-01-03")) == 2
        assert NO_TERMS.is_school_week(d("2026-12-28"))
        assert NO_TERMS.holidays_within(d("2026-12-01"), d("2027-02-23")) == []


class TestHolidaysWithin:
    def test_the_easter_holiday_is_named_after_the_terms_around_it(self):
        assert EXAMPLE.holidays_within(d("2027-03-22"), d("2027-04-16")) == [
            "holiday between Spring 2027 and Summer 2027",
        ]

    def test_a_period_of_school_weeks_only_names_no_holiday(self):
        assert EXAMPLE.holidays_within(d("2026-11-02"), d("2026-12-18")) == []

    def test_a_bank_holiday_in_a_school_week_is_not_a_holiday_week(self):
        assert EXAMPLE.holidays_within(d("2027-04-26"), d("2027-05-14")) == []

    def test_each_name_once_in_order(self):
        assert EXAMPLE.holidays_within(d("2026-10-01"), d("2027-03-01")) == [
            "Half term", "Christmas holiday",
        ]

    def test_a_period_starting_the_day_after_spring_ends_is_not_called_christmas(self):
        # Friday 26 March 2027 is the first day of the Easter holiday (Spring ends on the Thursday).
        assert EXAMPLE.holidays_within(d("2027-03-26"), d("2027-04-09")) == [
            "holiday between Spring 2027 and Summer 2027",
        ]


# --- property-based -------------------------------------------------------------------------------

YEAR_START, YEAR_END = date(2026, 8, 1), date(2027, 8, 31)
in_year = st.dates(min_value=YEAR_START, max_value=YEAR_END)


@st.composite
def calendars(draw) -> SchoolCalendar:
    """The example calendar, no terms, or up to three random non-overlapping terms with closures."""
    choice = draw(st.sampled_from(["example", "none", "random"]))
    if choice == "example":
        return EXAMPLE
    if choice == "none":
        return NO_TERMS
    count = draw(st.integers(min_value=1, max_value=3))
    cuts = sorted(draw(st.lists(in_year, min_size=2 * count, max_size=2 * count, unique=True)))
    terms = []
    for index in range(count):
        first, last = cuts[2 * index], cuts[2 * index + 1]
        closures = []
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            a = draw(st.dates(min_value=first, max_value=last))
            b = draw(st.dates(min_value=a, max_value=min(last, a + timedelta(days=14))))
            closures.append(Closure(a, b, draw(st.sampled_from(["Half term", "INSET day", "Snow"]))))
        terms.append(Term(f"Term {index + 1}", first, last, tuple(closures)))
    return SchoolCalendar(terms)


def ordered(a: date, b: date) -> tuple[date, date]:
    return (a, b) if a <= b else (b, a)


class TestSchoolWeekProperties:
    @given(calendars(), in_year, in_year)
    @settings(max_examples=150, deadline=None)
    def test_school_weeks_never_exceed_calendar_weeks(self, calendar, a, b):
        first, last = ordered(a, b)
        assert 0 <= calendar.school_weeks(first, last) <= calendar.calendar_weeks(first, last)

    @given(calendars(), in_year, in_year)
    @settings(max_examples=150, deadline=None)
    def test_school_weeks_are_the_distinct_weeks_of_the_school_days(self, calendar, a, b):
        first, last = ordered(a, b)
        weeks = {monday_of(day) for day in calendar.school_days(first, last)}
        assert calendar.school_weeks(first, last) == len(weeks)

    @given(calendars(), in_year, in_year, st.integers(min_value=0, max_value=10_000))
    @settings(max_examples=150, deadline=None)
    def test_splitting_a_period_counts_at_most_the_shared_week_twice(self, calendar, a, b, offset):
        first, last = ordered(a, b)
        assume(first < last)
        # Split after ``middle``: the halves are first..middle and the day after middle..last.
        middle = first + timedelta(days=offset % (last - first).days)
        whole = calendar.school_weeks(first, last)
        left = calendar.school_weeks(first, middle)
        right = calendar.school_weeks(middle + timedelta(days=1), last)
        # Every school week of the whole has a school day in one half or the other...
        assert whole <= left + right
        # ...and only the week holding both the split day and the next can be counted in both halves.
        assert left + right <= whole + 1
        # Split at the end of a week (Friday, Saturday or Sunday) and nothing is shared.
        if middle.weekday() >= 4:
            assert left + right == whole
        # A longer period never has fewer school weeks.
        assert max(left, right) <= whole

    @given(in_year, in_year)
    @settings(max_examples=100)
    def test_with_no_terms_every_week_with_a_weekday_in_the_period_counts(self, a, b):
        first, last = ordered(a, b)
        expected = NO_TERMS.calendar_weeks(first, last) - (1 if first.weekday() >= 5 else 0)
        assert NO_TERMS.school_weeks(first, last) == expected
        assert NO_TERMS.holidays_within(first, last) == []

    @given(in_year, in_year)
    @settings(max_examples=100)
    @example(date(2027, 3, 26), date(2027, 4, 9))
    def test_christmas_is_only_named_for_a_period_touching_the_christmas_break(self, a, b):
        first, last = ordered(a, b)
        names = EXAMPLE.holidays_within(first, last)

        def touches(low: str, high: str) -> bool:
            return first <= d(high) and last >= d(low)

        # The break runs Sat 19 Dec to Mon 4 Jan. A week is named when the period's weekdays in it
        # hold no school day: the weeks of 21 and 28 Dec whenever the period reaches them, the week
        # of 4 Jan only when the period stops on that Monday.
        expected = (touches("2026-12-21", "2026-12-25") or touches("2026-12-28", "2027-01-01")
                    or last == d("2027-01-04"))
        assert ("Christmas holiday" in names) == expected


class TestWeeklyDateProperties:
    @given(calendars(), in_year, in_year)
    @settings(max_examples=150, deadline=None)
    def test_weekly_dates_are_exactly_the_school_days_on_the_series_weekday(self, calendar, first, until):
        dates = calendar.weekly_dates(first, until)
        assert dates == sorted(set(dates))
        for day in dates:
            assert calendar.is_school_day(day)
            assert day.weekday() == first.weekday()
            assert first <= day <= until
        expected = [day for day in calendar.school_days(first, until) if (day - first).days % 7 == 0]
        assert dates == expected
