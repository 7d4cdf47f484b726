"""Session records: after each booked session, whether it was delivered, or why not.

These are the provision figures the review pack prints. Sessions past their end and not yet marked are
listed for marking; a teacher marks their own class's sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, select

from ..domain.errors import InvalidInput, NotAllowed, NotFound, Problem, Refused
from ..domain.permissions import allowed, require
from ..domain.school import PROFESSIONAL_KINDS
from ..store.database import Database
from ..store.models import (
    BookingOccurrenceRow,
    BookingPupilRow,
    BookingRow,
    ClassRow,
    OutcomeRow,
    ProfessionalRow,
    PupilRow,
    SessionRecordRow,
    TargetRow,
)
from . import audit, guard
from .bookings import BookingService
from .context import Actor, Clock

NOT_DELIVERED_REASONS = {
    "pupil_absent": "pupil absent",
    "professional_absent": "professional absent",
    "cancelled_by_school": "cancelled by the school",
    "other": "other",
}


@dataclass(frozen=True)
class WeekFigures:
    monday: date
    planned: dict[str, int]  # professional kind → sessions booked that week
    delivered: dict[str, int]  # professional kind → sessions marked delivered

    @property
    def planned_total(self) -> int:
        return sum(self.planned.values())

    @property
    def delivered_total(self) -> int:
        return sum(self.delivered.values())


@dataclass(frozen=True)
class ProvisionLine:
    """One service's sessions with a pupil over a period: the review pack's provision figures."""

    professional: str
    kind: str  # statutory | commissioned | independent
    discipline: str
    planned: int  # sessions booked (including those the school later cancelled)
    delivered: int
    not_delivered: dict[str, int]  # reason (words) → how many, cancellations by the school included
    not_marked: int  # past sessions nobody has marked yet
    largest_group: int  # the most other pupils in one session (never named)


@dataclass(frozen=True)
class SessionToMark:
    occurrence_id: int
    start: datetime
    end: datetime
    space: str
    professional: str
    pupils: tuple[str, ...]  # for the reader: a teacher reads "a pupil of another class" for others
    title: str | None


class SessionService:
    def __init__(self, db: Database, clock: Clock, bookings: BookingService) -> None:
        self.db = db
        self.clock = clock
        self.bookings = bookings

    def _class_booking_ids(self, session, class_name: str) -> set[int]:
        return set(session.scalars(select(BookingPupilRow.booking_id).join(PupilRow).join(ClassRow)
                                   .where(ClassRow.name == class_name)))

    def to_mark(self, actor: Actor, since: date | None = None) -> list[SessionToMark]:
        """Professionals' sessions that have ended and are not yet marked (a teacher: their class's)."""
        require(actor.roles, "sessions.mark", who=actor.username)
        now = self.clock.now()
        with self.db.read_session() as session:
            marked = select(SessionRecordRow.occurrence_id)
            query = (select(BookingOccurrenceRow.id, BookingOccurrenceRow.booking_id)
                     .join(BookingRow, BookingRow.id == BookingOccurrenceRow.booking_id)
                     .where(BookingOccurrenceRow.status == "booked", BookingOccurrenceRow.ends_at <= now,
                            BookingRow.professional_id.is_not(None), BookingOccurrenceRow.id.not_in(marked)))
            if since is not None:
                query = query.where(BookingOccurrenceRow.starts_at >= datetime.combine(since, datetime.min.time()))
            if not allowed(actor.roles, "pupils.all_classes"):
                query = query.where(BookingRow.id.in_(self._class_booking_ids(session, actor.class_name or "")))
            wanted = {occurrence_id for occurrence_id, _booking in session.execute(query)}
            if not wanted:
                return []
            blocks = self.bookings.blocks_by_id(session, wanted, reader=actor)
            return [SessionToMark(b.occurrence_id, b.start, b.end, b.space, b.professional or "", b.pupils, b.title)
                    for b in sorted(blocks, key=lambda b: b.start)]

    def mark(self, actor: Actor, occurrence_id: int, delivered: bool, *, reason: str | None = None,
             note: str | None = None, target_id: int | None = None) -> None:
        """Record that a session was delivered, or not and why (one of NOT_DELIVERED_REASONS), with an
        optional short progress note against one of the session's pupils' targets."""
        require(actor.roles, "sessions.mark", who=actor.username)
        if not delivered and reason not in NOT_DELIVERED_REASONS:
            raise InvalidInput(Problem("reason", "say why it was not delivered: "
                                       + ", ".join(NOT_DELIVERED_REASONS.values())))
        with self.db.session() as session:
            booking_id = session.scalar(select(BookingOccurrenceRow.booking_id)
                                        .where(BookingOccurrenceRow.id == occurrence_id))
            if booking_id is None:
                raise NotFound(f"there is no session {occurrence_id}")
            guard.root(session, BookingRow, booking_id)  # marked once, across PCs
            occ = guard.reload(session, BookingOccurrenceRow, occurrence_id)
            if occ.ends_at > self.clock.now():
                raise Refused("a session is marked once it has ended")
            if not allowed(actor.roles, "pupils.all_classes") and \
                    occ.booking_id not in self._class_booking_ids(session, actor.class_name or ""):
                raise NotAllowed(f"{actor.username} marks the sessions of their own class only")
            if session.scalar(select(SessionRecordRow.id).where(SessionRecordRow.occurrence_id == occurrence_id)):
                raise Refused("this session is already marked")
            if target_id is not None:
                in_session = session.scalar(
                    select(TargetRow.id).join(OutcomeRow, OutcomeRow.id == TargetRow.outcome_id)
                    .join(BookingPupilRow, BookingPupilRow.pupil_id == OutcomeRow.pupil_id)
                    .where(TargetRow.id == target_id, BookingPupilRow.booking_id == occ.booking_id))
                if in_session is None:
                    raise InvalidInput(Problem("target", "choose a target of a pupil in this session"))
                # the progress note hangs from the target's outcome too: lock it and count the change
                guard.root(session, OutcomeRow, session.scalar(select(TargetRow.outcome_id)
                                                               .where(TargetRow.id == target_id)))
            record = SessionRecordRow(occurrence_id=occurrence_id, delivered=delivered,
                                      reason=None if delivered else reason, note=(note or "").strip() or None,
                                      target_id=target_id, recorded_by=actor.username, recorded_at=self.clock.now())
            session.add(record)
            session.flush()
            audit.record(session, actor, self.clock, "mark", "session", occurrence_id,
                         after={"delivered": delivered, "reason": record.reason, "note": bool(record.note),
                                "target": target_id})

    def provision(self, actor: Actor, upn: str, first: date, last: date) -> list[ProvisionLine]:
        """Each professional's sessions with the pupil from ``first`` to ``last`` (both included)."""
        require(actor.roles, "reviews.view", who=actor.username)
        with self.db.read_session() as session:
            pupil = session.scalar(select(PupilRow).where(PupilRow.upn == upn))
            if pupil is None:
                raise NotFound(f"there is no pupil with UPN {upn!r}")
            if not allowed(actor.roles, "pupils.all_classes") and \
                    session.scalar(select(ClassRow.name).where(ClassRow.id == pupil.class_id)) != actor.class_name:
                raise NotAllowed(f"{actor.username} may see the pupils of their own class only")
            bookings = select(BookingPupilRow.booking_id).where(BookingPupilRow.pupil_id == pupil.id)
            group = dict(session.execute(
                select(BookingPupilRow.booking_id, func.count()).where(BookingPupilRow.booking_id.in_(bookings))
                .group_by(BookingPupilRow.booking_id)).all())
            query = (select(BookingOccurrenceRow.booking_id, BookingOccurrenceRow.status, BookingOccurrenceRow.ends_at,
                            ProfessionalRow.name, ProfessionalRow.kind, ProfessionalRow.discipline,
                            SessionRecordRow.delivered, SessionRecordRow.reason)
                     .join(BookingRow, BookingRow.id == BookingOccurrenceRow.booking_id)
                     .join(ProfessionalRow, ProfessionalRow.id == BookingRow.professional_id)
                     .outerjoin(SessionRecordRow, SessionRecordRow.occurrence_id == BookingOccurrenceRow.id)
                     .where(BookingOccurrenceRow.booking_id.in_(bookings),
                            BookingOccurrenceRow.starts_at >= datetime.combine(first, time.min),
                            BookingOccurrenceRow.starts_at < datetime.combine(last + timedelta(days=1), time.min)))
            now = self.clock.now()
            lines: dict[str, dict] = {}
            for booking_id, status, ends_at, name, kind, discipline, delivered, reason in session.execute(query):
                line = lines.setdefault(name, {"kind": kind, "discipline": discipline.replace("_", " "), "planned": 0,
                                               "delivered": 0, "not": {}, "unmarked": 0, "group": 0})
                line["planned"] += 1
                line["group"] = max(line["group"], group.get(booking_id, 1) - 1)
                if status == "cancelled":
                    words = NOT_DELIVERED_REASONS["cancelled_by_school"]
                    line["not"][words] = line["not"].get(words, 0) + 1
                elif delivered:
                    line["delivered"] += 1
                elif delivered is False:
                    words = NOT_DELIVERED_REASONS.get(reason or "other", reason or "other")
                    line["not"][words] = line["not"].get(words, 0) + 1
                elif ends_at <= now:
                    line["unmarked"] += 1
                else:
                    line["planned"] -= 1  # still to come: not provision yet
        order = {"statutory": 0, "commissioned": 1, "independent": 2}
        return [ProvisionLine(name, v["kind"], v["discipline"], v["planned"], v["delivered"], v["not"], v["unmarked"],
                              v["group"])
                for name, v in sorted(lines.items(), key=lambda kv: (order.get(kv[1]["kind"], 3), kv[0]))
                if v["planned"]]

    def weekly_figures(self, actor: Actor, first: date, last: date) -> list[WeekFigures]:
        """Professionals' sessions planned and delivered in each week (Monday) from ``first`` to ``last``,
        by the professional's kind (a teacher: their class's)."""
        require(actor.roles, "sessions.mark", who=actor.username)
        start = first - timedelta(days=first.weekday())
        weeks = {start + timedelta(weeks=i): ({k: 0 for k in PROFESSIONAL_KINDS}, {k: 0 for k in PROFESSIONAL_KINDS})
                 for i in range((last - start).days // 7 + 1)}
        with self.db.read_session() as session:
            # counted by the database, day by day (a term holds tens of thousands of occurrences)
            day = func.date(BookingOccurrenceRow.starts_at)
            query = (select(day, ProfessionalRow.kind, func.count(),
                            func.sum(case((SessionRecordRow.delivered.is_(True), 1), else_=0)))
                     .select_from(BookingOccurrenceRow)
                     .join(BookingRow, BookingRow.id == BookingOccurrenceRow.booking_id)
                     .join(ProfessionalRow, ProfessionalRow.id == BookingRow.professional_id)
                     .outerjoin(SessionRecordRow, SessionRecordRow.occurrence_id == BookingOccurrenceRow.id)
                     .where(BookingOccurrenceRow.status == "booked",
                            BookingOccurrenceRow.starts_at >= datetime.combine(start, time.min),
                            BookingOccurrenceRow.starts_at < datetime.combine(last + timedelta(days=1), time.min))
                     .group_by(day, ProfessionalRow.kind))
            if not allowed(actor.roles, "pupils.all_classes"):
                query = query.where(BookingRow.id.in_(self._class_booking_ids(session, actor.class_name or "")))
            for on, kind, count, delivered in session.execute(query):
                on = on if isinstance(on, date) else date.fromisoformat(str(on))  # SQLite gives text
                planned, done = weeks[on - timedelta(days=on.weekday())]
                planned[kind] = planned.get(kind, 0) + count
                done[kind] = done.get(kind, 0) + int(delivered or 0)
        return [WeekFigures(monday, planned, done) for monday, (planned, done) in sorted(weeks.items())]
