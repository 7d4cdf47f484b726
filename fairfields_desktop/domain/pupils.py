"""Pupils: year groups from dates of birth, and checking a pupil's details field by field."""

from __future__ import annotations

from datetime import date
from typing import Any

from .dataset import parse_date
from .errors import Problem
from .school import AREAS_OF_NEED, YEAR_GROUPS, year_group_label
from .upn import upn_problem


def academic_year_start(on: date) -> int:
    """The calendar year in which the academic year holding ``on`` began (1 September)."""
    return on.year if on.month >= 9 else on.year - 1


def expected_year_group(date_of_birth: date, on: date) -> int:
    """The national-curriculum year group of a child born on ``date_of_birth`` in the year holding ``on``.

    A child born 1 September to 31 August enters Reception in the September after turning 4.
    """
    cohort = date_of_birth.year if date_of_birth.month >= 9 else date_of_birth.year - 1  # birth academic year
    return academic_year_start(on) - cohort - 5


def academic_year_label(on: date) -> str:
    start = academic_year_start(on)
    return f"{start}–{str(start + 1)[-2:]}"


def pupil_problems(values: dict[str, Any], class_names: set[str], today: date) -> list[Problem]:
    """Every problem with a pupil's details, each naming its field and the fix."""
    problems: list[Problem] = []

    def add(field: str, message: str) -> None:
        problems.append(Problem(field, message))

    upn = values.get("upn")
    problem = upn_problem(upn)
    if problem:
        add("upn", problem)
    for field, label in (("first_name", "first name"), ("last_name", "last name")):
        value = values.get(field)
        if not isinstance(value, str) or not value.strip():
            add(field, f"the {label} is required")
        elif len(value) > 100:
            add(field, f"the {label} is longer than 100 characters")
    dob = parse_date(values.get("date_of_birth"))
    if dob is None:
        add("date_of_birth", "give the date of birth as a date (YYYY-MM-DD)")
    elif dob >= today:
        add("date_of_birth", "the date of birth must be in the past")
    elif dob.year < today.year - 30:
        add("date_of_birth", f"{dob:%d %b %Y} is more than 30 years ago: check the year")
    year = values.get("year_group")
    if year not in YEAR_GROUPS or isinstance(year, bool):
        add("year_group", "choose a year group from Nursery and Reception to Year 14")
    elif dob is not None and dob < today:
        expected = expected_year_group(dob, today)
        if year != expected:
            add("year_group", f"a child born {dob.day} {dob:%b %Y} is in {year_group_label(expected)} in "
                f"{academic_year_label(today)}, not {year_group_label(year)}: correct the year group or the "
                "date of birth")
    if values.get("class") not in class_names:
        add("class", "choose one of the school's classes" if not values.get("class")
            else f"{values.get('class')!r} is not a class of the school: choose one from the list")
    areas = values.get("areas_of_need") or []
    for area in areas:
        if area not in AREAS_OF_NEED:
            add("areas_of_need", f"{area!r} is not one of the four broad areas of need")
    attendance = values.get("attendance_percent")
    if attendance is not None and (isinstance(attendance, bool) or not isinstance(attendance, (int, float))
                                   or not 0 <= attendance <= 100):
        add("attendance_percent", "attendance is a percentage from 0 to 100")
    if attendance is not None and parse_date(values.get("attendance_as_of")) is None:
        add("attendance_as_of", "give the date of the attendance figure (YYYY-MM-DD)")
    ehcp = values.get("ehcp")
    if ehcp:
        issued = parse_date(ehcp.get("issued"))
        if issued is None:
            add("ehcp.issued", "give the date the plan was issued (YYYY-MM-DD)")
        last = ehcp.get("last_review")
        if last:
            last_day = parse_date(last)
            if last_day is None:
                add("ehcp.last_review", "give the date of the last review meeting (YYYY-MM-DD)")
            elif issued and last_day < issued:
                add("ehcp.last_review", "the last review is before the plan was issued")
            elif last_day > today:
                add("ehcp.last_review", "the last review meeting cannot be in the future")
        budget = ehcp.get("personal_budget")
        if budget:
            if not (budget.get("reference") or "").strip():
                add("ehcp.personal_budget.reference", "give the personal budget's reference")
            amount = budget.get("annual_amount_gbp")
            if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0:
                add("ehcp.personal_budget.annual_amount_gbp", "give the annual amount in pounds (0 or more)")
    looked_after = values.get("looked_after")
    if looked_after and not (looked_after.get("local_authority") or "").strip():
        add("looked_after.local_authority", "name the local authority responsible for the looked-after child")
    for index, contact in enumerate(values.get("contacts") or []):
        if not (contact.get("name") or "").strip():
            add(f"contacts[{index}].name", "each contact needs a name")
        if not (contact.get("relationship") or "").strip():
            add(f"contacts[{index}].relationship", "say how the contact is related (mother, carer, …)")
        email = contact.get("email")
        if email and ("@" not in email or " " in email.strip()):
            add(f"contacts[{index}].email", f"{email!r} is not an email address")
    return problems
