"""EHCP outcomes by broad area of need, the targets and programmes professionals set under them, and the
strategies the class team carries into daily practice ("teachers ensure that programmes and targets are
included as part of daily practice"). Progress notes come from the session records.

Outcomes and targets end as achieved or ceased; they are kept, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..domain.errors import InvalidInput, NotAllowed, NotFound, Problem, Refused
from ..domain.permissions import allowed, require
from ..domain.school import AREA_LABELS, AREAS_OF_NEED
from ..store.database import Database
from ..store.models import (
    BookingOccurrenceRow,
    BookingPupilRow,
    ClassRow,
    OutcomeRow,
    ProfessionalRow,
    PupilRow,
    SessionRecordRow,
    TargetRow,
)
from . import audit, guard
from .context import Actor, Clock
from .pupils import require_class

STATUSES = {"current": "current", "achieved": "achieved", "ceased": "no longer pursued"}


@dataclass(frozen=True)
class Progress:
    on: date
    delivered: bool
    note: str
    by: str


@dataclass(frozen=True)
class Target:
    id: int
    text: str
    professional: str | None  # name
    professional_id: str | None  # the professional's id
    programme: str | None
    strategy: str | None
    set_on: date
    status: str
    ended_on: date | None
    progress: tuple[Progress, ...]
    version: int


@dataclass(frozen=True)
class Outcome:
    id: int
    area: str
    text: str
    set_on: date
    status: str
    ended_on: date | None
    targets: tuple[Target, ...]
    version: int

    @property
    def area_text(self) -> str:
        return AREA_LABELS.get(self.area, self.area)


@dataclass(frozen=True)
class Strategy:
    """One line of a class team's list: a pupil's current target and what to do in class."""

    pupil: str
    pupil_upn: str
    class_name: str
    area: str
    outcome: str
    target: str
    strategy: str
    professional: str | None


class OutcomeService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- reading ------------------------------------------------------------------------------------
    def for_pupil(self, actor: Actor, upn: str, *, current_only: bool = False) -> list[Outcome]:
        require(actor.roles, "outcomes.view", who=actor.username)
        with self.db.read_session() as session:
            pupil = self._pupil(session, actor, upn)
            rows = session.scalars(select(OutcomeRow).options(
                selectinload(OutcomeRow.targets).selectinload(TargetRow.professional))
                .where(OutcomeRow.pupil_id == pupil.id).order_by(OutcomeRow.area, OutcomeRow.id)).all()
            target_ids = [t.id for o in rows for t in o.targets]
            progress: dict[int, list[Progress]] = {}
            if target_ids:
                query = (select(SessionRecordRow, BookingOccurrenceRow.starts_at)
                         .join(BookingOccurrenceRow, BookingOccurrenceRow.id == SessionRecordRow.occurrence_id)
                         .where(SessionRecordRow.target_id.in_(target_ids))
                         .order_by(BookingOccurrenceRow.starts_at))
                for record, starts in session.execute(query):
                    progress.setdefault(record.target_id, []).append(
                        Progress(starts.date(), record.delivered, record.note or "", record.recorded_by))
            order = {a: i for i, a in enumerate(AREAS_OF_NEED)}
            outcomes = [_outcome(o, progress) for o in sorted(rows, key=lambda o: (order.get(o.area, 9), o.id))]
            if current_only:
                outcomes = [o for o in outcomes if o.status == "current"]
            return outcomes

    def class_strategies(self, actor: Actor, class_name: str | None = None) -> list[Strategy]:
        """The current strategies for a class (a teacher: their own; None: every class)."""
        require(actor.roles, "outcomes.view", who=actor.username)
        if not allowed(actor.roles, "pupils.all_classes"):
            if class_name not in (None, actor.class_name):
                raise NotAllowed(f"{actor.username} may see the pupils of their own class only")
            class_name = actor.class_name or ""
        with self.db.read_session() as session:
            query = (select(TargetRow, OutcomeRow, PupilRow, ClassRow.name)
                     .join(OutcomeRow, OutcomeRow.id == TargetRow.outcome_id)
                     .join(PupilRow, PupilRow.id == OutcomeRow.pupil_id)
                     .join(ClassRow, ClassRow.id == PupilRow.class_id)
                     .options(selectinload(TargetRow.professional))
                     .where(TargetRow.status == "current", OutcomeRow.status == "current",
                            PupilRow.left_on.is_(None), TargetRow.strategy.is_not(None)))
            if class_name is not None:
                query = query.where(ClassRow.name == class_name)
            found = [Strategy(f"{p.first_name} {p.last_name}", p.upn, klass, o.area, o.text, t.text,
                              t.strategy or "", t.professional.name if t.professional else None)
                     for t, o, p, klass in session.execute(query)]
        order = {a: i for i, a in enumerate(AREAS_OF_NEED)}
        return sorted(found, key=lambda s: (s.class_name, s.pupil, order.get(s.area, 9), s.target))

    def targets_for_session(self, actor: Actor, occurrence_id: int) -> list[tuple[int, str]]:
        """(target id, "pupil: target") for the current targets of a session's pupils, for its progress note:
        for whoever marks sessions and may read outcomes (not the office); a teacher, their class's pupils' only."""
        require(actor.roles, "sessions.mark", who=actor.username)
        require(actor.roles, "outcomes.view", who=actor.username)
        with self.db.read_session() as session:
            occurrence = session.get(BookingOccurrenceRow, occurrence_id)
            if occurrence is None:
                raise NotFound(f"there is no session {occurrence_id}")
            query = (select(TargetRow.id, TargetRow.text, PupilRow.first_name, PupilRow.last_name)
                     .join(OutcomeRow, OutcomeRow.id == TargetRow.outcome_id)
                     .join(PupilRow, PupilRow.id == OutcomeRow.pupil_id)
                     .join(BookingPupilRow, BookingPupilRow.pupil_id == PupilRow.id)
                     .where(BookingPupilRow.booking_id == occurrence.booking_id, TargetRow.status == "current")
                     .order_by(PupilRow.last_name, TargetRow.id))
            if not allowed(actor.roles, "pupils.all_classes"):
                query = query.join(ClassRow, ClassRow.id == PupilRow.class_id).where(
                    ClassRow.name == (actor.class_name or ""))
            return [(tid, f"{first} {last}: {text}") for tid, text, first, last in session.execute(query)]

    # --- outcomes ------------------------------------------------------------------------------------
    def add_outcome(self, actor: Actor, upn: str, area: str, text: str, set_on: date | None = None) -> int:
        require(actor.roles, "outcomes.edit", who=actor.username)
        set_on = set_on or self.clock.today()
        _check(area=area, text=text, today=self.clock.today(), set_on=set_on)
        with self.db.session() as session:
            pupil = self._pupil(session, actor, upn)
            if not pupil.has_ehcp:
                raise Refused(f"{pupil.first_name} {pupil.last_name} has no EHCP: outcomes belong to a plan")
            row = OutcomeRow(pupil_id=pupil.id, area=area, text=text.strip(), set_on=set_on, status="current")
            session.add(row)
            session.flush()
            audit.record(session, actor, self.clock, "add", "outcome", row.id,
                         after={"pupil": pupil.upn, "area": area, "set_on": set_on})
            return row.id

    def edit_outcome(self, actor: Actor, outcome_id: int, area: str, text: str, version: int | None = None) -> None:
        require(actor.roles, "outcomes.edit", who=actor.username)
        _check(area=area, text=text)
        with self.db.session() as session:
            row = self._outcome_row(session, actor, outcome_id, version)
            before = {"area": row.area, "text": row.text}
            row.area, row.text = area, text.strip()
            audit.record_change(session, actor, self.clock, "outcome", row.id, before,
                                {"area": row.area, "text": row.text})

    def end_outcome(self, actor: Actor, outcome_id: int, status: str, version: int | None = None) -> None:
        """Mark an outcome achieved or ceased (kept; its current targets end with it)."""
        require(actor.roles, "outcomes.edit", who=actor.username)
        if status not in ("achieved", "ceased"):
            raise InvalidInput(Problem("status", "an outcome ends as achieved or ceased"))
        with self.db.session() as session:
            row = self._outcome_row(session, actor, outcome_id, version)
            today = self.clock.today()
            row.status, row.ended_on = status, today
            for target in row.targets:
                if target.status == "current":
                    target.status, target.ended_on = status, today
            audit.record(session, actor, self.clock, status, "outcome", row.id, after={"status": status})

    # --- targets -------------------------------------------------------------------------------------
    def add_target(self, actor: Actor, outcome_id: int, text: str, *, professional: str | None = None,
                   programme: str | None = None, strategy: str | None = None, version: int | None = None) -> int:
        """Add a target under an outcome; ``version``: the outcome's, as opened (StaleRecord if it changed)."""
        require(actor.roles, "outcomes.edit", who=actor.username)
        _check(text=text, field="target")
        with self.db.session() as session:
            outcome = self._outcome_row(session, actor, outcome_id, version)
            row = TargetRow(outcome_id=outcome.id, text=text.strip(),
                            professional_id=self._professional_id(session, professional),
                            programme=_text(programme), strategy=_text(strategy), set_on=self.clock.today(),
                            status="current")
            session.add(row)
            session.flush()
            audit.record(session, actor, self.clock, "add", "target", row.id,
                         after={"outcome": outcome.id, "professional": professional})
            return row.id

    def edit_target(self, actor: Actor, target_id: int, text: str, *, professional: str | None = None,
                    programme: str | None = None, strategy: str | None = None, version: int | None = None) -> None:
        require(actor.roles, "outcomes.edit", who=actor.username)
        _check(text=text, field="target")
        with self.db.session() as session:
            row = self._target_row(session, actor, target_id, version)
            fields = ("text", "professional_id", "programme", "strategy")
            before = {f: getattr(row, f) for f in fields}
            row.text, row.programme, row.strategy = text.strip(), _text(programme), _text(strategy)
            row.professional_id = self._professional_id(session, professional)
            audit.record_change(session, actor, self.clock, "target", row.id, before,
                                {f: getattr(row, f) for f in fields})

    def end_target(self, actor: Actor, target_id: int, status: str, version: int | None = None) -> None:
        require(actor.roles, "outcomes.edit", who=actor.username)
        if status not in ("achieved", "ceased"):
            raise InvalidInput(Problem("status", "a target ends as achieved or ceased"))
        with self.db.session() as session:
            row = self._target_row(session, actor, target_id, version)
            row.status, row.ended_on = status, self.clock.today()
            audit.record(session, actor, self.clock, status, "target", row.id, after={"status": status})

    # --- helpers -------------------------------------------------------------------------------------
    def _pupil(self, session: Session, actor: Actor, upn: str) -> PupilRow:
        pupil = session.scalar(select(PupilRow).options(selectinload(PupilRow.klass))
                               .where(PupilRow.upn == (upn or "").strip().upper()))
        if pupil is None:
            raise NotFound(f"there is no pupil with UPN {upn!r}")
        require_class(actor, pupil)
        return pupil

    def _outcome_row(self, session: Session, actor: Actor, outcome_id: int, version: int | None) -> OutcomeRow:
        """The outcome locked for this transaction (guard), checked, its version bumped: a change to it or
        to one of its targets makes every other open copy of it stale."""
        row = guard.lock(session, OutcomeRow, outcome_id)
        if row is None:
            raise NotFound(f"there is no outcome {outcome_id}")
        require_class(actor, session.get(PupilRow, row.pupil_id))
        if row.status != "current":
            raise Refused(f"this outcome is {STATUSES[row.status]}: it cannot be changed")
        _check_version(session, "outcome", row.id, row.version, version)
        guard.bump(row)
        return row

    def _target_row(self, session: Session, actor: Actor, target_id: int, version: int | None) -> TargetRow:
        """The target, its outcome locked for this transaction and bumped (guard), the target's own version
        checked and bumped."""
        outcome_id = session.scalar(select(TargetRow.outcome_id).where(TargetRow.id == target_id))
        if outcome_id is None:
            raise NotFound(f"there is no target {target_id}")
        outcome = guard.lock(session, OutcomeRow, outcome_id)
        row = guard.reload(session, TargetRow, target_id)
        require_class(actor, session.get(PupilRow, outcome.pupil_id))
        if row.status != "current":
            raise Refused(f"this target is {STATUSES[row.status]}: it cannot be changed")
        _check_version(session, "target", row.id, row.version, version)
        guard.bump(outcome)
        guard.bump(row)
        return row

    @staticmethod
    def _professional_id(session: Session, ext_id: str | None) -> int | None:
        if not ext_id:
            return None
        pro_id = session.scalar(select(ProfessionalRow.id).where(ProfessionalRow.ext_id == ext_id))
        if pro_id is None:
            raise InvalidInput(Problem("professional", f"there is no professional {ext_id!r}"))
        return pro_id


def _check_version(session: Session, what: str, row_id: int, stored: int, expected: int | None) -> None:
    """StaleRecord naming who changed the outcome (or one of its targets) or the target, and when (from the
    audit trail)."""
    if expected is None or expected == stored:
        return
    also = ()
    if what == "outcome":
        also = [("target", session.scalars(select(TargetRow.id).where(TargetRow.outcome_id == row_id)).all())]
    raise audit.stale(session, f"this {what}", what, row_id, also=also)


def _check(*, area: str | None = None, text: str, field: str = "text", today: date | None = None,
           set_on: date | None = None) -> None:
    problems = []
    if area is not None and area not in AREAS_OF_NEED:
        problems.append(Problem("area", "choose one of the four broad areas: " + ", ".join(AREA_LABELS.values())))
    if not (text or "").strip():
        problems.append(Problem(field, f"write the {'outcome' if field == 'text' else field}"))
    if today is not None and set_on is not None and set_on > today:
        problems.append(Problem("set_on", "the date set cannot be in the future"))
    if problems:
        raise InvalidInput(problems)


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _outcome(row: OutcomeRow, progress: dict[int, list[Progress]]) -> Outcome:
    targets = tuple(
        Target(t.id, t.text, t.professional.name if t.professional else None,
               t.professional.ext_id if t.professional else None, t.programme, t.strategy, t.set_on, t.status,
               t.ended_on, tuple(progress.get(t.id, ())), t.version)
        for t in row.targets)
    return Outcome(row.id, row.area, row.text, row.set_on, row.status, row.ended_on, targets, row.version)
