"""Pupils: year groups from dates of birth, and checking a pupil's details field by field."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .dataset import NAME, parse_date, shown, text_problem
from .errors import Problem
from .school import AREAS_OF_NEED, YEAR_GROUPS, year_group_label
from .upn import upn_problem

#: the largest personal budget the form takes (as the dataset format: up to £10 million a year)
MAX_BUDGET_GBP = 10_000_000
_YEAR = timedelta(days=366)


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
    """Every problem with a pupil's details, each naming its field and the fix (whatever shape they come in)."""
    problems: list[Problem] = []

    def add(field: str, message: str) -> None:
        problems.append(Problem(field, message))

    def text(value: object, field: str, label: str, *, required: bool = True, limit: int | None = NAME) -> bool:
        """Check one text field; True when it holds usable text."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                add(field, f"the {label} is required")
            return False
        if not isinstance(value, str):
            add(field, f"the {label} must be text")
            return False
        wrong = text_problem(value, limit)
        if wrong:
            add(field, f"the {label} {wrong}")
            return False
        return True

    if not isinstance(values, dict):
        return [Problem("pupil", "the pupil's details must be a record of fields ({...})")]
    upn = values.get("upn")
    problem = upn_problem(upn)
    if problem:
        add("upn", problem if len(problem) < 300 else "a UPN is 13 capital letters and digits")
    for field, label in (("first_name", "first name"), ("last_name", "last name")):
        value = values.get(field)
        if not isinstance(value, str) or not value.strip():
            add(field, f"the {label} is required")
        elif len(value) > 100:
            add(field, f"the {label} is longer than 100 characters")
        else:
            text(value, field, label)
    dob = parse_date(values.get("date_of_birth"))
    if dob is None:
        add("date_of_birth", "give the date of birth as a date (YYYY-MM-DD)")
    elif dob >= today:
        add("date_of_birth", "the date of birth must be in the past")
    elif dob.year < today.year - 30:
        add("date_of_birth", f"{dob:%d %b %Y} is more than 30 years ago: check the year")
    year = values.get("year_group")
    if not isinstance(year, int) or isinstance(year, bool) or year not in YEAR_GROUPS:
        add("year_group", "choose a year group from Nursery and Reception to Year 14")
    elif dob is not None and dob < today:
        expected = expected_year_group(dob, today)
        if year != expected:
            add("year_group", f"a child born {dob.day} {dob:%b %Y} is in {year_group_label(expected)} in "
                f"{academic_year_label(today)}, not {year_group_label(year)}: correct the year group or the "
                "date of birth")
    klass = values.get("class")
    if not isinstance(klass, str) or klass not in class_names:
        add("class", "choose one of the school's classes" if not klass
            else f"{shown(klass)} is not a class of the school: choose one from the list")
    areas = values.get("areas_of_need") or []
    if not isinstance(areas, list):
        add("areas_of_need", "the areas of need are a list: choose from the four broad areas")
        areas = []
    for area in areas:
        if area not in AREAS_OF_NEED:
            add("areas_of_need", f"{shown(area)} is not one of the four broad areas of need")
    attendance = values.get("attendance_percent")
    if attendance is not None and (isinstance(attendance, bool) or not isinstance(attendance, (int, float))
                                   or not 0 <= attendance <= 100):
        add("attendance_percent", "attendance is a percentage from 0 to 100")
    if attendance is not None and parse_date(values.get("attendance_as_of")) is None:
        add("attendance_as_of", "give the date of the attendance figure (YYYY-MM-DD)")
    ehcp = values.get("ehcp")
    if ehcp and not isinstance(ehcp, dict):
        add("ehcp", "give the plan's dates (issued, last review), or no plan")
    elif ehcp:
        issued = parse_date(ehcp.get("issued"))
        if issued is None:
            add("ehcp.issued", "give the date the plan was issued (YYYY-MM-DD)")
        elif (issued - today).days > _YEAR.days:
            add("ehcp.issued", "the plan's issue date is more than a year ahead: check it")
            issued = None
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
        if budget and not isinstance(budget, dict):
            add("ehcp.personal_budget", "give the personal budget's reference and annual amount, or none")
        elif budget:
            text(budget.get("reference"), "ehcp.personal_budget.reference", "personal budget's reference",
                 limit=80)
            amount = budget.get("annual_amount_gbp")
            if (isinstance(amount, bool) or not isinstance(amount, (int, float))
                    or not 0 <= amount <= MAX_BUDGET_GBP):
                add("ehcp.personal_budget.annual_amount_gbp",
                    f"give the annual amount in pounds (0 to {MAX_BUDGET_GBP:,})")
    looked_after = values.get("looked_after")
    if looked_after and not isinstance(looked_after, dict):
        add("looked_after", "name the local authority (and the social worker), or leave it empty")
    elif looked_after:
        text(looked_after.get("local_authority"), "looked_after.local_authority",
             "local authority responsible for the looked-after child")
        text(looked_after.get("social_worker"), "looked_after.social_worker", "social worker's name",
             required=False)
    contacts = values.get("contacts") or []
    if not isinstance(contacts, list):
        add("contacts", "the contacts are a list of people")
        contacts = []
    for index, contact in enumerate(contacts):
        where = f"contacts[{index}]"
        if not isinstance(contact, dict):
            add(where, "each contact needs a name and how they are related")
            continue
        text(contact.get("name"), f"{where}.name", "contact's name")
        text(contact.get("relationship"), f"{where}.relationship", "relationship (mother, carer, …)", limit=80)
        text(contact.get("phone"), f"{where}.phone", "phone number", required=False, limit=60)
        email: Any = contact.get("email")
        if text(email, f"{where}.email", "email address", required=False) and (
                "@" not in email or " " in email.strip()):
            add(f"{where}.email", f"{shown(email)} is not an email address")
    key_worker = values.get("key_worker")
    if key_worker and not (isinstance(key_worker, dict) and len(key_worker) == 1
                           and isinstance(key_worker.get("staff", key_worker.get("professional")), str)):
        add("key_worker", "choose a member of staff or a professional as key worker, or none")
    return problems
