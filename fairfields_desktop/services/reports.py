"""The finished figures of every report, gathered from the use cases and audited when printed.

The `reports` package lays these out and computes nothing. Each method checks who may print it and records
the printing in the audit trail (a report of personal data, like a dump, is a disclosure).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..domain import deadlines
from ..domain.bookings import PRIORITY_REASON, TITLE_TO_REVIEW
from ..domain.bookings import initials as booking_initials
from ..domain.checks import day_text
from ..domain.errors import InvalidInput, Problem
from ..domain.lifecycle import compare
from ..domain.permissions import require
from ..domain.professionals import KIND_LABELS
from ..domain.school import AREA_LABELS, roles_text, year_group_label
from ..domain.sharing import PARTS, Recipient
from ..domain.sharing import left_out as parts_left_out
from ..domain.space_order import school_order
from .context import Actor
from .outcomes import Outcome
from .pupils import TeamEntry
from .sessions import ProvisionLine
from .visitors import FireList

#: what an annual review meeting goes through, in order (the SENCO's usual agenda)
AGENDA = (
    "Welcome and introductions; the purpose of the review",
    "The views, wishes and feelings of the child or young person",
    "The views of the parents or carers",
    "Progress towards each outcome, with the advice and reports received",
    "Provision delivered since the last review, and the personal budget",
    "Preparing for adulthood (from Year 9)",
    "Whether the plan still meets the child's needs; amendments to propose",
    "New outcomes and targets; who does what by when",
    "Date of the next review",
)
PREPARING_FOR_ADULTHOOD = ("Employment and further education", "Independent living", "Friends, relationships and "
                           "community inclusion", "Good health")


@dataclass(frozen=True)
class Authorisation:
    ref: str
    professional: str
    period: str
    status: str
    rules: tuple[tuple[str, bool, str], ...]  # rule, ok, detail
    decisions: tuple[tuple[datetime, str, str, str | None], ...]  # at, by, action, reason
    overrides: tuple[tuple[str, str, str, datetime], ...]  # rule, reason, by, at


@dataclass(frozen=True)
class AdviceLine:
    professional: str
    what: str  # "needs assessment" | "annual review"
    requested_on: date
    due: date
    received_on: date | None
    state: str  # "received on time", "received 3 days late", "OVERDUE by 7 days", "awaited"


@dataclass(frozen=True)
class ReviewPack:
    school: str
    pupil: str
    upn: str
    class_name: str
    year_label: str
    date_of_birth: date
    ehcp_issued: date | None
    last_review: date | None
    review_when: str  # the meeting, or "not yet scheduled"
    review_on: date | None
    next_due: date | None
    key_worker: str | None
    audience: str  # "the review's invitees" or the recipient
    whole: bool  # everything (the invitees), or only what consent allows
    left_out: tuple[tuple[str, str], ...]  # the parts left out, in words, each with why
    areas: tuple[str, ...] | None = None
    looked_after: tuple[str | None, str | None] | None = None  # local authority, social worker
    child_views: str | None = None
    parent_views: str | None = None
    views_included: bool = False
    team: tuple[TeamEntry, ...] | None = None
    provision_since: date | None = None
    provision_until: date | None = None
    provision: tuple[ProvisionLine, ...] | None = None
    authorisations: tuple[Authorisation, ...] | None = None
    advice: tuple[AdviceLine, ...] | None = None
    attendance: tuple[tuple[date, float], ...] | None = None  # oldest first
    attendance_threshold: float = 90.0
    outcomes: tuple[Outcome, ...] | None = None
    budget: tuple[str | None, float | None, str | None] | None = None  # reference, amount, the review's words
    adulthood: tuple[str, ...] | None = None  # None: before Year 9 (the pack does not mention it)
    amendments: str | None = None
    amendments_included: bool = False
    invitees: tuple[tuple[str, str], ...] = field(default=())  # role words, name
    invitees_left_out: bool = False  # consent does not allow the list of those invited to be shared
    shared_on: date | None = None  # the day of sharing, whose consent in force decided what is included
    agenda: tuple[str, ...] = AGENDA


@dataclass(frozen=True)
class TimetableEntry:
    start: datetime
    end: datetime
    text: str  # who and what: professionals by name, pupils by initials
    kind: str  # statutory | commissioned | independent | school


@dataclass(frozen=True)
class RoomTimetable:
    school: str
    monday: date
    days: tuple[tuple[date, str | None], ...]  # each weekday, with why it is not a school day (None: it is)
    spaces: tuple[str, ...]
    entries: dict[tuple[str, date], tuple[TimetableEntry, ...]]  # (space, day) → the day's bookings in order
    left_out: tuple[str, ...] = ()  # spaces with nothing booked that week, left out (unless all were asked for)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.entries.values())


@dataclass(frozen=True)
class RegisterEntry:
    """One independent-therapy request in the authorisations register."""

    ref: str
    pupil: str
    class_name: str
    professional: str
    setting: str  # words
    period: str
    status: str
    extends: str | None
    rules: tuple[tuple[str, bool, str], ...]
    history: tuple[tuple[datetime, str, str, str | None, str | None], ...]  # at, by, action, reason, on behalf of
    overrides: tuple[tuple[str, str, str, datetime], ...]
    #: the policy's first instance: why sessions outside the school day will not do (None: not recorded)
    outside_school_day: str | None = None
    #: the decision the rules were judged at ("approved on 23 Nov 2026"), None when undecided
    decision: str | None = None
    #: the rules at that decision: (rule, met then, detail then, override reason, today's words where it
    #: differs); empty when the decision's verdicts were not recorded (``rules`` are then today's)
    verdicts: tuple[tuple[str, bool, str, str | None, str | None], ...] = ()


@dataclass(frozen=True)
class AuthorisationsRegister:
    school: str
    first: date
    last: date
    entries: tuple[RegisterEntry, ...]
    delegations: tuple[tuple[str, date, date, str], ...]  # delegate, from, to, by


#: the events of a request a family must hear of, each with a letter of its own (in words for the chooser)
LETTER_EVENTS: dict[str, str] = {
    "approved": "approved", "declined": "declined", "suspended": "suspended",
    "review meeting": "review meeting held", "reinstated": "reinstated", "extended": "extended", "ended": "ended",
    "session moved": "a session moved", "session cancelled": "a session cancelled",
}


@dataclass(frozen=True)
class DecisionLetter:
    """A letter to the family about one event of a request (a decision, a meeting, a session that gave way),
    written from the event itself: no UPN, nothing about other pupils."""

    school: str
    to: tuple[str, ...]  # the parents with parental responsibility, or the young person
    pupil: str
    professional: str
    discipline: str
    decision: str  # the event's action: one of LETTER_EVENTS
    decided_on: date  # the event's date
    decided_by: str  # who decided (their username)
    period: str
    sessions: str  # "Tuesdays 10:30–11:15 in Therapy Room 1, 10 sessions"
    reasons: tuple[str, ...]  # plain words: why declined (the failed rules), suspended, ended
    signatory: str  # who decided, by name
    signatory_role: str = ""  # their role; "…, for the headteacher (name)" when an acting head decided
    ref: str = ""
    event_id: int | None = None
    address: tuple[str, ...] = ()  # the letterhead: the school's postal address, one line each
    telephone: str | None = None
    restart_on: date | None = None  # reinstated: the first session again
    not_rebooked: tuple[str, ...] = ()  # reinstated: the sessions that could not be re-booked, in plain words
    until: date | None = None  # extended: the new last session
    held_on: date | None = None  # review meeting: the day it was held
    outcome: str | None = None  # review meeting: what it agreed
    change: str | None = None  # a session moved or cancelled: what happened to it, in plain words
    cancelled: int | None = None  # suspended or ended: the sessions cancelled
    times: str = ""  # "Tuesdays 10:30–11:15 in Therapy Room 1"
    last_on: date | None = None  # the last session of the authorisation


@dataclass(frozen=True)
class LetterEvent:
    """An event of a request a letter can be written about, for choosing which."""

    id: int
    action: str
    at: datetime
    by: str  # the name of who decided
    sent: tuple[datetime, ...] = ()  # when a letter about it was printed or saved

    @property
    def words(self) -> str:
        told = f"; letter sent {day_text(self.sent[-1].date())}" if self.sent else ""
        return f"{LETTER_EVENTS.get(self.action, self.action).capitalize()} on {day_text(self.at.date())} " \
               f"by {self.by}{told}"


@dataclass(frozen=True)
class LetterSent:
    """A letter printed or saved for the family, kept with the event it was about."""

    id: int
    event_id: int
    kind: str
    printed_at: datetime
    printed_by: str
    to: str
    body: str

    @property
    def words(self) -> str:
        return f"Letter sent to the family on {day_text(self.printed_at.date())} " \
               f"({LETTER_EVENTS.get(self.kind, self.kind)})"


@dataclass(frozen=True)
class CheckLine:
    name: str
    kind: str
    organisation: str | None
    dbs: str
    registration: str
    insurance: str
    level: str  # valid | warning | blocking
    findings: tuple[str, ...]


@dataclass(frozen=True)
class ChecksRegister:
    school: str
    on: date
    lines: tuple[CheckLine, ...]


@dataclass(frozen=True)
class VisitsLog:
    school: str
    first: date
    last: date
    # in, out, who, kind, purpose, where, pupils
    visits: tuple[tuple[datetime, datetime | None, str, str, str, str, str], ...]
    # day, pupil, with, out, back, by
    off_site: tuple[tuple[date, str, str, datetime, datetime | None, str | None], ...]


class ReportService:
    def __init__(self, services) -> None:  # the Services container: a report composes use cases
        self.services = services

    def review_pack(self, actor: Actor, upn: str, recipient: str | None = None) -> ReviewPack:
        """The pack for a pupil's annual review: whole for the review's invitees (``recipient`` None or one of
        them); for anyone else only the sections their consent allows, saying what was left out."""
        require(actor.roles, "report.review_pack", who=actor.username)
        s = self.services
        detail = s.pupils.get_pupil(actor, s.pupils.id_of(actor, upn))
        summary = detail.summary
        today = s.clock.today()
        settings = s.school.settings()
        reviews = s.reviews.for_pupil(actor, summary.upn)
        review = reviews.current or next((r for r in reviews.reviews if r.status == "held"), None)
        meeting = review.meeting_on if review else None
        on = meeting or today

        invitees = tuple((i.role_text, i.name) for i in review.current_invitees) if review else ()
        invited_pros = {i.professional for i in review.current_invitees if i.professional} if review else set()
        whole = recipient is None or recipient in invited_pros or \
            recipient.strip().lower() in {name.lower() for _role, name in invitees}
        year_then = deadlines.year_group_on(summary.year_group, today, on)
        adulthood = year_then >= deadlines.PREPARING_FOR_ADULTHOOD_YEAR
        parts = [p for p in PARTS if p != "adulthood" or adulthood]
        if whole:
            audience, reasons = "the review's invitees", {}
        else:  # the consents in force on the day of sharing decide
            pro = next((p for p in s.professionals.list_professionals(actor) if p.ext_id == recipient), None)
            if pro is not None:
                audience = f"{pro.name} ({pro.organisation or KIND_LABELS.get(pro.kind, pro.kind)})"
                to = Recipient(audience, professional=pro.ext_id, organisation=pro.organisation)
            else:
                audience = recipient.strip()
                to = Recipient(audience, organisation=audience)
            reasons = parts_left_out([c.facts for c in detail.consents or ()], to, today, parts)
        allowed = {p for p in parts if p not in reasons}
        left_out = tuple((PARTS[p][0], reasons[p]) for p in parts if p in reasons)

        since = detail.ehcp_last_review or detail.ehcp_issued
        until = min(on, today)
        pack = ReviewPack(
            school=settings.school_name, pupil=summary.name, upn=summary.upn, class_name=summary.class_name,
            year_label=year_group_label(summary.year_group), date_of_birth=summary.date_of_birth,
            ehcp_issued=detail.ehcp_issued, last_review=detail.ehcp_last_review,
            review_when=review.when_text if review else "not yet scheduled", review_on=meeting,
            next_due=reviews.next_due, key_worker=detail.key_worker, audience=audience, whole=whole,
            left_out=left_out, invitees=invitees if "invitees" in allowed else (),
            invitees_left_out="invitees" not in allowed, shared_on=today,
            areas=tuple(AREA_LABELS.get(a, a) for a in detail.areas_of_need or ()) if "health" in allowed else None,
            looked_after=(detail.looked_after_authority, detail.social_worker) if "team" in allowed and (
                detail.social_worker or detail.looked_after_authority) else None,
            views_included="views" in allowed,
            child_views=review.child_views if review and "views" in allowed else None,
            parent_views=review.parent_views if review and "views" in allowed else None,
            team=detail.team if "team" in allowed else None,
            provision_since=since, provision_until=until,
            provision=None if "provision" not in allowed else
            tuple(s.sessions.provision(actor, summary.upn, since, until)) if since else (),
            authorisations=self._authorisations(actor, summary.upn) if "authorisations" in allowed else None,
            advice=self._advice(actor, summary.upn, since, today) if "advice" in allowed else None,
            attendance=tuple(sorted((d, p) for p, d in detail.attendance_history)) if "attendance" in allowed else None,
            attendance_threshold=settings.attendance_threshold_percent,
            outcomes=tuple(s.outcomes.for_pupil(actor, summary.upn)) if "outcomes" in allowed else None,
            budget=(detail.personal_budget_reference, detail.personal_budget_amount_gbp,
                    review.budget_review if review else None) if "budget" in allowed else None,
            adulthood=PREPARING_FOR_ADULTHOOD if adulthood and "adulthood" in allowed else None,
            amendments_included="amendments" in allowed,
            amendments=review.proposed_amendments if review and "amendments" in allowed else None,
            # before Year 9 the pack does not mention preparing for adulthood at all
            agenda=tuple(item for item in AGENDA if adulthood or "adulthood" not in item.lower()),
        )
        self._audit(actor, "review_pack", summary.upn, {"recipient": recipient or "invitees", "whole": whole,
                                                        "left_out": [what for what, _why in left_out]})
        return pack

    def timetable(self, actor: Actor, day: date, all_spaces: bool = False) -> RoomTimetable:
        """Every space's bookings, day by day, for the school week (Monday to Friday) holding ``day``.

        The spaces come in the school's order (therapy rooms, hall… first, classrooms last); a space with
        nothing booked that week is left out (named in ``left_out``) unless ``all_spaces``."""
        require(actor.roles, "report.timetable", who=actor.username)
        s = self.services
        monday = day - timedelta(days=day.weekday())
        friday = monday + timedelta(days=4)
        calendar = s.school.calendar()
        blocks = [b for b in s.bookings.bookings_between(actor, monday, friday) if b.status == "booked"]
        spaces = tuple(sp.name for sp in school_order(s.bookings.spaces(actor, bookable_only=False)))
        entries: dict[tuple[str, date], list[TimetableEntry]] = {}
        for b in sorted(blocks, key=lambda b: (b.space, b.start)):
            who = b.professional or ", ".join(b.staff) or "school use"
            # the bookings service gave the pupils this reader may see by name (another class's: "a pupil of
            # another class"): printed by initials, or "a pupil"; a title naming a pupil is never printed
            pupils = ", ".join(booking_initials(p) for p in b.pupils)
            title = TITLE_TO_REVIEW if b.title_needs_review else b.title
            what = " · ".join(x for x in (who, title, pupils and f"pupils {pupils}") if x)
            entries.setdefault((b.space, b.start.date()), []).append(TimetableEntry(b.start, b.end, what, b.kind))
        days = tuple((monday + timedelta(days=i), calendar.why_not_school_day(monday + timedelta(days=i)))
                     for i in range(5))
        self._audit(actor, "timetable", monday.isoformat(), {"bookings": len(blocks)})
        booked = {space for space, _day in entries}
        left_out = () if all_spaces else tuple(sp for sp in spaces if sp not in booked)
        return RoomTimetable(s.school.settings().school_name, monday, days,
                             tuple(sp for sp in spaces if sp not in left_out),
                             {k: tuple(v) for k, v in entries.items()}, left_out)

    def authorisations(self, actor: Actor, first: date, last: date) -> AuthorisationsRegister:
        """Every independent-therapy request with a session in the period: rules, decisions, overrides,
        delegations, suspensions and review meetings."""
        require(actor.roles, "report.authorisations", who=actor.username)
        requests = self.services.requests
        entries = []
        for view in requests.list_requests(actor, with_rules=False):
            if view.status == "draft" or view.last_session < first or view.first_session > last:
                continue
            full = requests.get(actor, view.ref)
            entries.append(RegisterEntry(
                full.ref, full.pupil, full.class_name, full.professional,
                "in school" if full.setting == "in_school" else "off site",
                f"{day_text(full.first_session)} to {day_text(full.last_session)}, {full.weekday.title()}s "
                f"{full.start_time:%H:%M}–{full.end_time:%H:%M}" + (f", {full.space}" if full.space else ""),
                full.state, full.extends, tuple((r.rule, r.ok, r.detail) for r in full.results),
                tuple((h.at, h.by, h.action, h.reason, (h.details or {}).get("on_behalf_of")) for h in full.history),
                full.overrides, full.outside_school_day,
                f"{full.decision} on {day_text(full.decision_at.date())}" if full.decision and full.decision_at
                else None,
                tuple((line.rule, line.ok, line.detail, line.override,
                       None if line.now_detail is None else
                       f"now {'met' if line.now_ok else 'NOT MET'}: {line.now_detail}")
                      for line in compare(full.verdicts_then, full.results, {o[0]: o[1] for o in full.overrides}))
                if full.verdicts_then is not None else ()))
        delegations = tuple(d for d in requests.delegations(actor) if d[2] >= first and d[1] <= last)
        self._audit(actor, "authorisations", f"{first}..{last}", {"requests": len(entries)})
        return AuthorisationsRegister(self.services.school.settings().school_name, first, last,
                                      tuple(sorted(entries, key=lambda e: e.ref)), delegations)

    def decision_letter(self, actor: Actor, ref: str) -> DecisionLetter:
        """The letter to the parents (or the young person) about the latest event of a request they must
        hear of (kept for the callers from before every event had a letter)."""
        return self.letter(actor, ref)

    def letter_events(self, actor: Actor, ref: str) -> tuple[LetterEvent, ...]:
        """The events of a request the family must hear of, oldest first, each with the letters sent about it."""
        require(actor.roles, "report.authorisations", who=actor.username)
        request = self.services.requests.get(actor, ref)
        sent: dict[int, list[datetime]] = {}
        for kept in self._letters_sent(request.id):
            sent.setdefault(kept.event_id, []).append(kept.printed_at)
        names = self._people({h.by for h in request.history})
        return tuple(LetterEvent(h.id, h.action, h.at, names.get(h.by, (h.by, ""))[0],
                                 tuple(sent.get(h.id, ()))) for h in request.history
                     if h.action in LETTER_EVENTS and h.id is not None)

    def letters_sent(self, actor: Actor, ref: str) -> tuple[LetterSent, ...]:
        """Every letter printed or saved for the family about a request, oldest first."""
        require(actor.roles, "requests.check", who=actor.username)
        return self._letters_sent(self.services.requests.get(actor, ref).id)

    def letter(self, actor: Actor, ref: str, event_id: int | None = None) -> DecisionLetter:
        """The letter to the parents (or the young person) about one event of a request (``event_id``; the
        latest the family must hear of when None), written from the event itself: its action, date, reason
        and details, signed by who decided it."""
        require(actor.roles, "report.authorisations", who=actor.username)
        s = self.services
        request = s.requests.get(actor, ref)
        events = [h for h in request.history if h.action in LETTER_EVENTS]
        if event_id is None:
            if not events:
                raise InvalidInput(Problem("request", f"{ref} has no decision yet to write to the family about"))
            event = events[-1]
        else:
            found = next((h for h in request.history if h.id == event_id), None)
            if found is None:
                raise InvalidInput(Problem("event", f"{ref} has no event {event_id}: choose one of its events"))
            if found.action not in LETTER_EVENTS:
                raise InvalidInput(Problem("event", f"the family is not written to about {found.action!r}: "
                                           "choose a decision, a review meeting or a session moved"))
            event = found
        details = event.details or {}
        detail = s.pupils.get_pupil(actor, s.pupils.id_of(actor, request.pupil_upn))
        summary = detail.summary
        if summary.year_group >= 12:  # past compulsory school age: the young person decides
            to = (summary.name,)
        else:
            to = tuple(c.name for c in detail.contacts if c.parental_responsibility) or \
                tuple(c.name for c in detail.contacts[:1])
        pro = next((p for p in s.professionals.list_professionals(actor) if p.ext_id == request.professional_id), None)
        dates = s.requests.session_dates(actor, ref)
        if request.setting == "off_site":
            where = " off site"
        else:
            where = f" in {request.space}" if request.space else " in school"
        count = len(dates)
        times = f"{request.weekday.title()}s {request.start_time:%H:%M}–{request.end_time:%H:%M}{where}"
        sessions = f"{times}, {count} session{'s' if count != 1 else ''}"
        on = event.at.date()
        extra: dict = {}
        reasons: tuple[str, ...] = ()
        if event.action == "declined":
            verdicts = details.get("verdicts")
            if verdicts is not None:  # the rules as they stood when the request was declined
                reasons = tuple(RULE_WORDS.get(v.get("rule"), v.get("detail") or "") for v in verdicts
                                if not v.get("ok"))
            else:  # a decision from before verdicts were kept: today's evaluation
                reasons = tuple(RULE_WORDS.get(r.rule, r.detail) for r in request.results if not r.ok)
            if event.reason:
                reasons += (f"In the headteacher's words: {event.reason}",) if reasons else (event.reason,)
        elif event.action in ("suspended", "ended"):
            reasons = (event.reason,) if event.reason else ()
            extra["cancelled"] = details.get("cancelled")
        elif event.action == "review meeting":
            held = details.get("held_on")
            extra["held_on"] = date.fromisoformat(held) if held else on
            extra["outcome"] = event.reason
        elif event.action == "reinstated":
            missed = tuple(_not_rebooked_words(item) for item in details.get("not_rebooked") or ())
            missed_days = {item.split(":")[0].strip() for item in details.get("not_rebooked") or ()}
            extra["not_rebooked"] = missed
            extra["restart_on"] = next((d for d in dates if d >= on and day_text(d) not in missed_days), None)
            reasons = (event.reason,) if event.reason else ()
        elif event.action == "extended":
            until = details.get("until")
            extra["until"] = date.fromisoformat(until) if until else None
            reasons = (event.reason,) if event.reason else ()
        elif event.action in ("session moved", "session cancelled"):
            extra["change"] = _change_words(event.action, details, event.reason)
        settings = s.school.settings()
        name, role = self._signature(event.by, details.get("on_behalf_of"))
        self._audit(actor, "decision_letter", ref, {"decision": event.action, "event": event.id})
        return DecisionLetter(
            settings.school_name, to, summary.name, request.professional,
            _in_a_sentence(pro.discipline_label) if pro else "therapy", event.action, on, event.by,
            f"{day_text(request.first_session)} to {day_text(request.last_session)}", sessions, reasons,
            name, role, ref=ref, event_id=event.id, address=settings.address_lines, telephone=settings.telephone,
            times=times, last_on=request.last_session, **extra)

    def keep_letter(self, actor: Actor, letter: DecisionLetter, body: str, pdf: bytes) -> LetterSent:
        """Keep a letter printed or saved for the family with the event it is about (its words and the PDF's
        hash), recorded in the audit trail in the same transaction."""
        require(actor.roles, "report.authorisations", who=actor.username)
        import hashlib

        from sqlalchemy import select

        from ..store.models import RequestEventRow, RequestLetterRow, RequestRow
        from . import audit

        digest = hashlib.sha256(pdf).hexdigest()
        with self.services.db.session() as session:
            found = session.execute(select(RequestEventRow.id, RequestRow.id).join(RequestRow).where(
                RequestEventRow.id == letter.event_id, RequestRow.ext_id == letter.ref)).first()
            if found is None:
                raise InvalidInput(Problem("event", f"{letter.ref} has no event {letter.event_id}"))
            row = RequestLetterRow(request_id=found[1], event_id=found[0], kind=letter.decision,
                                   printed_at=self.services.clock.now(), printed_by=actor.username,
                                   to=" and ".join(letter.to) or "Parent or carer", body=body, pdf_sha256=digest)
            session.add(row)
            session.flush()
            audit.record(session, actor, self.services.clock, "letter", "request", letter.ref,
                         after={"event": letter.event_id, "kind": letter.decision, "to": row.to, "sha256": digest})
            return LetterSent(row.id, row.event_id, row.kind, row.printed_at, row.printed_by, row.to, row.body)

    def _letters_sent(self, request_id: int) -> tuple[LetterSent, ...]:
        from sqlalchemy import select

        from ..store.models import RequestLetterRow

        with self.services.db.read_session() as session:
            return tuple(LetterSent(r.id, r.event_id, r.kind, r.printed_at, r.printed_by, r.to, r.body)
                         for r in session.scalars(select(RequestLetterRow).where(
                             RequestLetterRow.request_id == request_id).order_by(RequestLetterRow.id)))

    def _people(self, usernames: set[str]) -> dict[str, tuple[str, str]]:
        """Each user's name and role in words (their staff record's, else the username and roles)."""
        from sqlalchemy import select
        from sqlalchemy.orm import selectinload

        from ..store.models import UserRow

        with self.services.db.read_session() as session:
            return {u.username: (u.staff.name if u.staff else u.username,
                                 (u.staff.role if u.staff and u.staff.role else "")
                                 or roles_text(frozenset(u.roles.split(","))))
                    for u in session.scalars(select(UserRow).options(selectinload(UserRow.staff))
                                             .where(UserRow.username.in_(usernames)))}

    def _signature(self, by: str, on_behalf_of: str | None) -> tuple[str, str]:
        """Who signs: who decided, with their role; an acting head signs "for the headteacher"."""
        people = self._people({by} | ({on_behalf_of} if on_behalf_of else set()))
        name, role = people.get(by, (by, ""))
        if on_behalf_of:
            head = people.get(on_behalf_of, (on_behalf_of, ""))[0]
            return name, f"Acting headteacher, for the headteacher ({head})"
        return name, role

    def checks_register(self, actor: Actor) -> ChecksRegister:
        """Every active professional's safeguarding checks today (single-central-record style)."""
        require(actor.roles, "visits.view", who=actor.username)
        s = self.services
        today = s.clock.today()
        lines = []
        for p in s.professionals.list_professionals(actor):
            if not p.active:
                continue
            checks = s.professionals.values(actor, p.id)["checks"]
            lines.append(CheckLine(p.name, KIND_LABELS.get(p.kind, p.kind), p.organisation, _dbs_words(checks["dbs"]),
                                   _registration_words(checks["registration"]),
                                   f"expires {day_text(date.fromisoformat(checks['insurance_expires']))}"
                                   if checks["insurance_expires"] else "none recorded",
                                   p.status.level, tuple(f.message for f in p.status.findings)))
        order = {"blocking": 0, "warning": 1, "valid": 2}
        self._audit(actor, "checks_register", today.isoformat(), {"professionals": len(lines)})
        return ChecksRegister(s.school.settings().school_name, today,
                              tuple(sorted(lines, key=lambda line: (order.get(line.level, 3), line.name))))

    def visits_log(self, actor: Actor, first: date, last: date) -> VisitsLog:
        require(actor.roles, "visits.view", who=actor.username)
        s = self.services
        visits = tuple((v.signed_in_at, v.signed_out_at, v.professional_name, v.kind_words,
                        v.purpose, v.where, ", ".join(v.pupils)) for v in s.professionals.visits(actor, first, last))
        off_site = tuple(s.requests.off_site_between(actor, first, last))
        self._audit(actor, "visits_log", f"{first}..{last}", {"visits": len(visits), "off_site": len(off_site)})
        return VisitsLog(s.school.settings().school_name, first, last, visits, off_site)

    def _authorisations(self, actor: Actor, upn: str) -> tuple[Authorisation, ...]:
        requests = self.services.requests
        found = []
        for view in requests.list_requests(actor, with_rules=False, pupil_upn=upn):
            if view.status == "draft":
                continue
            full = requests.get(actor, view.ref)
            period = f"{day_text(full.first_session)} to {day_text(full.last_session)}, {full.weekday.title()}s " \
                     f"{full.start_time:%H:%M}–{full.end_time:%H:%M}"
            found.append(Authorisation(
                full.ref, full.professional, period, full.state,
                tuple((r.rule, r.ok, r.detail) for r in full.results),
                tuple((h.at, h.by, h.action, h.reason) for h in full.history), full.overrides))
        return tuple(found)

    def _advice(self, actor: Actor, upn: str, since: date | None, today: date) -> tuple[AdviceLine, ...]:
        lines = []
        for advice in self.services.advice.list_advice(actor, outstanding_only=False):
            if advice.pupil_upn != upn or (since and advice.requested_on < since - timedelta(days=366)):
                continue
            if advice.received_on is not None:
                late = (advice.received_on - advice.due).days
                state = "received on time" if late <= 0 else f"received {late} day{'s' if late != 1 else ''} late"
            elif today > advice.due:
                late = (today - advice.due).days
                state = f"OVERDUE by {late} day{'s' if late != 1 else ''}"
            else:
                state = "awaited"
            lines.append(AdviceLine(advice.professional, "needs assessment" if advice.kind == "needs_assessment"
                                    else "annual review", advice.requested_on, advice.due, advice.received_on, state))
        return tuple(sorted(lines, key=lambda a: (a.requested_on, a.professional)))

    def fire_list(self, actor: Actor) -> FireList:
        """The fire list as printed: `VisitorService.fire_list`'s figures (the screen's), the printing audited."""
        data = self.services.visitors.fire_list(actor)
        self._audit(actor, "fire_list", data.at.isoformat(timespec="minutes"),
                    {"on_site": len(data.on_site), "pupils_off_site": len(data.pupils_off_site)})
        return data

    def _audit(self, actor: Actor, report: str, subject: str, details: dict) -> None:
        from . import audit

        with self.services.db.session() as session:
            audit.record(session, actor, self.services.clock, "report", report, subject, after=details)


RULE_WORDS = {
    "ATTENDANCE": "attendance is below the level the school's policy asks for",
    "MAX_WEEKS": "the sessions would run for more weeks than the policy allows",
    "EXTENSION": "an extension needs a reason and a new end date",
    "EHCP_APPROVAL": "the EHCP team's approval, linked to the personal budget, has not been given",
    "CLASSROOM_AGREEMENT": "it has not been agreed that some sessions happen in the classroom",
    "SPACE": "there is no free space in school at that time",
    "CLASS_STAFF": "no member of the class staff is free to attend the sessions",
    "NOT_SUSPENDED": "the sessions are suspended until a review meeting has been held",
    "CHECKS": "the therapist's safeguarding checks are not complete",
}


def _not_rebooked_words(item: str) -> str:
    """A session a reinstatement could not re-book, in words for the family: its day and why, never who
    holds the room (it may name another pupil)."""
    day, _, why = item.partition(":")
    why = why.lower()
    if "taken" in why or "booked" in why or "clash" in why:
        because = "the room is in use at that time"
    elif "check" in why or "dbs" in why or "insurance" in why or "registration" in why:
        because = "the therapist's safeguarding checks do not cover that day"
    else:
        because = "it could not be arranged"
    return f"{day.strip()}: {because}"


def _change_words(action: str, details: dict, reason: str | None) -> str:
    """A session moved or cancelled, in words for the family (never naming another pupil)."""
    session_on = details.get("session_on")
    when = f"{day_text(date.fromisoformat(session_on))} at {details.get('session_at')}" if session_on else "a day"
    space = details.get("space")
    what = f"The session on {when}" + (f" in {space}" if space else "")
    moved = details.get("moved_to")
    if action == "session moved" and moved:
        where = f", in {moved['space']}" if moved.get("space") and moved.get("space") != space else ""
        moved_on = date.fromisoformat(moved["on"])
        when_moved = "the same day" if session_on and moved_on.isoformat() == session_on else day_text(moved_on)
        what += f" has moved to {moved['at']} {'on ' if when_moved != 'the same day' else ''}{when_moved}{where}"
    else:
        what += " has been cancelled"
    if not reason or reason == PRIORITY_REASON:
        why = ("the room was needed at that time for a therapy service that the school must provide (a statutory "
               "or commissioned service), and these come first")
    else:
        why = reason
    return f"{what}, because {why}."


def _initials(name: str) -> str:
    return "".join(part[0] for part in name.split() if part).upper()


def _dbs_words(dbs: dict | None) -> str:
    if not dbs:
        return "none recorded"
    if dbs.get("type") == "employer_assurance":
        return f"employer's assurance {dbs.get('date') or ''} from {dbs.get('given_by') or 'the employer'}".strip()
    barred = "barred list checked" if dbs.get("barred_list") else "barred list NOT checked"
    update = "; update service" if dbs.get("update_service") else ""
    return f"school check {dbs.get('date') or ''}, certificate {dbs.get('certificate') or '—'}; {barred}{update}"


def _registration_words(registration: dict | None) -> str:
    if not registration:
        return "none recorded"
    checked = registration.get("checked_on")
    return f"{registration.get('body') or ''} {registration.get('number') or ''}".strip() + \
        (f", checked {checked}" if checked else ", never checked")


def parse_period(first: str | None, last: str | None, today: date) -> tuple[date, date]:
    """A report's period from --from/--to (default: the school year holding today, September to August)."""
    start_year = today.year if today.month >= 9 else today.year - 1
    try:
        begin = date.fromisoformat(first) if first else date(start_year, 9, 1)
        end = date.fromisoformat(last) if last else date(start_year + 1, 8, 31)
    except ValueError as exc:
        raise InvalidInput(Problem("from/to", f"give dates as YYYY-MM-DD ({exc})")) from exc
    if end < begin:
        raise InvalidInput(Problem("to", "the end of the period is before its start"))
    return begin, end


def _in_a_sentence(words: str) -> str:
    """"Occupational therapy" as it reads inside a sentence: "occupational therapy"."""
    return words[:1].lower() + words[1:]
