"""The first-run assistant's rules (pure): the usual English term dates, and the new school's dataset.

The assistant builds a `fairfields-school/1` document — settings, terms, the first administrator as a
member of staff and as a user — and the dataset service loads it into the empty database, so a new
school is checked by the same rules as any loaded dataset.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .dataset import FORMAT
from .errors import Problem
from .passwords import password_problems

#: the usual shape of an English school year: (term, (month, day) first, (month, day) last, in spring year?)
USUAL_TERMS = (
    ("Autumn", (9, 1), (12, 20), False),
    ("Spring", (1, 5), (3, 27), True),
    ("Summer", (4, 13), (7, 22), True),
)


def academic_year_start(today: date) -> int:
    """The calendar year in which the academic year holding ``today`` began (it turns in August)."""
    return today.year if today.month >= 8 else today.year - 1


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def usual_terms(today: date) -> list[dict[str, Any]]:
    """The usual three terms of the academic year holding ``today`` (dataset shape), to be edited.

    Autumn about 1 September – 20 December, spring about 5 January – 27 March, summer about 13 April –
    22 July; a first day on a weekend moves to the Monday, a last day on a weekend to the Friday."""
    start = academic_year_start(today)
    terms = []
    for name, (fm, fd), (lm, ld), later in USUAL_TERMS:
        year = start + 1 if later else start
        first = _weekday_on_or_after(date(year, fm, fd))
        last = _weekday_on_or_before(date(year, lm, ld))
        label = f"{name} {year}"
        terms.append({"name": label, "first_day": first.isoformat(), "last_day": last.isoformat(),
                      "closures": []})
    return terms


def admin_problems(username: str, name: str, password: str, repeated: str) -> list[Problem]:
    """Problems with the first administrator as typed, each named by its field."""
    problems = []
    username = (username or "").strip()
    if not username:
        problems.append(Problem("username",
                                "give the administrator a username (for example their initial and surname)"))
    elif any(c.isspace() for c in username):
        problems.append(Problem("username", "a username has no spaces"))
    if not (name or "").strip():
        problems.append(Problem("name", "give the administrator's name"))
    problems.extend(password_problems(username, password))
    if (password or "") != (repeated or ""):
        problems.append(Problem("repeat_password", "the two passwords are not the same: type it again"))
    return problems


def new_school_dataset(school_name: str, terms: list[dict[str, Any]], attendance_threshold: float,
                       username: str, name: str, password: str) -> dict[str, Any]:
    """The `fairfields-school/1` document of a new school with its first administrator."""
    username = username.strip()
    return {
        "format": FORMAT,
        "settings": {"school_name": school_name.strip(), "attendance_threshold_percent": attendance_threshold},
        "terms": [dict(t, closures=list(t.get("closures") or [])) for t in terms],
        "staff": [{"id": username, "name": name.strip(), "role": "Administrator"}],
        "users": [{"username": username, "staff": username, "roles": ["admin"], "password": password}],
    }


#: the dataset's field paths, in the assistant's words
FIELD_LABELS = {
    "settings.school_name": "School name",
    "settings.attendance_threshold_percent": "Attendance threshold",
    "username": "Username", "name": "Name", "password": "Password", "repeat_password": "Password again",
    "staff[0].id": "Username", "staff[0].name": "Name", "users[0].username": "Username",
    "users[0]": "Administrator",
}


def field_label(where: str) -> str:
    """A problem's place in words: 'terms[1].last_day' → 'Spring term, last day'."""
    if where in FIELD_LABELS:
        return FIELD_LABELS[where]
    if where.startswith("terms["):
        index, _, rest = where[len("terms["):].partition("]")
        term = ("Autumn", "Spring", "Summer")[int(index)] if index.isdigit() and int(index) < 3 else f"Term {index}"
        part = rest.lstrip(".").replace("_", " ")
        return f"{term} term" + (f", {part}" if part else "")
    return where
