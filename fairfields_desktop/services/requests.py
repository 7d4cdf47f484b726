"""Requests for independent therapy in the school day: the rules, the headteacher's decisions, the history.

The rules themselves are `domain.rules` (pure); this service gathers their facts from the database,
records every transition (who, when, why, under whose delegation) and makes or cancels the bookings a
decision implies, in the same transaction. "Active", "completed" and "expired" are derived from dates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..domain.attendance import MARKS, MORNING_ENDS, SchoolSessions, allowed_marks_text, suggest_mark
from ..domain.checks import blocked_dates, day_text
from ..domain.dataset import parse_date, parse_time
from ..domain.errors import InvalidInput, NotAllowed, NotFound, Problem, Refused
from ..domain.lifecycle import (
    DECISION_EVENTS,
    DECISIONS,
    UNDECIDED,
    KnownPeople,
    Verdict,
    derived_state,
    is_parent_or_carer,
    refusal,
    verdicts_from,
    verdicts_json,
)
from ..domain.lifecycle import check as lifecycle_check
from ..domain.permissions import allowed, require
from ..domain.rules import (
    RULE_IDS,
    EarlierAuthorisation,
    PupilFacts,
    RequestFacts,
    RuleContext,
    RuleResult,
    SpaceUse,
    StaffFacts,
    Suspension,
    eligible,
    evaluate,
    session_dates,
)
from ..domain.school import WEEKDAYS
from ..store.database import Database
from ..store.models import (
    BookingOccurrenceRow,
    BookingRow,
    BookingStaffRow,
    ContactRow,
    DelegationRow,
    OffSiteSessionRow,
    ProfessionalRow,
    PupilRow,
    RequestEventRow,
    RequestOverrideRow,
    RequestRow,
    ReviewMeetingRow,
    SchoolSettingsRow,
    SpaceRow,
    StaffRow,
)
from ..store.queries import request_overlaps
from ..store.references import assign_reference, pending_reference
from . import audit, guard
from .bookings import BookingDraft, BookingService
from .context import Actor, Clock
from .professionals import checks_of
from .school import load_calendar

log = logging.getLogger(__name__)

__all__ = ["DECISIONS", "UNDECIDED", "DecisionResult", "HistoryEntry", "RequestService", "RequestView",
           "derived_state"]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    by: str
    action: str
    reason: str | None
    details: dict | None = None
    id: int | None = None  # the request event's id (a letter about it names it)

    @property
    def verdicts(self) -> tuple[Verdict, ...] | None:
        """The rules' results this decision was taken on (None: not recorded, or not a decision)."""
        return verdicts_from(self.details)


@dataclass(frozen=True)
class RequestView:
    id: int
    ref: str
    pupil: str
    pupil_upn: str
    class_name: str
    professional: str
    professional_id: str
    setting: str
    first_session: date
    last_session: date
    weekday: str
    start_time: time
    end_time: time
    space: str | None
    class_staff: str | None
    extends: str | None
    status: str
    state: str  # the status, or "active" / "completed" / "expired" derived from dates
    results: tuple[RuleResult, ...]
    history: tuple[HistoryEntry, ...] = ()
    overrides: tuple[tuple[str, str, str, datetime], ...] = ()  # rule, reason, by, at
    outside_school_day: str | None = None  # why sessions outside the school day will not do
    #: the latest decision that judged the rules (approved, declined or reinstated) and when, if any
    decision: str | None = None
    decision_at: datetime | None = None
    #: the rules' results at that decision; None when there is none or it was taken before they were kept
    verdicts_then: tuple[Verdict, ...] | None = None

    @property
    def decided(self) -> bool:
        return self.decision is not None

    @property
    def eligible(self) -> bool:
        return eligible(list(self.results))

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(r.rule for r in self.results if not r.ok)


@dataclass(frozen=True)
class DecisionResult:
    request: RequestView
    booked: int = 0
    cancelled: int = 0
    not_rebooked: tuple[str, ...] = ()  # dates a reinstatement could not re-book, with why


@dataclass(frozen=True)
class MarkSuggestion:
    """The attendance mark suggested when a pupil is back from an off-site session, and what may be chosen."""

    code: str
    why: str
    choices: tuple[str, ...]  # the codes offered (domain.attendance.MARKS), in order
    registered: bool  # taken as registered at the registration of the session they left in
    session: str  # "morning" | "afternoon": the session they left in
    registration: time  # when that session's register is taken


#: how long before an authorised off-site session's start the pupil may be signed out (travel to the clinic)
OFF_SITE_EARLY = timedelta(minutes=30)


def _checked_mark(code: str | None) -> str:
    """``code`` when it is one of the marks offered, else InvalidInput on the field "attendance mark"."""
    code = (code or "").strip()
    if code not in MARKS:
        raise InvalidInput(Problem("attendance mark", ("choose" if not code else f"{code!r} is not a mark offered: "
                                                       "choose") + " one of " + allowed_marks_text()))
    return code


class _Decisions:
    """The pupils' decided authorisations and every override, read once for many requests."""

    def __init__(self, session: Session) -> None:
        self.authorisations: dict[int, list[tuple]] = {}
        self.overrides: dict[int, list[tuple]] = {}
        for pupil_id, *rest in session.execute(
                select(RequestRow.pupil_id, RequestRow.id, RequestRow.ext_id, RequestRow.first_session,
                       RequestRow.last_session).where(RequestRow.status.in_(("approved", "suspended", "ended")))):
            self.authorisations.setdefault(pupil_id, []).append(tuple(rest))
        for request_id, *rest in session.execute(
                select(RequestOverrideRow.request_id, RequestOverrideRow.rule, RequestOverrideRow.reason,
                       RequestOverrideRow.by, RequestOverrideRow.at).order_by(RequestOverrideRow.id)):
            self.overrides.setdefault(request_id, []).append(tuple(rest))


class _Occupancy:
    """The booked occurrences of one space (and of the staff's bookings) over a period, for a request
    that is still being filled in (a saved one asks the database directly: store.queries)."""

    def __init__(self, session: Session, first: date, last: date, space_ids: set[int]) -> None:
        occ = BookingOccurrenceRow
        query = select(occ.space_id, occ.booking_id, occ.starts_at, occ.ends_at).where(
            occ.status == "booked", occ.starts_at >= datetime.combine(first, time.min),
            occ.starts_at < datetime.combine(last + timedelta(days=1), time.min))
        self.staff_bookings: dict[int, list[int]] = {}
        for staff_id, booking_id in session.execute(select(BookingStaffRow.staff_id, BookingStaffRow.booking_id)):
            self.staff_bookings.setdefault(staff_id, []).append(booking_id)
        self.by_space_day: dict[tuple[int, date], list] = {}
        self.by_booking_day: dict[tuple[int, date], list] = {}
        staff_booked = sorted({b for ids in self.staff_bookings.values() for b in ids})
        conditions = [occ.space_id.in_(sorted(space_ids))] if space_ids else []
        if staff_booked:
            conditions.append(occ.booking_id.in_(staff_booked))
        for condition in conditions:
            for row in session.execute(query.where(condition)):
                self.by_space_day.setdefault((row[0], row[2].date()), []).append(tuple(row))
                self.by_booking_day.setdefault((row[1], row[2].date()), []).append(tuple(row))
        ids = sorted({key[0] for key in self.by_booking_day})
        self._bookings: dict[int, tuple] = {}
        for chunk in range(0, len(ids), 5000):
            for ident, *rest in session.execute(
                    select(BookingRow.id, BookingRow.purpose, ProfessionalRow.kind, SpaceRow.name)
                    .join(SpaceRow, SpaceRow.id == BookingRow.space_id)
                    .outerjoin(ProfessionalRow, ProfessionalRow.id == BookingRow.professional_id)
                    .where(BookingRow.id.in_(ids[chunk:chunk + 5000]))):
                self._bookings[ident] = tuple(rest)

    def uses(self, ranges: list[tuple[datetime, datetime]], *, space_id: int | None = None,
             staff_id: int | None = None) -> list[SpaceUse]:
        found, seen = [], set()
        for start, end in ranges:
            day = start.date()
            if space_id is not None:
                candidates = self.by_space_day.get((space_id, day), ())
            else:
                candidates = [r for b in self.staff_bookings.get(staff_id, ())
                              for r in self.by_booking_day.get((b, day), ())]
            for _space, booking_id, s, e in candidates:
                if s < end and start < e and (booking_id, s) not in seen:
                    seen.add((booking_id, s))
                    purpose, kind, space = self._bookings[booking_id]
                    found.append(SpaceUse(s, e, purpose or (space if staff_id else "booked"), kind or "school"))
        return found


class RequestService:
    def __init__(self, db: Database, clock: Clock, bookings: BookingService) -> None:
        self.db = db
        self.clock = clock
        self.bookings = bookings

    # --- facts for the rules ----------------------------------------------------------------------
    def _facts(self, row: RequestRow) -> RequestFacts:
        return RequestFacts(
            id=row.ext_id, setting=row.setting, first_session=row.first_session, last_session=row.last_session,
            weekday=row.weekday, start_time=row.start_time, end_time=row.end_time,
            ehcp_approval_on=row.ehcp_approval_on, ehcp_approval_reference=row.ehcp_approval_reference,
            personal_budget_linked=row.personal_budget_linked, classroom_sessions_agreed=row.classroom_sessions_agreed,
            space=row.space.name if row.space else None,
            class_staff=row.class_staff.ext_id if row.class_staff else None,
            extends=row.extends.ext_id if row.extends else None, extension_reason=row.extension_reason)

    def _context(self, session: Session, row: RequestRow, settings: SchoolSettingsRow | None, calendar,
                 occupancy: _Occupancy | None = None, overlaps: tuple[dict, dict] | None = None,
                 decisions: _Decisions | None = None) -> RuleContext:
        pupil = row.pupil
        facts = self._facts(row)
        dates = session_dates(facts, calendar)
        if decisions is not None:
            decided = decisions.authorisations.get(row.pupil_id, ())
        else:
            decided = session.execute(select(RequestRow.id, RequestRow.ext_id, RequestRow.first_session,
                                             RequestRow.last_session).where(
                RequestRow.pupil_id == row.pupil_id, RequestRow.status.in_(("approved", "suspended", "ended")))).all()
        earlier = tuple(EarlierAuthorisation(ref, first, last) for ident, ref, first, last in decided
                        if ident != row.id)
        ranges = [(datetime.combine(d, row.start_time), datetime.combine(d, row.end_time)) for d in dates]
        if overlaps is None and row.id is not None:  # a saved request: the database finds the clashes
            overlaps = (request_overlaps(session, [row.id], by="space"),
                        request_overlaps(session, [row.id], by="staff"))
        space_uses: tuple[SpaceUse, ...] = ()
        busy: tuple[SpaceUse, ...] = ()
        if overlaps is not None:
            if row.space is not None:
                space_uses = tuple(SpaceUse(s, e, purpose or "booked", kind or "school")
                                   for s, e, purpose, kind, _space in overlaps[0].get(row.id, ()))
            busy = tuple(SpaceUse(s, e, purpose or space, kind or "school")
                         for s, e, purpose, kind, space in overlaps[1].get(row.id, ()))
        elif ranges:  # a request being filled in: read the bookings of its space and staff for its period
            occupancy = occupancy or _Occupancy(session, ranges[0][0].date(), ranges[-1][0].date(),
                                                space_ids={row.space_id} if row.space_id else set())
            if row.space is not None:
                space_uses = tuple(occupancy.uses(ranges, space_id=row.space_id))
            if row.class_staff is not None:
                busy = tuple(occupancy.uses(ranges, staff_id=row.class_staff_id))
        staff = None
        if row.class_staff is not None:
            staff = StaffFacts(row.class_staff.ext_id, row.class_staff.name,
                               row.class_staff.klass.name if row.class_staff.klass else None, busy)
        return RuleContext(
            today=self.clock.today(),
            attendance_threshold=float(settings.attendance_threshold_percent) if settings else 90.0,
            max_weeks=settings.max_authorised_weeks if settings else 12, calendar=calendar,
            professional_name=row.professional.name, checks=checks_of(row.professional),
            dbs_recheck_years=settings.dbs_recheck_years if settings else 3,
            pupil=PupilFacts(f"{pupil.first_name} {pupil.last_name}", pupil.klass.name, pupil.attendance_percent,
                             pupil.attendance_as_of),
            earlier=earlier, space_uses=space_uses, class_staff=staff, suspension=self._suspension(session, row),
        )

    def _suspension(self, session: Session, row: RequestRow) -> Suspension | None:
        if row.status in UNDECIDED and row.id is not None and not row.extends_id:
            return None  # never approved, so never suspended (and its history need not be read)
        events = [e for e in row.history if e.action in ("suspended", "reinstated")]
        suspended = next((e for e in reversed(events) if e.action == "suspended"), None)
        if suspended is None:
            return None
        reinstated = next((e for e in events if e.action == "reinstated" and e.at >= suspended.at), None)
        meeting = session.scalar(select(ReviewMeetingRow).where(
            ReviewMeetingRow.request_id == row.id, ReviewMeetingRow.held_on >= suspended.at.date())
            .order_by(ReviewMeetingRow.held_on))
        return Suspension(suspended.at.date(), meeting.held_on if meeting else None,
                          reinstated.at.date() if reinstated else None)

    def _view(self, session: Session, row: RequestRow, settings, calendar, with_history: bool = False,
              decisions: _Decisions | None = None, overlaps: tuple[dict, dict] | None = None,
              with_rules: bool = True) -> RequestView:
        results: tuple[RuleResult, ...] = ()
        if with_rules:
            results = tuple(evaluate(self._facts(row), self._context(session, row, settings, calendar,
                                                                     decisions=decisions, overlaps=overlaps)))
        if decisions is not None:
            overrides = tuple(decisions.overrides.get(row.id, ()))
        else:
            overrides = tuple((o.rule, o.reason, o.by, o.at) for o in session.scalars(
                select(RequestOverrideRow).where(RequestOverrideRow.request_id == row.id)
                .order_by(RequestOverrideRow.id)))
        decision = next((e for e in reversed(row.history) if e.action in DECISION_EVENTS), None) \
            if with_history else None
        return RequestView(
            id=row.id, ref=row.ext_id, pupil=f"{row.pupil.first_name} {row.pupil.last_name}", pupil_upn=row.pupil.upn,
            class_name=row.pupil.klass.name, professional=row.professional.name,
            professional_id=row.professional.ext_id, setting=row.setting, first_session=row.first_session,
            last_session=row.last_session, weekday=row.weekday, start_time=row.start_time, end_time=row.end_time,
            space=row.space.name if row.space else None, class_staff=row.class_staff.name if row.class_staff else None,
            extends=row.extends.ext_id if row.extends else None, status=row.status,
            state=derived_state(row.status, row.first_session, row.last_session, self.clock.today()),
            results=results,
            history=tuple(HistoryEntry(e.at, e.by, e.action, e.reason, e.details, e.id) for e in row.history)
            if with_history else (),
            overrides=overrides, outside_school_day=row.outside_school_day,
            decision=decision.action if decision else None, decision_at=decision.at if decision else None,
            verdicts_then=verdicts_from(decision.details) if decision else None,
        )

    def _query(self, with_history: bool = True):
        options = [selectinload(RequestRow.pupil).selectinload(PupilRow.klass), selectinload(RequestRow.professional),
                   selectinload(RequestRow.space), selectinload(RequestRow.class_staff).selectinload(StaffRow.klass),
                   selectinload(RequestRow.extends)]
        if with_history:
            options.append(selectinload(RequestRow.history))
        return select(RequestRow).options(*options)

    # --- reading ----------------------------------------------------------------------------------
    def check(self, actor: Actor, ref: str | None = None) -> list[RequestView]:
        """Every rule for one request (by its id), or for all requests not yet decided."""
        require(actor.roles, "requests.check", who=actor.username)
        with self.db.read_session() as session:
            query = self._query(with_history=False).order_by(RequestRow.id)
            query = query.where(RequestRow.ext_id == ref) if ref else query.where(RequestRow.status.in_(UNDECIDED))
            rows = session.scalars(query).all()
            if ref and not rows:
                raise NotFound(f"there is no request {ref!r}")
            return self._views(session, rows)

    def list_requests(self, actor: Actor, *, undecided_only: bool = False, statuses: tuple[str, ...] = (),
                      with_rules: bool = True, ending_between: tuple[date, date] | None = None,
                      overridden_since: date | None = None, pupil_upn: str | None = None,
                      starting_from: date | None = None, limit: int | None = None) -> list[RequestView]:
        """Requests (undecided only, or of the given statuses; their last session in a period; with a rule
        overridden since a day), with every rule evaluated unless ``with_rules`` is False (then
        ``results`` is empty: for lists that need only dates and people)."""
        require(actor.roles, "requests.check", who=actor.username)
        with self.db.read_session() as session:
            query = self._query(with_history=False).order_by(RequestRow.first_session, RequestRow.id)
            if undecided_only:
                query = query.where(RequestRow.status.in_(UNDECIDED))
            if statuses:
                query = query.where(RequestRow.status.in_(statuses))
            if pupil_upn is not None:
                query = query.where(RequestRow.pupil_id.in_(select(PupilRow.id).where(PupilRow.upn == pupil_upn)))
            if starting_from is not None:
                query = query.where(RequestRow.first_session >= starting_from)
            if limit is not None:
                query = query.limit(limit)
            if ending_between is not None:
                query = query.where(RequestRow.last_session.between(*ending_between))
            if overridden_since is not None:
                query = query.where(RequestRow.id.in_(
                    select(RequestOverrideRow.request_id).where(
                        RequestOverrideRow.at >= datetime.combine(overridden_since, time.min))))
            return self._views(session, session.scalars(query).all(), with_rules)

    def _views(self, session: Session, rows: list[RequestRow], with_rules: bool = True) -> list[RequestView]:
        if not rows:
            return []
        settings, calendar = session.get(SchoolSettingsRow, 1), load_calendar(session)
        overlaps = None
        if with_rules:
            overlaps = (request_overlaps(session, [r.id for r in rows if r.space_id], by="space"),
                        request_overlaps(session, [r.id for r in rows if r.class_staff_id], by="staff"))
        decisions = _Decisions(session)
        return [self._view(session, r, settings, calendar, decisions=decisions, overlaps=overlaps,
                           with_rules=with_rules) for r in rows]

    def count_requests(self, actor: Actor, statuses: tuple[str, ...], *, starting_from: date | None = None) -> int:
        """How many requests have one of ``statuses`` (and a first session on or after ``starting_from``)."""
        require(actor.roles, "requests.check", who=actor.username)
        with self.db.read_session() as session:
            query = select(func.count()).select_from(RequestRow).where(RequestRow.status.in_(statuses))
            if starting_from is not None:
                query = query.where(RequestRow.first_session >= starting_from)
            return session.scalar(query) or 0

    def get(self, actor: Actor, ref: str) -> RequestView:
        require(actor.roles, "requests.check", who=actor.username)
        with self.db.read_session() as session:
            row = self._row(session, ref)
            return self._view(session, row, session.get(SchoolSettingsRow, 1), load_calendar(session), True)

    def values(self, actor: Actor, ref: str) -> dict[str, Any]:
        """A request's details in the shape ``save_draft`` and ``evaluate_values`` take (the edit form), with
        the ``version`` they were read at."""
        require(actor.roles, "requests.edit", who=actor.username)
        with self.db.read_session() as session:
            row = self._row(session, ref)
            iso = lambda value: value.isoformat() if value else None  # noqa: E731
            return {
                "pupil": row.pupil.upn, "professional": row.professional.ext_id, "setting": row.setting,
                "first_session": iso(row.first_session), "last_session": iso(row.last_session),
                "weekday": row.weekday, "start_time": row.start_time.strftime("%H:%M"),
                "end_time": row.end_time.strftime("%H:%M"), "space": row.space.name if row.space else None,
                "class_staff": row.class_staff.ext_id if row.class_staff else None,
                "ehcp_approval_on": iso(row.ehcp_approval_on), "ehcp_approval_reference": row.ehcp_approval_reference,
                "personal_budget_linked": row.personal_budget_linked,
                "classroom_sessions_agreed": row.classroom_sessions_agreed,
                "extends": row.extends.ext_id if row.extends else None, "extension_reason": row.extension_reason,
                "outside_school_day": row.outside_school_day, "version": row.version,
            }

    def evaluate_values(self, actor: Actor, values: dict[str, Any]) -> list[RuleResult]:
        """The rules for a request being filled in (the form's live panel): nothing is saved."""
        require(actor.roles, "requests.check", who=actor.username)
        with self.db.read_session() as session:
            row = self._unsaved_row(session, values)
            settings, calendar = session.get(SchoolSettingsRow, 1), load_calendar(session)
            result = evaluate(self._facts(row), self._context(session, row, settings, calendar))
            session.expunge_all()
            return result

    # --- writing a request --------------------------------------------------------------------------
    def save_draft(self, actor: Actor, values: dict[str, Any], ref: str | None = None,
                   submit: bool = False, expected_version: int | None = None) -> RequestView:
        """Create or change a request (draft, or submitted for the headteacher's decision).

        ``expected_version`` (else ``values["version"]``, as ``values()`` gives it): the version the form
        was opened with; StaleRecord, naming who changed the request and when, if it changed since."""
        require(actor.roles, "requests.edit", who=actor.username)
        if expected_version is None:
            expected_version = values.get("version")
        with self.db.session() as session:
            row = self._locked(session, ref, expected_version) if ref else None
            if row is not None and row.status not in UNDECIDED:
                raise Refused(f"{row.ext_id} is {row.status}: a decided request is not edited; extend or end it")
            new = self._unsaved_row(session, values, into=row)
            if row is None:
                new.status = "draft"
                session.add(new)
                assign_reference(session, new, "r")
                self._event(session, new, actor, "created", None)
            if submit and new.status == "draft":
                problems = lifecycle_check("submit", new.status, {"outside_school_day": new.outside_school_day},
                                           ref=new.ext_id)
                if problems:
                    raise InvalidInput(Problem(
                        "outside_school_day", "say whether sessions outside the school day (before or after "
                        "school, at weekends or in the holidays) were considered, and why they will not do: "
                        "the policy asks this first"))
                new.status = "submitted"
                self._event(session, new, actor, "submitted", values.get("note"))
            session.flush()
            audit.record(session, actor, self.clock, "save", "request", new.ext_id, after={"status": new.status})
            return self._view(session, new, session.get(SchoolSettingsRow, 1), load_calendar(session), True)

    def check_version(self, actor: Actor, ref: str, expected_version: int | None) -> None:
        """StaleRecord (who changed it, when) if request ``ref`` is no longer at ``expected_version``."""
        require(actor.roles, "requests.edit", who=actor.username)
        with self.db.read_session() as session:
            self._check_version(session, self._row(session, ref), expected_version)

    @staticmethod
    def _check_version(session: Session, row: RequestRow, expected: int | None) -> None:
        if expected is None or expected == row.version:
            return
        raise audit.stale(session, f"Request {row.ext_id}", "request", row.ext_id)

    def _unsaved_row(self, session: Session, values: dict[str, Any], into: RequestRow | None = None) -> RequestRow:
        problems: list[Problem] = []
        pupil = session.scalar(select(PupilRow).where(PupilRow.upn == values.get("pupil"))
                               .options(selectinload(PupilRow.klass)))
        if pupil is None:
            problems.append(Problem("pupil", "choose the pupil"))
        pro = session.scalar(select(ProfessionalRow).where(ProfessionalRow.ext_id == values.get("professional")))
        if pro is None:
            problems.append(Problem("professional", "choose the independent professional"))
        elif pro.kind != "independent":
            problems.append(Problem("professional", f"{pro.name} is {pro.kind}: requests are for independent "
                                    "professionals, commissioned by parents"))
        setting = values.get("setting")
        if setting not in ("in_school", "off_site"):
            problems.append(Problem("setting", "choose off site or in school"))
        first, last = parse_date(values.get("first_session")), parse_date(values.get("last_session"))
        if first is None:
            problems.append(Problem("first_session", "give the date of the first session (YYYY-MM-DD)"))
        if last is None:
            problems.append(Problem("last_session", "give the date of the last session (YYYY-MM-DD)"))
        if first and last and last < first:
            problems.append(Problem("last_session", "the last session is before the first"))
        weekday = values.get("weekday") or (WEEKDAYS[first.weekday()] if first else None)
        if weekday not in WEEKDAYS[:5]:
            problems.append(Problem("weekday", "choose a school weekday (Monday to Friday)"))
        elif first and WEEKDAYS[first.weekday()] != weekday:
            problems.append(Problem("first_session", f"{day_text(first)} is not a {weekday.capitalize()}"))
        start, end = parse_time(values.get("start_time")), parse_time(values.get("end_time"))
        if start is None or end is None or end <= start:
            problems.append(Problem("end_time", "give the start and end times (HH:MM), the end after the start"))
        space = None
        if values.get("space"):
            space = session.scalar(select(SpaceRow).where(SpaceRow.name == values["space"]))
            if space is None:
                problems.append(Problem("space", f"{values['space']!r} is not a space of the school"))
        staff = None
        if values.get("class_staff"):
            staff = session.scalar(select(StaffRow).where(StaffRow.ext_id == values["class_staff"])
                                   .options(selectinload(StaffRow.klass)))
            if staff is None:
                problems.append(Problem("class_staff", f"{values['class_staff']!r} is not a member of staff"))
        extends = None
        if values.get("extends"):
            extends = session.scalar(select(RequestRow).where(RequestRow.ext_id == values["extends"]))
            if extends is None:
                problems.append(Problem("extends", f"there is no authorisation {values['extends']!r}"))
        approval_on = parse_date(values.get("ehcp_approval_on")) if values.get("ehcp_approval_on") else None
        if values.get("ehcp_approval_on") and approval_on is None:
            problems.append(Problem("ehcp_approval_on", "give the EHCP team's approval date (YYYY-MM-DD)"))
        if problems:
            raise InvalidInput(problems)
        row = into or RequestRow(ext_id=values.get("id") or "new", status="draft")
        row.pupil, row.pupil_id, row.professional, row.professional_id = pupil, pupil.id, pro, pro.id
        row.setting, row.first_session, row.last_session, row.weekday = setting, first, last, weekday
        row.start_time, row.end_time = start, end
        row.ehcp_approval_on = approval_on
        row.ehcp_approval_reference = (values.get("ehcp_approval_reference") or "").strip() or None
        row.personal_budget_linked = bool(values.get("personal_budget_linked"))
        row.classroom_sessions_agreed = bool(values.get("classroom_sessions_agreed"))
        row.space, row.space_id = space, space.id if space else None
        row.class_staff, row.class_staff_id = staff, staff.id if staff else None
        row.extends, row.extends_id = extends, extends.id if extends else None
        row.extension_reason = (values.get("extension_reason") or "").strip() or None
        row.outside_school_day = (values.get("outside_school_day") or "").strip() or None
        return row

    # --- decisions ----------------------------------------------------------------------------------
    def can_decide(self, actor: Actor, on: date | None = None) -> str | None:
        """None when ``actor`` may decide requests (as headteacher or acting head), else why not."""
        if "headteacher" in actor.roles:
            return None
        with self.db.read_session() as session:
            return self._delegation_problem(session, actor, on or self.clock.today())

    def _delegation_problem(self, session: Session, actor: Actor, on: date) -> str | None:
        delegation = session.scalar(select(DelegationRow).where(
            DelegationRow.delegate == actor.username, DelegationRow.ended_at.is_(None),
            DelegationRow.starts_on <= on, DelegationRow.ends_on >= on))
        if delegation is None:
            return (f"{actor.username} may not decide requests: only the headteacher, or an acting head named by the "
                    f"headteacher for a period that includes {day_text(on)}")
        return None

    def _decider(self, session: Session, actor: Actor, action: str) -> str | None:
        """Refuse anyone who may not take ``action``; returns the headteacher delegating, if any."""
        if action == "review-meeting" and allowed(actor.roles, "requests.review_meeting"):
            return None
        if "headteacher" in actor.roles:
            return None
        problem = self._delegation_problem(session, actor, self.clock.today())
        if problem:
            raise NotAllowed(problem)
        delegation = session.scalar(select(DelegationRow).where(DelegationRow.delegate == actor.username,
                                                                DelegationRow.ended_at.is_(None)))
        return delegation.created_by

    def delegate(self, actor: Actor, username: str, starts_on: date, ends_on: date) -> None:
        """The headteacher names an acting head for a period (recorded; ended early with end_delegation)."""
        require(actor.roles, "requests.delegate", who=actor.username)
        if ends_on < starts_on:
            raise InvalidInput(Problem("ends_on", "the delegation ends before it starts"))
        with self.db.session() as session:
            from ..store.models import UserRow

            if session.scalar(select(UserRow.id).where(UserRow.username == username)) is None:
                raise InvalidInput(Problem("delegate", f"{username!r} is not a user of the app"))
            row = DelegationRow(delegate=username, starts_on=starts_on, ends_on=ends_on, created_by=actor.username,
                                created_at=self.clock.now())
            session.add(row)
            session.flush()
            audit.record(session, actor, self.clock, "delegate", "delegation", row.id,
                         after={"delegate": username, "from": starts_on, "to": ends_on})

    def decide(self, actor: Actor, ref: str, action: str, *, reason: str | None = None,
               overrides: dict[str, str] | None = None, until: date | None = None, on: date | None = None,
               attendees: str | None = None, absent_reason: str | None = None,
               expected_version: int | None = None) -> DecisionResult:
        """Take a decision on a request (the contract's ACTIONs); every transition is recorded.

        The request's life is `domain.lifecycle`: an action not allowed from the request's status is
        Refused; a field it needs missing or wrong is InvalidInput naming the field.
        ``expected_version``: the version the person saw the request at (StaleRecord, naming who changed
        it and when, if it changed since); two decisions at once are taken one after the other."""
        if action not in DECISIONS:
            raise InvalidInput(Problem("action", "one of " + ", ".join(DECISIONS)))
        overrides = {k.upper(): v for k, v in (overrides or {}).items()}
        with self.db.session() as session:
            on_behalf = self._decider(session, actor, action)
            row = self._locked(session, ref, expected_version)
            why = refusal(action, row.status, row.ext_id)
            if why:
                raise Refused(why)
            settings, calendar = session.get(SchoolSettingsRow, 1), load_calendar(session)
            handler = getattr(self, f"_{action.replace('-', '_')}")
            outcome = handler(session, actor, row, settings, calendar, reason=reason, overrides=overrides,
                              until=until, on=on or self.clock.today(), attendees=attendees,
                              absent_reason=absent_reason, on_behalf=on_behalf)
            session.flush()
            audit.record(session, actor, self.clock, action, "request", row.ext_id,
                         after={"status": row.status, "reason": reason, "overrides": overrides,
                                "on_behalf_of": on_behalf})
            view = self._view(session, outcome.get("row", row), settings, calendar, True)
            return DecisionResult(view, outcome.get("booked", 0), outcome.get("cancelled", 0),
                                  tuple(outcome.get("not_rebooked", ())))

    def _fields(self, row: RequestRow, action: str, values: dict[str, Any]) -> None:
        """InvalidInput naming each field ``action`` needs and lacks (domain.lifecycle.check)."""
        problems = [p for p in lifecycle_check(action, row.status, {"today": self.clock.today(), **values},
                                               ref=row.ext_id) if p.where != "status"]
        if problems:
            raise InvalidInput(problems)

    def _require_status(self, row: RequestRow, *allowed_statuses: str, action: str) -> None:
        if row.status not in allowed_statuses:
            raise Refused(f"{row.ext_id} is {row.status}: it cannot be {action} (only when "
                          f"{' or '.join(allowed_statuses)})")

    def _results(self, session: Session, row: RequestRow, settings, calendar,
                 reinstated_on: date | None = None) -> list[RuleResult]:
        """Every rule as it stands now (for a reinstatement: as it stands once reinstated)."""
        context = self._context(session, row, settings, calendar)
        if reinstated_on is not None and context.suspension is not None:
            context = replace(context, suspension=replace(context.suspension, reinstated_on=reinstated_on))
        return evaluate(self._facts(row), context)

    def _approve(self, session: Session, actor: Actor, row: RequestRow, settings, calendar, *,
                 overrides: dict[str, str], on_behalf: str | None, reason: str | None, **_: Any) -> dict:
        self._require_status(row, "submitted", "draft", action="approved")
        results = self._results(session, row, settings, calendar)
        failed = [r for r in results if not r.ok]
        missing = [r for r in failed if not (overrides.get(r.rule) or "").strip()]
        if missing:
            raise Refused("not approved: " + "; ".join(f"{r.rule}: {r.detail}" for r in missing)
                          + ". Approve over a failed rule only with an override reason for that rule",
                          reasons=[{"rule": r.rule, "detail": r.detail} for r in missing])
        unknown = [rule for rule in overrides if rule not in RULE_IDS]
        if unknown:
            raise InvalidInput(Problem("override", f"{', '.join(unknown)} is not a rule: use one of "
                                       + ", ".join(RULE_IDS)))
        for result in failed:
            session.add(RequestOverrideRow(request_id=row.id, rule=result.rule, reason=overrides[result.rule].strip(),
                                           by=actor.username, on_behalf_of=on_behalf, at=self.clock.now()))
        row.status = "approved"
        booked = self._book_sessions(session, actor, row, calendar, from_day=row.first_session)
        self._event(session, row, actor, "approved", reason, {
            "overrides": {r.rule: overrides[r.rule] for r in failed}, "on_behalf_of": on_behalf,
            "bookings": booked, "verdicts": verdicts_json(results)})
        return {"booked": booked}

    def _decline(self, session: Session, actor: Actor, row: RequestRow, settings, calendar, *, reason: str | None,
                 on_behalf: str | None, **__: Any) -> dict:
        self._fields(row, "decline", {"reason": reason})
        results = self._results(session, row, settings, calendar)
        row.status = "declined"
        self._event(session, row, actor, "declined", reason, {"on_behalf_of": on_behalf,
                                                             "verdicts": verdicts_json(results)})
        return {}

    def _suspend(self, session: Session, actor: Actor, row: RequestRow, *_, reason: str | None, on: date,
                 on_behalf: str | None, **__: Any) -> dict:
        self._fields(row, "suspend", {"reason": reason, "on": on})
        row.status = "suspended"
        cancelled = self._cancel_future(session, actor, row, on, f"suspended: {(reason or '').strip()}")
        self._event(session, row, actor, "suspended", reason, {"on_behalf_of": on_behalf, "cancelled": cancelled},
                    at=datetime.combine(on, self.clock.now().time()))
        return {"cancelled": cancelled}

    def _known_people(self, session: Session, row: RequestRow) -> KnownPeople:
        """Who the app knows for a meeting about this pupil: contacts, professionals, staff."""
        contacts = session.scalars(select(ContactRow).where(ContactRow.pupil_id == row.pupil_id)
                                   .order_by(ContactRow.id)).all()
        return KnownPeople(
            parents=tuple(c.name for c in contacts if is_parent_or_carer(c.relationship_, c.parental_responsibility)),
            contacts=tuple(c.name for c in contacts
                           if not is_parent_or_carer(c.relationship_, c.parental_responsibility)),
            professionals=tuple((ident, name) for ident, name in session.execute(
                select(ProfessionalRow.ext_id, ProfessionalRow.name).order_by(ProfessionalRow.name))),
            staff=tuple((ident, name) for ident, name in session.execute(
                select(StaffRow.ext_id, StaffRow.name).order_by(StaffRow.name))))

    def known_people(self, actor: Actor, ref: str) -> KnownPeople:
        """Who may be named at this request's review meeting (the form's choices)."""
        require(actor.roles, "requests.check", who=actor.username)
        with self.db.read_session() as session:
            return self._known_people(session, self._row(session, ref))

    def _review_meeting(self, session: Session, actor: Actor, row: RequestRow, *_, reason: str | None, on: date,
                        attendees: str | None, absent_reason: str | None = None, **__: Any) -> dict:
        suspension = self._suspension(session, row)
        self._fields(row, "review-meeting", {
            "on": on, "attendees": attendees, "absent_reason": absent_reason, "reason": reason,
            "suspended_on": suspension.suspended_on if suspension else None,
            "known": self._known_people(session, row)})
        session.add(ReviewMeetingRow(request_id=row.id, held_on=on, attendees=(attendees or "").strip() or None,
                                     outcome=(reason or "").strip() or None, recorded_by=actor.username,
                                     recorded_at=self.clock.now()))
        details: dict[str, Any] = {"held_on": on.isoformat(), "attendees": attendees}
        if (absent_reason or "").strip():
            details["absent_reason"] = absent_reason.strip()  # type: ignore[union-attr]
        self._event(session, row, actor, "review meeting", reason, details)
        return {}

    def _reinstate(self, session: Session, actor: Actor, row: RequestRow, settings, calendar, *,
                   reason: str | None, on_behalf: str | None, **_: Any) -> dict:
        self._require_status(row, "suspended", action="reinstated")
        session.flush()
        suspension = self._suspension(session, row)
        if suspension is None or suspension.review_meeting_on is None:
            raise Refused(f"{row.ext_id} cannot be reinstated before a review meeting with parents and professionals "
                          "(on or after the day of the suspension) is recorded")
        today = self.clock.today()
        results = self._results(session, row, settings, calendar, reinstated_on=today)
        row.status = "approved"
        booked, not_rebooked = self._rebook(session, actor, row, calendar, today, settings)
        self._event(session, row, actor, "reinstated", reason, {"on_behalf_of": on_behalf, "rebooked": booked,
                                                               "not_rebooked": not_rebooked,
                                                               "verdicts": verdicts_json(results)})
        return {"booked": booked, "not_rebooked": not_rebooked}

    def _end(self, session: Session, actor: Actor, row: RequestRow, *_, reason: str | None, on: date,
             on_behalf: str | None, **__: Any) -> dict:
        self._fields(row, "end", {"reason": reason, "on": on})
        row.status = "ended"
        cancelled = self._cancel_future(session, actor, row, on, f"authorisation ended: {(reason or '').strip()}")
        self._event(session, row, actor, "ended", reason, {"on_behalf_of": on_behalf, "cancelled": cancelled})
        return {"cancelled": cancelled}

    def _extend(self, session: Session, actor: Actor, row: RequestRow, settings, calendar, *,
                reason: str | None, until: date | None, overrides: dict[str, str], on_behalf: str | None,
                **_: Any) -> dict:
        self._fields(row, "extend", {"until": until, "reason": reason, "last_session": row.last_session})
        assert until is not None and reason is not None  # checked just above
        step = timedelta(days=7)
        first = row.last_session + step
        while first <= until and not calendar.is_school_day(first):
            first += step
        if first > until:
            raise InvalidInput(Problem("until", "there is no school day on the weekday between the old and new end"))
        last = until
        while last.weekday() != row.last_session.weekday():
            last -= timedelta(days=1)
        new = RequestRow(
            ext_id=pending_reference("r"), pupil_id=row.pupil_id, professional_id=row.professional_id,
            setting=row.setting, first_session=first, last_session=last, weekday=row.weekday,
            start_time=row.start_time, end_time=row.end_time, ehcp_approval_on=row.ehcp_approval_on,
            ehcp_approval_reference=row.ehcp_approval_reference, personal_budget_linked=row.personal_budget_linked,
            classroom_sessions_agreed=row.classroom_sessions_agreed, space_id=row.space_id,
            class_staff_id=row.class_staff_id, extends_id=row.id, extension_reason=reason.strip(), status="submitted",
            outside_school_day=row.outside_school_day)
        session.add(new)
        assign_reference(session, new, "r")
        session.refresh(new)
        new = session.scalar(self._query().where(RequestRow.id == new.id))
        self._event(session, new, actor, "created", f"extends {row.ext_id}")
        self._approve(session, actor, new, settings, calendar, overrides=overrides, on_behalf=on_behalf,
                      reason=reason)
        self._event(session, row, actor, "extended", reason, {"by": new.ext_id, "until": last.isoformat(),
                                                              "on_behalf_of": on_behalf})
        return {"row": new, "booked": 0}

    # --- bookings a decision makes or cancels ---------------------------------------------------------
    def _book_sessions(self, session: Session, actor: Actor, row: RequestRow, calendar, from_day: date) -> int:
        """In-school sessions in a space become bookings (sessions in the classroom hold no space)."""
        if row.setting != "in_school" or row.space is None:
            return 0
        dates = [d for d in session_dates(self._facts(row), calendar) if d >= from_day]
        if not dates:
            return 0
        staff = (row.class_staff.ext_id,) if row.class_staff else ()
        draft = BookingDraft(space=row.space.name, start=datetime.combine(dates[0], row.start_time),
                             end=datetime.combine(dates[0], row.end_time), professional=row.professional.ext_id,
                             staff=staff, pupils=(row.pupil.upn,),
                             title=f"Independent {row.professional.discipline.replace('_', ' ')} ({row.ext_id})",
                             weekly_until=dates[-1] if len(dates) > 1 else None)
        skip = [d for d in session_dates(self._facts(row), calendar) if d not in dates]
        blocks = self.bookings.book_in_session(session, actor, draft, row.space_id, set(skip), for_request=True)
        session.execute(BookingRow.__table__.update().where(BookingRow.id == blocks[0].booking_id)
                        .values(request_id=row.id))
        return len(blocks)

    def _lock_bookings(self, session: Session, row: RequestRow) -> None:
        """Lock the bookings made for this request (guard) before their sessions are cancelled or re-booked."""
        for booking_id in sorted(session.scalars(select(BookingRow.id).where(BookingRow.request_id == row.id))):
            guard.root(session, BookingRow, booking_id)

    def _cancel_future(self, session: Session, actor: Actor, row: RequestRow, on: date, reason: str) -> int:
        self._lock_bookings(session, row)
        occurrences = session.scalars(select(BookingOccurrenceRow).join(BookingRow).where(
            BookingRow.request_id == row.id, BookingOccurrenceRow.status == "booked",
            BookingOccurrenceRow.starts_at >= datetime.combine(on, time.min))
            .order_by(BookingOccurrenceRow.starts_at)).all()
        now = self.clock.now()
        for occ in occurrences:
            occ.status, occ.cancelled_by, occ.cancelled_at, occ.cancel_reason = "cancelled", actor.username, now, reason
            occ.individually = True
        if occurrences:
            # the professional, the family and the class teacher must be told (on the office's dashboard until
            # each is marked told): one notice each for all the sessions, never the head's reason (it may be
            # confidential; the family's letter says what they need)
            session.flush()
            first, last = occurrences[0], occurrences[-1]
            which = (f"the session on {day_text(first.starts_at.date())}" if len(occurrences) == 1 else
                     f"the {len(occurrences)} sessions from {day_text(first.starts_at.date())} to "
                     f"{day_text(last.starts_at.date())}")
            why = ("the authorisation is suspended until a review meeting" if reason.startswith("suspended")
                   else "the authorisation has ended")
            self.bookings.tell_of_change(session, actor, first, f"{row.ext_id}: {which} "
                                         f"({row.weekday.capitalize()}s {row.start_time:%H:%M}, {first.space.name}) "
                                         f"cancelled: {why}")
        return len(occurrences)

    def _rebook(self, session: Session, actor: Actor, row: RequestRow, calendar, today: date,
                settings: SchoolSettingsRow | None = None) -> tuple[int, list[str]]:
        """Re-book the future sessions whose space is still free and on whose day the professional's checks
        hold; list the rest with why ("12 Jan 2027: DBS school check lapsed …")."""
        if row.setting != "in_school" or row.space is None:
            return 0, []
        self._lock_bookings(session, row)
        self.bookings.lock_spaces(session, [row.space_id])
        cancelled = session.scalars(select(BookingOccurrenceRow).join(BookingRow).where(
            BookingRow.request_id == row.id, BookingOccurrenceRow.status == "cancelled",
            BookingOccurrenceRow.starts_at >= datetime.combine(today, time.min),
            BookingOccurrenceRow.cancel_reason.like("suspended:%"))).all()
        clashes = self.bookings.clashes_in_session(session, row.space_id, [(o.starts_at, o.ends_at) for o in cancelled])
        blocked = blocked_dates(checks_of(row.professional), [o.starts_at.date() for o in cancelled],
                                settings.dbs_recheck_years if settings else 3)
        booked, not_rebooked = 0, []
        for occ, found in zip(cancelled, clashes, strict=True):
            status = blocked.get(occ.starts_at.date())
            if status is not None:
                why = "; ".join(f.message for f in status.blocking)
                not_rebooked.append(f"{day_text(occ.starts_at.date())}: {row.professional.name}'s checks do not "
                                    f"hold on the day ({why})")
                continue
            if found:
                not_rebooked.append(f"{day_text(occ.starts_at.date())}: {row.space.name} is taken by {found[0].who}")
                continue
            occ.status, occ.cancelled_by, occ.cancelled_at, occ.cancel_reason = "booked", None, None, None
            booked += 1
        restarted = [o for o in cancelled if o.status == "booked"]
        if restarted:  # the professional, the family and the class teacher are told the sessions restart
            session.flush()
            first = restarted[0]
            which = (f"the session on {day_text(first.starts_at.date())}" if len(restarted) == 1 else
                     f"{len(restarted)} sessions from {day_text(first.starts_at.date())}")
            self.bookings.tell_of_change(session, actor, first, f"{row.ext_id}: {which} "
                                         f"({row.weekday.capitalize()}s {row.start_time:%H:%M}, {row.space.name}) "
                                         "booked again: the authorisation is reinstated")
        return booked, not_rebooked

    # --- off-site sessions and the pupils off site now ------------------------------------------------
    def off_site_problem(self, actor: Actor, ref: str, time_out: datetime) -> str | None:
        """Why the pupil of ``ref`` may not leave at ``time_out`` under the authorisation (its day, term time,
        closures, its times with OFF_SITE_EARLY before the start), or None when they may. The window asks
        the headteacher for a reason, and tells anyone else, before `log_off_site` refuses."""
        require(actor.roles, "requests.off_site", who=actor.username)
        with self.db.read_session() as session:
            row = self._row(session, ref)
            self._require_off_site(row)
            return self._off_site_problem(session, row, time_out)

    def _require_off_site(self, row: RequestRow) -> None:
        if row.setting != "off_site" or row.status != "approved":
            raise Refused(f"{row.ext_id} is not an approved off-site authorisation"
                          + (f" (it is {row.status})" if row.setting == "off_site" else ""))

    def _off_site_problem(self, session: Session, row: RequestRow, time_out: datetime) -> str | None:
        day = time_out.date()
        calendar = load_calendar(session)
        authorised = (f"{row.ext_id} is authorised for {row.weekday.capitalize()}s "
                      f"{row.start_time:%H:%M}–{row.end_time:%H:%M}")
        when = "today is" if day == self.clock.today() else "the day given is"
        if day not in session_dates(self._facts(row), calendar):
            why = ""
            if WEEKDAYS[day.weekday()] == row.weekday:
                closed = calendar.why_not_school_day(day)
                why = (f" ({closed})" if closed else
                       f" (outside the authorisation, {day_text(row.first_session)} to {day_text(row.last_session)})")
            return f"{authorised}; {when} {day:%A} {day_text(day)}{why}"
        earliest = datetime.combine(day, row.start_time) - OFF_SITE_EARLY
        latest = datetime.combine(day, row.end_time)
        if not earliest <= time_out < latest:
            return (f"{authorised}; the pupil may leave from {earliest:%H:%M} (30 minutes before the start) until "
                    f"{latest:%H:%M}, not at {time_out:%H:%M}")
        return None

    def log_off_site(self, actor: Actor, ref: str, time_out: datetime, *, taken_by: str | None = None,
                     time_back: datetime | None = None, attendance_mark: str | None = None,
                     exception_reason: str | None = None, expected_version: int | None = None) -> int:
        """Sign the pupil of off-site authorisation ``ref`` out at ``time_out``: on an authorised session day,
        from OFF_SITE_EARLY before the start until the end. Any other day or time is refused, unless the
        headteacher (or an acting head) gives ``exception_reason``: recorded, and audited, as an exception."""
        require(actor.roles, "requests.off_site", who=actor.username)
        reason = (exception_reason or "").strip() or None
        with self.db.session() as session:
            row = self._locked(session, ref, expected_version)
            self._require_off_site(row)
            problem = self._off_site_problem(session, row, time_out)
            exception_by = None
            if problem:
                if reason is None:
                    raise Refused(f"{problem}. Only the headteacher (or an acting head) may let the pupil go outside "
                                  "the authorisation, giving a reason")
                if "headteacher" not in actor.roles:
                    delegation = self._delegation_problem(session, actor, self.clock.today())
                    if delegation:
                        raise NotAllowed(f"{problem}: only the headteacher, or an acting head, may let the pupil go "
                                         f"outside the authorisation ({delegation})")
                exception_by = actor.username
            else:
                reason = None
            if time_back is not None and time_back <= time_out:
                raise InvalidInput(Problem("time_back", "the pupil came back before leaving"))
            if attendance_mark is not None:
                attendance_mark = _checked_mark(attendance_mark)
            log_row = OffSiteSessionRow(request_id=row.id, session_on=time_out.date(), time_out=time_out,
                                        time_back=time_back, taken_by=(taken_by or "").strip() or None,
                                        attendance_mark=attendance_mark, recorded_by=actor.username,
                                        exception_reason=reason, exception_by=exception_by)
            session.add(log_row)
            session.flush()
            audit.record(session, actor, self.clock, "off_site", "request", row.ext_id,
                         after={"out": time_out, "back": time_back, "mark": attendance_mark,
                                **({"exception": problem, "exception_reason": reason} if exception_by else {})})
            return log_row.id

    def suggest_back_mark(self, actor: Actor, log_id: int, time_back: datetime,
                          registered: bool | None = None) -> MarkSuggestion:
        """The attendance mark suggested for the pupil of off-site session ``log_id`` back at ``time_back``
        (the 2024 codes, `domain.attendance`), why, and the codes the attendance lead may choose from.
        ``registered`` defaults to whether the pupil left after their session's registration."""
        require(actor.roles, "requests.off_site", who=actor.username)
        with self.db.read_session() as session:
            log_row = session.get(OffSiteSessionRow, log_id)
            if log_row is None:
                raise NotFound(f"there is no off-site session {log_id}")
            settings = session.get(SchoolSettingsRow, 1)
            sessions = SchoolSessions.of_day(settings.school_day_start, settings.school_day_end)
            out = log_row.time_out
            session_name, registration = (("morning", sessions.morning[0]) if out.time() < MORNING_ENDS
                                          else ("afternoon", sessions.afternoon[0]))
            if registered is None:
                registered = out.time() >= registration
            code, why = suggest_mark(sessions, registered, out, time_back)
            return MarkSuggestion(code, why, tuple(MARKS), registered, session_name, registration)

    def mark_back(self, actor: Actor, log_id: int, time_back: datetime, attendance_mark: str | None) -> None:
        """The pupil is back at ``time_back``; ``attendance_mark``: the code the attendance lead chose (one of
        `domain.attendance.MARKS`; `suggest_back_mark` suggests one). Never defaults."""
        require(actor.roles, "requests.off_site", who=actor.username)
        mark = _checked_mark(attendance_mark)
        with self.db.session() as session:
            request_id = session.scalar(select(OffSiteSessionRow.request_id).where(OffSiteSessionRow.id == log_id))
            if request_id is None:
                raise NotFound(f"there is no off-site session {log_id}")
            guard.root(session, RequestRow, request_id)
            log_row = guard.reload(session, OffSiteSessionRow, log_id)
            if time_back <= log_row.time_out:
                raise InvalidInput(Problem("time_back", "the pupil came back before leaving"))
            log_row.time_back = time_back
            log_row.attendance_mark = mark
            audit.record(session, actor, self.clock, "back", "off_site_session", log_id,
                         after={"back": time_back, "mark": mark})

    def off_site_authorisations(self, actor: Actor) -> list[tuple[str, str]]:
        """Approved off-site authorisations running today, as (ref, "Pupil with Professional, Fridays 13:30–15:00")."""
        require(actor.roles, "requests.off_site", who=actor.username)
        today = self.clock.today()
        with self.db.read_session() as session:
            rows = session.scalars(self._query().where(
                RequestRow.setting == "off_site", RequestRow.status == "approved",
                RequestRow.first_session <= today, RequestRow.last_session >= today).order_by(RequestRow.ext_id))
            return [(r.ext_id, f"{r.pupil.first_name} {r.pupil.last_name} with {r.professional.name}, "
                               f"{r.weekday.capitalize()}s {r.start_time:%H:%M}–{r.end_time:%H:%M}") for r in rows]

    def session_dates(self, actor: Actor, ref: str) -> list[date]:
        """The school days a request's sessions fall on (its weekday, term time, closures left out)."""
        require(actor.roles, "requests.check", who=actor.username)
        with self.db.read_session() as session:
            row = self._row(session, ref)
            return session_dates(self._facts(row), load_calendar(session))

    def delegations(self, actor: Actor) -> list[tuple[str, date, date, str]]:
        """Every delegation of the headteacher's decisions: (acting head, from, to, given by)."""
        require(actor.roles, "requests.check", who=actor.username)
        with self.db.read_session() as session:
            return [tuple(r) for r in session.execute(
                select(DelegationRow.delegate, DelegationRow.starts_on, DelegationRow.ends_on, DelegationRow.created_by)
                .order_by(DelegationRow.starts_on, DelegationRow.id))]

    def off_site_between(self, actor: Actor, first: date, last: date) -> list[tuple[date, str, str, datetime,
                                                                                  datetime | None, str | None]]:
        """Off-site sessions in a period: (day, pupil, professional, out, back, taken by)."""
        require(actor.roles, "visits.view", who=actor.username)
        with self.db.read_session() as session:
            rows = session.execute(
                select(OffSiteSessionRow.session_on, PupilRow.first_name, PupilRow.last_name, ProfessionalRow.name,
                       OffSiteSessionRow.time_out, OffSiteSessionRow.time_back, OffSiteSessionRow.taken_by)
                .join(RequestRow, RequestRow.id == OffSiteSessionRow.request_id)
                .join(PupilRow, PupilRow.id == RequestRow.pupil_id)
                .join(ProfessionalRow, ProfessionalRow.id == RequestRow.professional_id)
                .where(OffSiteSessionRow.session_on.between(first, last)).order_by(OffSiteSessionRow.time_out))
            return [(d, f"{first} {last}", p, out, back, by) for d, first, last, p, out, back, by in rows]

    def off_site_now(self, actor: Actor) -> list[tuple[int, str, str, datetime, str | None]]:
        """Pupils out for therapy and not yet back: (log id, pupil, professional, out since, taken by)."""
        require(actor.roles, "visits.view", who=actor.username)
        with self.db.read_session() as session:
            rows = session.execute(
                select(OffSiteSessionRow.id, PupilRow.first_name, PupilRow.last_name, ProfessionalRow.name,
                       OffSiteSessionRow.time_out, OffSiteSessionRow.taken_by)
                .join(RequestRow, RequestRow.id == OffSiteSessionRow.request_id)
                .join(PupilRow, PupilRow.id == RequestRow.pupil_id)
                .join(ProfessionalRow, ProfessionalRow.id == RequestRow.professional_id)
                .where(OffSiteSessionRow.time_back.is_(None)).order_by(OffSiteSessionRow.time_out))
            return [(i, f"{first} {last}", p, t, by) for i, first, last, p, t, by in rows]

    # --- helpers --------------------------------------------------------------------------------------
    def _locked(self, session: Session, ref: str, expected_version: int | None) -> RequestRow:
        """Request ``ref`` locked for this transaction, checked against the version opened and its version
        bumped (guard.root), then read with what hangs from it."""
        request_id = session.scalar(select(RequestRow.id).where(RequestRow.ext_id == ref))
        if request_id is None:
            raise NotFound(f"there is no request {ref!r}")
        guard.root(session, RequestRow, request_id, expected=expected_version,
                   refusal=lambda row: audit.stale(session, f"Request {row.ext_id}", "request", row.ext_id, also=[
                       ("off_site_session", session.scalars(select(OffSiteSessionRow.id)
                                                            .where(OffSiteSessionRow.request_id == row.id)).all())]))
        return self._row(session, ref)

    def _row(self, session: Session, ref: str | None) -> RequestRow:
        row = session.scalar(self._query().where(RequestRow.ext_id == ref)) if ref else None
        if row is None:
            raise NotFound(f"there is no request {ref!r}")
        return row

    def _event(self, session: Session, row: RequestRow, actor: Actor, action: str, reason: str | None,
               details: dict | None = None, at: datetime | None = None) -> None:
        row.history.append(RequestEventRow(at=at or self.clock.now(), by=actor.username, action=action,
                                           reason=(reason or "").strip() or None, details=details))


    # --- the sessions of a request, and the bookings a load gives approved requests -----------------
    def sessions_of(self, actor: Actor, ref: str) -> list[RequestSession]:
        """Each date of a request's sessions with what became of it: booked (where), cancelled (why, by
        whom), moved (to when and where), or not booked (an off-site request, or a session no booking holds)."""
        require(actor.roles, "requests.check", who=actor.username)
        with self.db.read_session() as session:
            row = self._row(session, ref)
            dates = session_dates(self._facts(row), load_calendar(session))
            occurrences = session.execute(
                select(BookingOccurrenceRow.starts_at, BookingOccurrenceRow.ends_at, BookingOccurrenceRow.status,
                       BookingOccurrenceRow.cancel_reason, BookingOccurrenceRow.cancelled_by, SpaceRow.name,
                       BookingRow.ext_id, BookingRow.starts_at)
                .join(BookingRow, BookingRow.id == BookingOccurrenceRow.booking_id)
                .join(SpaceRow, SpaceRow.id == BookingOccurrenceRow.space_id)
                .where(BookingRow.request_id == row.id)
                .order_by(BookingOccurrenceRow.starts_at, BookingOccurrenceRow.id)).all()
            by_day: dict[date, tuple] = {}
            moved_away: list[tuple] = []
            for occ in occurrences:
                start = occ[0]
                if start.date() in dates and start.date() not in by_day:
                    by_day[start.date()] = occ
                else:
                    moved_away.append(occ)
            found = []
            for day in dates:
                occ = by_day.get(day)
                if occ is None:
                    # a session moved to another day keeps its booking: the first such one stands for it
                    occ = moved_away.pop(0) if moved_away and row.setting == "in_school" else None
                    if occ is None:
                        found.append(RequestSession(day, "off site" if row.setting != "in_school" else "not booked"))
                        continue
                start, end, status, reason, by, space, booking, _first = occ
                moved = start.date() != day or start.time() != row.start_time or end.time() != row.end_time \
                    or (row.space is not None and space != row.space.name)
                state = "cancelled" if status == "cancelled" else ("moved" if moved else "booked")
                found.append(RequestSession(day, state, space, start, end, booking, reason, by))
            return found

    def book_approved_in_session(self, session: Session, actor: Actor) -> tuple[int, list[str]]:
        """Book the sessions of every approved in-school request that has not ended (its last session is
        today or later) and that no booking names yet: what a load does, so that a loaded school's
        authorisations hold their space. Every date, from the first session, as approving books them; a
        date whose space is taken (or whose professional's checks block it, or whose space is out of use)
        is left unbooked and listed, with why. Returns (sessions booked, problems)."""
        today = self.clock.today()
        has_booking = select(BookingRow.id).where(BookingRow.request_id == RequestRow.id).exists()
        rows = session.scalars(self._query(with_history=False).where(
            RequestRow.status == "approved", RequestRow.setting == "in_school", RequestRow.space_id.is_not(None),
            RequestRow.last_session >= today, ~has_booking).order_by(RequestRow.ext_id)).all()
        if not rows:
            return 0, []
        calendar = load_calendar(session)
        booked, problems = 0, []
        for row in rows:
            count, found = self._book_free_sessions(session, actor, row, calendar)
            booked += count
            problems += found
        return booked, problems

    def _book_free_sessions(self, session: Session, actor: Actor, row: RequestRow, calendar) -> tuple[int, list[str]]:
        dates = session_dates(self._facts(row), calendar)
        if not dates:
            return 0, []
        draft = BookingDraft(space=row.space.name, start=datetime.combine(dates[0], row.start_time),
                             end=datetime.combine(dates[0], row.end_time), professional=row.professional.ext_id,
                             staff=(row.class_staff.ext_id,) if row.class_staff else (), pupils=(row.pupil.upn,),
                             title=f"Independent {row.professional.discipline.replace('_', ' ')} ({row.ext_id})",
                             weekly_until=dates[-1] if len(dates) > 1 else None)
        self.bookings.lock_spaces(session, [row.space_id])
        try:
            plan = self.bookings.plan_in_session(session, actor, draft, for_request=True)
        except (InvalidInput, Refused) as exc:
            return 0, [f"{row.ext_id}: no session booked: {exc}"]
        problems = []
        for planned in plan.clashing:
            when = f"{row.ext_id} on {planned.day:%a} {day_text(planned.day)} {planned.start:%H:%M}–{planned.end:%H:%M}"
            why = [f"{c.space} is held by {c.who} ({c.booking_ref})" for c in planned.clashes]
            if planned.blocked:
                why.append(f"{row.professional.name} cannot be booked: {planned.blocked}")
            if planned.unavailable:
                why.append(planned.unavailable)
            problems.append(f"{when}: not booked: {'; '.join(why)}")
        skip = {d.day for d in plan.clashing}
        if len(skip) == len(plan.dates):
            return 0, problems
        blocks = self.bookings.book_in_session(session, actor, draft, row.space_id, skip, for_request=True)
        session.execute(BookingRow.__table__.update().where(BookingRow.id == blocks[0].booking_id)
                        .values(request_id=row.id))
        audit.record(session, actor, self.clock, "book_sessions", "request", row.ext_id,
                     after={"booked": len(blocks), "not_booked": sorted(d.isoformat() for d in skip)},
                     note="the sessions of an approved request, booked by a load")
        return len(blocks), problems


@dataclass(frozen=True)
class RequestSession:
    """One date of a request's sessions and what became of it."""

    day: date
    state: str  # booked | cancelled | moved | not booked | off site
    space: str | None = None
    start: datetime | None = None  # where it is (a moved session: its new time)
    end: datetime | None = None
    booking: str | None = None  # the booking's reference
    cancel_reason: str | None = None
    cancelled_by: str | None = None

    def text(self) -> str:
        when = f"{self.day:%a} {day_text(self.day)}"
        if self.state == "booked":
            return f"{when}: booked in {self.space}"
        if self.state == "cancelled":
            return f"{when}: cancelled ({self.cancel_reason or 'no reason recorded'})"
        if self.state == "moved" and self.start is not None and self.end is not None:
            return (f"{when}: moved to {self.start:%a} {day_text(self.start.date())} "
                    f"{self.start:%H:%M}–{self.end:%H:%M} in {self.space}")
        return f"{when}: {self.state}"


def sessions_summary(sessions: list[RequestSession]) -> str:
    """"10 booked in Therapy Room 2 (2 cancelled: pupil ill; 1 moved)": a request's sessions in a line."""
    if not sessions:
        return "no session dates"
    if all(s.state == "off site" for s in sessions):
        return f"{len(sessions)} off site (no space booked)"
    booked = [s for s in sessions if s.state == "booked"]
    spaces = sorted({s.space for s in booked if s.space})
    text = f"{len(booked)} booked" + (f" in {', '.join(spaces)}" if spaces else "")
    others = []
    cancelled = [s for s in sessions if s.state == "cancelled"]
    if cancelled:
        reasons = list(dict.fromkeys(s.cancel_reason or "no reason recorded" for s in cancelled))
        others.append(f"{len(cancelled)} cancelled: {'; '.join(reasons)}")
    for state in ("moved", "not booked"):
        count = sum(s.state == state for s in sessions)
        if count:
            others.append(f"{count} {state}")
    return text + (f" ({', '.join(others)})" if others else "")
