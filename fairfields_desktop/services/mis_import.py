"""Updating the pupil roll and attendance from an MIS export (SIMS, Arbor): preview, then all or nothing.

The plan is made by `domain.mis` from the file and the pupils on record; applying re-plans inside the
writing transaction, so what is written is exactly what a fresh preview would show. A file with any
refused row changes nothing (exit 4), and says every refused line and why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..domain.errors import Cancelled, InvalidInput
from ..domain.mis import ExistingPupil, ImportPlan, parse_mis_csv, plan_import
from ..domain.permissions import require
from ..store.database import Database
from ..store.models import AttendanceRow, ClassRow, PupilRow
from . import audit, guard
from .context import Actor, Clock

log = logging.getLogger(__name__)

FIELD_COLUMNS = {"upn": "upn", "first_name": "first_name", "last_name": "last_name",
                 "date_of_birth": "date_of_birth", "year_group": "year_group"}


@dataclass(frozen=True)
class ImportResult:
    plan: ImportPlan
    added: int
    updated: int
    unchanged: int


class MisImportService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def preview(self, actor: Actor, text: str, as_of: date | None = None) -> ImportPlan:
        """What importing ``text`` would do, changing nothing."""
        require(actor.roles, "mis.import", who=actor.username)
        with self.db.read_session() as session:
            return self._plan(session, text, as_of or self.clock.today())

    def apply(self, actor: Actor, text: str, as_of: date | None = None,
              should_stop: Callable[[], bool] = lambda: False) -> ImportResult:
        """Import the file in one transaction; any refused row and nothing at all is written.

        ``should_stop`` is asked between rows: when it says yes, everything is rolled back.
        """
        require(actor.roles, "mis.import", who=actor.username)
        as_of = as_of or self.clock.today()
        with self.db.session() as session:
            guard.lock_all(session, PupilRow)  # the register is compared and changed one writer at a time
            plan = self._plan(session, text, as_of)
            if not plan.ok:
                raise InvalidInput(list(plan.refused), f"{len(plan.refused_lines)} row(s) refused; nothing was "
                                   "imported: correct the export and import it again")
            classes = {c.name: c for c in session.scalars(select(ClassRow))}
            now = self.clock.now()
            for row in plan.added:
                _check_stop(should_stop)
                pupil = PupilRow(upn=row.upn, first_name=row.first_name, last_name=row.last_name,
                                 date_of_birth=row.date_of_birth, year_group=row.year_group,
                                 klass=classes[row.class_name], areas_of_need=[])
                if row.attendance_percent is not None:
                    pupil.attendance_percent, pupil.attendance_as_of = row.attendance_percent, as_of
                    session.add(AttendanceRow(pupil=pupil, percent=row.attendance_percent, as_of=as_of,
                                              recorded_at=now))
                session.add(pupil)
                session.flush()
                audit.record(session, actor, self.clock, "create", "pupil", pupil.id,
                             note=f"MIS import line {row.line}",
                             after={"upn": row.upn, "first_name": row.first_name, "last_name": row.last_name,
                                    "date_of_birth": row.date_of_birth, "year_group": row.year_group,
                                    "class": row.class_name, "attendance_percent": row.attendance_percent})
            for update in plan.updated:
                _check_stop(should_stop)
                pupil = session.get(PupilRow, update.pupil_id, options=[selectinload(PupilRow.klass)])
                guard.bump(pupil)  # an open copy of the pupil's record is now stale
                before, after = {}, {}
                for change in update.changes:
                    before[change.field], after[change.field] = change.old, change.new
                    if change.field == "class_name":
                        pupil.klass = classes[change.new]
                    else:
                        setattr(pupil, FIELD_COLUMNS[change.field], change.new)
                if update.attendance is not None:
                    before["attendance"] = {"percent": pupil.attendance_percent, "as_of": pupil.attendance_as_of}
                    after["attendance"] = {"percent": update.attendance, "as_of": as_of}
                    pupil.attendance_percent, pupil.attendance_as_of = update.attendance, as_of
                    session.add(AttendanceRow(pupil_id=pupil.id, percent=update.attendance, as_of=as_of,
                                              recorded_at=now))
                audit.record(session, actor, self.clock, "update", "pupil", pupil.id,
                             note=f"MIS import line {update.line} (matched by {update.matched_by})",
                             before=before, after=after)
            _check_stop(should_stop)
            log.info("MIS import: %s added, %s updated, %s unchanged", len(plan.added), len(plan.updated),
                     len(plan.unchanged))
            return ImportResult(plan, len(plan.added), len(plan.updated), len(plan.unchanged))

    def _plan(self, session: Session, text: str, as_of: date) -> ImportPlan:
        rows, problems = parse_mis_csv(text)
        existing = [
            ExistingPupil(p.id, p.upn, p.first_name, p.last_name, p.date_of_birth, p.year_group, p.klass.name,
                          p.attendance_percent, p.attendance_as_of, p.left_on)
            for p in session.scalars(select(PupilRow).options(selectinload(PupilRow.klass)))
        ]
        class_names = set(session.scalars(select(ClassRow.name)))
        return plan_import(rows, problems, existing, class_names, as_of)


def _check_stop(should_stop: Callable[[], bool]) -> None:
    if should_stop():
        raise Cancelled("the import was cancelled: nothing was written")
