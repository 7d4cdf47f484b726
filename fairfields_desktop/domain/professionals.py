"""Professionals: checking a record from the edit form, and the words for kinds and visits."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .dataset import parse_date, professional_field_problems, shown
from .errors import Problem

KIND_LABELS = {
    "statutory": "Statutory",
    "commissioned": "School-commissioned",
    "independent": "Independent",
}
VISIT_PURPOSES = ("therapy", "observation", "assessment", "meeting")
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")


_KIND_PREFIX = {"statutory": "st", "commissioned": "com", "independent": "ind"}


def reference_prefix(kind: str, discipline: str) -> str:
    """The start of an id the app makes: the kind and the discipline's initials (``ind-slt``, ``st-ot``);
    a one-word discipline gives its first letters (``physiotherapy`` -> ``physio``)."""
    words = [w for w in re.split(r"[^a-z]+", (discipline or "").casefold()) if w and w != "and"]
    short = ("".join(w[0] for w in words) if len(words) > 1 else (words[0][:6] if words else "pro"))
    return f"{_KIND_PREFIX.get(kind, 'pro')}-{short}"


def professional_problems(values: dict[str, Any], today: date) -> list[Problem]:
    """Every problem with a professional's details and checks, each naming its field and the fix."""
    if not isinstance(values, dict):
        return [Problem("professional", "the professional's details must be a record of fields ({...})")]
    problems = professional_field_problems(values)
    ident = values.get("id")
    if isinstance(ident, str) and ident and not _ID.fullmatch(ident):
        problems.append(Problem("id", "use a short id of lower-case letters, digits and hyphens (e.g. nhs-slt-2), "
                                      "or leave it out and one is made"))
    checks = values.get("checks") or {}
    dbs = (checks.get("dbs") or {}) if isinstance(checks, dict) else {}
    dbs = dbs if isinstance(dbs, dict) else {}
    for key, label in (("date", "DBS check"),):
        day = parse_date(dbs.get(key))
        if day and day > today:
            problems.append(Problem(f"checks.dbs.{key}", f"the {label} date is in the future: check it"))
    certificate = dbs.get("certificate")
    if dbs.get("type") == "school_check" and not (isinstance(certificate, str) and certificate.strip()):
        problems.append(Problem("checks.dbs.certificate", "record the DBS certificate number of the school's check"))
    registration = (checks.get("registration") or {}) if isinstance(checks, dict) else {}
    registration = registration if isinstance(registration, dict) else {}
    checked = parse_date(registration.get("checked_on"))
    if checked and checked > today:
        problems.append(Problem("checks.registration.checked_on", "the register cannot be checked in the future"))
    email = values.get("email")
    if isinstance(email, str) and email and ("@" not in email or " " in email.strip()):
        problems.append(Problem("email", f"{shown(email)} is not an email address"))
    return problems
