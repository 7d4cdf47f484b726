"""Professionals: checking a record from the edit form, and the words for kinds and visits."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .dataset import parse_date, professional_field_problems
from .errors import Problem

KIND_LABELS = {
    "statutory": "Statutory",
    "commissioned": "School-commissioned",
    "independent": "Independent",
}
VISIT_PURPOSES = ("therapy", "observation", "assessment", "meeting")
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")


def professional_problems(values: dict[str, Any], today: date) -> list[Problem]:
    """Every problem with a professional's details and checks, each naming its field and the fix."""
    problems = professional_field_problems(values)
    ident = values.get("id")
    if isinstance(ident, str) and ident and not _ID.fullmatch(ident):
        problems.append(Problem("id", "use a short id of lower-case letters, digits and hyphens (e.g. nhs-slt-2)"))
    checks = values.get("checks") or {}
    dbs = checks.get("dbs") or {}
    for key, label in (("date", "DBS check"),):
        day = parse_date(dbs.get(key))
        if day and day > today:
            problems.append(Problem(f"checks.dbs.{key}", f"the {label} date is in the future: check it"))
    if dbs.get("type") == "school_check" and not (dbs.get("certificate") or "").strip():
        problems.append(Problem("checks.dbs.certificate", "record the DBS certificate number of the school's check"))
    registration = checks.get("registration") or {}
    checked = parse_date(registration.get("checked_on"))
    if checked and checked > today:
        problems.append(Problem("checks.registration.checked_on", "the register cannot be checked in the future"))
    email = values.get("email")
    if email and ("@" not in email or " " in email.strip()):
        problems.append(Problem("email", f"{email!r} is not an email address"))
    return problems
