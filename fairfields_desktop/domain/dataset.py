"""The school dataset `fairfields-school/1`: checking a whole document before anything is loaded.

`validate_dataset` looks at everything and returns every problem with its JSON path; it never stops
at the first. The service that loads a dataset refuses it (exit 4) unless the list is empty.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any, TypeGuard, cast

from .calendar import Closure, SchoolCalendar, Term
from .errors import Problem
from .school import (
    ADVICE_KINDS,
    AREAS_OF_NEED,
    BOOKING_STATUSES,
    DBS_TYPES,
    PROFESSIONAL_KINDS,
    REQUEST_SETTINGS,
    REQUEST_STATUSES,
    ROLES,
    WEEKDAYS,
    YEAR_GROUPS,
)
from .sharing import GIVER_KINDS
from .sharing import SECTIONS as CONSENT_SECTIONS
from .upn import upn_problem

#: why a professional visits (the database's check on visits.purpose; as `professionals.VISIT_PURPOSES`)
VISIT_PURPOSES = ("therapy", "observation", "assessment", "meeting")

FORMAT = "fairfields-school/1"

SETTINGS_DEFAULTS: dict[str, Any] = {
    "school_name": "Fairfields School",
    "attendance_threshold_percent": 90.0,
    "max_authorised_weeks": 12,
    "school_day": {"start": "08:50", "end": "15:10"},
    "dbs_recheck_years": 3,
    "under_five_review_months": 6,
}
#: settings of ours beyond the format (written by `dump` only when changed from these defaults)
EXTRA_SETTINGS_DEFAULTS: dict[str, int] = {"idle_lock_minutes": 10, "retention_years": 31}
#: the letterhead of letters to families (optional settings keys, written only when set): the postal
#: address, one line each, and the telephone
LETTERHEAD_KEYS = ("address", "telephone")
ADDRESS_LIMIT, TELEPHONE_LIMIT = 400, 40

#: the format's sections (the contract's, then the EHCP records added later)
RECORD_SECTIONS = (
    "settings", "terms", "staff", "users", "classes", "pupils", "professionals", "spaces",
    "bookings", "requests", "advice_requests", "assessments", "annual_reviews", "outcomes",
)

#: The database's own rows that the sections do not hold (optional top-level keys, each named after its
#: table and written by `dump` only when the table has rows): every column by its name, the row's `id`,
#: and references as the ids of the rows they point to. Types: int, float, bool, date (YYYY-MM-DD),
#: datetime (YYYY-MM-DDTHH:MM[:SS[.ffffff]]), time, json, text (textN: at most N characters);
#: "?" allows null; ">table" is a reference to a row of that table.
ROW_TABLES: dict[str, dict[str, str]] = {
    "attendance_records": {"id": "int", "pupil_id": "int>pupils", "percent": "float", "as_of": "date",
                           "recorded_at": "datetime"},
    "booking_occurrences": {"id": "int", "booking_id": "int>bookings", "space_id": "int>spaces",
                            "starts_at": "datetime", "ends_at": "datetime", "status": "text20",
                            "cancelled_by": "text60?", "cancelled_at": "datetime?", "cancel_reason": "text?",
                            "individually": "bool"},
    "booking_notices": {"id": "int", "occurrence_id": "int>booking_occurrences", "audience": "text30",
                        "who": "text200", "contact": "text200?", "what": "text", "created_at": "datetime",
                        "created_by": "text60", "told_at": "datetime?", "told_by": "text60?"},
    "session_records": {"id": "int", "occurrence_id": "int>booking_occurrences", "delivered": "bool",
                        "reason": "text30?", "note": "text?", "target_id": "int?>targets",
                        "recorded_by": "text60", "recorded_at": "datetime"},
    "space_closures": {"id": "int", "space_id": "int>spaces", "starts_on": "date", "ends_on": "date",
                       "reason": "text", "created_by": "text60", "created_at": "datetime",
                       "lifted_at": "datetime?", "lifted_by": "text60?"},
    "visits": {"id": "int", "professional_id": "int?>professionals", "signed_in_at": "datetime",
               "signed_out_at": "datetime?", "identity_checked": "bool", "identity_note": "text200?",
               "purpose": "text30?", "space_id": "int?>spaces", "location": "text200?", "note": "text?",
               "signed_in_by": "text60", "signed_out_by": "text60?", "version": "int",
               "kind": "text20?", "name": "text200?", "organisation": "text200?", "visiting": "text200?",
               "badge": "text40?", "regulated": "bool", "dbs_certificate": "text40?", "dbs_date": "date?",
               "escorted": "bool"},
    "visit_pupils": {"visit_id": "int>visits", "pupil_id": "int>pupils"},
    "pupil_team": {"id": "int", "pupil_id": "int>pupils", "professional_id": "int>professionals",
                   "role": "text200?", "since": "date?", "ended_on": "date?"},
    "budget_discussions": {"id": "int", "pupil_id": "int>pupils", "held_on": "date", "ehcp_officer": "text200?",
                           "capacity_agreed": "bool", "already_provided": "bool", "notes": "text?",
                           "recorded_by": "text60", "recorded_at": "datetime"},
    "request_overrides": {"id": "int", "request_id": "int>requests", "rule": "text30", "reason": "text",
                          "by": "text60", "on_behalf_of": "text60?", "at": "datetime"},
    "review_meetings": {"id": "int", "request_id": "int>requests", "held_on": "date", "attendees": "text?",
                        "outcome": "text?", "recorded_by": "text60", "recorded_at": "datetime"},
    "delegations": {"id": "int", "delegate": "text60", "starts_on": "date", "ends_on": "date",
                    "created_by": "text60", "created_at": "datetime", "ended_at": "datetime?"},
    "off_site_sessions": {"id": "int", "request_id": "int>requests", "session_on": "date", "time_out": "datetime",
                          "time_back": "datetime?", "taken_by": "text200?", "attendance_mark": "text10?",
                          "recorded_by": "text60", "exception_reason": "text?", "exception_by": "text60?"},
    "advice_chases": {"id": "int", "advice_id": "int>advice_requests", "chased_on": "date", "how": "text200?",
                      "chased_by": "text60"},
    "request_letters": {"id": "int", "request_id": "int>requests", "event_id": "int>request_events",
                        "kind": "text40", "printed_at": "datetime", "printed_by": "text60", "to": "text",
                        "body": "text", "pdf_sha256": "text64"},
    "audit_events": {"id": "int", "at": "datetime", "username": "text60", "action": "text60", "entity": "text60",
                     "entity_id": "text60?", "before": "json?", "after": "json?", "note": "text?",
                     "prev_hash": "text64?", "hash": "text64?"},
}
#: columns of `ROW_TABLES` added after the format: `dump` writes them only when set (a load leaves them null)
ROW_LATER_COLUMNS: dict[str, frozenset[str]] = {
    "off_site_sessions": frozenset({"exception_reason", "exception_by"}),
    "visits": frozenset({"kind", "name", "organisation", "visiting", "badge", "regulated", "dbs_certificate",
                         "dbs_date", "escorted"}),
}
#: what a load gives a later column left out, where that is not null (or false for a flag)
ROW_LATER_DEFAULTS: dict[str, dict[str, Any]] = {"visits": {"kind": "professional"}}
#: who signs in (visits.kind): a professional on the register, or a visitor named on the visit
VISITOR_KINDS = ("professional", "parent", "contractor", "governor", "student", "supply", "other")


def later_default(table: str, column: str, spec: str) -> Any:
    """The value a later column of `ROW_TABLES` takes when a dataset leaves it out (`dump` leaves it out then)."""
    if column in ROW_LATER_DEFAULTS.get(table, {}):
        return ROW_LATER_DEFAULTS[table][column]
    return False if spec.split(">")[0] == "bool" else None

#: The columns of the sections' own tables that their keys do not hold, carried in an optional `row`
#: object on each record (written by `dump` only when a value differs from what a load without it gives:
#: `id` when it is not the one after the previous record's of the same table, in the document's order,
#: starting at 1; any other column when it is not its default).
ROW_EXTRAS: dict[str, dict[str, str]] = {
    "school_settings": {"version": "int"},
    "terms": {"id": "int"},
    "closures": {"id": "int"},
    "spaces": {"id": "int", "bookable": "bool", "features": "text?", "version": "int"},
    "classes": {"id": "int"},
    "staff": {"id": "int", "version": "int"},
    "users": {"id": "int", "failed_attempts": "int", "locked_until": "datetime?", "version": "int"},
    "professionals": {"id": "int", "version": "int"},
    "pupils": {"id": "int", "version": "int"},
    "contacts": {"id": "int"},
    "consents": {"id": "int"},
    "bookings": {"id": "int", "request_id": "int?>requests", "created_by": "text60?", "cancelled_by": "text60?",
                 "cancelled_at": "datetime?", "cancel_reason": "text?", "version": "int",
                 "title_needs_review": "bool"},
    "requests": {"id": "int", "version": "int"},
    "request_events": {"id": "int", "details": "json?"},
    "advice_requests": {"id": "int", "review_id": "int?>annual_reviews"},
    "assessments": {"id": "int"},
    "annual_reviews": {"id": "int", "version": "int"},
    "review_invitees": {"id": "int"},
    "review_circulations": {"id": "int"},
    "ehcp_outcomes": {"id": "int", "version": "int"},
    "targets": {"id": "int", "version": "int"},
}
#: the defaults of the `row` columns (any other is null by default)
EXTRA_DEFAULTS: dict[str, object] = {"version": 1, "bookable": True, "failed_attempts": 0,
                                     "title_needs_review": False}

#: The sections' records of each table, in the order of the document: (table, section, inner list or None)
SECTION_WALK: tuple[tuple[str, str, str | None], ...] = (
    ("terms", "terms", None), ("closures", "terms", "closures"), ("spaces", "spaces", None),
    ("classes", "classes", None), ("staff", "staff", None), ("users", "users", None),
    ("professionals", "professionals", None), ("pupils", "pupils", None), ("contacts", "pupils", "contacts"),
    ("consents", "pupils", "consent"), ("bookings", "bookings", None), ("requests", "requests", None),
    ("request_events", "requests", "history"), ("advice_requests", "advice_requests", None),
    ("assessments", "assessments", None), ("annual_reviews", "annual_reviews", None),
    ("review_invitees", "annual_reviews", "invitees"), ("review_circulations", "annual_reviews", "circulations"),
    ("ehcp_outcomes", "outcomes", None), ("targets", "outcomes", "targets"),
)

#: every table of the database, and where the dataset carries it
CARRIED_BY: dict[str, str] = {
    "school_settings": "settings", **{table: f"{section}[].{inner}" if inner else section
                                      for table, section, inner in SECTION_WALK},
    "booking_staff": "bookings[].staff", "booking_pupils": "bookings[].pupils",
    **{table: table for table in ROW_TABLES},
}

SECTIONS = RECORD_SECTIONS + tuple(ROW_TABLES)

#: the annual review records (optional sections, written by `dump` only when there are any)
REVIEW_STATUSES = ("planned", "held", "cancelled")
INVITEE_ROLES = ("parent", "young_person", "professional", "class_teacher", "social_worker", "other")
OUTCOME_STATUSES = ("current", "achieved", "ceased")
#: dates a review can only have once its meeting was held, each on or after the meeting
REVIEW_AFTER_DATES = ("report_sent_on", "la_decision_on", "amendment_notice_on", "final_plan_on")
#: the stages of an EHC needs assessment, in the order they happen
ASSESSMENT_STAGES = ("requested_on", "decision_to_assess_on", "decision_to_issue_on", "draft_issued_on",
                     "final_issued_on")


#: the longest text a field holds (the database's column sizes): a name, unless said otherwise
NAME = 200
#: characters no text may hold: NUL (refused by PostgreSQL) and unpaired surrogates (not Unicode text)
_BAD_CHARACTERS = re.compile("[\x00\ud800-\udfff]")
#: the dates a dataset may hold: anything outside is a typing slip (and date arithmetic past year 9999 fails)
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)
#: the longest a weekly series or a request may run: past it, a typing slip
LONGEST_SERIES = timedelta(days=10 * 366)



def _shown(value: Any) -> str:
    """``value`` as words for a message; a number too long for Python to write (over 4,300 digits) is not
    a reason to fail."""
    try:
        return str(value)
    except ValueError:
        return "(a number too long to show)"

def shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` for a message: cut short when long, and never failing (an integer of 5000 digits)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an integer too long to write out (over 4300 digits), or within
        return "a number too large to show" if isinstance(value, int) else "a value too large to show"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _word(value: object) -> str:
    """A value known to be text, as it is; anything else as ``shown``."""
    return value if isinstance(value, str) and len(value) <= 60 else shown(value)


def text_problem(value: str, limit: int | None = NAME) -> str | None:
    """What is wrong with a text value as text (None: nothing): a NUL or an unpaired surrogate, or too long."""
    bad = _BAD_CHARACTERS.search(value)
    if bad is not None:
        what = "a NUL character" if bad.group() == "\x00" else "an unpaired surrogate (not valid Unicode)"
        return f"contains {what} at position {bad.start() + 1}: remove it"
    if limit is not None and len(value) > limit:
        return f"is {len(value)} characters long: at most {limit} fit"
    return None


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TIME = re.compile(r"\d{2}:\d{2}", re.ASCII)
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?", re.ASCII)
_TIME_SECONDS = re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?", re.ASCII)


def parse_date(value: object) -> date | None:
    """A date written exactly as `YYYY-MM-DD` (not ISO week dates or other spellings)."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_time(value: object) -> time | None:
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None


def parse_datetime(value: object) -> datetime | None:
    """A local date-time `YYYY-MM-DDTHH:MM` (seconds and their fraction allowed), no time zone."""
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


class _Checker:
    """Collects problems while walking the document."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def obj(self, value: object, path: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(path, "must be an object ({...})")
            return None
        return value

    def items(self, doc: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
        value = doc.get(key, [])
        if value is None:
            value = []
        if not isinstance(value, list):
            self.add(key, "must be a list ([...])")
            return []
        found = []
        for index, item in enumerate(value):
            path = f"{key}[{index}]"
            if isinstance(item, dict):
                found.append((path, item))
            else:
                self.add(path, "must be an object ({...})")
        return found

    def text(self, record: dict[str, Any], key: str, path: str, *, required: bool = True,
             limit: int | None = NAME) -> str | None:
        value = record.get(key)
        if value is None:
            if required:
                self.add(f"{path}.{key}", "is required: give a text value")
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            self.add(f"{path}.{key}", "must be a non-empty text value")
            return None
        problem = text_problem(value, limit)
        if problem:
            self.add(f"{path}.{key}", problem)
            return None
        return value

    def boolean(self, record: dict[str, Any], key: str, path: str, *, default: bool | None = None,
                meaning: str | None = None) -> bool | None:
        """A JSON true or false; ``meaning`` (what the value not by default says) is added to the problem."""
        value = record.get(key, default)
        if not isinstance(value, bool):
            message = "must be true or false"
            if meaning:
                message += f" (found {'null' if value is None else shown(value)}; {meaning})"
            self.add(f"{path}.{key}", message)
            return None
        return value

    def day(self, record: dict[str, Any], key: str, path: str, *, required: bool = True) -> date | None:
        value = record.get(key)
        if value is None:
            if required:
                self.add(f"{path}.{key}", "is required: give a date as YYYY-MM-DD")
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.add(f"{path}.{key}", f"{shown(value)} is not a date: write it as YYYY-MM-DD")
        elif not EARLIEST <= parsed <= LATEST:
            self.add(f"{path}.{key}", f"{value} is out of range: give a date from {EARLIEST.year} to {LATEST.year}")
            return None
        return parsed

    def clock(self, record: dict[str, Any], key: str, path: str) -> time | None:
        value = record.get(key)
        parsed = parse_time(value)
        if parsed is None:
            self.add(f"{path}.{key}", f"{shown(value)} is not a time: write it as HH:MM (24-hour)")
        return parsed

    def moment(self, record: dict[str, Any], key: str, path: str) -> datetime | None:
        value = record.get(key)
        parsed = parse_datetime(value)
        if parsed is None:
            self.add(f"{path}.{key}", f"{shown(value)} is not a date-time: write it as YYYY-MM-DDTHH:MM")
        elif not EARLIEST <= parsed.date() <= LATEST:
            self.add(f"{path}.{key}", f"{value} is out of range: give a date from {EARLIEST.year} to {LATEST.year}")
            return None
        return parsed

    def number(self, record: dict[str, Any], key: str, path: str, low: float, high: float,
               *, integer: bool = False, default: object = None) -> float | None:
        value = record.get(key, default)
        kind_ok = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not kind_ok:
            what = "a whole number" if integer else "a number"
            self.add(f"{path}.{key}", f"must be {what} from {low:g} to {high:g}")
            return None
        if not low <= value <= high:
            self.add(f"{path}.{key}", f"{shown(value)} is out of range: give a value from {low:g} to {high:g}")
            return None
        return cast(float, value)

    def choice(self, record: dict[str, Any], key: str, path: str, allowed: Iterable[str]) -> str | None:
        allowed = tuple(allowed)
        value = record.get(key)
        if value not in allowed:
            if value is None:
                self.add(f"{path}.{key}", "is required: one of " + ", ".join(allowed))
            else:
                self.add(f"{path}.{key}", f"{shown(value)} is not one of " + ", ".join(allowed))
            return None
        return cast(str, value)

    def ref(self, value: object, known: Iterable[object], path: str, what: str) -> bool:
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            self.add(path, f"must be the {what}'s key as text (found {shown(value)})")
            return False
        if value not in known:
            self.add(path, f"{shown(value)} is not a known {what}: add it to the dataset or correct the reference")
            return False
        return True

    def unique(self, items: list[tuple[str, dict[str, Any]]], key: str, what: str) -> dict[Any, dict[str, Any]]:
        seen: dict[Any, dict[str, Any]] = {}
        for path, record in items:
            value = record.get(key)
            if value is None or not isinstance(value, (str, int)) or isinstance(value, bool):
                continue  # a missing or malformed key is reported by the field's own check
            if value in seen:
                self.add(f"{path}.{key}", f"{shown(value)} is used by another {what}: each {key} must be unique")
            else:
                seen[value] = record
        return seen


def settings_problems(settings: dict[str, Any], path: str = "settings") -> list[Problem]:
    """Problems with a settings object (also used by the Settings screen's service)."""
    check = _Checker()
    if check.obj(settings, path) is not None:
        _check_settings(check, settings, path)
    return check.problems


def _check_letterhead(check: _Checker, settings: dict[str, Any], path: str) -> None:
    """The school's address (lines of a postal address) and telephone: optional, each within its length."""
    address = settings.get("address")
    if address is not None:
        if not isinstance(address, str):
            check.add(f"{path}.address", "must be text: the postal address, one line each")
        elif len(address) > ADDRESS_LIMIT:
            check.add(f"{path}.address", f"is too long: at most {ADDRESS_LIMIT} characters")
        elif len([line for line in address.splitlines() if line.strip()]) > 7:
            check.add(f"{path}.address", "has more than 7 lines: a postal address fits in 7")
        elif any(ord(c) < 32 and c not in "\n\r" for c in address):
            check.add(f"{path}.address", "holds a control character: type the address again")
    telephone = settings.get("telephone")
    if telephone is not None:
        if not isinstance(telephone, str):
            check.add(f"{path}.telephone", "must be text: the school's telephone number")
        elif len(telephone) > TELEPHONE_LIMIT:
            check.add(f"{path}.telephone", f"is too long: at most {TELEPHONE_LIMIT} characters")
        elif telephone.strip() and (sum(c.isdigit() for c in telephone) < 6
                                    or any(not (c.isdigit() or c in " +()-") for c in telephone.strip())):
            check.add(f"{path}.telephone", "is not a telephone number: digits, spaces, +, ( ) and - only, "
                      "e.g. 0113 496 0000")


def _check_settings(check: _Checker, settings: dict[str, Any], path: str) -> None:
    merged = {**SETTINGS_DEFAULTS, **settings}
    check.text(merged, "school_name", path)
    check.number(merged, "attendance_threshold_percent", path, 0, 100)
    check.number(merged, "max_authorised_weeks", path, 1, 52, integer=True)
    check.number(merged, "dbs_recheck_years", path, 1, 20, integer=True)
    check.number(merged, "under_five_review_months", path, 1, 12, integer=True)
    for key, default in EXTRA_SETTINGS_DEFAULTS.items():
        merged.setdefault(key, default)
    check.number(merged, "idle_lock_minutes", path, 1, 120, integer=True)
    check.number(merged, "retention_years", path, 25, 100, integer=True)
    _check_letterhead(check, merged, path)
    day = check.obj(merged.get("school_day"), f"{path}.school_day")
    if day is not None:
        start = check.clock(day, "start", f"{path}.school_day")
        end = check.clock(day, "end", f"{path}.school_day")
        if start and end and end <= start:
            check.add(f"{path}.school_day.end", "the school day must end after it starts")


def calendar_from_terms(terms: list[dict[str, Any]]) -> SchoolCalendar:
    """A calendar from already validated term records."""
    return SchoolCalendar(
        Term(
            t["name"], date.fromisoformat(t["first_day"]), date.fromisoformat(t["last_day"]),
            tuple(Closure(date.fromisoformat(c["from"]), date.fromisoformat(c["to"]), c.get("why") or "")
                  for c in t.get("closures") or ()),
        )
        for t in terms
    )


def term_problems(terms: list[tuple[str, dict[str, Any]]]) -> list[Problem]:
    check = _Checker()
    _check_terms(check, [(path, term) for path, term in terms if check.obj(term, path) is not None])
    return check.problems


def _check_terms(check: _Checker, terms: list[tuple[str, dict[str, Any]]]) -> bool:
    """Checks terms and their closures; True when all are sound enough to build a calendar."""
    before = len(check.problems)
    check.unique(terms, "name", "term")
    spans: list[tuple[date, date, str]] = []
    for path, term in terms:
        check.text(term, "name", path)
        first = check.day(term, "first_day", path)
        last = check.day(term, "last_day", path)
        if first and last:
            if last < first:
                check.add(f"{path}.last_day", "the term's last day is before its first day")
            else:
                for other_first, other_last, other_path in spans:
                    if first <= other_last and other_first <= last:
                        check.add(path, f"overlaps the term at {other_path}: terms must not overlap")
                spans.append((first, last, path))
        closures = term.get("closures", [])
        if not isinstance(closures, list):
            check.add(f"{path}.closures", "must be a list ([...])")
            continue
        for index, closure in enumerate(closures):
            cpath = f"{path}.closures[{index}]"
            if check.obj(closure, cpath) is None:
                continue
            start = check.day(closure, "from", cpath)
            end = check.day(closure, "to", cpath)
            check.text(closure, "why", cpath)
            if start and end:
                if end < start:
                    check.add(f"{cpath}.to", "the closure ends before it starts")
                elif first and last and first <= last and (start < first or end > last):
                    check.add(cpath, "a closure must fall inside its term's first and last day")
    return len(check.problems) == before


def validate_dataset(doc: object) -> list[Problem]:
    """Every problem in a `fairfields-school/1` document, each with its JSON path."""
    check = _Checker()
    if not isinstance(doc, dict):
        check.add("$", "the dataset must be a JSON object with \"format\": \"" + FORMAT + "\"")
        return check.problems
    if doc.get("format") != FORMAT:
        check.add("format", f"must be \"{FORMAT}\" (found {shown(doc.get('format'))})")
    for key in doc:
        if key not in SECTIONS and key != "format":
            check.add(key if isinstance(key, str) and key.strip() else f"(the key {shown(key)})",
                      "is not a key of the dataset format: remove it or check its spelling")

    settings = doc.get("settings")
    if settings is None:
        settings = {}
    if check.obj(settings, "settings") is not None:
        _check_settings(check, settings, "settings")
    merged_day = {**SETTINGS_DEFAULTS, **(settings if isinstance(settings, dict) else {})}["school_day"]
    day_start = parse_time(merged_day.get("start")) if isinstance(merged_day, dict) else None
    day_end = parse_time(merged_day.get("end")) if isinstance(merged_day, dict) else None

    terms = check.items(doc, "terms")
    calendar = calendar_from_terms([t for _, t in terms]) if _check_terms(check, terms) else None

    spaces = check.items(doc, "spaces")
    space_by_name = check.unique(spaces, "name", "space")
    for path, space_record in spaces:
        check.text(space_record, "name", path)
        check.text(space_record, "kind", path, limit=60)
        check.number(space_record, "capacity", path, 0, 10_000, integer=True)

    classes = check.items(doc, "classes")
    class_names = check.unique(classes, "name", "class")
    for path, klass in classes:
        check.text(klass, "name", path)
        room = klass.get("room")
        if room is not None and check.ref(room, space_by_name, f"{path}.room", "space"):
            if space_by_name[room].get("kind") != "classroom":
                check.add(f"{path}.room", f"{shown(room)} is a space of kind {shown(space_by_name[room].get('kind'))}: "
                          "a class's room must be a space of kind 'classroom'")

    staff = check.items(doc, "staff")
    staff_ids = check.unique(staff, "id", "member of staff")
    for path, person in staff:
        check.text(person, "id", path, limit=60)
        check.text(person, "name", path)
        check.text(person, "role", path)
        if person.get("class") is not None:
            check.ref(person["class"], class_names, f"{path}.class", "class")

    users = check.items(doc, "users")
    check.unique(users, "username", "user")
    for path, user in users:
        check.text(user, "username", path, limit=60)
        if user.get("staff") is not None:
            check.ref(user["staff"], staff_ids, f"{path}.staff", "member of staff")
        roles = user.get("roles")
        if not isinstance(roles, list) or not roles:
            check.add(f"{path}.roles", "must list at least one of " + ", ".join(ROLES))
        else:
            for index, role in enumerate(roles):
                if role not in ROLES:
                    check.add(f"{path}.roles[{index}]", f"{shown(role)} is not one of " + ", ".join(ROLES))
                elif role in roles[:index]:
                    check.add(f"{path}.roles[{index}]", f"{role!r} is listed twice: give each role once")
        has_password = isinstance(user.get("password"), str) and user["password"] != ""
        has_hash = isinstance(user.get("password_hash"), str) and user["password_hash"] != ""
        if has_password == has_hash:
            check.add(path,
                      "give either \"password\" (plain, hashed on load) or \"password_hash\", not both or neither")
        elif has_hash:
            check.text(user, "password_hash", path, limit=300)
        else:
            check.text(user, "password", path, limit=1000)
        # optional state of ours: a deactivated user cannot sign in; a reset one must choose a new password
        check.boolean(user, "active", path, default=True, meaning="false: the user can no longer sign in")
        check.boolean(user, "must_change_password", path, default=False,
                      meaning="true: they must choose a new password at their next sign-in")

    professionals = check.items(doc, "professionals")
    professional_by_id = check.unique(professionals, "id", "professional")
    for path, pro in professionals:
        _check_professional(check, pro, path)
        # optional state of ours: false for a professional who no longer works with the school
        check.boolean(pro, "active", path, default=True, meaning="false: no longer works with the school")

    pupils = check.items(doc, "pupils")
    pupil_by_upn = check.unique(pupils, "upn", "pupil")
    for path, pupil_record in pupils:
        _check_pupil(check, pupil_record, path, class_names, staff_ids, professional_by_id)
        # optional state of ours: the date the pupil left the school (absent or null while on roll)
        check.day(pupil_record, "left_on", path, required=False)

    bookings = check.items(doc, "bookings")
    check.unique(bookings, "id", "booking")
    # with its dates given one by one (`booking_occurrences`, from a dump), a booking's dates are those:
    # each was checked when it was booked, moved or cancelled, and the overlaps are checked on them
    occurrences_given = isinstance(doc.get("booking_occurrences"), list)
    occurrences: dict[str, list[tuple[datetime, datetime, str, str]]] = {}
    for path, booking in bookings:
        check.text(booking, "id", path, limit=60)
        space = booking.get("space")
        check.ref(space, space_by_name, f"{path}.space", "space")
        start = check.moment(booking, "start", path)
        end = check.moment(booking, "end", path)
        if booking.get("professional") is not None:
            check.ref(booking["professional"], professional_by_id, f"{path}.professional", "professional")
        for field, known, what in (("staff", staff_ids, "member of staff"), ("pupils", pupil_by_upn, "pupil (UPN)")):
            values = booking.get(field, [])
            if not isinstance(values, list):
                check.add(f"{path}.{field}", "must be a list ([...])")
                continue
            for index, value in enumerate(values):
                if check.ref(value, known, f"{path}.{field}[{index}]", what) and value in values[:index]:
                    check.add(f"{path}.{field}[{index}]", f"{value!r} is listed twice: give each once")
        if booking.get("purpose") is not None and not isinstance(booking.get("purpose"), str):
            check.add(f"{path}.purpose", "must be text")
        elif booking.get("purpose") is not None:
            check.text(booking, "purpose", path, required=False, limit=None)
        for optional in ("notes", "direct_reason"):
            if booking.get(optional) is not None and not isinstance(booking.get(optional), str):
                check.add(f"{path}.{optional}", "must be text")
            elif booking.get(optional) is not None:
                check.text(booking, optional, path, required=False, limit=None)
        status = check.choice(booking, "status", path, BOOKING_STATUSES)
        until = check.day(booking, "repeat_weekly_until", path, required=False)
        if start is None or end is None:
            continue
        if end <= start:
            check.add(f"{path}.end", f"the booking ends ({end:%H:%M}) before or when it starts ({start:%H:%M}): "
                      "the end must be later than the start")
            continue
        if end.date() != start.date():
            check.add(f"{path}.end", "a booking must start and end on the same day")
            continue
        if day_start and day_end and (start.time() < day_start or end.time() > day_end):
            check.add(path, f"{start:%H:%M}–{end:%H:%M} is outside the school day "
                      f"({day_start:%H:%M}–{day_end:%H:%M})")
        if until is not None and until < start.date():
            check.add(f"{path}.repeat_weekly_until", "is before the booking's first date")
            continue
        if until is not None and until - start.date() > LONGEST_SERIES:
            check.add(f"{path}.repeat_weekly_until", "is more than 10 years after the booking's first date: "
                      "check the year")
            continue
        if calendar is not None and status == "booked" and not occurrences_given:
            why = calendar.why_not_school_day(start.date())
            if why is not None:
                check.add(f"{path}.start", f"{start:%a %d %b %Y} is not a school day ({why})")
                continue
            dates = calendar.weekly_dates(start.date(), until) if until else [start.date()]
            if isinstance(space, str):
                for day in dates:
                    occurrences.setdefault(space, []).append((
                        datetime.combine(day, start.time()), datetime.combine(day, end.time()),
                        path, _shown(booking.get("id")),
                    ))
    for space, slots in occurrences.items():
        slots.sort()
        latest_end: datetime | None = None
        latest_path = latest_id = ""
        for start, end, path, ident in slots:
            if latest_end is not None and start < latest_end and latest_path != path:
                check.add(path, f"overlaps booking {shown(latest_id)} in {_word(space)} on {start:%a %d %b %Y}: "
                          "two bookings of one space may not overlap")
            if latest_end is None or end > latest_end:
                latest_end, latest_path, latest_id = end, path, ident

    requests = check.items(doc, "requests")
    request_ids = check.unique(requests, "id", "request")
    for path, request in requests:
        _check_request(check, request, path, pupil_by_upn, professional_by_id, space_by_name,
                       staff_ids, request_ids)

    review_dates = _check_annual_reviews(check, doc, pupil_by_upn, professional_by_id)
    _check_outcomes(check, doc, pupil_by_upn, professional_by_id)

    for path, advice in check.items(doc, "advice_requests"):
        check.ref(advice.get("pupil"), pupil_by_upn, f"{path}.pupil", "pupil (UPN)")
        check.ref(advice.get("professional"), professional_by_id, f"{path}.professional", "professional")
        kind = check.choice(advice, "kind", path, ADVICE_KINDS)
        requested = check.day(advice, "requested_on", path)
        check.day(advice, "due", path, required=kind == "annual_review")
        received = check.day(advice, "received_on", path, required=False)
        if requested and received and received < requested:
            check.add(f"{path}.received_on", "is before the advice was requested")
        # a due date before requested_on is kept: advice asked for late (after the date it was due for a
        # review's circulation) is recorded as it was, and a dump of such a database must load
        check.text(advice, "purpose", path, required=False, limit=None)
        meeting = check.day(advice, "review_meeting_on", path, required=False)
        if meeting is not None:
            pupil = advice.get("pupil")
            if kind is not None and kind != "annual_review":
                check.add(f"{path}.review_meeting_on", f"only advice of kind 'annual_review' is for a review "
                          f"meeting (this is {shown(kind)}): remove review_meeting_on or change the kind")
            elif isinstance(pupil, str) and pupil in pupil_by_upn and (pupil, meeting) not in review_dates:
                check.add(f"{path}.review_meeting_on", f"{pupil!r} has no annual review meeting on "
                          f"{meeting.isoformat()}: add it to annual_reviews or correct the date")

    for path, assessment in check.items(doc, "assessments"):
        check.ref(assessment.get("pupil"), pupil_by_upn, f"{path}.pupil", "pupil (UPN)")
        previous: date | None = None
        previous_key = ""
        first: date | None = None
        for key in ASSESSMENT_STAGES:
            value = check.day(assessment, key, path, required=key == "requested_on")
            if key == "requested_on":
                first = value
            if value and previous and value < previous:
                check.add(f"{path}.{key}", f"is before {previous_key}: the stages happen in order")
            if value:
                previous, previous_key = value, key
        stopped = check.day(assessment, "stopped_on", path, required=False)
        reason = assessment.get("stopped_reason")
        check.text(assessment, "stopped_reason", path, required=False, limit=None)
        if stopped is not None:
            if first and stopped < first:
                check.add(f"{path}.stopped_on", "is before the assessment was requested")
            if assessment.get("final_issued_on") is not None:
                check.add(f"{path}.stopped_on", "the final plan was issued: a finished assessment is not also "
                          "stopped; remove stopped_on or final_issued_on")
            if reason is None or isinstance(reason, str) and not reason.strip():
                check.add(f"{path}.stopped_reason", "is required when stopped_on is given: say what the LA "
                          "decided (e.g. not to assess)")
        elif reason is not None and assessment.get("stopped_on") is None:
            check.add(f"{path}.stopped_on", "is required with stopped_reason: give the date the LA decided, "
                      "as YYYY-MM-DD")

    _check_database_rows(check, doc)
    return check.problems


def _check_annual_reviews(check: _Checker, doc: dict[str, Any], pupil_by_upn: dict[str, Any],
                          professional_by_id: dict[str, Any]) -> set[tuple[str, date]]:
    """Checks `annual_reviews`; returns the (UPN, meeting date) of every review, for advice to refer to."""
    dates: set[tuple[str, date]] = set()
    planned: dict[str, str] = {}
    for path, review in check.items(doc, "annual_reviews"):
        pupil: Any = review.get("pupil")  # a UPN when known
        known = check.ref(pupil, pupil_by_upn, f"{path}.pupil", "pupil (UPN)")
        meeting = check.day(review, "meeting_on", path)
        if known and meeting is not None:
            dates.add((pupil, meeting))
        if review.get("meeting_at") is not None:
            check.clock(review, "meeting_at", path)
        check.text(review, "place", path, required=False)
        status = check.choice(review, "status", path, REVIEW_STATUSES)
        if status == "planned" and known:
            if pupil in planned:
                check.add(f"{path}.status", f"{pupil!r} already has a planned review at {planned[pupil]}: a pupil "
                          "has at most one planned review; mark the other held or cancelled")
            else:
                planned[pupil] = path
        reason = review.get("cancelled_reason")
        check.text(review, "cancelled_reason", path, required=False, limit=None)
        if status == "cancelled" and (reason is None or isinstance(reason, str) and not reason.strip()):
            check.add(f"{path}.cancelled_reason", "is required for a cancelled review: say why the meeting "
                      "was cancelled")
        check.day(review, "invitations_sent_on", path, required=False)
        for key in ("child_views", "parent_views", "budget_review", "proposed_amendments"):
            check.text(review, key, path, required=False, limit=None)
        after = {key: check.day(review, key, path, required=False) for key in REVIEW_AFTER_DATES}
        for key, value in after.items():
            if value is None:
                continue
            if status is not None and status != "held":
                check.add(f"{path}.{key}", f"the review is {status}: {key} is recorded only after the meeting "
                          "was held; remove it or set status to held")
            elif meeting is not None and value < meeting:
                check.add(f"{path}.{key}", f"is before the meeting ({meeting.isoformat()}): it comes after it")
        if after["final_plan_on"] is not None and review.get("amendment_notice_on") is None:
            check.add(f"{path}.final_plan_on", "needs amendment_notice_on: the LA's notice of the proposed "
                      "amendments comes before the final plan")
        if review.get("created_by") is not None:
            check.text(review, "created_by", path, limit=60)
        if review.get("created_at") is not None:
            check.moment(review, "created_at", path)
        for index, invitee in enumerate(_list(check, review, "invitees", path)):
            ipath = f"{path}.invitees[{index}]"
            if check.obj(invitee, ipath) is None:
                continue
            check.choice(invitee, "role", ipath, INVITEE_ROLES)
            check.text(invitee, "name", ipath)
            if invitee.get("professional") is not None:
                check.ref(invitee["professional"], professional_by_id, f"{ipath}.professional", "professional")
            check.day(invitee, "removed_on", ipath, required=False)
        for index, circulation in enumerate(_list(check, review, "circulations", path)):
            cpath = f"{path}.circulations[{index}]"
            if check.obj(circulation, cpath) is None:
                continue
            check.text(circulation, "document", cpath)
            check.text(circulation, "sent_to", cpath, limit=None)
            check.day(circulation, "sent_on", cpath)
            if circulation.get("recorded_by") is not None:
                check.text(circulation, "recorded_by", cpath, limit=60)
    return dates


def _check_outcomes(check: _Checker, doc: dict[str, Any], pupil_by_upn: dict[str, Any],
                    professional_by_id: dict[str, Any]) -> None:
    for path, outcome in check.items(doc, "outcomes"):
        check.ref(outcome.get("pupil"), pupil_by_upn, f"{path}.pupil", "pupil (UPN)")
        check.choice(outcome, "area", path, AREAS_OF_NEED)
        check.text(outcome, "text", path, limit=None)
        _check_ending(check, outcome, path, "outcome")
        for index, target in enumerate(_list(check, outcome, "targets", path)):
            tpath = f"{path}.targets[{index}]"
            if check.obj(target, tpath) is None:
                continue
            check.text(target, "text", tpath, limit=None)
            if target.get("professional") is not None:
                check.ref(target["professional"], professional_by_id, f"{tpath}.professional", "professional")
            check.text(target, "programme", tpath, required=False, limit=None)
            check.text(target, "strategy", tpath, required=False, limit=None)
            _check_ending(check, target, tpath, "target")


def _check_ending(check: _Checker, record: dict[str, Any], path: str, what: str) -> None:
    """`set_on`, `status` (current, achieved or ceased) and `ended_on`, given when (and only when) it ended."""
    set_on = check.day(record, "set_on", path)
    status = check.choice(record, "status", path, OUTCOME_STATUSES)
    ended = check.day(record, "ended_on", path, required=status in ("achieved", "ceased"))
    if status == "current" and record.get("ended_on") is not None:
        check.add(f"{path}.ended_on", f"a current {what} has not ended: remove ended_on, or set status to "
                  "achieved or ceased")
    elif set_on and ended and ended < set_on:
        check.add(f"{path}.ended_on", f"is before the {what} was set ({set_on.isoformat()})")


def professional_field_problems(values: dict[str, Any]) -> list[Problem]:
    """Problems with one professional's record (the edit form), each at its field's path."""
    check = _Checker()
    _check_professional(check, values, "")
    return [Problem(p.where.lstrip("."), p.message) for p in check.problems]


def _check_professional(check: _Checker, pro: dict[str, Any], path: str) -> None:
    check.text(pro, "id", path, limit=60)
    check.text(pro, "name", path)
    check.text(pro, "discipline", path, limit=80)
    check.choice(pro, "kind", path, PROFESSIONAL_KINDS)
    for key in ("organisation", "email", "phone"):
        check.text(pro, key, path, required=False, limit=60 if key == "phone" else NAME)
    checks = pro.get("checks")
    if checks is None:
        checks = {}
    if check.obj(checks, f"{path}.checks") is None:
        return
    cpath = f"{path}.checks"
    dbs = checks.get("dbs")
    if dbs is not None and check.obj(dbs, f"{cpath}.dbs") is not None:
        kind = check.choice(dbs, "type", f"{cpath}.dbs", DBS_TYPES)
        check.day(dbs, "date", f"{cpath}.dbs")
        if kind == "employer_assurance":
            check.text(dbs, "given_by", f"{cpath}.dbs")
        check.text(dbs, "certificate", f"{cpath}.dbs", required=False, limit=60)
        check.boolean(dbs, "barred_list", f"{cpath}.dbs", default=False)
        check.boolean(dbs, "update_service", f"{cpath}.dbs", default=False)
    registration = checks.get("registration")
    if registration is not None and check.obj(registration, f"{cpath}.registration") is not None:
        check.text(registration, "body", f"{cpath}.registration", limit=60)
        check.text(registration, "number", f"{cpath}.registration", limit=60)
        check.day(registration, "checked_on", f"{cpath}.registration", required=False)
    check.day(checks, "insurance_expires", cpath, required=False)


def _check_pupil(check: _Checker, pupil: dict[str, Any], path: str, class_names: dict[str, Any],
                 staff_ids: dict[str, Any],
                 professional_by_id: dict[str, Any]) -> None:
    problem = upn_problem(pupil.get("upn"))
    if problem:
        check.add(f"{path}.upn", problem)
    check.text(pupil, "first_name", path)
    check.text(pupil, "last_name", path)
    check.day(pupil, "date_of_birth", path)
    if pupil.get("year_group") not in YEAR_GROUPS or isinstance(pupil.get("year_group"), bool):
        check.add(f"{path}.year_group", f"{shown(pupil.get('year_group'))} is not a year group: "
                  "give a whole number from -1 (Nursery) and 0 (Reception) to 14")
    check.ref(pupil.get("class"), class_names, f"{path}.class", "class")
    attendance = pupil.get("attendance")
    if attendance is not None and check.obj(attendance, f"{path}.attendance") is not None:
        check.number(attendance, "percent", f"{path}.attendance", 0, 100)
        check.day(attendance, "as_of", f"{path}.attendance")
    ehcp = pupil.get("ehcp")
    if ehcp is not None and check.obj(ehcp, f"{path}.ehcp") is not None:
        issued = check.day(ehcp, "issued", f"{path}.ehcp")
        last = check.day(ehcp, "last_review", f"{path}.ehcp", required=False)
        if issued and last and last < issued:
            check.add(f"{path}.ehcp.last_review", "is before the plan was issued")
        budget = ehcp.get("personal_budget")
        if budget is not None and check.obj(budget, f"{path}.ehcp.personal_budget") is not None:
            check.text(budget, "reference", f"{path}.ehcp.personal_budget", limit=80)
            check.number(budget, "annual_amount_gbp", f"{path}.ehcp.personal_budget", 0, 10_000_000)
    areas = pupil.get("areas_of_need", [])
    if not isinstance(areas, list):
        check.add(f"{path}.areas_of_need", "must be a list")
    else:
        for index, area in enumerate(areas):
            if area not in AREAS_OF_NEED:
                check.add(f"{path}.areas_of_need[{index}]", f"{shown(area)} is not one of " + ", ".join(AREAS_OF_NEED))
    for index, contact in enumerate(_list(check, pupil, "contacts", path)):
        cpath = f"{path}.contacts[{index}]"
        if check.obj(contact, cpath) is None:
            continue
        check.text(contact, "name", cpath)
        check.text(contact, "relationship", cpath, limit=80)
        check.boolean(contact, "parental_responsibility", cpath, default=False)
        check.text(contact, "phone", cpath, required=False, limit=60)
        check.text(contact, "email", cpath, required=False)
    looked_after = pupil.get("looked_after")
    if looked_after is not None and check.obj(looked_after, f"{path}.looked_after") is not None:
        check.text(looked_after, "local_authority", f"{path}.looked_after")
        check.text(looked_after, "social_worker", f"{path}.looked_after", required=False)
    key_worker = pupil.get("key_worker")
    if key_worker is not None and check.obj(key_worker, f"{path}.key_worker") is not None:
        if "staff" in key_worker and key_worker.get("staff") is not None:
            check.ref(key_worker["staff"], staff_ids, f"{path}.key_worker.staff", "member of staff")
        elif "professional" in key_worker and key_worker.get("professional") is not None:
            check.ref(key_worker["professional"], professional_by_id, f"{path}.key_worker.professional",
                      "professional")
        else:
            check.add(f"{path}.key_worker", "must be null, {\"staff\": ID} or {\"professional\": ID}")
    for index, consent in enumerate(_list(check, pupil, "consent", path)):
        cpath = f"{path}.consent[{index}]"
        if check.obj(consent, cpath) is None:
            continue
        check.text(consent, "share_with", cpath)
        check.text(consent, "what", cpath)
        check.text(consent, "given_by", cpath)
        given = check.day(consent, "on", cpath)
        withdrawn = check.day(consent, "withdrawn_on", cpath, required=False)
        if given and withdrawn and withdrawn < given:
            check.add(f"{cpath}.withdrawn_on", "is before the consent was given")
        _check_consent_as_data(check, consent, cpath, given)


def _check_consent_as_data(check: _Checker, consent: dict[str, Any], path: str, given: date | None) -> None:
    """The optional keys of a consent as data (`sections`, `until`, `given_by_kind`, `reviewed_on`): without
    `sections` a consent is one recorded in words, to be reviewed (it shares nothing until then)."""
    sections = consent.get("sections")
    if sections is not None:
        if not isinstance(sections, list) or not sections:
            check.add(f"{path}.sections", "must be a list of one or more of " + ", ".join(CONSENT_SECTIONS))
        else:
            for index, section in enumerate(sections):
                if section not in CONSENT_SECTIONS:
                    check.add(f"{path}.sections[{index}]",
                              f"{shown(section)} is not one of " + ", ".join(CONSENT_SECTIONS))
        check.choice(consent, "given_by_kind", path, GIVER_KINDS)
    elif consent.get("given_by_kind") is not None:
        check.choice(consent, "given_by_kind", path, GIVER_KINDS)
    until = check.day(consent, "until", path, required=False)
    if given and until and until < given:
        check.add(f"{path}.until", "is before the consent was given")
    check.day(consent, "reviewed_on", path, required=False)


def _check_request(check: _Checker, request: dict[str, Any], path: str, pupil_by_upn: dict[str, Any],
                   professional_by_id: dict[str, Any], space_by_name: dict[str, Any], staff_ids: dict[str, Any],
                   request_ids: dict[str, Any]) -> None:
    check.text(request, "id", path, limit=60)
    check.ref(request.get("pupil"), pupil_by_upn, f"{path}.pupil", "pupil (UPN)")
    professional: Any = request.get("professional")
    if check.ref(professional, professional_by_id, f"{path}.professional", "professional"):
        kind = professional_by_id[professional].get("kind")
        if kind != "independent":
            check.add(f"{path}.professional", f"{shown(professional)} is {_word(kind)}: requests are for independent "
                      "professionals only")
    check.choice(request, "setting", path, REQUEST_SETTINGS)
    first = check.day(request, "first_session", path)
    last = check.day(request, "last_session", path)
    if first and last and last < first:
        check.add(f"{path}.last_session", "is before the first session")
    elif first and last and last - first > LONGEST_SERIES:
        check.add(f"{path}.last_session", "is more than 10 years after the first session: check the year")
    weekday = check.choice(request, "weekday", path, WEEKDAYS[:5])
    if weekday and first and WEEKDAYS[first.weekday()] != weekday:
        check.add(f"{path}.first_session", f"{first.isoformat()} is a {WEEKDAYS[first.weekday()]}, "
                  f"not the request's weekday ({weekday})")
    start = check.clock(request, "start_time", path)
    end = check.clock(request, "end_time", path)
    if start and end and end <= start:
        check.add(f"{path}.end_time", "the session must end after it starts")
    approval = request.get("ehcp_team_approval")
    if approval is not None and check.obj(approval, f"{path}.ehcp_team_approval") is not None:
        check.day(approval, "on", f"{path}.ehcp_team_approval")
        check.text(approval, "reference", f"{path}.ehcp_team_approval", limit=80)
    check.boolean(request, "personal_budget_linked", path, default=False)
    check.boolean(request, "classroom_sessions_agreed", path, default=False)
    if request.get("space") is not None:
        check.ref(request["space"], space_by_name, f"{path}.space", "space")
    if request.get("class_staff") is not None:
        check.ref(request["class_staff"], staff_ids, f"{path}.class_staff", "member of staff")
    if request.get("extends") is not None:
        if request["extends"] == request.get("id"):
            check.add(f"{path}.extends", "a request cannot extend itself")
        else:
            check.ref(request["extends"], request_ids, f"{path}.extends", "request")
    check.text(request, "extension_reason", path, required=False, limit=None)
    check.text(request, "outside_school_day", path, required=False, limit=None)
    check.choice(request, "status", path, REQUEST_STATUSES)
    for index, entry in enumerate(_list(check, request, "history", path)):
        hpath = f"{path}.history[{index}]"
        if check.obj(entry, hpath) is None:
            continue
        check.moment(entry, "at", hpath)
        check.text(entry, "by", hpath, limit=60)
        check.text(entry, "action", hpath, limit=40)
        check.text(entry, "reason", hpath, required=False, limit=None)


def _list(check: _Checker, record: dict[str, Any], key: str, path: str) -> list[Any]:
    value = record.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        check.add(f"{path}.{key}", "must be a list ([...])")
        return []
    return value




# --- the database's own rows: ids, state and the tables the sections do not hold --------------------------
#: the largest id (and whole number) a database column holds
LARGEST = 2_147_483_647


def _is_id(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= LARGEST


def record_ids(doc: dict[str, Any]) -> dict[str, list[tuple[str, dict[str, Any], int]]]:
    """Each record of the sections, by table, with its path and database id in the document's order.

    The id is the record's `row.id` when given, else the one after the previous record's of its table
    (1 for the first): a load keeps these ids, and `dump` writes `row.id` only where it is needed."""
    found: dict[str, list[tuple[str, dict[str, Any], int]]] = {}
    for table, section, inner in SECTION_WALK:
        entries: list[tuple[str, dict[str, Any], int]] = []
        previous = 0
        records = doc.get(section)
        for index, record in enumerate(records if isinstance(records, list) else ()):
            if not isinstance(record, dict):
                continue
            if inner is None:
                items = [(f"{section}[{index}]", record)]
            else:
                values = record.get(inner)
                items = [(f"{section}[{index}].{inner}[{number}]", value)
                         for number, value in enumerate(values) if isinstance(value, dict)] \
                    if isinstance(values, list) else []
            for path, item in items:
                row = item.get("row")
                given = row.get("id") if isinstance(row, dict) else None
                ident = given if _is_id(given) else previous + 1
                entries.append((path, item, ident))
                previous = ident
        found[table] = entries
    return found


def row_ids(rows: list[Any], has_id: bool = True) -> list[int | None]:
    """The id of each row of a `ROW_TABLES` key: its `id`, or the one after the previous row's."""
    found: list[int | None] = []
    previous = 0
    for row in rows:
        given = row.get("id") if isinstance(row, dict) else None
        ident = (given if _is_id(given) else previous + 1) if has_id else None
        found.append(ident)
        previous = ident or previous
    return found


def _spec(spec: str) -> tuple[str, int | None, bool, str | None]:
    """"text60?>spaces" → ("text", 60, nullable, "spaces")."""
    kind, _, target = spec.partition(">")
    nullable = kind.endswith("?")
    kind = kind.rstrip("?")
    limit = None
    if kind.startswith("text") and kind != "text":
        kind, limit = "text", int(kind[4:])
    return kind, limit, nullable, target or None


_WORDS = {"int": "a whole number", "float": "a number", "bool": "true or false", "date": "a date as YYYY-MM-DD",
          "datetime": "a date-time as YYYY-MM-DDTHH:MM:SS", "time": "a time as HH:MM", "json": "a JSON value",
          "text": "a text value"}


def _default(column: str, kind: str) -> object:
    if column in EXTRA_DEFAULTS:
        return EXTRA_DEFAULTS[column]
    return False if kind == "bool" else None


def _check_column(check: _Checker, row: dict[str, Any], column: str, spec: str, path: str,
                  known: dict[str, set[int]]) -> None:
    kind, limit, nullable, target = _spec(spec)
    where = f"{path}.{column}"
    value = row.get(column, _default(column, kind))
    if value is None:
        if not nullable:
            check.add(where, f"is required: give {_WORDS[kind]}")
        return
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            check.add(where, f"must be a whole number (found {shown(value)})")
        elif not (1 if target or column in ("id", "version") else 0) <= value <= LARGEST:
            check.add(where, f"{shown(value)} is out of range: give a whole number from "
                      f"{1 if target or column in ('id', 'version') else 0} to {LARGEST}")
        elif target is not None and value not in known.get(target, ()):
            check.add(where, f"{value} is not the id of a row of {target}: correct the reference, or add the "
                      "row it refers to")
    elif kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            check.add(where, f"must be a number (found {shown(value)})")
        elif not -1e12 <= value <= 1e12:
            check.add(where, f"{shown(value)} is out of range")
    elif kind == "bool":
        if not isinstance(value, bool):
            check.add(where, f"must be true or false (found {shown(value)})")
    elif kind == "text":
        if not isinstance(value, str):
            check.add(where, f"must be a text value (found {shown(value)})")
        else:
            problem = text_problem(value, limit)
            if problem:
                check.add(where, problem)
    elif kind == "date":
        check.day(row, column, path)
    elif kind == "datetime":
        check.moment(row, column, path)
    elif kind == "time" and (not isinstance(value, str) or not _TIME_SECONDS.fullmatch(value)
                             or _time_or_none(value) is None):
        check.add(where, f"{shown(value)} is not a time: write it as HH:MM or HH:MM:SS (24-hour)")
    elif kind == "json" and not _json_value(value):
        check.add(where, "must be a JSON value (objects, lists, text, numbers, true, false, null)")


def _time_or_none(value: str) -> time | None:
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None


def _json_value(value: object, depth: int = 0) -> bool:
    if depth > 50:
        return False
    if value is None or isinstance(value, (str, bool, int)):
        return not isinstance(value, str) or text_problem(value, None) is None
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_json_value(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_value(v, depth + 1) for k, v in value.items())
    return False


def _unknown_columns(check: _Checker, row: dict[str, Any], spec: dict[str, str], path: str, table: str) -> None:
    for column in row:
        if column not in spec:
            where = f"{path}.{column}" if isinstance(column, str) and column.strip() else f"{path}.({shown(column)})"
            check.add(where, f"is not a column of {table}: remove it or check its spelling "
                      f"(the columns: {', '.join(spec)})")


def _check_database_rows(check: _Checker, doc: dict[str, Any]) -> None:
    """The optional `row` of the sections' records and the `ROW_TABLES` keys: types, ids, references."""
    sections = record_ids(doc)
    known: dict[str, set[int]] = {}
    for table, entries in sections.items():
        seen: dict[int, str] = {}
        for path, record, ident in entries:
            row = record.get("row")
            given = isinstance(row, dict) and row.get("id") is not None
            if ident in seen:
                where = f"{path}.row.id" if given else path
                check.add(where, f"the id {ident}{'' if given else ' (the one after the record before)'} is "
                          f"also that of {seen[ident]}: give each record of {table} its own row.id")
            else:
                seen[ident] = path
        known[table] = set(seen)
    settings = doc.get("settings")
    if isinstance(settings, dict):
        known["school_settings"] = {1}
    tables: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for table, spec in ROW_TABLES.items():
        items = check.items(doc, table)
        tables[table] = items
        if "id" not in spec:
            continue
        seen = {}
        for (path, _row), row_id in zip(items, row_ids([r for _, r in items]), strict=True):
            if row_id in seen and row_id is not None:
                check.add(f"{path}.id", f"the id {row_id} is also that of {seen[row_id]}: each row of {table} "
                          "needs its own id")
            elif row_id is not None:
                seen[row_id] = path
        known[table] = set(seen)

    # the sections' own `row`: the columns their keys do not hold
    if isinstance(settings, dict) and settings.get("row") is not None:
        _check_extras(check, settings, "settings", "school_settings", known)
    for table, entries in sections.items():
        for path, record, _ident in entries:
            if record.get("row") is not None:
                _check_extras(check, record, path, table, known)

    for table, spec in ROW_TABLES.items():
        for path, row in tables[table]:
            _unknown_columns(check, row, spec, path, table)
            for column, column_spec in spec.items():
                if column == "id" and row.get("id") is None:
                    continue  # the one after the previous row's
                _check_column(check, row, column, column_spec, path, known)
    _check_row_rules(check, tables, known)


def _check_extras(check: _Checker, record: dict[str, Any], path: str, table: str, known: dict[str, set[int]]) -> None:
    row = check.obj(record.get("row"), f"{path}.row")
    if row is None:
        return
    spec = ROW_EXTRAS[table]
    _unknown_columns(check, row, spec, f"{path}.row", table)
    for column, column_spec in spec.items():
        if column in row:
            _check_column(check, row, column, column_spec, f"{path}.row", known)


def _check_row_rules(check: _Checker, tables: dict[str, list[tuple[str, dict[str, Any]]]],
                     known: dict[str, Any]) -> None:
    """The database's own rules on these rows (its check constraints and unique keys), and no overlaps."""
    for table, first, last, how in (("booking_occurrences", "starts_at", "ends_at", "moment"),
                                    ("space_closures", "starts_on", "ends_on", "day"),
                                    ("delegations", "starts_on", "ends_on", "day")):
        for path, row in tables[table]:
            parse = parse_datetime if how == "moment" else parse_date
            start, end = parse(row.get(first)), parse(row.get(last))
            if start is not None and end is not None and (end <= start if how == "moment" else end < start):
                check.add(f"{path}.{last}", f"is {'not after' if how == 'moment' else 'before'} {first}")
    for path, row in tables["booking_occurrences"]:
        if row.get("status", None) not in BOOKING_STATUSES:
            check.add(f"{path}.status", f"{shown(row.get('status'))} is not one of " + ", ".join(BOOKING_STATUSES))
    for path, row in tables["visits"]:
        kind = row.get("kind", "professional")
        if kind not in VISITOR_KINDS:
            check.add(f"{path}.kind", f"{shown(kind)} is not one of " + ", ".join(VISITOR_KINDS))
            continue
        if kind == "professional":
            if row.get("purpose") not in VISIT_PURPOSES:
                check.add(f"{path}.purpose", f"{shown(row.get('purpose'))} is not one of " + ", ".join(VISIT_PURPOSES))
            if row.get("professional_id") is None:
                check.add(f"{path}.professional_id", "is required for a professional's visit: give the id of a row "
                          "of professionals")
        else:
            if row.get("purpose") is not None and row.get("purpose") not in VISIT_PURPOSES:
                check.add(f"{path}.purpose", f"{shown(row.get('purpose'))} is not one of " + ", ".join(VISIT_PURPOSES))
            if row.get("professional_id") is not None:
                check.add(f"{path}.professional_id", f"a {kind}'s visit names no professional: remove it, or make "
                          "the kind professional")
            if not isinstance(row.get("name"), str) or not row.get("name", "").strip():
                check.add(f"{path}.name", f"is required for a {kind}'s visit: give the visitor's name")
    for table, columns in (("session_records", ("occurrence_id",)), ("visit_pupils", ("visit_id", "pupil_id"))):
        seen: dict[tuple[Any, ...], str] = {}
        for path, row in tables[table]:
            key = tuple(row.get(c) for c in columns)
            if not all(_is_id(v) for v in key):
                continue
            if key in seen:
                check.add(f"{path}.{columns[-1]}", f"is also given at {seen[key]}: each "
                          + " and ".join(columns) + " may appear once")
            else:
                seen[key] = path
    # two dates booked in one space may not overlap
    slots: dict[object, list[tuple[datetime, datetime, str, object]]] = {}
    ids = row_ids([r for _, r in tables["booking_occurrences"]])
    for (path, row), ident in zip(tables["booking_occurrences"], ids, strict=True):
        start, end = parse_datetime(row.get("starts_at")), parse_datetime(row.get("ends_at"))
        space = row.get("space_id")
        if row.get("status") == "booked" and start and end and start < end and _is_id(space):
            slots.setdefault(space, []).append((start, end, path, ident))
    for space, found in slots.items():
        found.sort(key=lambda slot: (slot[0], slot[1]))
        latest: tuple[datetime, str, object] | None = None
        for start, end, path, occurrence in found:
            if latest is not None and start < latest[0]:
                check.add(path, f"overlaps booking occurrence {latest[2]} ({latest[1]}) in space {space} on "
                          f"{start:%a %d %b %Y}: two booked dates of one space may not overlap")
            if latest is None or end > latest[0]:
                latest = (end, path, occurrence)
