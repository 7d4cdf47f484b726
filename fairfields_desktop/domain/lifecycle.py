"""A request's life as one state machine: its statuses, the actions between them, what each action needs
and what it does to the sessions.

The service enforces it (`services.requests.RequestService.decide`), the window builds its decision
buttons and forms from it, and the command line gets the same refusals. Pure: no Qt, no database.

Stored statuses: draft, submitted, approved, declined, suspended, ended. "Active", "completed" and
"expired" are derived from the dates (`derived_state`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .checks import day_text
from .errors import Problem
from .school import REQUEST_STATUSES

STATUSES = REQUEST_STATUSES  # the stored statuses, as the dataset format names them
DERIVED_STATES = ("active", "completed", "expired")
UNDECIDED = ("draft", "submitted")

#: what an action does to the request's booked sessions
BOOKS, CANCELS_FUTURE, REBOOKS, NO_SESSIONS = "books", "cancels future", "re-books", "none"


@dataclass(frozen=True)
class Field:
    """One thing an action asks for: its key (the service's keyword and the CLI's option), in words."""

    key: str
    label: str
    help: str
    required: bool = True
    kind: str = "text"  # "text" | "date" | "attendees" | "overrides"


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # the button's words (with an & for its shortcut)
    verb: str  # "approved": "r-001 cannot be approved"
    help: str
    from_statuses: tuple[str, ...]
    to_status: str | None  # None: the status stays (a review meeting)
    sessions: str
    fields: tuple[Field, ...] = ()
    ok_text: str = "OK"


_REASON = "reason"
ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("submit", "Su&bmit for decision", "submitted", "Send the request to the headteacher for a decision.",
           ("draft",), "submitted", NO_SESSIONS,
           (Field("outside_school_day", "Outside the school day",
                  "Were sessions outside the school day considered, and why will they not do?"),),
           "Submit"),
    Action("approve", "&Approve…", "approved",
           "Authorise the sessions. Every rule not met needs a reason for overriding it; in-school sessions in a "
           "space are booked.", UNDECIDED, "approved", BOOKS,
           (Field("overrides", "Override reasons", "A reason for each rule not met (all required)",
                  kind="overrides"),
            Field(_REASON, "Note", "Anything to record with the approval (optional)", required=False)),
           "Approve"),
    Action("decline", "De&cline…", "declined", "Refuse the request. Say why: the family is told.",
           UNDECIDED, "declined", NO_SESSIONS,
           (Field(_REASON, "Reason", "Why the request is declined: the family is told"),), "Decline"),
    Action("extend", "E&xtend…", "extended",
           "Continue the sessions to a new end date: a new, linked authorisation, approved and booked now.",
           ("approved", "suspended", "ended"), None, BOOKS,
           (Field("until", "New end date", "The day of the last session of the extension", kind="date"),
            Field(_REASON, "Reason", "Why the sessions are extended (e.g. rehabilitation after an operation)")),
           "Extend"),
    Action("suspend", "&Suspend…", "suspended",
           "Stop the sessions: the future sessions are cancelled (kept, marked cancelled); a review meeting with "
           "parents and professionals must come before reinstatement.", ("approved",), "suspended", CANCELS_FUTURE,
           (Field("on", "From", "The first day without sessions", kind="date"),
            Field(_REASON, "Reason", "Why the sessions are stopped (the review meeting will discuss it)")),
           "Suspend"),
    Action("review-meeting", "Record re&view meeting…", "reviewed",
           "The meeting with the pupil's parents or carers and the professionals, held before a reinstatement.",
           ("suspended",), None, NO_SESSIONS,
           (Field("on", "Held on", "The day the meeting was held (not in the future; on or after the suspension)",
                  kind="date"),
            Field("attendees", "Attendees", "Who attended, as the app knows them, separated by commas: at least one "
                  "of the pupil's parents or carers and at least one professional", kind="attendees"),
            Field("absent_reason", "Why no parent or professional could attend",
                  "Only when no parent or carer, or no professional, attended: say why", required=False),
            Field(_REASON, "Outcome", "What the meeting agreed", required=False)),
           "Record"),
    Action("reinstate", "Re&instate…", "reinstated",
           "Resume the sessions after the review meeting: the future sessions are re-booked where the space is "
           "still free and the professional's checks hold on the day.", ("suspended",), "approved", REBOOKS,
           (Field(_REASON, "Reason", "Anything to record with the reinstatement (optional)", required=False),),
           "Reinstate"),
    Action("end", "En&d…", "ended", "End the authorisation early: the future sessions are cancelled.",
           ("approved", "suspended"), "ended", CANCELS_FUTURE,
           (Field("on", "From", "The first day without sessions", kind="date"),
            Field(_REASON, "Reason", "Why the authorisation ends")),
           "End"),
)}
#: the headteacher's decisions (the command line's ACTIONs), in the order the window shows their buttons
DECISIONS = ("approve", "decline", "extend", "suspend", "review-meeting", "reinstate", "end")


def derived_state(status: str, first: date, last: date, today: date) -> str:
    """The status, or "expired" (undecided when its first session passed), "active" or "completed"."""
    if status in UNDECIDED and first < today:
        return "expired"
    if status == "approved":
        if today > last:
            return "completed"
        if first <= today:
            return "active"
    return status


def allowed_actions(status: str) -> tuple[str, ...]:
    """The decisions allowed from a stored status, in DECISIONS order."""
    return tuple(name for name in DECISIONS if status in ACTIONS[name].from_statuses)


def requirements(action: str) -> tuple[Field, ...]:
    """What ``action`` asks for, in the order a form shows it."""
    return ACTIONS[action].fields


def required_keys(action: str) -> tuple[str, ...]:
    return tuple(f.key for f in requirements(action) if f.required and f.kind not in ("overrides", "date"))


def refusal(action: str, status: str, ref: str = "the request") -> str | None:
    """Why ``action`` is not allowed from ``status`` (None when it is)."""
    spec = ACTIONS.get(action)
    if spec is None:
        return f"{action!r} is not an action: use one of {', '.join(DECISIONS)}"
    if status in spec.from_statuses:
        return None
    allowed = allowed_actions(status)
    may = f"; a {status} request may be: {', '.join(allowed)}" if allowed else f"; nothing more is done to a " \
        f"{status} request"
    return (f"{ref} is {status}: it cannot be {spec.verb} (only when {' or '.join(spec.from_statuses)})"
            + (may if action in DECISIONS else ""))


# --- who attended a review meeting -----------------------------------------------------------------------

#: words in a contact's relationship that make them a parent or carer
PARENT_WORDS = ("mother", "father", "parent", "carer", "guardian", "stepmother", "stepfather", "mum", "dad")


def is_parent_or_carer(relationship: str | None, parental_responsibility: bool) -> bool:
    """A contact with parental responsibility, or whose relationship says mother, father, carer, guardian…
    (a grandmother without parental responsibility is a contact, not a parent or carer)."""
    if parental_responsibility:
        return True
    words = re.split(r"[\s/,()-]+", (relationship or "").lower())
    return any(w in PARENT_WORDS for w in words)


@dataclass(frozen=True)
class KnownPeople:
    """Who the app knows for one pupil's meeting: names (and ids) of each kind."""

    parents: tuple[str, ...] = ()  # the pupil's parents and carers
    contacts: tuple[str, ...] = ()  # the pupil's other contacts
    professionals: tuple[tuple[str, str], ...] = ()  # (id, name) on the register
    staff: tuple[tuple[str, str], ...] = ()  # (id, name)


@dataclass(frozen=True)
class Attendance:
    parents: tuple[str, ...] = ()
    professionals: tuple[str, ...] = ()
    others: tuple[str, ...] = ()  # staff and other contacts
    unknown: tuple[str, ...] = ()


_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def split_names(text: str | None) -> list[str]:
    return [n.strip() for n in (text or "").replace(";", ",").replace("\n", ",").split(",") if n.strip()]


def classify(attendees: str | None, known: KnownPeople) -> Attendance:
    """Each comma-separated name matched (case-insensitive, trimmed) to a parent or carer, a professional
    (by name or id), a member of staff (by name or id) or another contact; the rest are unknown."""
    parents = {_fold(n): n for n in known.parents}
    pros = {_fold(key): name for ident, name in known.professionals for key in (ident, name)}
    others = {_fold(n): n for n in known.contacts}
    others.update({_fold(key): name for ident, name in known.staff for key in (ident, name)})
    found: dict[str, list[str]] = {"parents": [], "professionals": [], "others": [], "unknown": []}
    for name in split_names(attendees):
        key = _fold(name)
        if key not in parents and key not in pros and key not in others:
            key = _fold(_NOTE.sub("", name))  # "Abena Osei (mother)": the name, a note in brackets after it
        if key in parents:
            found["parents"].append(parents[key])
        elif key in pros:
            found["professionals"].append(pros[key])
        elif key in others:
            found["others"].append(others[key])
        else:
            found["unknown"].append(name)
    return Attendance(*(tuple(found[k]) for k in ("parents", "professionals", "others", "unknown")))


def _known_words(known: KnownPeople) -> str:
    parts = []
    if known.parents:
        parts.append("parents and carers: " + ", ".join(known.parents))
    if known.professionals:
        parts.append("professionals: " + ", ".join(name for _id, name in known.professionals))
    if known.staff:
        parts.append("staff: " + ", ".join(name for _id, name in known.staff))
    if known.contacts:
        parts.append("other contacts: " + ", ".join(known.contacts))
    return "; ".join(parts) or "no one"


def attendee_problems(attendees: str | None, absent_reason: str | None, known: KnownPeople) -> list[Problem]:
    """A review meeting needs at least one of the pupil's parents or carers and at least one professional
    (staff, the class teacher included, are not the professional), unless it says why not. Every name must
    be one the app knows."""
    absent = bool((absent_reason or "").strip())
    if not split_names(attendees):
        return [Problem("attendees", "name who attended, separated by commas (at least one of the pupil's "
                                     f"parents or carers and one professional). The app knows: {_known_words(known)}")]
    found = classify(attendees, known)
    if found.unknown:
        return [Problem("attendees", f"{', '.join(found.unknown)}: not known to the app for this pupil. Name people "
                                     f"as the app knows them: {_known_words(known)}")]
    missing = []
    if not found.parents:
        missing.append("one of the pupil's parents or carers")
    if not found.professionals:
        missing.append("a professional (staff such as the class teacher do not count as the professional)")
    if missing and not absent:
        return [Problem("attendees", "the review meeting needs " + " and ".join(missing)
                        + "; or say why they could not attend (absent reason)")]
    return []


# --- the fields each action needs -------------------------------------------------------------------------

def check(action: str, status: str, values: Mapping[str, Any], *, ref: str = "the request") -> list[Problem]:
    """Every problem with taking ``action`` from ``status`` with ``values``: first the status (a problem
    "status": the service refuses it), then each missing or wrong field, named by its key.

    ``values`` holds the fields (``reason``, ``until``, ``on``, ``attendees``, ``absent_reason``,
    ``overrides`` {rule: reason}) and what the check needs to know: ``today``, ``last_session``,
    ``suspended_on``, ``failed`` (the rules not met, for approve) and ``known`` (KnownPeople, for a review
    meeting)."""
    why = refusal(action, status, ref)
    if why:
        return [Problem("status", why)]

    def text(key: str) -> str:
        return str(values.get(key) or "").strip()

    problems: list[Problem] = []
    for f in requirements(action):
        if f.required and f.kind == "text" and not text(f.key):
            problems.append(Problem(f.key, f.help[0].lower() + f.help[1:] if f.key == _REASON else f.help))
    if action == "decline" and problems:
        problems = [Problem(_REASON, "say why the request is declined: the family is told")]
    if action in ("suspend", "end") and problems:
        what = "stopped (the review meeting will discuss it)" if action == "suspend" else "ended"
        problems = [Problem(_REASON, f"say why the sessions are {what}")]
    today: date | None = values.get("today")
    if action == "approve":
        overrides = values.get("overrides") or {}
        for rule in values.get("failed") or ():
            if not str(overrides.get(rule) or "").strip():
                problems.append(Problem("override", f"{rule} is not met: give a reason for overriding it"))
    if action == "extend":
        until, last = values.get("until"), values.get("last_session")
        if until is None or (last is not None and until <= last):
            after = f", after {day_text(last)}" if last else ""
            problems.insert(0, Problem("until", f"give the new end date{after}"))
        if problems and problems[-1].where == _REASON:
            problems[-1] = Problem(_REASON, "say why the sessions are extended (e.g. rehabilitation after an "
                                            "operation), as discussed with the headteacher")
    if action == "review-meeting":
        on, suspended_on = values.get("on"), values.get("suspended_on")
        if on is not None and suspended_on is not None and on < suspended_on:
            problems.append(Problem("on", f"the review meeting must be on or after the suspension "
                                          f"({day_text(suspended_on)})"))
        elif on is not None and today is not None and on > today:
            problems.append(Problem("on", "record a review meeting once it has been held"))
        problems += attendee_problems(values.get("attendees"), values.get("absent_reason"),
                                      values.get("known") or KnownPeople())
    return problems


# --- the verdicts a decision was taken on -----------------------------------------------------------------

@dataclass(frozen=True)
class Verdict:
    """One rule's result as stored with a decision (a RuleResult in JSON's terms)."""

    rule: str
    ok: bool
    detail: str
    figure: Any = None


def _json_figure(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def verdicts_json(results: Iterable[Any]) -> list[dict[str, Any]]:
    """Rule results (anything with rule, ok, detail, figure) as the event's ``verdicts``."""
    return [{"rule": r.rule, "ok": bool(r.ok), "detail": r.detail, "figure": _json_figure(r.figure)}
            for r in results]


def verdicts_from(details: Mapping[str, Any] | None) -> tuple[Verdict, ...] | None:
    """The verdicts an event's details hold, or None for a decision from before they were kept."""
    if not details or not isinstance(details.get("verdicts"), list):
        return None
    return tuple(Verdict(str(v.get("rule")), bool(v.get("ok")), str(v.get("detail") or ""), v.get("figure"))
                 for v in details["verdicts"] if isinstance(v, Mapping))


@dataclass(frozen=True)
class VerdictLine:
    """A rule as decided, with today's result beside it where it differs."""

    rule: str
    ok: bool
    detail: str
    override: str | None = None
    now_ok: bool | None = None  # None: today's result is the same
    now_detail: str | None = None


def compare(then: Sequence[Verdict], today: Sequence[Any],
            overrides: Mapping[str, str] | None = None) -> list[VerdictLine]:
    """The decision's verdicts, each with its override reason and today's result where it differs."""
    overrides = overrides or {}
    now = {r.rule: r for r in today}
    lines = []
    for v in then:
        current = now.get(v.rule)
        differs = current is not None and (bool(current.ok) != v.ok or current.detail != v.detail)
        lines.append(VerdictLine(v.rule, v.ok, v.detail, overrides.get(v.rule),
                                 bool(current.ok) if differs and current is not None else None,
                                 current.detail if differs and current is not None else None))
    return lines


#: the events that carry the verdicts a decision was taken on
DECISION_EVENTS = ("approved", "declined", "reinstated")
NOT_RECORDED = "verdicts at the time not recorded"
