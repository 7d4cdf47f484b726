"""EHC needs assessments in progress: the LA's request, its decisions and the plan, against the statutory
weeks (`domain.deadlines.assessment_deadlines`). An assessment the LA stops is kept with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain import deadlines
from ..domain.checks import day_text
from ..domain.errors import InvalidInput, NotFound, Problem, Refused
from ..domain.permissions import require
from ..store.database import Database
from ..store.models import AssessmentRow, PupilRow
from . import audit, guard
from .context import Actor, Clock

#: the dates an assessment records, in the order they happen, with their words
STAGES = {
    "decision_to_assess_on": "decision to assess",
    "decision_to_issue_on": "decision to issue",
    "draft_issued_on": "draft plan issued",
    "final_issued_on": "final plan issued",
}


@dataclass(frozen=True)
class Stage:
    what: str
    due: date | None  # the statutory last day (None: the draft has no deadline of its own)
    done_on: date | None

    def late(self, today: date) -> bool:
        return self.due is not None and (self.done_on or today) > self.due


@dataclass(frozen=True)
class Assessment:
    id: int
    pupil_upn: str
    pupil_name: str
    class_name: str
    requested_on: date
    stages: tuple[Stage, ...]
    comments_by: date | None  # the parents' 15 days on a draft
    stopped_on: date | None
    stopped_reason: str | None

    @property
    def state(self) -> str:
        if self.stopped_on:
            return f"stopped {day_text(self.stopped_on)}"
        if self.stages[-1].done_on:
            return f"final plan issued {day_text(self.stages[-1].done_on)}"
        waiting = next(s for s in self.stages if s.done_on is None)
        what = waiting.what.removesuffix(" issued")
        return f"waiting for the {what}" + (f" (due {day_text(waiting.due)})" if waiting.due else "")


class AssessmentService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def list_assessments(self, actor: Actor, *, in_progress_only: bool = False) -> list[Assessment]:
        require(actor.roles, "assessments.manage", who=actor.username)
        with self.db.read_session() as session:
            query = select(AssessmentRow).options(selectinload(AssessmentRow.pupil).selectinload(PupilRow.klass))
            if in_progress_only:
                query = query.where(AssessmentRow.final_issued_on.is_(None), AssessmentRow.stopped_on.is_(None))
            return [self._assessment(r) for r in session.scalars(query.order_by(AssessmentRow.requested_on,
                                                                                AssessmentRow.id))]

    def start(self, actor: Actor, upn: str, requested_on: date) -> int:
        """Record that the LA received a request for an EHC needs assessment on ``requested_on``."""
        require(actor.roles, "assessments.manage", who=actor.username)
        if requested_on > self.clock.today():
            raise InvalidInput(Problem("requested_on", "the request date cannot be in the future"))
        with self.db.session() as session:
            pupil = session.scalar(select(PupilRow).where(PupilRow.upn == (upn or "").strip().upper()))
            if pupil is None:
                raise InvalidInput(Problem("pupil", f"there is no pupil with UPN {upn!r}"))
            guard.lock(session, PupilRow, pupil.id)  # one assessment in progress per pupil, across PCs
            open_one = session.scalar(select(AssessmentRow).where(
                AssessmentRow.pupil_id == pupil.id, AssessmentRow.final_issued_on.is_(None),
                AssessmentRow.stopped_on.is_(None)))
            if open_one is not None:
                raise Refused(f"{pupil.first_name} {pupil.last_name} has an assessment in progress since "
                              f"{day_text(open_one.requested_on)}")
            row = AssessmentRow(pupil_id=pupil.id, requested_on=requested_on)
            session.add(row)
            session.flush()
            audit.record(session, actor, self.clock, "start", "assessment", row.id,
                         after={"pupil": pupil.upn, "requested_on": requested_on})
            return row.id

    def record_stage(self, actor: Actor, assessment_id: int, stage: str, on: date) -> None:
        """Record the day a stage happened (one of STAGES); stages come in order, none in the future."""
        require(actor.roles, "assessments.manage", who=actor.username)
        if stage not in STAGES:
            raise InvalidInput(Problem("stage", "choose one of: " + ", ".join(STAGES.values())))
        with self.db.session() as session:
            row = self._row(session, assessment_id)
            if row.stopped_on is not None:
                raise Refused(f"this assessment was stopped on {day_text(row.stopped_on)}")
            order = list(STAGES)
            earlier = [getattr(row, s) for s in order[:order.index(stage)] if getattr(row, s) is not None]
            problems = []
            if on > self.clock.today():
                problems.append(Problem(stage, "the date cannot be in the future"))
            later = [getattr(row, s) for s in order[order.index(stage) + 1:] if getattr(row, s) is not None]
            if on < max([row.requested_on, *earlier]):
                problems.append(Problem(stage, f"the {STAGES[stage]} comes after the request and earlier stages "
                                               f"({day_text(max([row.requested_on, *earlier]))})"))
            if later and on > min(later):
                problems.append(Problem(stage, f"the {STAGES[stage]} comes before the later stages already recorded "
                                               f"({day_text(min(later))})"))
            if stage != "decision_to_assess_on" and row.decision_to_assess_on is None:
                problems.append(Problem(stage, "record the decision to assess first"))
            if problems:
                raise InvalidInput(problems)
            before = getattr(row, stage)
            setattr(row, stage, on)
            audit.record_change(session, actor, self.clock, "assessment", row.id, {stage: before}, {stage: on})

    def stop(self, actor: Actor, assessment_id: int, on: date, reason: str) -> None:
        """The LA decided not to assess, or not to issue a plan: kept, with the reason."""
        require(actor.roles, "assessments.manage", who=actor.username)
        problems = []
        if not (reason or "").strip():
            problems.append(Problem("reason", "say what the LA decided (e.g. not to assess)"))
        if on > self.clock.today():
            problems.append(Problem("stopped_on", "the date cannot be in the future"))
        if problems:
            raise InvalidInput(problems)
        with self.db.session() as session:
            row = self._row(session, assessment_id)
            if row.final_issued_on is not None or row.stopped_on is not None:
                raise Refused("this assessment is finished already")
            row.stopped_on, row.stopped_reason = on, reason.strip()
            audit.record(session, actor, self.clock, "stop", "assessment", row.id,
                         after={"stopped_on": on, "reason": row.stopped_reason})

    def _row(self, session, assessment_id: int) -> AssessmentRow:
        """The assessment locked for this transaction (guard): its stages are recorded one writer at a time
        (it has no version: nothing is refused as stale)."""
        row = guard.lock(session, AssessmentRow, assessment_id)
        if row is None:
            raise NotFound(f"there is no assessment {assessment_id}")
        return row

    @staticmethod
    def _assessment(row: AssessmentRow) -> Assessment:
        due = dict(deadlines.assessment_deadlines(row.requested_on, row.decision_to_assess_on, row.draft_issued_on))
        stages = (
            Stage(STAGES["decision_to_assess_on"], due[deadlines.DECISION_TO_ASSESS], row.decision_to_assess_on),
            Stage(STAGES["decision_to_issue_on"], due[deadlines.DECISION_TO_ISSUE], row.decision_to_issue_on),
            Stage(STAGES["draft_issued_on"], None, row.draft_issued_on),
            Stage(STAGES["final_issued_on"], due[deadlines.FINAL_PLAN], row.final_issued_on),
        )
        pupil = row.pupil
        return Assessment(row.id, pupil.upn, f"{pupil.first_name} {pupil.last_name}", pupil.klass.name,
                          row.requested_on, stages, due.get(deadlines.DRAFT_COMMENTS), row.stopped_on,
                          row.stopped_reason)
