"""Advice requests: who was asked, when, for what, when it is due, received or chased."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.deadlines import advice_due
from ..domain.errors import InvalidInput, NotFound, Problem, Refused
from ..domain.permissions import require
from ..store.database import Database
from ..store.models import AdviceChaseRow, AdviceRequestRow
from . import audit, guard
from .context import Actor, Clock


@dataclass(frozen=True)
class Advice:
    id: int
    pupil: str
    pupil_upn: str
    professional: str
    kind: str
    purpose: str | None
    requested_on: date
    due: date
    received_on: date | None
    chases: tuple[tuple[date, str | None, str], ...]  # when, how, by whom


class AdviceService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def list_advice(self, actor: Actor, *, outstanding_only: bool = True) -> list[Advice]:
        require(actor.roles, "advice.manage", who=actor.username)
        with self.db.read_session() as session:
            query = select(AdviceRequestRow).options(
                selectinload(AdviceRequestRow.pupil), selectinload(AdviceRequestRow.professional))
            if outstanding_only:
                query = query.where(AdviceRequestRow.received_on.is_(None))
            chases: dict[int, list[tuple]] = {}
            for c in session.scalars(select(AdviceChaseRow).order_by(AdviceChaseRow.chased_on, AdviceChaseRow.id)):
                chases.setdefault(c.advice_id, []).append((c.chased_on, c.how, c.chased_by))
            found = [Advice(a.id, f"{a.pupil.first_name} {a.pupil.last_name}", a.pupil.upn, a.professional.name,
                            a.kind, a.purpose, a.requested_on, advice_due(a.kind, a.requested_on, a.due),
                            a.received_on, tuple(chases.get(a.id, ())))
                     for a in session.scalars(query)]
            return sorted(found, key=lambda a: (a.due, a.pupil))

    def chase(self, actor: Actor, advice_id: int, how: str | None = None) -> None:
        """Record that late advice was chased today (by phone, email, letter…)."""
        require(actor.roles, "advice.manage", who=actor.username)
        with self.db.session() as session:
            advice = self._row(session, advice_id)
            if advice.received_on is not None:
                raise Refused(f"this advice was received on {advice.received_on:%d %b %Y}: nothing to chase")
            chase = AdviceChaseRow(advice_id=advice.id, chased_on=self.clock.today(),
                                   how=(how or "").strip() or None, chased_by=actor.username)
            session.add(chase)
            session.flush()
            audit.record(session, actor, self.clock, "chase", "advice", advice.id, after={"how": chase.how})

    def mark_received(self, actor: Actor, advice_id: int, received_on: date) -> None:
        require(actor.roles, "advice.manage", who=actor.username)
        with self.db.session() as session:
            advice = self._row(session, advice_id)
            if received_on < advice.requested_on or received_on > self.clock.today():
                raise InvalidInput(Problem("received_on", "the date received is between the request and today"))
            before = advice.received_on
            advice.received_on = received_on
            audit.record(session, actor, self.clock, "received", "advice", advice.id,
                         before={"received_on": before}, after={"received_on": received_on})

    def _row(self, session, advice_id: int) -> AdviceRequestRow:
        """The advice request locked for this transaction (guard): chases and the date received are
        recorded one writer at a time (it has no version: nothing is refused as stale)."""
        advice = guard.lock(session, AdviceRequestRow, advice_id)
        if advice is None:
            raise NotFound(f"there is no advice request {advice_id}")
        return advice
