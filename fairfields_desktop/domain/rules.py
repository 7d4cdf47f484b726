"""The headteacher's rules for independent therapy in the school day (the policy's "Working Together").

Every rule is evaluated for every request and reported, passed or not, with the figure it used and a
detail a head reads at a glance. A rule that does not apply passes and says "not applicable: …". The
app informs the headteacher's decision; it does not take it (an override of a named rule is recorded
elsewhere).

Two settings: **off site** (the pupil leaves school for therapy: ATTENDANCE, MAX_WEEKS, EXTENSION,
NOT_SUSPENDED and CHECKS apply) and **in school** (the professional comes in: all nine rules apply).

Pure functions over plain values: the service gathers the facts, these decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from .bookings import overlaps
from .calendar import ONE_WEEK, SchoolCalendar, monday_of
from .checks import CHECKS as CHECK_NAMES
from .checks import ProfessionalChecks, blocked_dates, day_text
from .school import REQUEST_SETTINGS, WEEKDAYS

RULE_IDS = ("ATTENDANCE", "MAX_WEEKS", "EXTENSION", "EHCP_APPROVAL", "CLASSROOM_AGREEMENT", "SPACE",
            "CLASS_STAFF", "NOT_SUSPENDED", "CHECKS")
IN_SCHOOL, OFF_SITE = "in_school", "off_site"
#: rules that apply only when the professional comes into school
IN_SCHOOL_ONLY = ("EHCP_APPROVAL", "CLASSROOM_AGREEMENT", "SPACE", "CLASS_STAFF")

#: an attendance figure older than this many days (before today) is flagged for an update from the MIS
ATTENDANCE_STALE_DAYS = 14
#: an authorisation starting within this many school weeks of the end of an earlier one counts with it
CHAIN_SCHOOL_WEEKS = 2
#: at most this many dates are listed in a SPACE / CLASS_STAFF detail before "and N more"
LISTED_DATES = 5

OFF_SITE_NA = "not applicable: the pupil attends off site"

# Written out (not strftime) for the same reason as checks.day_text: the process locale is the desktop's.
_SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


# --- facts --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RequestFacts:
    """A request for independent therapy in the school day, as the rules see it."""

    id: str
    setting: str  # "in_school" | "off_site"
    first_session: date
    last_session: date
    weekday: str  # "monday".."friday"
    start_time: time
    end_time: time
    ehcp_approval_on: date | None = None
    ehcp_approval_reference: str | None = None
    personal_budget_linked: bool = False
    classroom_sessions_agreed: bool = False
    space: str | None = None  # None: the classroom
    class_staff: str | None = None  # staff id
    extends: str | None = None
    extension_reason: str | None = None

    def __post_init__(self) -> None:
        if self.setting not in REQUEST_SETTINGS:
            raise ValueError(f"setting {self.setting!r} is not one of {', '.join(REQUEST_SETTINGS)}")
        if self.weekday not in WEEKDAYS[:5]:
            raise ValueError(f"weekday {self.weekday!r} is not one of {', '.join(WEEKDAYS[:5])}")


@dataclass(frozen=True)
class PupilFacts:
    name: str
    class_name: str
    attendance_percent: float | None
    attendance_as_of: date | None


@dataclass(frozen=True)
class EarlierAuthorisation:
    """Another approved, suspended or ended authorisation of the same pupil (not the request judged)."""

    id: str
    first_session: date
    last_session: date


@dataclass(frozen=True)
class SpaceUse:
    """A booking holding a space (any kind counts as taken) or a session a member of staff attends."""

    start: datetime
    end: datetime
    what: str
    kind: str


@dataclass(frozen=True)
class StaffFacts:
    staff_id: str
    name: str
    class_name: str | None
    busy: tuple[SpaceUse, ...] = ()  # other sessions they attend


@dataclass(frozen=True)
class Suspension:
    suspended_on: date
    review_meeting_on: date | None = None
    reinstated_on: date | None = None


@dataclass(frozen=True)
class RuleContext:
    today: date
    attendance_threshold: float
    max_weeks: int
    calendar: SchoolCalendar
    professional_name: str
    checks: ProfessionalChecks
    dbs_recheck_years: int
    pupil: PupilFacts
    earlier: tuple[EarlierAuthorisation, ...] = ()
    space_uses: tuple[SpaceUse, ...] = ()  # bookings of the requested space on the session dates
    class_staff: StaffFacts | None = None
    suspension: Suspension | None = None  # the latest suspension of this authorisation, if any


@dataclass(frozen=True)
class RuleResult:
    rule: str
    ok: bool
    detail: str
    figure: object = None  # the number or date the rule used


# --- words --------------------------------------------------------------------------------------------

def percent_text(value: float) -> str:
    """``91.5%``: one decimal, or as many as it takes to show the figure exactly (94.96 is not 95.0%)."""
    for places in range(1, 7):
        text = f"{value:.{places}f}"
        if float(text) == value:
            return f"{text}%"
    return f"{value!r}%"


def short_day(day: date) -> str:
    """``8 Dec``: a session date inside a listed period (the year is the period's)."""
    return f"{day.day} {_SHORT_MONTHS[day.month - 1]}"


def join_words(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _listed(entries: Sequence[str]) -> str:
    shown = ", ".join(entries[:LISTED_DATES])
    more = len(entries) - LISTED_DATES
    return f"{shown} and {more} more" if more > 0 else shown


# --- dates and weeks ----------------------------------------------------------------------------------

def session_dates(request: RequestFacts, calendar: SchoolCalendar) -> list[date]:
    """The request's weekday each week from the first to the last session inclusive, school days only."""
    target = WEEKDAYS.index(request.weekday)
    first = request.first_session + timedelta(days=(target - request.first_session.weekday()) % 7)
    return calendar.weekly_dates(first, request.last_session)


def school_weeks_after(calendar: SchoolCalendar, end: date, start: date) -> int:
    """School weeks after the week of ``end`` up to and including the week of ``start`` (0 when ``start``
    is in the same week or earlier): how far an authorisation starts after another one ends."""
    count = 0
    monday = monday_of(end) + ONE_WEEK
    while monday <= monday_of(start):
        if calendar.is_school_week(monday):
            count += 1
        monday += ONE_WEEK
    return count


def linked_earlier(request: RequestFacts, calendar: SchoolCalendar,
                   earlier: Iterable[EarlierAuthorisation]) -> list[EarlierAuthorisation]:
    """The earlier authorisations that count together with the request, oldest first.

    One counts when the request (or one already counted with it) starts within
    :data:`CHAIN_SCHOOL_WEEKS` school weeks of its end, or while it still runs; chains back to back.
    """
    pending = [e for e in earlier if e.id != request.id]
    chain: list[EarlierAuthorisation] = []
    start = request.first_session
    while True:
        found = [e for e in pending if e.first_session <= start
                 and school_weeks_after(calendar, e.last_session, start) <= CHAIN_SCHOOL_WEEKS]
        if not found:
            break
        chain.extend(found)
        pending = [e for e in pending if e not in found]
        start = min(start, *(e.first_session for e in found))
    return sorted(chain, key=lambda e: (e.first_session, e.id))


def holiday_words(calendar: SchoolCalendar, first: date, last: date) -> list[str]:
    """The weeks without school in the period, as a head says them: "Christmas", "February half term".

    The same weeks :meth:`SchoolCalendar.holidays_within` names, but a closure called "Half term" is
    named after the month it starts in (so October's and February's stay apart) and "Christmas holiday"
    is "Christmas"; other names are kept as they are.
    """
    words: list[str] = []
    monday = monday_of(first)
    while monday <= last:
        word = _week_off(calendar, max(monday, first), min(monday + timedelta(days=4), last))
        if word is not None and word not in words:
            words.append(word)
        monday += ONE_WEEK
    return words


@lru_cache(maxsize=8192)
def _week_off(calendar: SchoolCalendar, first: date, last: date) -> str | None:
    """The name of the holiday or closure when no day from ``first`` to ``last`` (one week's weekdays) is
    a school day; None when one is. Cached: most periods share most of their weeks."""
    days = list(calendar.days(first, last))
    if days and not any(calendar.is_school_day(d) for d in days):
        return _week_off_word(calendar, days)
    return None


def _week_off_word(calendar: SchoolCalendar, days: list[date]) -> str:
    for day in days:
        closure = calendar.closure_on(day)
        if closure is not None:
            if closure.why.strip().lower() == "half term":
                return f"{_MONTHS[closure.start.month - 1]} half term"
            return closure.why or "closure"
    names = calendar.holidays_within(days[0], days[-1])
    name = names[0] if names else "holiday"
    return "Christmas" if name == "Christmas holiday" else name


@lru_cache(maxsize=4096)
def weeks_text(calendar: SchoolCalendar, first: date, last: date) -> tuple[int, str]:
    """(school weeks, "10 school weeks (13 calendar weeks; Christmas and February half term do not count)").

    Cached: a calendar never changes once built, so the same period is counted once."""
    school = calendar.school_weeks(first, last)
    span = calendar.calendar_weeks(first, last)
    words = holiday_words(calendar, first, last)
    clause = ""
    if words:
        clause = f"; {join_words(words)} {'does' if len(words) == 1 else 'do'} not count"
    return school, f"{_plural(school, 'school week')} ({_plural(span, 'calendar week')}{clause})"


def _sessions(request: RequestFacts, dates: Iterable[date]) -> list[tuple[date, datetime, datetime]]:
    return [(d, datetime.combine(d, request.start_time), datetime.combine(d, request.end_time)) for d in dates]


def _clashes(request: RequestFacts, dates: Sequence[date], uses: Iterable[SpaceUse]) -> list[str]:
    """For each session date with an overlapping use: "8 Dec (Music therapy group)", in date order."""
    uses = list(uses)
    found = []
    for day, start, end in _sessions(request, dates):
        hits = [u.what for u in sorted(uses, key=lambda u: u.start) if overlaps(start, end, u.start, u.end)]
        if hits:
            found.append(f"{short_day(day)} ({'; '.join(dict.fromkeys(hits))})")
    return found


# --- the rules ----------------------------------------------------------------------------------------

def _attendance(request: RequestFacts, context: RuleContext) -> RuleResult:
    pupil = context.pupil
    if pupil.attendance_percent is None:
        return RuleResult("ATTENDANCE", False, "no attendance figure recorded: import it from the MIS")
    figure = pupil.attendance_percent
    threshold = context.attendance_threshold
    ok = figure >= threshold
    on = f"on {day_text(pupil.attendance_as_of)}" if pupil.attendance_as_of else "(undated)"
    verdict = "meets" if ok else "is below"
    detail = f"attendance {percent_text(figure)} {on} {verdict} the school's {percent_text(threshold)}"
    if pupil.attendance_as_of is None:
        detail += "; the figure has no date: update it from the MIS"
    else:
        age = (context.today - pupil.attendance_as_of).days
        if age > ATTENDANCE_STALE_DAYS:
            detail += f"; the figure is {age} days old: update it from the MIS"
    return RuleResult("ATTENDANCE", ok, detail, figure)


def _max_weeks(request: RequestFacts, context: RuleContext) -> RuleResult:
    calendar = context.calendar
    chain = linked_earlier(request, calendar, context.earlier)
    first = min([request.first_session, *(e.first_session for e in chain)])
    last = max([request.last_session, *(e.last_session for e in chain)])
    weeks, text = weeks_text(calendar, first, last)
    if chain:
        text = f"together with {join_words([e.id for e in chain])} (from {day_text(first)}): {text}"
    over = weeks > context.max_weeks
    if over:
        text += f" is over the school's maximum of {context.max_weeks}"
    if request.extends is not None:
        return RuleResult("MAX_WEEKS", True, f"{text}: an extension agreed with the headteacher", weeks)
    return RuleResult("MAX_WEEKS", not over, text, weeks)


def _extension(request: RequestFacts, context: RuleContext) -> RuleResult:
    if request.extends is None:
        return RuleResult("EXTENSION", True, "not an extension")
    missing = []
    if not (request.extension_reason or "").strip():
        missing.append("a reason")
    if request.last_session <= request.first_session:
        missing.append(f"a new end date (the last session, {day_text(request.last_session)}, is not after "
                       f"the first, {day_text(request.first_session)})")
    else:
        extended = next((e for e in context.earlier if e.id == request.extends), None)
        if extended is not None and request.last_session <= extended.last_session:
            missing.append(f"a new end date ({day_text(request.last_session)} is not after "
                           f"{extended.id}'s last session, {day_text(extended.last_session)})")
    if missing:
        return RuleResult("EXTENSION", False, f"extension of {request.extends} lacks {join_words(missing)}",
                          request.last_session)
    return RuleResult("EXTENSION", True, f"extends {request.extends} to {day_text(request.last_session)}: "
                                         f"{(request.extension_reason or '').strip()}", request.last_session)


def _ehcp_approval(request: RequestFacts, context: RuleContext) -> RuleResult:
    on, reference = request.ehcp_approval_on, (request.ehcp_approval_reference or "").strip()
    missing = []
    if on is None:
        missing.append("the EHCP team's approval date")
    if not reference:
        missing.append("the approval reference")
    if missing:
        if not request.personal_budget_linked:
            missing.append("the link to the personal budget")
        return RuleResult("EHCP_APPROVAL", False, f"no EHCP team approval recorded: {join_words(missing)} "
                                                  f"{'is' if len(missing) == 1 else 'are'} missing", on)
    assert on is not None  # else `missing` named it and the rule failed above
    approved = f"approved by the EHCP team on {day_text(on)} ({reference})"
    if not request.personal_budget_linked:
        return RuleResult("EHCP_APPROVAL", False, f"{approved}, but not linked to the personal budget", on)
    return RuleResult("EHCP_APPROVAL", True, f"{approved}, linked to the personal budget", on)


def _classroom_agreement(request: RequestFacts, context: RuleContext) -> RuleResult:
    if request.classroom_sessions_agreed:
        return RuleResult("CLASSROOM_AGREEMENT", True,
                          "agreed that some sessions happen in the classroom, working with the class team", True)
    return RuleResult("CLASSROOM_AGREEMENT", False,
                      "no agreement that some sessions happen in the classroom, working with the class team",
                      False)


def _space(request: RequestFacts, context: RuleContext, dates: list[date]) -> RuleResult:
    if request.space is None:
        return RuleResult("SPACE", True, "not applicable: sessions in the classroom hold no space")
    if not dates:
        return RuleResult("SPACE", True, f"{request.space} is not needed: no session falls on a school day", 0)
    taken = _clashes(request, dates, context.space_uses)
    if taken:
        return RuleResult("SPACE", False, f"{request.space} is taken on {len(taken)} of {len(dates)} dates: "
                                          f"{_listed(taken)}", len(taken))
    every = "the 1 session" if len(dates) == 1 else f"all {len(dates)} sessions"
    return RuleResult("SPACE", True, f"{request.space} is free for {every}", 0)


def _class_staff(request: RequestFacts, context: RuleContext, dates: list[date]) -> RuleResult:
    if request.space is None:
        return RuleResult("CLASS_STAFF", True, "not applicable: sessions in the classroom, with the class team")
    staff = context.class_staff
    if request.class_staff is None or staff is None:
        if request.class_staff is None:
            return RuleResult("CLASS_STAFF", False, "no member of class staff named")
        return RuleResult("CLASS_STAFF", False, f"{request.class_staff} is not on the school's staff list")
    wanted = context.pupil.class_name
    if staff.class_name != wanted:
        if staff.class_name is None:
            return RuleResult("CLASS_STAFF", False, f"{staff.name} is not class staff: {wanted} class staff "
                                                    "must attend")
        return RuleResult("CLASS_STAFF", False, f"{staff.name} is {staff.class_name} class staff, not {wanted}")
    if not dates:
        return RuleResult("CLASS_STAFF", True, f"{staff.name} ({wanted} class staff) is not needed: no session "
                                               "falls on a school day", 0)
    busy = _clashes(request, dates, staff.busy)
    if busy:
        return RuleResult("CLASS_STAFF", False, f"{staff.name} attends another session on {len(busy)} of "
                                                f"{len(dates)} dates: {_listed(busy)}", len(busy))
    every = "the 1 session" if len(dates) == 1 else f"all {len(dates)} sessions"
    return RuleResult("CLASS_STAFF", True, f"{staff.name} ({wanted} class staff) is free for {every}", 0)


def _not_suspended(request: RequestFacts, context: RuleContext) -> RuleResult:
    suspension = context.suspension
    if suspension is None:
        return RuleResult("NOT_SUSPENDED", True, "not suspended")
    suspended = day_text(suspension.suspended_on)
    meeting = suspension.review_meeting_on
    if meeting is not None and meeting < suspension.suspended_on:
        meeting = None  # a meeting before the suspension did not review it
    reinstated = suspension.reinstated_on
    if reinstated is not None:
        if meeting is not None and reinstated >= meeting:
            return RuleResult("NOT_SUSPENDED", True, f"reinstated on {day_text(reinstated)}, after the review "
                                                     f"meeting on {day_text(meeting)}", reinstated)
        return RuleResult("NOT_SUSPENDED", False,
                          f"suspended on {suspended} and reinstated on {day_text(reinstated)} without a review "
                          "meeting with parents and professionals before it: hold one and reinstate again",
                          suspension.suspended_on)
    if meeting is not None:
        return RuleResult("NOT_SUSPENDED", False, f"suspended on {suspended}; review meeting held "
                                                  f"{day_text(meeting)}: may be reinstated", suspension.suspended_on)
    return RuleResult("NOT_SUSPENDED", False, f"suspended on {suspended}; a review meeting with parents and "
                                              "professionals must come before reinstatement",
                      suspension.suspended_on)


def _checks(request: RequestFacts, context: RuleContext, dates: list[date]) -> RuleResult:
    blocked = blocked_dates(context.checks, dates, context.dbs_recheck_years)
    name = context.professional_name
    if not dates:
        return RuleResult("CHECKS", True, f"{name} has no session on a school day to check", 0)
    if not blocked:
        every = "the 1 session date" if len(dates) == 1 else f"all {len(dates)} session dates"
        return RuleResult("CHECKS", True, f"{name} is clear on {every}", 0)
    # One message per check, as it reads on the first date that check blocks.
    messages: dict[str, str] = {}
    for status in blocked.values():
        for finding in status.blocking:
            messages.setdefault(finding.check, finding.message)
    why = "; ".join(messages[c] for c in CHECK_NAMES if c in messages)
    sessions = "the 1 session" if len(dates) == 1 else f"the {len(dates)} sessions"
    return RuleResult("CHECKS", False, f"{why}: blocked on {len(blocked)} of {sessions}, "
                                       f"from {day_text(min(blocked))}", len(blocked))


def evaluate(request: RequestFacts, context: RuleContext) -> list[RuleResult]:
    """Every rule of :data:`RULE_IDS`, in that order, for one request."""
    dates = session_dates(request, context.calendar)
    results = {
        "ATTENDANCE": _attendance(request, context),
        "MAX_WEEKS": _max_weeks(request, context),
        "EXTENSION": _extension(request, context),
        "NOT_SUSPENDED": _not_suspended(request, context),
        "CHECKS": _checks(request, context, dates),
    }
    if request.setting == IN_SCHOOL:
        results["EHCP_APPROVAL"] = _ehcp_approval(request, context)
        results["CLASSROOM_AGREEMENT"] = _classroom_agreement(request, context)
        results["SPACE"] = _space(request, context, dates)
        results["CLASS_STAFF"] = _class_staff(request, context, dates)
    else:
        for rule in IN_SCHOOL_ONLY:
            results[rule] = RuleResult(rule, True, OFF_SITE_NA)
    return [results[rule] for rule in RULE_IDS]


def eligible(results: list[RuleResult]) -> bool:
    """True when every rule passed (an empty list is not a verdict: False)."""
    return bool(results) and all(r.ok for r in results)
