"""Bookings of the shared spaces over the school calendar, never double-booked.

Two bookings of one space never overlap (half-open ranges). The check and the insert happen in one
transaction that no other writer can interleave with: on SQLite every writing transaction starts with
`BEGIN IMMEDIATE` (one writer at a time); on PostgreSQL the transaction first takes an advisory lock
per space (`pg_advisory_xact_lock`), released at commit or rollback. The database user needs no
extension and no special right for that.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, selectinload

from ..domain.bookings import (
    OTHER_CLASS_PUPIL,
    PRIORITY_REASON,
    TITLE_TO_REVIEW,
    Busy,
    Slot,
    booking_problems,
    date_outcome,
    free_slots,
    gave_way_words,
    independent_refusal,
    needs_authorisation,
    may_displace,
    overlaps,
    suggestion_words,
    varied_suggestions,
)
from ..domain.calendar import SchoolCalendar, monday_of
from ..domain.checks import day_text, evaluate_checks
from ..domain.errors import InvalidInput, NotAllowed, NotFound, Problem, Refused, StaleRecord
from ..domain.names import names_found, title_problem
from ..domain.permissions import allowed, require
from ..store.database import Database
from ..store.references import assign_reference, pending_reference
from ..store.models import (
    BookingNoticeRow,
    BookingOccurrenceRow,
    BookingPupilRow,
    BookingRow,
    BookingStaffRow,
    ClassRow,
    ProfessionalRow,
    PupilRow,
    RequestEventRow,
    RequestRow,
    SchoolSettingsRow,
    SpaceClosureRow,
    SpaceRow,
    StaffRow,
)
from . import audit, guard
from .context import Actor, Clock
from .professionals import checks_of
from .school import load_calendar

log = logging.getLogger(__name__)

LOCK_NAMESPACE = 0x5FACE  # keeps our advisory locks apart from anyone else's


# --- what the timetable shows ----------------------------------------------------------------------
@dataclass(frozen=True)
class Block:
    """One dated occurrence of a booking, as the timetable shows it."""

    occurrence_id: int
    booking_id: int
    booking_ref: str
    space_id: int
    space: str
    start: datetime
    end: datetime
    status: str  # booked | cancelled
    kind: str  # statutory | commissioned | independent | school
    professional: str | None
    professional_id: str | None
    staff: tuple[str, ...]
    #: for the reader: the names of the pupils they may see, "a pupil of another class" for the others
    pupils: tuple[str, ...]
    #: seen by everyone who sees the booking; "(title to be reviewed)" where it names a pupil the reader may
    #: not see (a title from before titles were checked, flagged for an administrator to mend)
    title: str | None
    repeating: bool
    cancelled_by: str | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    notes: str | None = None  # only for the roles that may read them (bookings.view_notes)
    title_needs_review: bool = False  # the title names a pupil: an administrator mends it
    request_ref: str | None = None  # the approved request that made it ("r-003")
    #: booked directly by the headteacher without a request: True; her reason only for those who read notes
    direct: bool = False
    direct_reason: str | None = None

    @property
    def who(self) -> str:
        if self.professional:
            with_pupils = f" with {', '.join(self.pupils)}" if self.pupils else ""
            return f"{self.professional}{with_pupils}"
        return "School: " + (", ".join(self.staff) or "staff")


@dataclass(frozen=True)
class SpaceInfo:
    id: int
    name: str
    kind: str
    capacity: int
    bookable: bool
    out_of_use: tuple[tuple[date, date, str], ...] = ()

    def out_of_use_on(self, day: date) -> str | None:
        return next((why for first, last, why in self.out_of_use if first <= day <= last), None)


@dataclass(frozen=True)
class DayInfo:
    day: date
    why_not_school_day: str | None  # None on a school day


@dataclass(frozen=True)
class Timetable:
    """What a day, week or class view draws: the days, the spaces, the blocks, the school day."""

    title: str
    days: tuple[DayInfo, ...]
    spaces: tuple[SpaceInfo, ...]
    blocks: tuple[Block, ...]
    day_start: time
    day_end: time


# --- making a booking --------------------------------------------------------------------------------
@dataclass(frozen=True)
class BookingDraft:
    space: str
    start: datetime
    end: datetime
    professional: str | None = None  # a professional's id; None for the school's own use
    staff: tuple[str, ...] = ()  # staff ids
    pupils: tuple[str, ...] = ()  # UPNs, chosen from the register (never named in the title)
    title: str | None = None  # public: everyone who may see the booking reads it
    weekly_until: date | None = None
    notes: str | None = None  # for the roles that may read a booking's notes only
    #: the headteacher's reason to book an independent therapist with pupils in the school day without a
    #: request (anyone else giving one is refused); stored on the booking and in the audit
    direct_reason: str | None = None


@dataclass(frozen=True)
class Clash:
    booking_ref: str
    occurrence_id: int
    space: str
    start: datetime
    end: datetime
    who: str
    kind: str
    status: str = "booked"
    professional: str | None = None  # the professional's name (None for the school's own use)

    def as_json(self) -> dict:
        return {"booking": self.booking_ref, "space": self.space, "start": self.start.strftime("%Y-%m-%dT%H:%M"),
                "end": self.end.strftime("%Y-%m-%dT%H:%M"), "for": self.who}


@dataclass(frozen=True)
class PlannedDate:
    day: date
    start: datetime
    end: datetime
    clashes: tuple[Clash, ...] = ()
    blocked: str | None = None  # the professional's blocking check on that date
    unavailable: str | None = None  # space out of use that day

    @property
    def free(self) -> bool:
        return not (self.clashes or self.blocked or self.unavailable)


@dataclass(frozen=True)
class BookingPlan:
    draft: BookingDraft
    dates: tuple[PlannedDate, ...]
    warnings: tuple[str, ...] = field(default=())
    #: why the booking is refused as a whole: an independent therapist with pupils in the school day, with
    #: no approved request and no reason of the headteacher's (None when it may be booked)
    needs_request: str | None = None
    #: the headteacher books it directly, with the draft's reason (stored on the booking)
    direct: bool = False

    @property
    def clashing(self) -> tuple[PlannedDate, ...]:
        return tuple(d for d in self.dates if not d.free)

    @property
    def ok(self) -> bool:
        return bool(self.dates) and not self.clashing and self.needs_request is None


class Suggestion(NamedTuple):
    """Where a session that gives way could go, and what that changes for the pupil ("same time, another
    room"); ``(space, start)`` as ``give_priority`` takes it."""

    space: str
    start: datetime
    end: datetime
    why: str


@dataclass(frozen=True)
class PriorityOutcome:
    """What booking with priority did: the occurrences booked, who must be told (recorded notices), and one
    plain sentence per date that met other sessions ("20 Jan 2027: booked; Karen Walsh's session moved to
    Therapy Room 2 at 13:30."), then one for the dates that were free."""

    booked: tuple[Block, ...]
    notices: tuple[Notice, ...]
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    id: int
    occurrence_id: int
    audience: str
    who: str
    contact: str | None
    what: str
    told_at: datetime | None
    told_by: str | None


@dataclass(frozen=True)
class TitleToReview:
    """A booking whose title names a pupil (found by the migration, a load or a check): an administrator
    mends the title and chooses the pupils from the register instead."""

    booking_ref: str
    space: str
    start: datetime  # the first date
    end: datetime
    repeating: bool
    professional: str | None
    title: str
    named: tuple[str, ...]  # the pupils the title names
    pupils: tuple[str, ...]  # the pupils already on the booking (names)
    pupil_upns: tuple[str, ...]


@dataclass(frozen=True)
class _Reader:
    """What one person may see of the pupils on bookings: every pupil, or their own class's."""

    all_classes: bool
    class_name: str | None
    notes: bool

    @classmethod
    def of(cls, actor: Actor) -> _Reader:
        return cls(allowed(actor.roles, "pupils.all_classes"), actor.class_name,
                   allowed(actor.roles, "bookings.view_notes"))

    def sees(self, class_name: str | None) -> bool:
        return self.all_classes or (self.class_name is not None and class_name == self.class_name)


#: how much of a series an edit changes: this date only, this and the following dates, or the whole series
EDIT_SCOPES = ("this", "following", "series")


@dataclass(frozen=True)
class EditableBooking:
    """A booked date and its booking as the edit form opens them, with the version the edit is saved over."""

    occurrence_id: int
    booking_ref: str
    version: int
    #: the booking's values at this date's time and space; ``weekly_until`` the series' end (None: one date);
    #: notes only for the roles that may read them
    draft: BookingDraft
    repeating: bool
    request_ref: str | None  # made by this approved request: its professional and pupils change there
    direct: bool  # booked directly by the headteacher with her reason


@dataclass(frozen=True)
class EditUndo:
    """What an edit changed, to be put back as it was (`BookingService.undo_edit`)."""

    booking_id: int
    booking_ref: str
    booking: dict  # the booking's values before the edit (ids of its space, professional, staff, pupils)
    occurrences: tuple[dict, ...]  # each of its dates before the edit
    created_id: int | None  # the booking the edit made for the dates it split off the series
    versions: tuple[tuple[int, int], ...]  # (booking id, version) as the edit left them


@dataclass(frozen=True)
class EditDone:
    blocks: tuple[Block, ...]  # the dates the edit changed, as they are now
    booking_ref: str  # the booking holding them: a new one when the series was split
    undo: EditUndo
    warnings: tuple[str, ...] = ()


def roll_names(session: Session) -> list[tuple[str, str]]:
    """Every pupil's (first name, last name): what a title must not name."""
    return [(f, last) for f, last in session.execute(select(PupilRow.first_name, PupilRow.last_name))]


def _kind(row: BookingRow) -> str:
    return row.professional.kind if row.professional is not None else "school"


def _occurrence_query():  # noqa: ANN202
    return select(BookingOccurrenceRow).options(
        selectinload(BookingOccurrenceRow.space),
        selectinload(BookingOccurrenceRow.booking).selectinload(BookingRow.professional),
        selectinload(BookingOccurrenceRow.booking).selectinload(BookingRow.staff_links)
        .selectinload(BookingStaffRow.staff),
        selectinload(BookingOccurrenceRow.booking).selectinload(BookingRow.pupil_links)
        .selectinload(BookingPupilRow.pupil),
    )


class BookingService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- context ----------------------------------------------------------------------------------
    def _settings(self, session: Session) -> tuple[time, time, int]:
        row = session.get(SchoolSettingsRow, 1)
        if row is None:
            return time(8, 50), time(15, 10), 3
        return row.school_day_start, row.school_day_end, row.dbs_recheck_years

    def _calendar(self, session: Session) -> SchoolCalendar:
        return load_calendar(session)

    def _spaces(self, session: Session, bookable_only: bool = True) -> list[SpaceInfo]:
        closures: dict[int, list[tuple[date, date, str]]] = {}
        for c in session.scalars(select(SpaceClosureRow).where(SpaceClosureRow.lifted_at.is_(None))):
            closures.setdefault(c.space_id, []).append((c.starts_on, c.ends_on, c.reason))
        query = select(SpaceRow).order_by(SpaceRow.name)
        if bookable_only:
            query = query.where(SpaceRow.bookable.is_(True), SpaceRow.kind != "classroom")
        return [SpaceInfo(s.id, s.name, s.kind, s.capacity, s.bookable, tuple(closures.get(s.id, ())))
                for s in session.scalars(query)]

    def _blocks(self, session: Session, first: datetime, last: datetime, space_ids: Iterable[int] | None = None,
                include_cancelled: bool = False, booking_ids: Iterable[int] | None = None, *,
                reader: Actor) -> list[Block]:
        """Occurrences overlapping [first, last) as Blocks, in three plain queries (no ORM objects), as
        ``reader`` may see them: another class's pupils unnamed, notes only for those who may read them."""
        occ, booking, space, pro = BookingOccurrenceRow, BookingRow, SpaceRow, ProfessionalRow
        query = (select(occ.id, booking.id, booking.ext_id, occ.space_id, space.name, occ.starts_at, occ.ends_at,
                        occ.status, pro.kind, pro.name, pro.ext_id, booking.purpose, booking.repeat_weekly_until,
                        occ.cancelled_by, occ.cancelled_at, occ.cancel_reason, booking.notes,
                        booking.title_needs_review, RequestRow.ext_id, booking.direct_reason)
                 .join(booking, booking.id == occ.booking_id).join(space, space.id == occ.space_id)
                 .outerjoin(pro, pro.id == booking.professional_id)
                 .outerjoin(RequestRow, RequestRow.id == booking.request_id)
                 # a booking lies inside one day, so it starts at most a day before ``first``: that bound
                 # lets the (space, start) index narrow the search
                 .where(occ.starts_at < last, occ.ends_at > first, occ.starts_at > first - timedelta(days=1))
                 .order_by(occ.starts_at, occ.id))
        if space_ids is not None:
            query = query.where(occ.space_id.in_(list(space_ids)))
        if booking_ids is not None:
            query = query.where(occ.booking_id.in_(list(booking_ids)))
        if not include_cancelled:
            query = query.where(occ.status == "booked")
        rows = session.execute(query).all()
        ids = list({r[1] for r in rows})
        who = _Reader.of(reader)
        staff: dict[int, list[str]] = {}
        pupils: dict[int, list[str]] = {}
        if ids:
            for booking_id, name in session.execute(
                    select(BookingStaffRow.booking_id, StaffRow.name).join(StaffRow, StaffRow.id == BookingStaffRow.staff_id)
                    .where(BookingStaffRow.booking_id.in_(ids)).order_by(BookingStaffRow.position)):
                staff.setdefault(booking_id, []).append(name)
            for booking_id, first_name, last_name, class_name in session.execute(
                    select(BookingPupilRow.booking_id, PupilRow.first_name, PupilRow.last_name, ClassRow.name)
                    .join(PupilRow, PupilRow.id == BookingPupilRow.pupil_id)
                    .outerjoin(ClassRow, ClassRow.id == PupilRow.class_id)
                    .where(BookingPupilRow.booking_id.in_(ids)).order_by(BookingPupilRow.position)):
                pupils.setdefault(booking_id, []).append(
                    f"{first_name} {last_name}" if who.sees(class_name) else OTHER_CLASS_PUPIL)
        titles = {r[1]: r[11] for r in rows}
        if not who.all_classes and any(r[17] for r in rows):  # a flagged title: does it name someone unseen?
            unseen = [(f, last) for f, last, c in session.execute(
                select(PupilRow.first_name, PupilRow.last_name, ClassRow.name)
                .outerjoin(ClassRow, ClassRow.id == PupilRow.class_id)) if not who.sees(c)]
            for r in rows:
                if r[17] and names_found(r[11], unseen):
                    titles[r[1]] = TITLE_TO_REVIEW
        return [Block(occurrence_id=r[0], booking_id=r[1], booking_ref=r[2], space_id=r[3], space=r[4], start=r[5],
                      end=r[6], status=r[7], kind=r[8] or "school", professional=r[9], professional_id=r[10],
                      staff=tuple(staff.get(r[1], ())), pupils=tuple(pupils.get(r[1], ())), title=titles[r[1]],
                      repeating=r[12] is not None, cancelled_by=r[13], cancelled_at=r[14], cancel_reason=r[15],
                      notes=r[16] if who.notes else None, title_needs_review=bool(r[17]), request_ref=r[18],
                      direct=r[19] is not None, direct_reason=r[19] if who.notes else None)
                for r in rows]

    def blocks_by_id(self, session: Session, occurrence_ids: Iterable[int], *, reader: Actor) -> list[Block]:
        """The Blocks of the given occurrences, in the caller's session, as ``reader`` may see them."""
        return self._blocks_of(session, list(occurrence_ids), reader=reader)

    # --- views ------------------------------------------------------------------------------------
    def spaces(self, actor: Actor, bookable_only: bool = True) -> list[SpaceInfo]:
        require(actor.roles, "bookings.view", who=actor.username)
        with self.db.read_session() as session:
            return self._spaces(session, bookable_only)

    def space_use(self, actor: Actor, first: date, last: date) -> dict[int, int]:
        """Booked sessions in each space from ``first`` to ``last`` (the day view's "most booked first")."""
        require(actor.roles, "bookings.view", who=actor.username)
        counts: dict[int, int] = {}
        with self.db.read_session() as session:
            for block in self._blocks(session, datetime.combine(first, time.min), datetime.combine(last, time.max),
                                      None, False, reader=actor):
                if block.status == "booked":
                    counts[block.space_id] = counts.get(block.space_id, 0) + 1
        return counts

    def day_view(self, actor: Actor, day: date, include_cancelled: bool = False) -> Timetable:
        """Every bookable space side by side for one day."""
        require(actor.roles, "bookings.view", who=actor.username)
        with self.db.read_session() as session:
            start, end, _ = self._settings(session)
            spaces = self._spaces(session)
            blocks = self._blocks(session, datetime.combine(day, time.min), datetime.combine(day, time.max),
                                  [s.id for s in spaces], include_cancelled, reader=actor)
            why = self._calendar(session).why_not_school_day(day)
            return Timetable(f"{day:%A} {day_text(day)}", (DayInfo(day, why),), tuple(spaces), tuple(blocks),
                             start, end)

    def week_view(self, actor: Actor, space_id: int, day: date, include_cancelled: bool = False) -> Timetable:
        """One space over the Monday–Friday week holding ``day``."""
        require(actor.roles, "bookings.view", who=actor.username)
        monday = monday_of(day)
        with self.db.read_session() as session:
            start, end, _ = self._settings(session)
            space = next((s for s in self._spaces(session, bookable_only=False) if s.id == space_id), None)
            if space is None:
                raise NotFound(f"there is no space {space_id}")
            calendar = self._calendar(session)
            days = tuple(DayInfo(monday + timedelta(days=i), calendar.why_not_school_day(monday + timedelta(days=i)))
                         for i in range(5))
            blocks = self._blocks(session, datetime.combine(monday, time.min),
                                  datetime.combine(monday + timedelta(days=5), time.min), [space_id], include_cancelled,
                                  reader=actor)
            return Timetable(f"{space.name}: week of {day_text(monday)}", days, (space,), tuple(blocks), start, end)

    def class_week(self, actor: Actor, class_name: str, day: date, include_cancelled: bool = False) -> Timetable:
        """The week's sessions and visits for the pupils (and staff) of one class."""
        require(actor.roles, "bookings.view", who=actor.username)
        if not allowed(actor.roles, "pupils.all_classes") and actor.class_name != class_name:
            raise NotAllowed(f"{actor.username} may see the week of their own class only")
        monday = monday_of(day)
        with self.db.read_session() as session:
            start, end, _ = self._settings(session)
            klass = session.scalar(select(ClassRow).where(ClassRow.name == class_name))
            if klass is None:
                raise NotFound(f"there is no class {class_name!r}")
            pupil_ids = set(session.scalars(select(PupilRow.id).where(PupilRow.class_id == klass.id)))
            staff_ids = set(session.scalars(select(StaffRow.id).where(StaffRow.class_id == klass.id)))
            booking_ids = set(session.scalars(select(BookingPupilRow.booking_id)
                                              .where(BookingPupilRow.pupil_id.in_(pupil_ids))))
            booking_ids |= set(session.scalars(select(BookingStaffRow.booking_id)
                                               .where(BookingStaffRow.staff_id.in_(staff_ids))))
            calendar = self._calendar(session)
            days = tuple(DayInfo(monday + timedelta(days=i), calendar.why_not_school_day(monday + timedelta(days=i)))
                         for i in range(5))
            blocks = self._blocks(session, datetime.combine(monday, time.min),
                                  datetime.combine(monday + timedelta(days=5), time.min),
                                  include_cancelled=include_cancelled, booking_ids=booking_ids, reader=actor)
            spaces = tuple({b.space_id: SpaceInfo(b.space_id, b.space, "", 0, True) for b in blocks}.values())
            return Timetable(f"Class {class_name}: week of {day_text(monday)}", days, spaces, tuple(blocks), start, end)

    def bookings_between(self, actor: Actor, first: date, last: date, *, space: str | None = None,
                         professional: str | None = None, class_name: str | None = None) -> list[Block]:
        """Booked occurrences from ``first`` to ``last`` inclusive, of a space, a professional or a class."""
        require(actor.roles, "bookings.view", who=actor.username)
        with self.db.read_session() as session:
            space_ids = None
            if space:
                space_ids = list(session.scalars(select(SpaceRow.id).where(SpaceRow.name == space)))
            booking_ids = None
            if professional:
                booking_ids = list(session.scalars(select(BookingRow.id).join(
                    ProfessionalRow, ProfessionalRow.id == BookingRow.professional_id)
                    .where(ProfessionalRow.ext_id == professional)))
            if class_name:
                of_class = set(session.scalars(select(BookingPupilRow.booking_id).join(
                    PupilRow, PupilRow.id == BookingPupilRow.pupil_id).join(ClassRow).where(ClassRow.name == class_name)))
                of_class |= set(session.scalars(select(BookingStaffRow.booking_id).join(
                    StaffRow, StaffRow.id == BookingStaffRow.staff_id).join(ClassRow).where(ClassRow.name == class_name)))
                booking_ids = of_class if booking_ids is None else of_class & set(booking_ids)
            return self._blocks(session, datetime.combine(first, time.min),
                                datetime.combine(last + timedelta(days=1), time.min), space_ids,
                                booking_ids=booking_ids, reader=actor)

    # --- planning and booking -----------------------------------------------------------------------
    def default_until(self, day: date) -> date | None:
        """What a weekly series is offered to run until: the end of the term holding ``day``."""
        with self.db.read_session() as session:
            term = self._calendar(session).term_on(day) or self._calendar(session).term_containing_or_next(day)
            return term.last_day if term else None

    def plan(self, actor: Actor, draft: BookingDraft) -> BookingPlan:
        """Every date the draft would book, each with its clashes (or the check blocking it): no writes."""
        require(actor.roles, "bookings.create", who=actor.username)
        self._may_write_notes(actor, draft.notes)
        with self.db.read_session() as session:
            return self._plan(session, draft, actor)

    def plan_in_session(self, session: Session, actor: Actor, draft: BookingDraft, *,
                        for_request: bool = False) -> BookingPlan:
        """The plan of a draft in the caller's transaction (a request's sessions, booked by a load)."""
        return self._plan(session, draft, actor, for_request=for_request)

    def title_problem(self, actor: Actor, title: str | None) -> str | None:
        """Why ``title`` may not be a booking's title (it names a pupil on the roll), or None: what the
        booking form shows at its title field as the person types."""
        require(actor.roles, "bookings.create", who=actor.username)
        with self.db.read_session() as session:
            return title_problem(title, roll_names(session))

    @staticmethod
    def _may_write_notes(actor: Actor, notes: str | None) -> None:
        if (notes or "").strip():
            require(actor.roles, "bookings.view_notes", who=actor.username)

    def _plan(self, session: Session, draft: BookingDraft, actor: Actor, *, for_request: bool = False,
              ignore: set[int] = frozenset()) -> BookingPlan:
        """What the draft would book, date by date; the one place every way of booking goes through, so the
        window shows a refusal before "Book" as the command line meets it. ``for_request``: the bookings of
        an approved request (the headteacher's authorisation itself). ``ignore``: occurrences that do not
        clash (a booking being edited does not clash with itself)."""
        day_start, day_end, recheck = self._settings(session)
        problems = [Problem(f, m) for f, m in booking_problems(draft.start, draft.end, day_start, day_end)]
        space = session.scalar(select(SpaceRow).where(SpaceRow.name == draft.space))
        if space is None:
            problems.append(Problem("space", f"{draft.space!r} is not a space of the school"))
        elif not space.bookable:
            problems.append(Problem("space", f"{space.name} cannot be booked (it is marked as not bookable)"))
        pro = None
        if draft.professional:
            pro = session.scalar(select(ProfessionalRow).where(ProfessionalRow.ext_id == draft.professional))
            if pro is None:
                problems.append(Problem("for", f"{draft.professional!r} is not a professional"))
            elif not pro.active:
                problems.append(Problem("for", f"{pro.name} no longer works with the school (so marked on the "
                                        "register): choose another professional, or mark them as working "
                                        "here again first"))
        elif not draft.staff:
            problems.append(Problem("for", "say who the booking is for: a professional, or members of staff for "
                                    "the school's own use"))
        if draft.weekly_until is not None and draft.weekly_until < draft.start.date():
            problems.append(Problem("weekly_until", "the series would end before its first date"))
        named = title_problem(draft.title, roll_names(session))
        if named:
            problems.append(Problem("title", named))
        calendar = self._calendar(session)
        why = calendar.why_not_school_day(draft.start.date())
        if why is not None:
            problems.append(Problem("start", f"{day_text(draft.start.date())} is not a school day ({why})"))
        if problems:
            raise InvalidInput(problems)
        days = calendar.weekly_dates(draft.start.date(), draft.weekly_until) if draft.weekly_until else \
            [draft.start.date()]
        ranges = [(datetime.combine(d, draft.start.time()), datetime.combine(d, draft.end.time())) for d in days]
        clashes = self.clashes_in_session(session, space.id, ranges, ignore)
        closures = session.scalars(select(SpaceClosureRow).where(
            SpaceClosureRow.space_id == space.id, SpaceClosureRow.lifted_at.is_(None))).all()
        checks = checks_of(pro) if pro is not None else None
        planned = []
        for (start, end), clash in zip(ranges, clashes, strict=True):
            blocked = None
            if checks is not None:
                status = evaluate_checks(checks, start.date(), recheck)
                if status.blocking:
                    blocked = "; ".join(f"{f.message} ({f.renew})" for f in status.blocking)
            closed = next((c.reason for c in closures if c.starts_on <= start.date() <= c.ends_on), None)
            planned.append(PlannedDate(start.date(), start, end, tuple(clash), blocked,
                                       f"{space.name} is out of use: {closed}" if closed else None))
        warnings = ()
        if checks is not None:
            status = evaluate_checks(checks, draft.start.date(), recheck)
            warnings = tuple(f.message for f in status.warnings)
        needs_request, direct = self._authorisation(actor, draft, pro, day_start, day_end, for_request)
        return BookingPlan(draft, tuple(planned), warnings, needs_request, direct)

    @staticmethod
    def _authorisation(actor: Actor, draft: BookingDraft, pro: ProfessionalRow | None, day_start: time,
                       day_end: time, for_request: bool) -> tuple[str | None, bool]:
        """(why it is refused, or None; booked directly by the headteacher). Independent therapy with pupils
        in the school day exists only through an approved request, or the headteacher's recorded reason."""
        reason = (draft.direct_reason or "").strip()
        if reason and not allowed(actor.roles, "bookings.direct_independent"):
            raise NotAllowed(f"{actor.username} may not book an independent therapist directly with a reason: "
                             "only the headteacher may. Start a request for the headteacher instead")
        if for_request or pro is None or not needs_authorisation(pro.kind, bool(draft.pupils), draft.start,
                                                                 draft.end, day_start, day_end):
            return None, False
        if reason:
            return None, True
        return independent_refusal(pro.name), False

    def clashes_in_session(self, session: Session, space_id: int, ranges: list[tuple[datetime, datetime]],
                 ignore: set[int] = frozenset()) -> list[list[Clash]]:
        """For each range, the booked occurrences of the space overlapping it (one query)."""
        if not ranges:
            return []
        first = min(r[0] for r in ranges)
        last = max(r[1] for r in ranges)
        days = {r[0].date() for r in ranges}
        rows = session.execute(
            select(BookingOccurrenceRow.id, BookingOccurrenceRow.starts_at, BookingOccurrenceRow.ends_at,
                   BookingRow.ext_id, BookingRow.professional_id, BookingRow.purpose, BookingRow.id)
            .join(BookingRow, BookingRow.id == BookingOccurrenceRow.booking_id)
            .where(BookingOccurrenceRow.space_id == space_id, BookingOccurrenceRow.status == "booked",
                   BookingOccurrenceRow.starts_at < last, BookingOccurrenceRow.ends_at > first,
                   BookingOccurrenceRow.starts_at > first - timedelta(days=1))).all()
        rows = [r for r in rows if r[1].date() in days and r[0] not in ignore]
        if not rows:
            return [[] for _ in ranges]
        space_name = session.scalar(select(SpaceRow.name).where(SpaceRow.id == space_id))
        pro_ids = {r[4] for r in rows if r[4] is not None}
        pros = {p.id: p for p in session.scalars(select(ProfessionalRow).where(ProfessionalRow.id.in_(pro_ids)))}
        result = []
        for start, end in ranges:
            found = []
            for occ_id, o_start, o_end, ref, pro_id, purpose, _booking_id in rows:
                if overlaps(start, end, o_start, o_end):
                    pro = pros.get(pro_id)
                    who = f"{pro.name} ({purpose})" if pro and purpose else (pro.name if pro else
                                                                             f"School: {purpose or 'own use'}")
                    found.append(Clash(ref, occ_id, space_name, o_start, o_end, who,
                                       pro.kind if pro else "school", professional=pro.name if pro else None))
            result.append(found)
        return result

    def lock_spaces(self, session: Session, space_ids: Iterable[int]) -> None:
        """Hold every writer to these spaces off until this transaction ends (PostgreSQL)."""
        if self.db.is_sqlite:
            return  # BEGIN IMMEDIATE already made this the only writer
        for space_id in sorted(set(space_ids)):
            session.execute(text("SELECT pg_advisory_xact_lock(:ns, :space)"),
                            {"ns": LOCK_NAMESPACE, "space": space_id})

    def lock_bookings(self, session: Session, occurrence_ids: Iterable[int]) -> list[BookingRow]:
        """Lock the bookings of these occurrences for this transaction and count a change to each (guard):
        a booking and its occurrences, staff, pupils and notices change one writer at a time. Taken before
        any space's lock, in the order of the bookings' ids."""
        ids = sorted(set(session.scalars(select(BookingOccurrenceRow.booking_id)
                                         .where(BookingOccurrenceRow.id.in_(list(occurrence_ids))))))
        return [guard.root(session, BookingRow, booking_id) for booking_id in ids]

    def book(self, actor: Actor, draft: BookingDraft, *, skip: Iterable[date] = ()) -> list[Block]:
        """Book every date of the draft (except ``skip``), or nothing: a clash on a date not skipped, or a
        professional blocked by their checks on one, refuses the whole booking (exit 3)."""
        require(actor.roles, "bookings.create", who=actor.username)
        self._may_write_notes(actor, draft.notes)
        with self.db.session() as session:
            space_id = session.scalar(select(SpaceRow.id).where(SpaceRow.name == draft.space))
            if space_id is not None:
                self.lock_spaces(session, [space_id])
            return self.book_in_session(session, actor, draft, space_id, set(skip))

    def book_in_session(self, session: Session, actor: Actor, draft: BookingDraft, space_id: int | None,
                        skip: set[date], *, for_request: bool = False) -> list[Block]:
        """Book the draft in the caller's transaction. ``for_request``: the sessions of an approved request
        (the request's own path only: anything else is refused an independent therapist with pupils in the
        school day, unless the headteacher gives a reason)."""
        if space_id is not None:
            self.lock_spaces(session, [space_id])  # again is harmless: the lock is the transaction's
        plan = self._plan(session, draft, actor, for_request=for_request)
        if plan.needs_request is not None:
            raise Refused(plan.needs_request)
        wanted = [d for d in plan.dates if d.day not in skip]
        self._refuse_unbookable(draft, wanted)
        if not wanted:
            raise InvalidInput(Problem("dates", "every date of the series was skipped: nothing to book"))
        row = self._insert(session, actor, draft, space_id, wanted)
        after = {"space": draft.space, "start": draft.start, "end": draft.end,
                 "professional": draft.professional, "staff": list(draft.staff),
                 "pupils": len(draft.pupils), "title": row.purpose, "notes": bool(row.notes),
                 "weekly_until": draft.weekly_until, "dates": len(wanted), "skipped": sorted(skip)}
        if plan.direct:
            row.direct_reason = (draft.direct_reason or "").strip()
            after["direct_reason"] = row.direct_reason  # the headteacher's, without a request
        session.flush()
        audit.record(session, actor, self.clock, "create", "booking", row.ext_id, after=after)
        return self._blocks_of(session, [o.id for o in row.occurrences], reader=actor)

    @staticmethod
    def _refuse_unbookable(draft: BookingDraft, wanted: list[PlannedDate]) -> None:
        """Refused (exit 3) if a date wanted is blocked by the professional's checks, out of use or clashing."""
        blocked = [d for d in wanted if d.blocked]
        if blocked:
            raise Refused(f"{draft.professional} cannot be booked on {day_text(blocked[0].day)}: "
                          f"{blocked[0].blocked}", reasons=[{"date": d.day.isoformat(), "check": d.blocked}
                                                             for d in blocked])
        unavailable = [d for d in wanted if d.unavailable]
        if unavailable:
            raise Refused(f"{unavailable[0].unavailable} on {day_text(unavailable[0].day)}",
                          reasons=[{"date": d.day.isoformat(), "reason": d.unavailable} for d in unavailable])
        clashing = [c for d in wanted for c in d.clashes]
        if clashing:
            raise Refused(f"{draft.space} is already booked at that time on "
                          f"{len({c.start.date() for c in clashing})} date(s)", reasons=clashing)

    def _insert(self, session: Session, actor: Actor, draft: BookingDraft, space_id: int,
                dates: list[PlannedDate]) -> BookingRow:
        pro = session.scalar(select(ProfessionalRow).where(ProfessionalRow.ext_id == draft.professional)) \
            if draft.professional else None
        staff = {s.ext_id: s for s in session.scalars(select(StaffRow).where(StaffRow.ext_id.in_(draft.staff)))} \
            if draft.staff else {}
        pupils = {p.upn: p for p in session.scalars(select(PupilRow).where(PupilRow.upn.in_(draft.pupils)))} \
            if draft.pupils else {}
        problems = [Problem("staff", f"{s!r} is not a member of staff") for s in draft.staff if s not in staff]
        problems += [Problem("pupils", f"{u!r} is not a pupil's UPN") for u in draft.pupils if u not in pupils]
        if problems:
            raise InvalidInput(problems)
        row = BookingRow(ext_id=pending_reference("b"), space_id=space_id, starts_at=draft.start, ends_at=draft.end,
                         professional=pro, purpose=(draft.title or "").strip() or None,
                         notes=(draft.notes or "").strip() or None,
                         repeat_weekly_until=draft.weekly_until, status="booked", created_by=actor.username,
                         staff_links=[BookingStaffRow(staff=staff[s], position=i) for i, s in enumerate(draft.staff)],
                         pupil_links=[BookingPupilRow(pupil=pupils[u], position=i)
                                      for i, u in enumerate(draft.pupils)])
        row.occurrences = [BookingOccurrenceRow(space_id=space_id, starts_at=d.start, ends_at=d.end, status="booked")
                           for d in dates]
        session.add(row)
        assign_reference(session, row, "b")
        return row

    # --- changing ---------------------------------------------------------------------------------
    def cancel(self, actor: Actor, occurrence_id: int, reason: str, *, whole_series: bool = False,
               expected: tuple[datetime, datetime, str] | None = None) -> list[Block]:
        """Cancel one occurrence, or it and every later one of its series; kept, struck through, with why.

        ``expected``: (start, end, space) where the person saw it (an undo of a booking just made);
        StaleRecord, naming who changed it and when, if it is no longer there."""
        require(actor.roles, "bookings.create", who=actor.username)
        with self.db.session() as session:
            self.lock_bookings(session, [occurrence_id])
            occ = self._occurrence(session, occurrence_id)
            if expected is not None and (occ.starts_at, occ.ends_at, occ.space.name, occ.status) != (*expected, "booked"):
                raise StaleRecord(f"this session of booking {occ.booking.ext_id} was changed"
                                  f"{audit.last_change(session, 'booking', occ.booking.ext_id)} since you booked "
                                  "it: reload the timetable, then cancel it if it is still not wanted")
            targets = self._cancel_in(session, actor, occ, reason, whole_series)
            session.flush()
            return self._blocks_of(session, [o.id for o in targets], reader=actor)

    def _cancel_in(self, session: Session, actor: Actor, occ: BookingOccurrenceRow, reason: str,
                   whole_series: bool) -> list[BookingOccurrenceRow]:
        if not (reason or "").strip():
            raise InvalidInput(Problem("reason", "say why the booking is cancelled"))
        if occ.status != "booked":
            raise Refused(f"this session was already cancelled by {occ.cancelled_by}: {occ.cancel_reason}")
        now = self.clock.now()
        self.lock_spaces(session, [occ.space_id])
        targets = [occ]
        if whole_series:
            targets = [o for o in occ.booking.occurrences if o.starts_at >= occ.starts_at and o.status == "booked"]
        for o in targets:
            o.status, o.cancelled_by, o.cancelled_at, o.cancel_reason = "cancelled", actor.username, now, reason.strip()
            o.individually = o.individually or not whole_series
        if whole_series and occ.starts_at <= occ.booking.starts_at:
            b = occ.booking
            b.status, b.cancelled_by, b.cancelled_at, b.cancel_reason = "cancelled", actor.username, now, reason
        audit.record(session, actor, self.clock, "cancel", "booking", occ.booking.ext_id,
                     after={"occurrences": [o.id for o in targets], "reason": reason, "whole_series": whole_series})
        return targets

    def _blocks_of(self, session: Session, occurrence_ids: list[int], *, reader: Actor) -> list[Block]:
        if not occurrence_ids:
            return []
        first, last = session.execute(select(func.min(BookingOccurrenceRow.starts_at),
                                             func.max(BookingOccurrenceRow.ends_at))
                                      .where(BookingOccurrenceRow.id.in_(occurrence_ids))).one()
        wanted = set(occurrence_ids)
        return [b for b in self._blocks(session, first, last, include_cancelled=True, reader=reader)
                if b.occurrence_id in wanted]

    def move(self, actor: Actor, occurrence_id: int, start: datetime, end: datetime, space: str | None = None,
             *, whole_series: bool = False, expected: tuple[datetime, datetime, str] | None = None) -> list[Block]:
        """Move one occurrence (or it and the later ones of its series) to another time or space.

        Occurrences changed or cancelled on their own are left as they are by a series move. ``expected``:
        (start, end, space) where the person saw the occurrence; StaleRecord, naming who moved or
        cancelled it and when, if it is no longer there (occurrences have no version column)."""
        require(actor.roles, "bookings.create", who=actor.username)
        with self.db.session() as session:
            # PostgreSQL: a second mover waits here, then reads where the first put it
            self.lock_bookings(session, [occurrence_id])
            occ = self._occurrence(session, occurrence_id)
            where = (occ.starts_at, occ.ends_at, occ.space.name, occ.status)
            if expected is not None and where != (*expected, "booked"):
                raise StaleRecord(f"this session of booking {occ.booking.ext_id} was changed"
                                  f"{audit.last_change(session, 'booking', occ.booking.ext_id)} since you opened "
                                  "it: reload the timetable, then make your change again")
            self._may_move(session, actor, occ, start, end)
            moved = self._move_in(session, actor, occ, start, end, space, whole_series)
            session.flush()
            return self._blocks_of(session, moved, reader=actor)

    def _may_move(self, session: Session, actor: Actor, occ: BookingOccurrenceRow, start: datetime,
                  end: datetime) -> None:
        """An independent therapist's session with pupils, made neither by an approved request nor by the
        headteacher with a reason (a booking from before the rule), is not moved into the school day by anyone
        but the headteacher: a request puts it there."""
        b = occ.booking
        if b.request_id is not None or b.direct_reason or b.professional is None:
            return
        if allowed(actor.roles, "bookings.direct_independent"):
            return
        day_start, day_end, _ = self._settings(session)
        if needs_authorisation(b.professional.kind, bool(b.pupil_links), start, end, day_start, day_end):
            raise Refused(independent_refusal(b.professional.name))

    def _move_in(self, session: Session, actor: Actor, occ: BookingOccurrenceRow, start: datetime, end: datetime,
                 space: str | None, whole_series: bool) -> list[int]:
        if occ.status != "booked":
            raise Refused("a cancelled session cannot be moved: book it again instead")
        day_start, day_end, recheck = self._settings(session)
        problems = [Problem(f, m) for f, m in booking_problems(start, end, day_start, day_end)]
        target_space = occ.space
        if space is not None and space != occ.space.name:
            target_space = session.scalar(select(SpaceRow).where(SpaceRow.name == space))
            if target_space is None:
                problems.append(Problem("space", f"{space!r} is not a space of the school"))
        if problems:
            raise InvalidInput(problems)
        self.lock_spaces(session, [occ.space_id, target_space.id])
        calendar = self._calendar(session)
        shift = start - occ.starts_at
        if whole_series:
            targets = [o for o in occ.booking.occurrences if o.starts_at >= occ.starts_at and o.status == "booked"
                       and (o is occ or not o.individually)]
        else:
            targets = [occ]
        moves = []
        for o in targets:
            new_start = o.starts_at + shift if o is not occ else start
            new_end = datetime.combine(new_start.date(), end.time())
            why = calendar.why_not_school_day(new_start.date())
            if why is not None:
                raise Refused(f"{day_text(new_start.date())} is not a school day ({why})")
            moves.append((o, new_start, new_end))
        clashes = self.clashes_in_session(session, target_space.id, [(s, e) for _o, s, e in moves],
                                ignore={o.id for o in targets})
        found = [c for group in clashes for c in group]
        if found:
            raise Refused(f"{target_space.name} is already booked then", reasons=found)
        if occ.booking.professional is not None:
            checks = checks_of(occ.booking.professional)
            for _o, s, _e in moves:
                status = evaluate_checks(checks, s.date(), recheck)
                if status.blocking:
                    raise Refused(f"{occ.booking.professional.name} cannot be booked on {day_text(s.date())}: "
                                  + "; ".join(f.message for f in status.blocking))
        before = [{"id": o.id, "space": o.space.name, "start": o.starts_at, "end": o.ends_at} for o in targets]
        for o, s, e in moves:
            o.starts_at, o.ends_at, o.space_id = s, e, target_space.id
            o.individually = o.individually or not whole_series
        audit.record(session, actor, self.clock, "move", "booking", occ.booking.ext_id, before={"occurrences": before},
                     after={"occurrences": [{"id": o.id, "space": target_space.name, "start": s, "end": e}
                                            for o, s, e in moves]})
        return [o.id for o, _s, _e in moves]

    # --- editing a booking whole ----------------------------------------------------------------------
    def editable(self, actor: Actor, occurrence_id: int) -> EditableBooking:
        """A booked date with its booking's values, as the edit form opens it."""
        require(actor.roles, "bookings.create", who=actor.username)
        with self.db.read_session() as session:
            occ = self._occurrence(session, occurrence_id)
            b = occ.booking
            draft = self._draft_of(b, occ)
            if not allowed(actor.roles, "bookings.view_notes"):
                draft = replace(draft, notes=None, direct_reason=None)
            request_ref = (session.scalar(select(RequestRow.ext_id).where(RequestRow.id == b.request_id))
                           if b.request_id is not None else None)
            return EditableBooking(occ.id, b.ext_id, b.version, draft, b.repeat_weekly_until is not None,
                                   request_ref, b.direct_reason is not None)

    @staticmethod
    def _draft_of(b: BookingRow, occ: BookingOccurrenceRow) -> BookingDraft:
        return BookingDraft(space=occ.space.name, start=occ.starts_at, end=occ.ends_at,
                            professional=b.professional.ext_id if b.professional is not None else None,
                            staff=tuple(link.staff.ext_id for link in b.staff_links),
                            pupils=tuple(link.pupil.upn for link in b.pupil_links), title=b.purpose,
                            weekly_until=b.repeat_weekly_until, notes=b.notes, direct_reason=b.direct_reason)

    def edit(self, actor: Actor, occurrence_id: int, changes: BookingDraft, scope: str = "this", *,
             expected_version: int | None = None) -> EditDone:
        """Edit a booking whole: its title, notes, pupils, staff, professional, space, times (the date for
        "this" only) and series end, for this date only (``scope`` "this"), this and the following dates
        ("following": the series ends before this date and a new booking carries the rest) or the whole
        series ("series"). Dates cancelled or moved on their own are kept as they are. Every date given the
        new values is checked as a new booking is (clashes, checks, out of use, the title, the headteacher's
        authorisation), all in one transaction: refused, nothing changed. ``expected_version``: the
        booking's version when the person opened it (StaleRecord naming who changed it since, and when)."""
        self._may_edit(actor, changes, scope)
        with self.db.session() as session:
            self._lock_requests_of(session, [occurrence_id])
            booking_id = session.scalar(select(BookingOccurrenceRow.booking_id)
                                        .where(BookingOccurrenceRow.id == occurrence_id))
            if booking_id is None:
                raise NotFound(f"there is no booking occurrence {occurrence_id}")
            guard.root(session, BookingRow, booking_id, expected=expected_version,
                       refusal=lambda row: audit.stale(session, f"Booking {row.ext_id}", "booking", row.ext_id))
            done = self._edit_in(session, actor, occurrence_id, changes, scope, plan_only=False)
            assert isinstance(done, EditDone)
            return done

    def _may_edit(self, actor: Actor, changes: BookingDraft, scope: str) -> None:
        """Who may edit, which scope, and notes only from those who read them: the same for a plan and a save."""
        require(actor.roles, "bookings.create", who=actor.username)
        if scope not in EDIT_SCOPES:
            raise InvalidInput(Problem("scope", "choose this date only, this and the following dates, or the whole "
                                                "series"))
        if not allowed(actor.roles, "bookings.view_notes"):
            self._may_write_notes(actor, changes.notes)

    def plan_edit(self, actor: Actor, occurrence_id: int, changes: BookingDraft, scope: str = "this") -> BookingPlan:
        """Each date the edit would change, with its clashes (or the check blocking it), as a new booking's
        plan shows them: no writes. What the edit form shows before anything is saved."""
        self._may_edit(actor, changes, scope)
        with self.db.read_session() as session:
            plan = self._edit_in(session, actor, occurrence_id, changes, scope, plan_only=True)
            assert isinstance(plan, BookingPlan)
            return plan

    def _edit_in(self, session: Session, actor: Actor, occurrence_id: int, changes: BookingDraft, scope: str, *,
                 plan_only: bool) -> EditDone | BookingPlan:
        """The edit (its booking locked by the caller), or with ``plan_only`` its plan, nothing written."""
        reads_notes = allowed(actor.roles, "bookings.view_notes")
        occ = self._occurrence(session, occurrence_id)
        if occ.status != "booked":
            raise Refused("a cancelled date cannot be edited: book it again instead")
        b = occ.booking
        old = self._draft_of(b, occ)
        new = replace(changes, title=(changes.title or "").strip() or None,
                      notes=((changes.notes or "").strip() or None) if reads_notes else old.notes,
                      staff=tuple(dict.fromkeys(changes.staff)), pupils=tuple(dict.fromkeys(changes.pupils)),
                      direct_reason=(changes.direct_reason or "").strip() or None)
        occs = sorted(b.occurrences, key=lambda o: (o.starts_at, o.id))
        members = {"this": [occ], "following": [o for o in occs if o.starts_at >= occ.starts_at],
                   "series": occs}[scope]
        whole = len(members) == len(occs)
        for_request, new = self._edit_authorisation(actor, b, old, new)
        day = occ.starts_at.date()
        if scope != "this" and new.start.date() != day:
            raise InvalidInput(Problem("start", "the dates of a series stay as they are: change the date for "
                                                "this date only, or move the series"))
        if scope == "this" and not whole and new.weekly_until not in (None, old.weekly_until):
            raise InvalidInput(Problem("weekly_until", "the series' end is changed for this and the following "
                                                       "dates, or for the whole series"))
        own_fields = (new.professional, new.staff, new.pupils, new.title, new.notes) != \
            (old.professional, old.staff, old.pupils, old.title, old.notes)
        snapshot = self._edit_snapshot(b, occs)
        # where the dates given the new values start, and until when the part runs
        if scope == "this":
            anchor, until = new.start.date(), (new.weekly_until if whole else None)
        else:
            anchor, until = (b.starts_at.date() if whole else day), new.weekly_until
        old_last = max(b.repeat_weekly_until or day, day) if scope != "this" else anchor
        start_t, end_t = new.start.time(), new.end.time()
        draft = replace(new, start=datetime.combine(anchor, start_t), end=datetime.combine(anchor, end_t),
                        weekly_until=until)
        cut = until if until is not None else anchor
        if scope == "this":
            retimed, beyond = [occ], []
        else:
            beyond = [o for o in members if o.starts_at.date() > cut]
            retimed = [o for o in members if o.status == "booked" and (o is occ or not o.individually)
                       and o not in beyond]
        retimed_days = {anchor} if scope == "this" else {o.starts_at.date() for o in retimed}
        extra = [d for d in self._calendar(session).weekly_dates(anchor, cut) if d > old_last] \
            if until is not None else []
        days_wanted = sorted(retimed_days | set(extra))
        wanted, needs_request = self._edit_plan(session, actor, draft, days_wanted, for_request,
                                                {o.id for o in occs})
        plan_warnings = wanted[0][1] if wanted else ()
        if plan_only:
            return BookingPlan(draft, tuple(p for p, _w in wanted), plan_warnings, needs_request,
                               bool(needs_request is None and new.direct_reason and not for_request))
        if needs_request is not None:
            raise Refused(needs_request)
        self._refuse_unbookable(draft, [p for p, _w in wanted])
        kept = [o for o in members if o.status == "booked" and o not in retimed and o not in beyond]
        if new.professional and new.professional != old.professional and kept:
            self._refuse_blocked_checks(session, new.professional, [o.starts_at.date() for o in kept])
        space_id = session.scalar(select(SpaceRow.id).where(SpaceRow.name == new.space))
        self.lock_spaces(session, {o.space_id for o in members} | {space_id})
        split = not whole and (scope != "this" or own_fields)
        if split:
            target = self._insert(session, actor, draft, space_id, [])
            target.request_id, target.direct_reason = b.request_id, new.direct_reason or b.direct_reason
            target.created_by = b.created_by
            for o in members:
                o.booking = target
            if scope == "following":
                b.repeat_weekly_until = day - timedelta(days=1)
        else:
            target = b
            if whole:
                self._set_booking_values(session, b, draft, space_id)
        for o in retimed:
            o_day = anchor if scope == "this" else o.starts_at.date()
            o.starts_at, o.ends_at = datetime.combine(o_day, start_t), datetime.combine(o_day, end_t)
            o.space_id = space_id
            if scope == "this" and not whole:
                o.individually = True
        ends = f"the series now ends on {day_text(cut)}"
        noticed = set(session.scalars(select(BookingNoticeRow.occurrence_id).where(
            BookingNoticeRow.occurrence_id.in_([o.id for o in beyond])))) if beyond else set()
        now = self.clock.now()
        for o in beyond:  # past the new end: gone, but a date someone was told of stays, cancelled
            if o.id in noticed and o.status == "booked":
                o.status, o.cancelled_by, o.cancelled_at, o.cancel_reason = "cancelled", actor.username, now, ends
                o.individually = True
            elif o.id not in noticed and o.status == "booked":
                target.occurrences.remove(o)
        added = [BookingOccurrenceRow(space_id=space_id, starts_at=datetime.combine(d, start_t),
                                      ends_at=datetime.combine(d, end_t), status="booked")
                 for d in days_wanted if d not in retimed_days]
        target.occurrences.extend(added)
        session.flush()
        self._audit_edit(session, actor, b, target, old, new, scope, len(retimed) + len(added), len(beyond))
        session.flush()
        changed = [o.id for o in retimed] + [o.id for o in added]
        undo = EditUndo(b.id, b.ext_id, snapshot[0], snapshot[1], target.id if split else None,
                        tuple(sorted({(b.id, b.version), (target.id, target.version)})))
        return EditDone(tuple(self._blocks_of(session, changed, reader=actor)), target.ext_id, undo,
                        plan_warnings)

    def _edit_authorisation(self, actor: Actor, b: BookingRow, old: BookingDraft,
                            new: BookingDraft) -> tuple[bool, BookingDraft]:
        """(the booking keeps its authorisation, the draft to check): a booking made by a request keeps it,
        but its professional and pupils change through the request; one the headteacher booked directly keeps
        her reason while they stay, and only she changes them."""
        who_changed = new.professional != old.professional or set(new.pupils) != set(old.pupils)
        if b.request_id is not None:
            if who_changed:
                ref = b.ext_id
                raise Refused(f"booking {ref} was made by an approved request: its professional and pupils change "
                              "through the request (Requests screen), not here")
            return True, replace(new, direct_reason=None)
        if b.direct_reason is not None:
            if not who_changed:
                return True, replace(new, direct_reason=None)
            if not allowed(actor.roles, "bookings.direct_independent"):
                raise Refused(f"booking {b.ext_id} was booked directly by the headteacher: only she may change its "
                              "professional or pupils; or start a request for the headteacher")
            return False, replace(new, direct_reason=new.direct_reason or b.direct_reason)
        return False, new

    def _edit_plan(self, session: Session, actor: Actor, draft: BookingDraft, days: list[date], for_request: bool,
                   ignore: set[int]) -> tuple[list[tuple[PlannedDate, tuple[str, ...]]], str | None]:
        """Each of ``days`` planned as a new booking of ``draft`` would be (the booking's own dates not
        clashing), and why the headteacher's authorisation is needed (None when it is not)."""
        plan = self._plan(session, draft, actor, for_request=for_request, ignore=ignore)
        found = {d.day: (d, plan.warnings) for d in plan.dates}
        for day in days:
            if day not in found:  # a date moved off the series' weekday on its own
                one = self._plan(session, replace(draft, start=datetime.combine(day, draft.start.time()),
                                                  end=datetime.combine(day, draft.end.time()), weekly_until=None),
                                 actor, for_request=for_request, ignore=ignore)
                found[day] = (one.dates[0], one.warnings)
        return [found[d] for d in days], plan.needs_request

    def _refuse_blocked_checks(self, session: Session, professional: str, days: list[date]) -> None:
        pro = session.scalar(select(ProfessionalRow).where(ProfessionalRow.ext_id == professional))
        if pro is None:
            return
        recheck = self._settings(session)[2]
        for day in days:
            status = evaluate_checks(checks_of(pro), day, recheck)
            if status.blocking:
                raise Refused(f"{pro.name} cannot be booked on {day_text(day)}: "
                              + "; ".join(f.message for f in status.blocking))

    def _set_booking_values(self, session: Session, b: BookingRow, draft: BookingDraft, space_id: int) -> None:
        """Give the booking the draft's values (its staff and pupils in the draft's order)."""
        pro = session.scalar(select(ProfessionalRow).where(ProfessionalRow.ext_id == draft.professional)) \
            if draft.professional else None
        staff = {s.ext_id: s.id for s in session.scalars(select(StaffRow).where(StaffRow.ext_id.in_(draft.staff)))}
        pupils = {p.upn: p.id for p in session.scalars(select(PupilRow).where(PupilRow.upn.in_(draft.pupils)))}
        problems = [Problem("staff", f"{s!r} is not a member of staff") for s in draft.staff if s not in staff]
        problems += [Problem("pupils", f"{u!r} is not a pupil's UPN") for u in draft.pupils if u not in pupils]
        if problems:
            raise InvalidInput(problems)
        b.space_id, b.starts_at, b.ends_at = space_id, draft.start, draft.end
        b.professional_id = pro.id if pro is not None else None
        b.purpose, b.notes, b.repeat_weekly_until = draft.title, draft.notes, draft.weekly_until
        if draft.direct_reason:
            b.direct_reason = draft.direct_reason
        _relink(b.staff_links, BookingStaffRow, "staff_id", [staff[s] for s in draft.staff])
        _relink(b.pupil_links, BookingPupilRow, "pupil_id", [pupils[u] for u in draft.pupils])

    @staticmethod
    def _edit_snapshot(b: BookingRow, occs: list[BookingOccurrenceRow]) -> tuple[dict, tuple[dict, ...]]:
        booking = {"space_id": b.space_id, "starts_at": b.starts_at, "ends_at": b.ends_at,
                   "professional_id": b.professional_id, "purpose": b.purpose, "notes": b.notes,
                   "direct_reason": b.direct_reason, "repeat_weekly_until": b.repeat_weekly_until,
                   "staff": [link.staff_id for link in b.staff_links],
                   "pupils": [link.pupil_id for link in b.pupil_links]}
        return booking, tuple({"id": o.id, "space_id": o.space_id, "starts_at": o.starts_at, "ends_at": o.ends_at,
                               "status": o.status, "cancelled_by": o.cancelled_by, "cancelled_at": o.cancelled_at,
                               "cancel_reason": o.cancel_reason, "individually": o.individually} for o in occs)

    def _audit_edit(self, session: Session, actor: Actor, b: BookingRow, target: BookingRow, old: BookingDraft,
                    new: BookingDraft, scope: str, dates: int, removed: int) -> None:
        def values(d: BookingDraft) -> dict:
            return {"space": d.space, "start": f"{d.start:%H:%M}", "end": f"{d.end:%H:%M}",
                    "professional": d.professional, "staff": list(d.staff), "pupils": len(d.pupils),
                    "pupils_changed": False, "title": d.title, "notes": bool(d.notes),
                    "weekly_until": d.weekly_until}
        before, after = audit.changed_fields(values(old), {**values(new),
                                                          "pupils_changed": set(old.pupils) != set(new.pupils)})
        after.update({"scope": scope, "dates": dates, "dates_removed": removed})
        if target is not b:
            after["carried_on_by"] = target.ext_id
            audit.record(session, actor, self.clock, "create", "booking", target.ext_id,
                         after={"split_from": b.ext_id, "scope": scope, "dates": len(target.occurrences)})
        audit.record(session, actor, self.clock, "edit", "booking", b.ext_id, before=before, after=after)

    def undo_edit(self, actor: Actor, undo: EditUndo) -> list[Block]:
        """Put a booking back as it was before an edit (``undo``), in one transaction: refused, naming who and
        when, if the booking (or the one the edit split off) was changed since; refused if a date it held
        was booked by another since."""
        require(actor.roles, "bookings.create", who=actor.username)
        with self.db.session() as session:
            rows: dict[int, BookingRow] = {}
            for booking_id, version in undo.versions:
                row = guard.root(session, BookingRow, booking_id, expected=version, refusal=lambda r: StaleRecord(
                    f"booking {r.ext_id} was changed{audit.last_change(session, 'booking', r.ext_id)} since you "
                    "edited it: it is left as it is now"))
                if row is None:
                    raise StaleRecord(f"booking {undo.booking_ref} was changed since you edited it: it is left as "
                                      "it is now")
                rows[booking_id] = row
            b = rows[undo.booking_id]
            created = rows.get(undo.created_id) if undo.created_id is not None else None
            current = list(b.occurrences) + (list(created.occurrences) if created is not None else [])
            before = {o["id"]: o for o in undo.occurrences}
            self.lock_spaces(session, {o.space_id for o in current} | {o["space_id"] for o in undo.occurrences})
            by_space: dict[int, list[tuple[datetime, datetime]]] = {}
            for o in undo.occurrences:
                if o["status"] == "booked":
                    by_space.setdefault(o["space_id"], []).append((o["starts_at"], o["ends_at"]))
            ignore = {o.id for o in current} | set(before)
            found = [c for space_id, ranges in by_space.items()
                     for group in self.clashes_in_session(session, space_id, ranges, ignore) for c in group]
            if found:
                raise Refused(f"{found[0].space} was booked by another since the edit: it cannot be put back",
                              reasons=found)
            for o in current:
                if o.id not in before:  # a date the edit added
                    (created if created is not None and o in created.occurrences else b).occurrences.remove(o)
            existing = {o.id: o for o in current}
            with session.no_autoflush:
                for values in undo.occurrences:
                    o = existing.get(values["id"])
                    if o is None:  # a date the edit removed
                        o = BookingOccurrenceRow(**values)
                        session.add(o)
                    else:
                        for key, value in values.items():
                            setattr(o, key, value)
                    if o.booking_id != b.id or o not in b.occurrences:
                        o.booking = b
            v = undo.booking
            b.space_id, b.starts_at, b.ends_at = v["space_id"], v["starts_at"], v["ends_at"]
            b.professional_id, b.purpose, b.notes = v["professional_id"], v["purpose"], v["notes"]
            b.direct_reason, b.repeat_weekly_until = v["direct_reason"], v["repeat_weekly_until"]
            _relink(b.staff_links, BookingStaffRow, "staff_id", v["staff"])
            _relink(b.pupil_links, BookingPupilRow, "pupil_id", v["pupils"])
            session.flush()
            if created is not None:
                audit.record(session, actor, self.clock, "undo_edit", "booking", created.ext_id,
                             after={"dates_back_to": b.ext_id})
                session.delete(created)
            audit.record(session, actor, self.clock, "undo_edit", "booking", b.ext_id,
                         after={"dates": len(undo.occurrences)})
            session.flush()
            return self._blocks_of(session, [o["id"] for o in undo.occurrences], reader=actor)

    def set_out_of_use(self, actor: Actor, space: str, first: date, last: date, reason: str) -> SpaceInfo:
        """Mark a space out of use for a period (admin); it cannot be booked then."""
        require(actor.roles, "spaces.out_of_use", who=actor.username)
        problems = []
        if last < first:
            problems.append(Problem("to", "the period ends before it starts"))
        if not (reason or "").strip():
            problems.append(Problem("reason", "say why the space is out of use"))
        with self.db.session() as session:
            row = guard.root(session, SpaceRow, session.scalar(select(SpaceRow.id).where(SpaceRow.name == space)))
            if row is None:
                problems.append(Problem("space", f"{space!r} is not a space of the school"))
            if problems:
                raise InvalidInput(problems)
            closure = SpaceClosureRow(space_id=row.id, starts_on=first, ends_on=last, reason=reason.strip(),
                                      created_by=actor.username, created_at=self.clock.now())
            session.add(closure)
            session.flush()
            audit.record(session, actor, self.clock, "out_of_use", "space", row.name,
                         after={"from": first, "to": last, "reason": closure.reason})
        return next(s for s in self.spaces(actor, bookable_only=False) if s.name == space)

    # --- priority ---------------------------------------------------------------------------------
    def displaceable(self, plan: BookingPlan, kind: str) -> list[Clash]:
        """The clashes of a plan that a booking of ``kind`` may ask to move (strictly lower priority)."""
        return [c for d in plan.dates for c in d.clashes if may_displace(kind, c.kind)]

    def suggest_slots(self, actor: Actor, occurrence_id: int, limit: int = 5,
                      avoid: tuple[datetime, datetime] | None = None) -> list[Suggestion]:
        """Genuinely different free places of the same length for an occurrence that must give way, least
        disturbing to the pupil first: another room at the same time, another time that day near the original,
        another school day of that week (domain ``varied_suggestions``: never two alike). ``avoid`` is the time
        the incoming booking needs in the occurrence's space; the occurrence's own time counts as free. A time
        when the professional or a pupil of the session is booked elsewhere, or a day already past, is never
        offered."""
        require(actor.roles, "bookings.view", who=actor.username)
        with self.db.read_session() as session:
            occ = self._occurrence(session, occurrence_id)
            day_start, day_end, _ = self._settings(session)
            calendar = self._calendar(session)
            length = occ.ends_at - occ.starts_at
            monday = monday_of(occ.starts_at.date())
            days = [d for d in (monday + timedelta(days=i) for i in range(5))
                    if d >= self.clock.today() and calendar.why_not_school_day(d) is None]
            week = self._blocks(session, datetime.combine(monday, time.min),
                                datetime.combine(monday + timedelta(days=5), time.min), reader=actor)
            pupil_ids = [link.pupil_id for link in occ.booking.pupil_links]
            theirs = set(session.scalars(select(BookingPupilRow.booking_id).where(
                BookingPupilRow.pupil_id.in_(pupil_ids)))) if pupil_ids else set()
            if occ.booking.professional_id is not None:
                theirs |= set(session.scalars(select(BookingRow.id).where(
                    BookingRow.professional_id == occ.booking.professional_id)))
            others = [b for b in week if b.occurrence_id != occ.id]
            people = [Busy(b.start, b.end) for b in others if b.booking_id in theirs]
            spaces = self._spaces(session)
            candidates: list[Slot] = []
            for day in days:
                for space in spaces:
                    if space.out_of_use_on(day):
                        continue
                    busy = [Busy(b.start, b.end) for b in others if b.space_id == space.id] + people
                    if avoid is not None and space.id == occ.space_id:
                        busy.append(Busy(*avoid))
                    candidates += [Slot(space.name, start, start + length)
                                   for start in free_slots(day, day_start, day_end, busy, length, limit=10_000)]
            original = Slot(occ.space.name, occ.starts_at, occ.ends_at)
            similar = {s.name for s in spaces if s.kind == occ.space.kind}
            return [Suggestion(c.space, c.start, c.end, suggestion_words(original, c))
                    for c in varied_suggestions(original, candidates, similar=similar, limit=limit)]

    def give_priority(self, actor: Actor, occurrence_id: int, *, move_to: tuple[str, datetime] | None = None,
                      reason: str = PRIORITY_REASON) -> list[Notice]:
        """Move (to ``move_to``: space, start) or cancel an independent session that a statutory or
        commissioned service needs, and list who must be told. Never silent: every notice is recorded."""
        require(actor.roles, "bookings.create", who=actor.username)
        with self.db.session() as session:
            self._lock_requests_of(session, [occurrence_id])
            self.lock_bookings(session, [occurrence_id])
            return self._give_way_in(session, actor, occurrence_id, move_to, reason)

    @staticmethod
    def _lock_requests_of(session: Session, occurrence_ids: Iterable[int]) -> None:
        """Lock the requests whose sessions these are (before their bookings, as a decision does): a session
        that gives way is an event of its request, which the family hears of by letter."""
        ids = sorted(set(session.scalars(select(BookingRow.request_id).join(BookingOccurrenceRow).where(
            BookingOccurrenceRow.id.in_(list(occurrence_ids)), BookingRow.request_id.is_not(None)))))
        for request_id in ids:
            guard.root(session, RequestRow, request_id)

    def _give_way_in(self, session: Session, actor: Actor, occurrence_id: int,
                     move_to: tuple[str, datetime] | None, reason: str) -> list[Notice]:
        occ = self._occurrence(session, occurrence_id)
        if _kind(occ.booking) != "independent":
            raise Refused("only an independent session gives way to a statutory or commissioned service")
        original = (f"{occ.booking.purpose or 'session'} in {occ.space.name} on {day_text(occ.starts_at.date())} "
                    f"at {occ.starts_at:%H:%M}")
        occ_day, occ_start, occ_space = occ.starts_at.date(), occ.starts_at, occ.space.name
        if move_to is not None:
            space, start = move_to[0], move_to[1]
            self._move_in(session, actor, occ, start, start + (occ.ends_at - occ.starts_at), space, False)
            what = f"moved to {space}, {start:%H:%M} on {day_text(start.date())} ({reason})"
        else:
            self._cancel_in(session, actor, occ, reason, False)
            what = f"cancelled ({reason})"
        if occ.booking.request_id is not None:  # the request's history says so (and its letter to the family)
            details: dict = {"session_on": occ_day.isoformat(), "session_at": f"{occ_start:%H:%M}",
                             "space": occ_space}
            if move_to is not None:
                details["moved_to"] = {"space": move_to[0], "on": move_to[1].date().isoformat(),
                                       "at": f"{move_to[1]:%H:%M}"}
            session.add(RequestEventRow(request_id=occ.booking.request_id, at=self.clock.now(), by=actor.username,
                                        action="session moved" if move_to is not None else "session cancelled",
                                        reason=reason, details=details))
        session.flush()
        return self._notices_in(session, actor, occ, f"{original} {what}")

    def book_with_priority(self, actor: Actor, draft: BookingDraft,
                           give_way: dict[int, tuple[str, datetime] | None], *,
                           skip: Iterable[date] = ()) -> tuple[list[Block], list[Notice]]:
        """Move or cancel the independent sessions in ``give_way`` (occurrence id → new space and start, or
        None to cancel) and book the draft, all in one transaction: if the booking is refused, nothing moved."""
        outcome = self.resolve_priority(actor, draft, give_way, skip=skip)
        return list(outcome.booked), list(outcome.notices)

    def resolve_priority(self, actor: Actor, draft: BookingDraft,
                         give_way: dict[int, tuple[str, datetime] | None], *,
                         skip: Iterable[date] = ()) -> PriorityOutcome:
        """As ``book_with_priority``, date by date: each date that met other sessions is booked with them moved
        or cancelled (``give_way``), or skipped (``skip``); a date still held and not skipped refuses the whole
        booking, and nothing moves. Returns the occurrences booked, who must be told, and one sentence per such
        date."""
        require(actor.roles, "bookings.create", who=actor.username)
        skip = set(skip)
        with self.db.session() as session:
            self._lock_requests_of(session, list(give_way))
            self.lock_bookings(session, list(give_way))  # before the space, as a move takes them
            space_id = session.scalar(select(SpaceRow.id).where(SpaceRow.name == draft.space))
            if space_id is not None:
                self.lock_spaces(session, [space_id])
            plan = self._plan(session, draft, actor)
            if plan.needs_request is not None:
                raise Refused(plan.needs_request)
            kind = "school"
            if draft.professional:
                kind = session.scalar(select(ProfessionalRow.kind).where(
                    ProfessionalRow.ext_id == draft.professional)) or "independent"
            notices: list[Notice] = []
            for occurrence_id, move_to in give_way.items():
                clash = next((c for d in plan.dates for c in d.clashes if c.occurrence_id == occurrence_id), None)
                if clash is None or not may_displace(kind, clash.kind):
                    raise Refused("a booking can only ask an independent session that is in its way to give way")
                notices += self._give_way_in(session, actor, occurrence_id, move_to, PRIORITY_REASON)
            session.expire_all()
            blocks = self.book_in_session(session, actor, draft, space_id, skip)
            return PriorityOutcome(tuple(blocks), tuple(notices),
                                   _outcome_sentences(plan, kind, give_way, skip, blocks))

    def _notices_in(self, session: Session, actor: Actor, occ: BookingOccurrenceRow, what: str) -> list[Notice]:
        """Record who must be told of a change to a session: the professional, the parents, the class teacher."""
        now = self.clock.now()
        b = occ.booking
        rows = []
        if b.professional is not None:
            rows.append(("professional", b.professional.name, b.professional.email or b.professional.phone))
        for link in b.pupil_links:
            pupil = session.get(PupilRow, link.pupil_id, options=[selectinload(PupilRow.contacts),
                                                                  selectinload(PupilRow.klass)])
            parents = [c for c in pupil.contacts if c.parental_responsibility] or list(pupil.contacts)
            for contact in parents:
                rows.append(("parents", f"{contact.name} ({contact.relationship_} of {pupil.first_name})",
                             contact.phone or contact.email))
            for teacher in session.scalars(select(StaffRow).where(StaffRow.class_id == pupil.class_id,
                                                                  StaffRow.role.ilike("%teacher%"))):
                rows.append(("class_teacher", f"{teacher.name} (class teacher, {pupil.klass.name})", None))
        notices = []
        for audience, who, contact in rows:
            notice = BookingNoticeRow(occurrence_id=occ.id, audience=audience, who=who, contact=contact,
                                      what=what, created_at=now, created_by=actor.username)
            session.add(notice)
            notices.append(notice)
        session.flush()
        return [_notice(n) for n in notices]

    def tell_of_change(self, session: Session, actor: Actor, occ: BookingOccurrenceRow, what: str) -> list[Notice]:
        """Record, in the caller's transaction, who must be told of ``what`` happened to the sessions of ``occ``'s
        booking (a request suspended or ended cancels them): as a move or cancellation for priority does."""
        return self._notices_in(session, actor, occ, what)

    def notices(self, actor: Actor, occurrence_id: int | None = None, *, untold_only: bool = False) -> list[Notice]:
        """Who must be told of changes to sessions. A teacher reads the parents and class teachers to be told
        of a session only when every pupil in it is of their class (else "the family of a pupil")."""
        require(actor.roles, "bookings.view", who=actor.username)
        who = _Reader.of(actor)
        with self.db.read_session() as session:
            query = select(BookingNoticeRow).order_by(BookingNoticeRow.id)
            if occurrence_id is not None:
                query = query.where(BookingNoticeRow.occurrence_id == occurrence_id)
            if untold_only:
                query = query.where(BookingNoticeRow.told_at.is_(None))
            found = [_notice(n) for n in session.scalars(query)]
            if who.all_classes or not found:
                return found
            occurrence_ids = {n.occurrence_id for n in found}
            booking_of = dict(session.execute(select(BookingOccurrenceRow.id, BookingOccurrenceRow.booking_id)
                                              .where(BookingOccurrenceRow.id.in_(occurrence_ids))).all())
            hidden: set[int] = set()  # bookings with a pupil the reader may not see
            for booking_id, class_name in session.execute(
                    select(BookingPupilRow.booking_id, ClassRow.name)
                    .join(PupilRow, PupilRow.id == BookingPupilRow.pupil_id)
                    .outerjoin(ClassRow, ClassRow.id == PupilRow.class_id)
                    .where(BookingPupilRow.booking_id.in_(set(booking_of.values())))):
                if not who.sees(class_name):
                    hidden.add(booking_id)
            titles = {b.booking_id: b.title for b in self._blocks_of(session, list(occurrence_ids), reader=actor)}
            raw = dict(session.execute(select(BookingRow.id, BookingRow.purpose)
                                       .where(BookingRow.id.in_(set(booking_of.values())))).all())
            shown = []
            for n in found:
                booking_id = booking_of.get(n.occurrence_id)
                what = n.what
                if titles.get(booking_id) == TITLE_TO_REVIEW and raw.get(booking_id):
                    what = what.replace(raw[booking_id], TITLE_TO_REVIEW)
                if booking_id in hidden and n.audience != "professional":
                    words = {"parents": "the parents or carers of a pupil", "class_teacher": "a class teacher"}
                    n = Notice(n.id, n.occurrence_id, n.audience, words.get(n.audience, "someone"), None, what,
                               n.told_at, n.told_by)
                elif what != n.what:
                    n = Notice(n.id, n.occurrence_id, n.audience, n.who, n.contact, what, n.told_at, n.told_by)
                shown.append(n)
            return shown

    def mark_told(self, actor: Actor, notice_id: int, at: datetime | None = None) -> Notice:
        require(actor.roles, "bookings.create", who=actor.username)
        with self.db.session() as session:
            occurrence_id = session.scalar(select(BookingNoticeRow.occurrence_id).where(BookingNoticeRow.id == notice_id))
            if occurrence_id is None:
                raise NotFound(f"there is no notice {notice_id}")
            self.lock_bookings(session, [occurrence_id])
            notice = guard.reload(session, BookingNoticeRow, notice_id)
            notice.told_at, notice.told_by = at or self.clock.now(), actor.username
            audit.record(session, actor, self.clock, "told", "booking_notice", notice.id,
                         after={"who": notice.who, "at": notice.told_at})
            return _notice(notice)

    # --- titles that name a pupil -------------------------------------------------------------------
    def titles_to_review(self, actor: Actor) -> list[TitleToReview]:
        """The bookings whose title names a pupil (flagged by the migration, a load or a check), for an
        administrator to mend: each with the pupils it names and those already on the booking."""
        require(actor.roles, "bookings.mend_titles", who=actor.username)
        with self.db.read_session() as session:
            rows = session.scalars(select(BookingRow).where(BookingRow.title_needs_review.is_(True))
                                   .options(selectinload(BookingRow.space), selectinload(BookingRow.professional),
                                            selectinload(BookingRow.pupil_links).selectinload(BookingPupilRow.pupil))
                                   .order_by(BookingRow.starts_at, BookingRow.id)).all()
            names = roll_names(session) if rows else []
            return [_to_review(row, names) for row in rows]

    def mend_title(self, actor: Actor, booking_ref: str, title: str | None, *,
                   add_pupils: Iterable[str] = ()) -> TitleToReview:
        """Give a flagged booking a title that names no pupil (``add_pupils``: UPNs chosen from the register,
        added to the booking): clears the flag. Refused, on the field "title", while it still names one."""
        require(actor.roles, "bookings.mend_titles", who=actor.username)
        add = tuple(dict.fromkeys(u.strip() for u in add_pupils if u and u.strip()))
        with self.db.session() as session:
            booking_id = session.scalar(select(BookingRow.id).where(BookingRow.ext_id == booking_ref))
            row = guard.root(session, BookingRow, booking_id)
            if row is None:
                raise NotFound(f"there is no booking {booking_ref!r}")
            names = roll_names(session)
            problems = []
            named = title_problem(title, names)
            if named:
                problems.append(Problem("title", named))
            pupils = {p.upn: p for p in session.scalars(select(PupilRow).where(PupilRow.upn.in_(add)))} if add else {}
            problems += [Problem("pupils", f"{u!r} is not a pupil's UPN: choose the pupil from the register")
                         for u in add if u not in pupils]
            if problems:
                raise InvalidInput(problems)
            on_booking = {link.pupil_id for link in row.pupil_links}
            position = max((link.position for link in row.pupil_links), default=-1) + 1
            added = 0
            for upn in add:
                if pupils[upn].id not in on_booking:
                    row.pupil_links.append(BookingPupilRow(pupil=pupils[upn], position=position))
                    position += 1
                    added += 1
            was_flagged = row.title_needs_review
            row.purpose = (title or "").strip() or None
            row.title_needs_review = False
            session.flush()
            # the old title is not copied into the audit: it named a pupil
            audit.record(session, actor, self.clock, "mend_title", "booking", row.ext_id,
                         before={"title_needs_review": was_flagged},
                         after={"title": row.purpose, "pupils_added": added})
            session.refresh(row)
            return _to_review(row, names)

    # --- calendar export ---------------------------------------------------------------------------
    def export_ics(self, actor: Actor, first: date, last: date, *, space: str | None = None,
                   professional: str | None = None, class_name: str | None = None, full_names: bool = False) -> bytes:
        """A space's, a professional's or a class's bookings from ``first`` to ``last`` as an .ics file."""
        from .calendar_export import bookings_to_ics

        if sum(x is not None for x in (space, professional, class_name)) != 1:
            raise InvalidInput(Problem("subject", "export the bookings of one space, one professional or one class"))
        if not allowed(actor.roles, "pupils.all_classes") and (class_name is None or class_name != actor.class_name):
            own = f" (--class {actor.class_name})" if actor.class_name else ""
            raise NotAllowed(f"{actor.username} may export the calendar of their own class only{own}")
        blocks = self.bookings_between(actor, first, last, space=space, professional=professional,
                                       class_name=class_name)
        name = space or professional or f"Class {class_name}"
        with self.db.session() as session:
            audit.record(session, actor, self.clock, "export", "calendar", name,
                         after={"from": first, "to": last, "events": len(blocks), "full_names": full_names})
        return bookings_to_ics(blocks, f"Fairfields: {name}", full_names=full_names, now=self.clock.now())

    def _occurrence(self, session: Session, occurrence_id: int) -> BookingOccurrenceRow:
        occ = session.scalar(_occurrence_query().where(BookingOccurrenceRow.id == occurrence_id).options(
            selectinload(BookingOccurrenceRow.booking).selectinload(BookingRow.occurrences)))
        if occ is None:
            raise NotFound(f"there is no booking occurrence {occurrence_id}")
        return occ


def _to_review(row: BookingRow, names: list[tuple[str, str]]) -> TitleToReview:
    links = sorted(row.pupil_links, key=lambda link: link.position)
    return TitleToReview(row.ext_id, row.space.name, row.starts_at, row.ends_at, row.repeat_weekly_until is not None,
                         row.professional.name if row.professional else None, row.purpose or "",
                         tuple(names_found(row.purpose, names)),
                         tuple(f"{link.pupil.first_name} {link.pupil.last_name}" for link in links),
                         tuple(link.pupil.upn for link in links))


def _relink(links: list, model: type, key: str, ids: list[int]) -> None:
    """Make a booking's staff or pupil links ``ids`` in that order, keeping the links that stay (a link
    removed and added again in one flush would meet itself in the primary key)."""
    have = {getattr(link, key): link for link in links}
    for link in list(links):
        if getattr(link, key) not in ids:
            links.remove(link)
    for position, ident in enumerate(ids):
        link = have.get(ident)
        if link is None:
            link = model(**{key: ident})
            links.append(link)
        link.position = position


def _outcome_sentences(plan: BookingPlan, kind: str, give_way: dict[int, tuple[str, datetime] | None],
                       skipped: set[date], booked: list[Block]) -> tuple[str, ...]:
    """One sentence per date of the plan that met other sessions (or could not be booked), then one for the
    dates that were free."""
    booked_days = {b.start.date() for b in booked}
    sentences = []
    for planned in plan.clashing:
        done = planned.day in booked_days and planned.day not in skipped
        gave_way = [gave_way_words(c.professional or c.who, give_way[c.occurrence_id], planned.day)
                    for c in planned.clashes if c.occurrence_id in give_way]
        kept = [(c.professional or c.who, c.space) for c in planned.clashes if c.occurrence_id not in give_way]
        why_not = None
        if planned.blocked:
            why_not = f"the professional cannot be booked: {planned.blocked}"
        elif planned.unavailable:
            why_not = planned.unavailable
        else:
            held = [c for c in planned.clashes if c.occurrence_id not in give_way and not may_displace(kind, c.kind)]
            if held:
                why_not = f"{held[0].space} is held then by {held[0].who}, which does not give way"
        sentences.append(date_outcome(planned.day, done, gave_way, kept if not done else (), why_not))
    free = [d.day for d in plan.dates if d.free and d.day in booked_days]
    if free and plan.clashing:
        sentences.append(f"The other {len(free)} date(s) were free: booked." if len(free) > 1 else
                         f"{day_text(free[0])}: booked (it was free).")
    return tuple(sentences)


def _notice(n: BookingNoticeRow) -> Notice:
    return Notice(n.id, n.occurrence_id, n.audience, n.who, n.contact, n.what, n.told_at, n.told_by)

