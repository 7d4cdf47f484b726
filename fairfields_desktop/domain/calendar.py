"""The school calendar: terms, closures, school days and school weeks.

A school day is a Monday–Friday inside a term and outside every closure of that term. With no terms
set up at all, every Monday–Friday counts as a school day (so a new school can start booking at once).
A school week is a Monday–Friday week holding at least one school day.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)
ONE_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Closure:
    start: date
    end: date  # inclusive
    why: str

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Term:
    name: str
    first_day: date
    last_day: date  # inclusive
    closures: tuple[Closure, ...] = field(default=())

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def is_weekday(day: date) -> bool:
    return day.weekday() < 5


class SchoolCalendar:
    """Answers calendar questions over a school's terms. Immutable once built."""

    def __init__(self, terms: Iterable[Term] = ()) -> None:
        self.terms: tuple[Term, ...] = tuple(sorted(terms, key=lambda t: t.first_day))
        self._why: dict[date, str | None] = {}  # memo of why_not_school_day: the calendar never changes

    @property
    def is_configured(self) -> bool:
        return bool(self.terms)

    def term_on(self, day: date) -> Term | None:
        for term in self.terms:
            if term.covers(day):
                return term
        return None

    def closure_on(self, day: date) -> Closure | None:
        term = self.term_on(day)
        if term is None:
            return None
        for closure in term.closures:
            if closure.covers(day):
                return closure
        return None

    def is_school_day(self, day: date) -> bool:
        return self.why_not_school_day(day) is None

    def why_not_school_day(self, day: date) -> str | None:
        """None on a school day, else the reason in words ("weekend", "Half term", "between terms")."""
        try:
            return self._why[day]
        except KeyError:
            why = self._why[day] = self._why_not(day)
            return why

    def _why_not(self, day: date) -> str | None:
        if not is_weekday(day):
            return "weekend"
        if not self.terms:
            return None
        term = self.term_on(day)
        if term is None:
            return "between terms"
        for closure in term.closures:
            if closure.covers(day):
                return closure.why or "closure"
        return None

    def days(self, first: date, last: date) -> Iterator[date]:
        day = first
        while day <= last:
            yield day
            day += ONE_DAY

    def school_days(self, first: date, last: date) -> list[date]:
        """School days from ``first`` to ``last`` inclusive."""
        return [d for d in self.days(first, last) if self.is_school_day(d)]

    def weekly_dates(self, first: date, until: date) -> list[date]:
        """``first`` and the same weekday each week up to ``until`` inclusive, school days only."""
        found = []
        day = first
        while day <= until:
            if self.is_school_day(day):
                found.append(day)
            day += ONE_WEEK
        return found

    def is_school_week(self, monday: date) -> bool:
        return any(self.is_school_day(monday + timedelta(days=i)) for i in range(5))

    def school_weeks(self, first: date, last: date) -> int:
        """How many Monday–Friday weeks from ``first``'s to ``last``'s hold at least one school day.

        Only the days from ``first`` to ``last`` are looked at, so a period that starts on a Friday
        counts that week only if that Friday (or a later day of the week in range) is a school day.
        """
        if last < first:
            return 0
        count = 0
        monday = monday_of(first)
        while monday <= last:
            week_first = max(monday, first)
            week_last = min(monday + timedelta(days=4), last)
            if any(self.is_school_day(d) for d in self.days(week_first, week_last)):
                count += 1
            monday += ONE_WEEK
        return count

    @staticmethod
    def calendar_weeks(first: date, last: date) -> int:
        """Calendar weeks (Monday to Sunday) touched by the period from ``first`` to ``last``."""
        if last < first:
            return 0
        return (monday_of(last) - monday_of(first)).days // 7 + 1

    def holidays_within(self, first: date, last: date) -> list[str]:
        """Names of the weeks in the period that hold no school day, in order, each once.

        These are the weeks :meth:`school_weeks` leaves out. A week between two terms is named after
        the holiday it falls in ("Christmas holiday" for a break spanning 25 December, else
        "holiday between <term> and <term>").
        """
        names: list[str] = []
        monday = monday_of(first)
        while monday <= last:
            week_days = list(self.days(max(monday, first), min(monday + timedelta(days=4), last)))
            if week_days and not any(self.is_school_day(d) for d in week_days):
                name = self._days_off_name(week_days)
                if name and name not in names:
                    names.append(name)
            monday += ONE_WEEK
        return names

    def _days_off_name(self, days: list[date]) -> str | None:
        """What a run of days without school is called: its closure, or the holiday between terms."""
        for day in days:
            closure = self.closure_on(day)
            if closure is not None:
                return closure.why
        first = days[0]
        before = [t for t in self.terms if t.last_day < first]
        after = [t for t in self.terms if t.first_day > first]
        if before and after:
            gap_start, gap_end = before[-1].last_day, after[0].first_day
            if any(gap_start < date(year, 12, 25) < gap_end for year in range(gap_start.year, gap_end.year + 1)):
                return "Christmas holiday"
            return f"holiday between {before[-1].name} and {after[0].name}"
        return None

    def term_containing_or_next(self, day: date) -> Term | None:
        for term in self.terms:
            if term.last_day >= day:
                return term
        return None
