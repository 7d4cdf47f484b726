"""Annual reviews of EHCPs: the meeting (date, place, invitees), its paperwork and its deadlines.

The deadlines are `domain.deadlines` (calendar time from the meeting date); moving the meeting moves
them, and the due date of advice asked for it. A cancelled meeting is kept with its reason. Recording a
meeting as held makes it the pupil's last review, from which the next one is due.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..domain import deadlines
from ..domain.checks import day_text
from ..domain.ehcp import age_on, next_review_due
from ..domain.errors import InvalidInput, NotFound, Problem, Refused
from ..domain.permissions import allowed, require
from ..domain.school import year_group_label
from ..store.database import Database
from ..store.models import (
    AdviceRequestRow,
    AnnualReviewRow,
    ClassRow,
    ProfessionalRow,
    PupilRow,
    ReviewCirculationRow,
    ReviewInviteeRow,
    SchoolSettingsRow,
    StaffRow,
)
from . import audit, guard
from .context import Actor, Clock
from .pupils import require_class, team_of

INVITEE_ROLES = {
    "parent": "parent or carer",
    "young_person": "the young person",
    "professional": "professional",
    "class_teacher": "class teacher",
    "social_worker": "social worker",
    "other": "other",
}
STATUS_WORDS = {"planned": "planned", "held": "held", "cancelled": "cancelled"}
#: from Year 12 the young person (past compulsory school age) is invited in their own right
YOUNG_PERSON_YEAR = 12


@dataclass(frozen=True)
class Invitee:
    id: int
    role: str
    name: str
    professional: str | None  # the professional's id
    removed_on: date | None

    @property
    def role_text(self) -> str:
        return INVITEE_ROLES.get(self.role, self.role)


@dataclass(frozen=True)
class Circulation:
    id: int
    document: str
    sent_to: str
    sent_on: date
    recorded_by: str


@dataclass(frozen=True)
class ReviewAdvice:
    id: int
    professional: str
    requested_on: date
    due: date
    received_on: date | None


@dataclass(frozen=True)
class Review:
    id: int
    pupil_upn: str
    pupil_name: str
    class_name: str
    meeting_on: date
    meeting_at: time | None
    place: str | None
    status: str
    cancelled_reason: str | None
    timeline: deadlines.ReviewTimeline
    steps: tuple[deadlines.PaperworkStep, ...]
    invitees: tuple[Invitee, ...]
    circulations: tuple[Circulation, ...]
    advice: tuple[ReviewAdvice, ...]
    child_views: str | None
    parent_views: str | None
    budget_review: str | None
    proposed_amendments: str | None
    invitations_sent_on: date | None
    report_sent_on: date | None
    la_decision_on: date | None
    amendment_notice_on: date | None
    final_plan_on: date | None
    flags: tuple[str, ...]  # phase transfer, preparing for adulthood, under five, looked after
    version: int

    @property
    def current_invitees(self) -> tuple[Invitee, ...]:
        return tuple(i for i in self.invitees if i.removed_on is None)

    @property
    def when_text(self) -> str:
        at = f" at {self.meeting_at:%H:%M}" if self.meeting_at else ""
        where = f", {self.place}" if self.place else ""
        return f"{day_text(self.meeting_on)}{at}{where}"


@dataclass(frozen=True)
class PupilReviews:
    upn: str
    name: str
    class_name: str
    year_group: int
    has_ehcp: bool
    ehcp_issued: date | None
    last_review: date | None
    next_due: date | None
    under_five_now: bool
    reviews: tuple[Review, ...]  # newest first, cancelled ones included

    @property
    def current(self) -> Review | None:
        """The meeting being prepared: the planned one (None when no meeting is set)."""
        return next((r for r in self.reviews if r.status == "planned"), None)


@dataclass(frozen=True)
class CalendarEntry:
    day: date
    kind: str  # meeting | a due item's kind
    text: str
    pupil_upn: str
    overdue: bool = False


class ReviewService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- reading ------------------------------------------------------------------------------------
    def for_pupil(self, actor: Actor, upn: str) -> PupilReviews:
        require(actor.roles, "reviews.view", who=actor.username)
        with self.db.read_session() as session:
            pupil = self._pupil(session, actor, upn)
            months = self._under_five_months(session)
            rows = session.scalars(self._query().where(AnnualReviewRow.pupil_id == pupil.id)
                                   .order_by(AnnualReviewRow.meeting_on.desc(), AnnualReviewRow.id.desc())).all()
            reviews = tuple(self._review(session, r, months) for r in rows)
            today = self.clock.today()
            return PupilReviews(
                pupil.upn, _name(pupil), pupil.klass.name, pupil.year_group, pupil.has_ehcp, pupil.ehcp_issued,
                pupil.ehcp_last_review,
                next_review_due(pupil.ehcp_issued, pupil.ehcp_last_review, pupil.date_of_birth, months)
                if pupil.has_ehcp else None,
                age_on(pupil.date_of_birth, today) < deadlines.UNDER_FIVE_AGE, reviews)

    def get(self, actor: Actor, review_id: int) -> Review:
        require(actor.roles, "reviews.view", who=actor.username)
        with self.db.read_session() as session:
            row = self._row(session, review_id)
            require_class(actor, row.pupil)
            return self._review(session, row, self._under_five_months(session))

    def list_reviews(self, actor: Actor, first: date, last: date, *, include_cancelled: bool = False) -> list[Review]:
        """Review meetings from ``first`` to ``last`` (a teacher: their class's)."""
        require(actor.roles, "reviews.view", who=actor.username)
        with self.db.read_session() as session:
            query = self._query().where(AnnualReviewRow.meeting_on >= first, AnnualReviewRow.meeting_on <= last)
            if not include_cancelled:
                query = query.where(AnnualReviewRow.status != "cancelled")
            if not allowed(actor.roles, "pupils.all_classes"):
                query = query.join(PupilRow).join(ClassRow).where(ClassRow.name == (actor.class_name or ""))
            months = self._under_five_months(session)
            rows = session.scalars(query.order_by(AnnualReviewRow.meeting_on, AnnualReviewRow.id)).all()
            return [self._review(session, r, months) for r in rows]

    def month(self, actor: Actor, year: int, month: int, due: list[deadlines.DueItem]) -> list[CalendarEntry]:
        """The review meetings and the pupils' deadlines (from ``due``: the DueService's items) of a month."""
        first = date(year, month, 1)
        last = date(year, month, month_calendar.monthrange(year, month)[1])
        entries = [CalendarEntry(r.meeting_on, "meeting",
                                 f"{r.pupil_name}: review meeting"
                                 + (f" {r.meeting_at:%H:%M}" if r.meeting_at else "")
                                 + (" (held)" if r.status == "held" else ""), r.pupil_upn)
                   for r in self.list_reviews(actor, first, last)]
        entries += [CalendarEntry(i.due, i.kind, i.detail, i.subject, i.overdue)
                    for i in due if first <= i.due <= last and i.kind in deadlines.PUPIL_KINDS]
        return sorted(entries, key=lambda e: (e.day, e.kind != "meeting", e.text))

    # --- the meeting -------------------------------------------------------------------------------
    def schedule(self, actor: Actor, upn: str, meeting_on: date, *, meeting_at: time | None = None,
                 place: str | None = None) -> Review:
        """Set the review meeting, inviting the parents (or the young person), the team around the child,
        the class teacher and a looked-after child's social worker; the invitees can be changed after."""
        require(actor.roles, "reviews.manage", who=actor.username)
        with self.db.session() as session:
            pupil = self._pupil(session, actor, upn)
            guard.root(session, PupilRow, pupil.id, touch=False)  # one planned meeting per pupil, across PCs
            if not pupil.has_ehcp:
                raise Refused(f"{_name(pupil)} has no EHCP: there is no annual review to schedule")
            planned = session.scalar(select(AnnualReviewRow).where(AnnualReviewRow.pupil_id == pupil.id,
                                                                   AnnualReviewRow.status == "planned"))
            if planned is not None:
                raise Refused(f"{_name(pupil)}'s review meeting is already set for {day_text(planned.meeting_on)}: "
                              "move that meeting, or cancel it first")
            self._check_date(meeting_on)
            row = AnnualReviewRow(pupil_id=pupil.id, meeting_on=meeting_on, meeting_at=meeting_at,
                                  place=(place or "").strip() or None, status="planned",
                                  created_by=actor.username, created_at=self.clock.now())
            session.add(row)
            for role, name, pro_id in self._default_invitees(session, pupil, meeting_on):
                row.invitees.append(ReviewInviteeRow(role=role, name=name, professional_id=pro_id))
            session.flush()
            audit.record(session, actor, self.clock, "schedule", "annual_review", row.id,
                         after={"pupil": pupil.upn, "meeting_on": meeting_on, "meeting_at": meeting_at,
                                "place": row.place, "invitees": [i.name for i in row.invitees]})
            return self._review(session, row, self._under_five_months(session))

    def move(self, actor: Actor, review_id: int, meeting_on: date, *, meeting_at: time | None = None,
             place: str | None = None, version: int | None = None) -> Review:
        """Move a planned meeting: every deadline follows it, and so does the due date of advice not yet in."""
        require(actor.roles, "reviews.manage", who=actor.username)
        with self.db.session() as session:
            row = self._editable(session, actor, review_id, version)
            self._check_date(meeting_on)
            before = {"meeting_on": row.meeting_on, "meeting_at": row.meeting_at, "place": row.place}
            row.meeting_on, row.meeting_at, row.place = meeting_on, meeting_at, (place or "").strip() or None
            for advice in session.scalars(select(AdviceRequestRow).where(AdviceRequestRow.review_id == row.id,
                                                                         AdviceRequestRow.received_on.is_(None))):
                advice.due = deadlines.review_advice_due(meeting_on, advice.requested_on)
            audit.record_change(session, actor, self.clock, "annual_review", row.id, before,
                                {"meeting_on": meeting_on, "meeting_at": meeting_at, "place": row.place})
            session.flush()
            return self._review(session, row, self._under_five_months(session))

    def cancel(self, actor: Actor, review_id: int, reason: str, version: int | None = None) -> None:
        require(actor.roles, "reviews.manage", who=actor.username)
        if not (reason or "").strip():
            raise InvalidInput(Problem("reason", "say why the meeting is cancelled"))
        with self.db.session() as session:
            row = self._editable(session, actor, review_id, version)
            row.status, row.cancelled_reason = "cancelled", reason.strip()
            audit.record(session, actor, self.clock, "cancel", "annual_review", row.id,
                         before={"status": "planned"}, after={"status": "cancelled", "reason": row.cancelled_reason})

    def record_held(self, actor: Actor, review_id: int, version: int | None = None) -> None:
        """The meeting took place: it becomes the pupil's last review, from which the next is due."""
        require(actor.roles, "reviews.manage", who=actor.username)
        with self.db.session() as session:
            row = self._editable(session, actor, review_id, version)
            if row.meeting_on > self.clock.today():
                raise Refused(f"the meeting is on {day_text(row.meeting_on)}: record it as held on or after that day")
            pupil = guard.root(session, PupilRow, row.pupil_id)  # its last review changes
            before = pupil.ehcp_last_review
            row.status = "held"
            if before is None or row.meeting_on > before:
                pupil.ehcp_last_review = row.meeting_on
            audit.record(session, actor, self.clock, "held", "annual_review", row.id,
                         before={"status": "planned", "last_review": before},
                         after={"status": "held", "last_review": pupil.ehcp_last_review})

    # --- invitees ----------------------------------------------------------------------------------
    def add_invitee(self, actor: Actor, review_id: int, role: str, name: str,
                    professional: str | None = None, version: int | None = None) -> None:
        require(actor.roles, "reviews.manage", who=actor.username)
        problems = []
        if role not in INVITEE_ROLES:
            problems.append(Problem("role", "choose one of: " + ", ".join(INVITEE_ROLES.values())))
        if not (name or "").strip() and not professional:
            problems.append(Problem("name", "give the name of the person invited"))
        if problems:
            raise InvalidInput(problems)
        with self.db.session() as session:
            row = self._editable(session, actor, review_id, version, allow_held=True)
            pro_id = None
            if professional:
                pro = session.scalar(select(ProfessionalRow).where(ProfessionalRow.ext_id == professional))
                if pro is None:
                    raise InvalidInput(Problem("professional", f"there is no professional {professional!r}"))
                pro_id, name = pro.id, name.strip() or pro.name
            current = {(i.professional_id or i.name.strip().lower()) for i in row.invitees if i.removed_on is None}
            if (pro_id or name.strip().lower()) in current:
                raise Refused(f"{name.strip()} is invited already")
            row.invitees.append(ReviewInviteeRow(role=role, name=name.strip(), professional_id=pro_id))
            session.flush()
            audit.record(session, actor, self.clock, "invite", "annual_review", row.id,
                         after={"role": role, "name": name.strip()})

    def remove_invitee(self, actor: Actor, invitee_id: int, version: int | None = None) -> None:
        """Take someone off the list (kept, marked removed today)."""
        require(actor.roles, "reviews.manage", who=actor.username)
        with self.db.session() as session:
            review_id = session.scalar(select(ReviewInviteeRow.review_id).where(ReviewInviteeRow.id == invitee_id))
            if review_id is None:
                raise NotFound(f"there is no invitee {invitee_id}")
            self._editable(session, actor, review_id, version, allow_held=True)
            invitee = guard.reload(session, ReviewInviteeRow, invitee_id)
            if invitee.removed_on is None:
                invitee.removed_on = self.clock.today()
                audit.record(session, actor, self.clock, "uninvite", "annual_review", invitee.review_id,
                             before={"name": invitee.name})

    # --- paperwork ---------------------------------------------------------------------------------
    def mark_invitations_sent(self, actor: Actor, review_id: int, sent_on: date, version: int | None = None) -> None:
        self._set_date(actor, review_id, "invitations_sent_on", sent_on, version)

    def request_advice(self, actor: Actor, review_id: int, professionals: list[str],
                       purpose: str | None = None, version: int | None = None) -> int:
        """Ask professionals for advice for the review, due by the circulation date (meeting minus 2 weeks);
        asked later than that, it is due at once (today, never before the day it was asked). Returns how many
        were asked (someone already asked for this review is not asked twice)."""
        require(actor.roles, "reviews.manage", who=actor.username)
        if not professionals:
            raise InvalidInput(Problem("professionals", "choose at least one professional to ask"))
        with self.db.session() as session:
            row = self._editable(session, actor, review_id, version)
            asked = set(session.scalars(select(AdviceRequestRow.professional_id)
                                        .where(AdviceRequestRow.review_id == row.id)))
            due = deadlines.review_advice_due(row.meeting_on, self.clock.today())
            count = 0
            for ext_id in professionals:
                pro = session.scalar(select(ProfessionalRow).where(ProfessionalRow.ext_id == ext_id))
                if pro is None:
                    raise InvalidInput(Problem("professionals", f"there is no professional {ext_id!r}"))
                if pro.id in asked:
                    continue
                session.add(AdviceRequestRow(pupil_id=row.pupil_id, professional_id=pro.id, kind="annual_review",
                                             requested_on=self.clock.today(), due=due, review_id=row.id,
                                             purpose=(purpose or "").strip() or "advice for the annual review"))
                asked.add(pro.id)
                count += 1
            session.flush()
            audit.record(session, actor, self.clock, "request_advice", "annual_review", row.id,
                         after={"professionals": professionals, "due": due})
            return count

    def record_circulation(self, actor: Actor, review_id: int, document: str, sent_to: str, sent_on: date,
                           version: int | None = None) -> None:
        """Record that a document (advice, a report, the school's report) went to whom and when."""
        require(actor.roles, "reviews.manage", who=actor.username)
        problems = []
        if not (document or "").strip():
            problems.append(Problem("document", "say what was circulated (e.g. speech and language advice)"))
        if not (sent_to or "").strip():
            problems.append(Problem("sent_to", "say to whom it was sent (e.g. all invitees)"))
        if sent_on > self.clock.today():
            problems.append(Problem("sent_on", "the date sent cannot be in the future"))
        if problems:
            raise InvalidInput(problems)
        with self.db.session() as session:
            row = self._editable(session, actor, review_id, version, allow_held=True)
            row.circulations.append(ReviewCirculationRow(document=document.strip(), sent_to=sent_to.strip(),
                                                         sent_on=sent_on, recorded_by=actor.username))
            session.flush()
            audit.record(session, actor, self.clock, "circulate", "annual_review", row.id,
                         after={"document": document.strip(), "sent_to": sent_to.strip(), "sent_on": sent_on})

    def save_paperwork(self, actor: Actor, review_id: int, *, child_views: str | None = None,
                       parent_views: str | None = None, budget_review: str | None = None,
                       proposed_amendments: str | None = None, version: int | None = None) -> Review:
        """The views of the child and the parents, the personal budget review and proposed amendments."""
        require(actor.roles, "reviews.manage", who=actor.username)
        with self.db.session() as session:
            row = self._editable(session, actor, review_id, version, allow_held=True)
            fields = {"child_views": child_views, "parent_views": parent_views, "budget_review": budget_review,
                      "proposed_amendments": proposed_amendments}
            before = {k: getattr(row, k) for k in fields}
            after = {k: (v or "").strip() or None for k, v in fields.items()}
            for key, value in after.items():
                setattr(row, key, value)
            audit.record_change(session, actor, self.clock, "annual_review", row.id, before, after)
            session.flush()
            return self._review(session, row, self._under_five_months(session))

    def record_after(self, actor: Actor, review_id: int, *, report_sent_on: date | None = None,
                     la_decision_on: date | None = None, amendment_notice_on: date | None = None,
                     final_plan_on: date | None = None, version: int | None = None) -> None:
        """Dates after a held meeting: the report sent, the LA's decision, its amendment notice, the final plan."""
        require(actor.roles, "reviews.manage", who=actor.username)
        given = {"report_sent_on": report_sent_on, "la_decision_on": la_decision_on,
                 "amendment_notice_on": amendment_notice_on, "final_plan_on": final_plan_on}
        given = {k: v for k, v in given.items() if v is not None}
        if not given:
            raise InvalidInput(Problem("date", "give at least one date to record"))
        with self.db.session() as session:
            row = self._locked(session, actor, review_id, version)
            if row.status != "held":
                raise Refused("record the meeting as held first")
            problems = [Problem(k, f"the date cannot be before the meeting ({day_text(row.meeting_on)})")
                        for k, v in given.items() if v < row.meeting_on]
            problems += [Problem(k, "the date cannot be in the future") for k, v in given.items()
                         if v > self.clock.today()]
            notice = given.get("amendment_notice_on", row.amendment_notice_on)
            if "final_plan_on" in given and notice is None:
                problems.append(Problem("final_plan_on", "record the LA's amendment notice before the final plan"))
            if problems:
                raise InvalidInput(problems)
            before = {k: getattr(row, k) for k in given}
            for key, value in given.items():
                setattr(row, key, value)
            audit.record_change(session, actor, self.clock, "annual_review", row.id, before, given)

    def _set_date(self, actor: Actor, review_id: int, field: str, value: date, version: int | None = None) -> None:
        require(actor.roles, "reviews.manage", who=actor.username)
        if value > self.clock.today():
            raise InvalidInput(Problem(field, "the date cannot be in the future"))
        with self.db.session() as session:
            row = self._editable(session, actor, review_id, version, allow_held=True)
            before = {field: getattr(row, field)}
            setattr(row, field, value)
            audit.record_change(session, actor, self.clock, "annual_review", row.id, before, {field: value})

    # --- facts for `due` ---------------------------------------------------------------------------
    @staticmethod
    def facts(session: Session, pupil_ids: set[int], names: dict[int, str],
              upns: dict[int, str]) -> tuple[dict[int, date], list[deadlines.ReviewFacts]]:
        """(the planned meeting of each pupil, the paperwork facts of planned and held reviews) for DueService."""
        planned: dict[int, date] = {}
        facts = []
        first_circulation = dict(session.execute(
            select(ReviewCirculationRow.review_id, func.min(ReviewCirculationRow.sent_on))
            .group_by(ReviewCirculationRow.review_id)).all())
        rows = session.scalars(select(AnnualReviewRow).where(AnnualReviewRow.status != "cancelled")).all()
        latest_held: dict[int, AnnualReviewRow] = {}
        for r in rows:
            if r.pupil_id not in pupil_ids:
                continue
            if r.status == "planned":
                planned[r.pupil_id] = r.meeting_on
            elif r.pupil_id not in latest_held or r.meeting_on > latest_held[r.pupil_id].meeting_on:
                latest_held[r.pupil_id] = r
        for r in rows:
            if r.pupil_id in pupil_ids and (r.status == "planned" or latest_held.get(r.pupil_id) is r):
                facts.append(deadlines.ReviewFacts(
                    upns[r.pupil_id], names[r.pupil_id], r.meeting_on, r.invitations_sent_on,
                    first_circulation.get(r.id), r.report_sent_on, r.la_decision_on, r.amendment_notice_on,
                    r.final_plan_on, r.status == "held"))
        return planned, facts

    # --- helpers -----------------------------------------------------------------------------------
    @staticmethod
    def _query():
        return select(AnnualReviewRow).options(
            selectinload(AnnualReviewRow.pupil).selectinload(PupilRow.klass),
            selectinload(AnnualReviewRow.invitees), selectinload(AnnualReviewRow.circulations))

    def _pupil(self, session: Session, actor: Actor, upn: str) -> PupilRow:
        pupil = session.scalar(select(PupilRow).options(selectinload(PupilRow.klass),
                                                         selectinload(PupilRow.contacts))
                               .where(PupilRow.upn == (upn or "").strip().upper()))
        if pupil is None:
            raise NotFound(f"there is no pupil with UPN {upn!r}")
        require_class(actor, pupil)
        return pupil

    def _row(self, session: Session, review_id: int) -> AnnualReviewRow:
        row = session.scalar(self._query().where(AnnualReviewRow.id == review_id))
        if row is None:
            raise NotFound(f"there is no review meeting {review_id}")
        return row

    def _locked(self, session: Session, actor: Actor, review_id: int, version: int | None) -> AnnualReviewRow:
        """The review meeting locked for this transaction (guard), read with what hangs from it, its class
        checked, then its version checked against the one opened and bumped."""
        guard.lock(session, AnnualReviewRow, review_id)
        row = self._row(session, review_id)
        require_class(actor, row.pupil)
        guard.check(row, version, lambda: audit.stale(session, "this review meeting", "annual_review", row.id))
        guard.bump(row)
        return row

    def _editable(self, session: Session, actor: Actor, review_id: int, version: int | None,
                  *, allow_held: bool = False) -> AnnualReviewRow:
        row = self._locked(session, actor, review_id, version)
        allowed_states = ("planned", "held") if allow_held else ("planned",)
        if row.status not in allowed_states:
            raise Refused(f"this review meeting is {row.status}: it cannot be changed")
        return row

    def _check_date(self, meeting_on: date) -> None:
        if meeting_on < self.clock.today() - timedelta(days=366):
            raise InvalidInput(Problem("meeting_on", "the meeting date is more than a year ago: check the year"))

    @staticmethod
    def _under_five_months(session: Session) -> int:
        settings = session.get(SchoolSettingsRow, 1)
        return settings.under_five_review_months if settings else 6

    def _default_invitees(self, session: Session, pupil: PupilRow,
                          meeting_on: date) -> list[tuple[str, str, int | None]]:
        invitees: list[tuple[str, str, int | None]] = []
        year_then = deadlines.year_group_on(pupil.year_group, self.clock.today(), meeting_on)
        if year_then >= YOUNG_PERSON_YEAR:
            invitees.append(("young_person", _name(pupil), None))
        invitees += [("parent", c.name, None) for c in pupil.contacts if c.parental_responsibility]
        for name, role in session.execute(select(StaffRow.name, StaffRow.role)
                                          .where(StaffRow.class_id == pupil.class_id).order_by(StaffRow.name)):
            if "teacher" in role.lower() and "assistant" not in role.lower():
                invitees.append(("class_teacher", name, None))
        ids = {p.ext_id: p.id for p in session.scalars(select(ProfessionalRow))}
        invitees += [("professional", t.name, ids.get(t.professional_id)) for t in team_of(session, pupil)]
        if pupil.looked_after and pupil.social_worker:
            invitees.append(("social_worker", pupil.social_worker, None))
        return invitees

    def _review(self, session: Session, row: AnnualReviewRow, under_five_months: int) -> Review:
        pupil = row.pupil
        today = self.clock.today()
        year_then = deadlines.year_group_on(pupil.year_group, today, row.meeting_on)
        timeline = deadlines.review_timeline(row.meeting_on, pupil.date_of_birth, year_then,
                                             under_five_months=under_five_months)
        circulated = min((c.sent_on for c in row.circulations), default=None)
        steps = deadlines.paperwork_steps(deadlines.ReviewFacts(
            pupil.upn, _name(pupil), row.meeting_on, row.invitations_sent_on, circulated, row.report_sent_on,
            row.la_decision_on, row.amendment_notice_on, row.final_plan_on, row.status == "held"), today)
        advice = tuple(
            ReviewAdvice(a.id, a.professional.name, a.requested_on,
                         deadlines.advice_due(a.kind, a.requested_on, a.due, meeting=row.meeting_on), a.received_on)
            for a in session.scalars(select(AdviceRequestRow).options(selectinload(AdviceRequestRow.professional))
                                     .where(AdviceRequestRow.review_id == row.id).order_by(AdviceRequestRow.id)))
        pros = {}
        pro_ids = {i.professional_id for i in row.invitees if i.professional_id}
        if pro_ids:
            pros = dict(session.execute(select(ProfessionalRow.id, ProfessionalRow.ext_id)
                                        .where(ProfessionalRow.id.in_(pro_ids))).all())
        flags = []
        transfer = deadlines.phase_transfer(year_then, row.meeting_on)
        if transfer is not None:
            flags.append(f"phase transfer ({transfer[0]}): the amended plan must be issued by "
                         f"{day_text(transfer[1])}")
        if timeline.preparing_for_adulthood:
            flags.append(f"preparing for adulthood ({year_group_label(year_then)} at the meeting)")
        if timeline.under_five:
            flags.append(f"under 5 at the meeting: reviewed every {under_five_months} months")
        if pupil.looked_after:
            flags.append("looked after: align the meeting with the care plan's PEP review")
        return Review(
            row.id, pupil.upn, _name(pupil), pupil.klass.name, row.meeting_on, row.meeting_at, row.place,
            row.status, row.cancelled_reason, timeline, tuple(steps),
            tuple(Invitee(i.id, i.role, i.name, pros.get(i.professional_id), i.removed_on) for i in row.invitees),
            tuple(Circulation(c.id, c.document, c.sent_to, c.sent_on, c.recorded_by) for c in row.circulations),
            advice, row.child_views, row.parent_views, row.budget_review, row.proposed_amendments,
            row.invitations_sent_on, row.report_sent_on, row.la_decision_on, row.amendment_notice_on,
            row.final_plan_on, tuple(flags), row.version)


def _name(pupil: PupilRow) -> str:
    return f"{pupil.first_name} {pupil.last_name}"
