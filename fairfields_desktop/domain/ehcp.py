"""EHCP timelines in calendar time (never school weeks).

"Within 12 months starting with" a date ends the day before the corresponding date a year on; where
that month has no corresponding day (29 February), the period ends on the last day of the month.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date | None:
    """The corresponding date ``months`` later, or None when that month has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if day.day > _calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day.day)


def end_of_period(start: date, months: int) -> date:
    """The last day of the period of ``months`` months starting with ``start``."""
    corresponding = add_months(start, months)
    if corresponding is None:
        index = start.month - 1 + months
        year, month = start.year + index // 12, index % 12 + 1
        return date(year, month, _calendar.monthrange(year, month)[1])
    return corresponding - timedelta(days=1)


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on ``on`` (a 29 February birthday counts from 1 March in other years)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def review_interval_months(date_of_birth: date, last_review: date, under_five_months: int = 6) -> int:
    """12 months, or the under-five interval for a child under 5 at the last review."""
    return under_five_months if age_on(date_of_birth, last_review) < 5 else 12


def next_review_due(issued: date | None, last_review: date | None, date_of_birth: date,
                    under_five_months: int = 6) -> date | None:
    """The last day the next annual review may be held: within 12 months starting with the last
    review meeting (or the plan's issue date), 6-monthly (a setting) for a child under 5."""
    start = last_review or issued
    if start is None:
        return None
    return end_of_period(start, review_interval_months(date_of_birth, start, under_five_months))
