"""What needs attention as of today: annual reviews and their paperwork, advice, assessments,
authorisations ending and safeguarding checks lapsing. The deadlines are `domain.deadlines`; this gathers the facts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain import deadlines
from ..domain.errors import InvalidInput, Problem
from ..domain.permissions import allowed, require
from ..store.database import Database
from ..store.models import (
    AdviceRequestRow,
    AssessmentRow,
    ClassRow,
    ProfessionalRow,
    PupilRow,
    RequestRow,
    SchoolSettingsRow,
)
from .context import Actor, Clock
from .professionals import checks_of
from .reviews import ReviewService


class DueService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def due(self, actor: Actor, within_days: int | None = None) -> list[deadlines.DueItem]:
        """Every item due by today + ``within_days`` (all of them when None), overdue ones included.

        A teacher sees their own class's pupils only (and no professionals' checks). Every role sees every
        kind and its date; a role that may not see needs (the office, the administrator) reads an annual
        review's detail without the plan's dates (issued, last review)."""
        require(actor.roles, "due.view", who=actor.username)
        if within_days is not None and within_days < 0:
            raise InvalidInput(Problem("within", "give the number of days ahead to look (0 or more)"))
        today = self.clock.today()
        whole_school = allowed(actor.roles, "pupils.all_classes")
        with self.db.read_session() as session:
            settings = session.get(SchoolSettingsRow, 1)
            query = select(PupilRow).options(selectinload(PupilRow.klass)).where(PupilRow.left_on.is_(None))
            if not whole_school:
                query = query.join(ClassRow).where(ClassRow.name == (actor.class_name or ""))
            pupil_rows = session.scalars(query).all()
            ids = {p.id for p in pupil_rows}
            name = {p.id: f"{p.first_name} {p.last_name}" for p in pupil_rows}
            upn = {p.id: p.upn for p in pupil_rows}
            planned, reviews = ReviewService.facts(session, ids, name, upn)
            pupils = [deadlines.PupilFacts(p.upn, name[p.id], p.klass.name, p.date_of_birth, p.year_group,
                                           p.ehcp_issued, p.ehcp_last_review, planned.get(p.id), p.looked_after)
                      for p in pupil_rows if p.has_ehcp]
            advice = [deadlines.AdviceFacts(upn[a.pupil_id], name[a.pupil_id], a.professional.name, a.kind,
                                            a.requested_on, a.due, a.received_on)
                      for a in session.scalars(select(AdviceRequestRow).options(
                          selectinload(AdviceRequestRow.professional))) if a.pupil_id in ids]
            assessments = [deadlines.AssessmentFacts(upn[a.pupil_id], name[a.pupil_id], a.requested_on,
                                                     a.decision_to_assess_on, a.draft_issued_on, a.final_issued_on,
                                                     a.decision_to_issue_on, a.stopped_on)
                           for a in session.scalars(select(AssessmentRow)) if a.pupil_id in ids]
            authorisations = [deadlines.AuthorisationFacts(r.ext_id, upn[r.pupil_id], name[r.pupil_id],
                                                           r.professional.name, r.last_session)
                              for r in session.scalars(select(RequestRow).options(
                                  selectinload(RequestRow.professional)).where(RequestRow.status == "approved"))
                              if r.pupil_id in ids]
            professionals = []
            if whole_school:
                professionals = [deadlines.ProfessionalFacts(p.ext_id, p.name, checks_of(p))
                                 for p in session.scalars(select(ProfessionalRow).where(ProfessionalRow.active))]
        return deadlines.due_items(
            today, within_days, pupils=pupils, advice=advice, assessments=assessments,
            authorisations=authorisations, professionals=professionals, reviews=reviews,
            under_five_months=settings.under_five_review_months if settings else 6,
            dbs_recheck_years=settings.dbs_recheck_years if settings else 3,
            plan_dates=allowed(actor.roles, "pupils.view_needs"))
