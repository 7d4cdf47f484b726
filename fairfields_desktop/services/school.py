"""The school's own settings and its calendar of terms and closures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from ..domain.calendar import Closure, SchoolCalendar, Term
from ..domain.dataset import LETTERHEAD_KEYS, settings_problems, term_problems
from ..domain.errors import InvalidInput
from ..domain.permissions import require
from ..domain.school import SchoolSettings
from ..store.database import Database
from ..store.dataset_io import settings_dict, settings_row_from, term_dict, term_row_from
from ..store.models import ClosureRow, SchoolSettingsRow, TermRow
from . import audit, guard
from .context import Actor, Clock


@dataclass(frozen=True)
class DatabaseInfo:
    description: str
    backend: str
    schema_revision: str | None


def _settings(values: dict[str, Any]) -> SchoolSettings:
    return SchoolSettings(
        school_name=values["school_name"],
        attendance_threshold_percent=float(values["attendance_threshold_percent"]),
        max_authorised_weeks=int(values["max_authorised_weeks"]),
        school_day_start=time.fromisoformat(values["school_day"]["start"]),
        school_day_end=time.fromisoformat(values["school_day"]["end"]),
        dbs_recheck_years=int(values["dbs_recheck_years"]),
        under_five_review_months=int(values["under_five_review_months"]),
        idle_lock_minutes=int(values.get("idle_lock_minutes", 10)),
        retention_years=int(values.get("retention_years", 31)),
        address=values.get("address") or None, telephone=values.get("telephone") or None,
    )


def _term(row: TermRow) -> Term:
    return Term(row.name, row.first_day, row.last_day,
                tuple(Closure(c.starts_on, c.ends_on, c.why) for c in row.closures))


def load_calendar(session: Session) -> SchoolCalendar:
    """The school calendar, read with two plain queries (no ORM objects: bookings ask for it often)."""
    closures: dict[int, list[Closure]] = {}
    for term_id, first, last, why in session.execute(
            select(ClosureRow.term_id, ClosureRow.starts_on, ClosureRow.ends_on, ClosureRow.why)
            .order_by(ClosureRow.id)):
        closures.setdefault(term_id, []).append(Closure(first, last, why))
    return SchoolCalendar(
        Term(name, first, last, tuple(closures.get(term_id, ())))
        for term_id, name, first, last in session.execute(
            select(TermRow.id, TermRow.name, TermRow.first_day, TermRow.last_day)))


class SchoolService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def settings(self) -> SchoolSettings:
        with self.db.read_session() as session:
            return _settings(settings_dict(session.get(SchoolSettingsRow, 1)))

    def settings_values(self, *, with_version: bool = False) -> dict[str, Any]:
        """The settings in the dataset's shape (what the Settings screen edits); ``with_version`` adds the
        version they were read at (for ``update_settings(expected_version=...)``), read with them."""
        with self.db.read_session() as session:
            row = session.get(SchoolSettingsRow, 1)
            values = settings_dict(row)
            for key in LETTERHEAD_KEYS:  # the screen edits them even when unset (and an undo clears them)
                values.setdefault(key, None)
            if with_version:
                values["version"] = row.version if row is not None else None
            return values

    def update_settings(self, actor: Actor, values: dict[str, Any],
                        expected_version: int | None = None) -> SchoolSettings:
        """Save the school's settings after checking every field (nothing saved if one is wrong).

        ``expected_version``: the version the screen read them at; StaleRecord, naming who changed them
        and when, if someone saved them since."""
        require(actor.roles, "settings.edit", who=actor.username)
        values = {k: v for k, v in values.items() if k != "version"}
        problems = settings_problems(values)
        if problems:
            raise InvalidInput(problems)
        with self.db.session() as session:
            row = guard.root(session, SchoolSettingsRow, 1, expected=expected_version,
                             refusal=lambda _row: audit.stale(session, "The school's settings", "school_settings",
                                                              plural=True))
            before = settings_dict(row)
            values = {**before, **values}
            new = settings_row_from(values)
            if row is None:
                session.add(new)
            else:
                for column in ("school_name", "attendance_threshold_percent", "max_authorised_weeks",
                               "school_day_start", "school_day_end", "dbs_recheck_years",
                               "under_five_review_months", "idle_lock_minutes", "retention_years", "address",
                               "telephone"):
                    setattr(row, column, getattr(new, column))
            old, changed = audit.changed_fields(before, settings_dict(new))
            if changed:
                audit.record(session, actor, self.clock, "update", "school_settings", 1, before=old, after=changed)
        return _settings(settings_dict(new))

    def terms(self) -> list[Term]:
        with self.db.read_session() as session:
            rows = session.scalars(select(TermRow).options(selectinload(TermRow.closures))
                                   .order_by(TermRow.first_day, TermRow.id))
            return [_term(r) for r in rows]

    def terms_values(self) -> list[dict[str, Any]]:
        """The terms in the dataset's shape (what the Settings screen edits)."""
        with self.db.read_session() as session:
            return [term_dict(r) for r in session.scalars(
                select(TermRow).options(selectinload(TermRow.closures)).order_by(TermRow.first_day, TermRow.id))]

    def calendar(self) -> SchoolCalendar:
        with self.db.read_session() as session:
            return load_calendar(session)

    def save_terms(self, actor: Actor, values: list[dict[str, Any]],
                   expected: list[dict[str, Any]] | None = None) -> list[Term]:
        """Replace the school's terms and closures (dataset shape), after checking them all.

        ``expected``: the terms as the screen read them (``terms_values()``); StaleRecord, naming who
        changed them and when, if they are not what is stored now (terms have no version column)."""
        require(actor.roles, "terms.edit", who=actor.username)
        problems = term_problems([(f"terms[{i}]", v) for i, v in enumerate(values)])
        if problems:
            raise InvalidInput(problems)
        with self.db.session() as session:
            guard.lock_name(session, "terms")  # terms have no root row: a named lock, then the comparison
            if expected is not None:
                stored = [term_dict(r) for r in session.scalars(
                    select(TermRow).options(selectinload(TermRow.closures)).order_by(TermRow.first_day, TermRow.id))]
                if stored != expected:
                    raise audit.stale(session, "The terms", "terms", plural=True)
            before = [term_dict(r) for r in session.scalars(
                select(TermRow).options(selectinload(TermRow.closures)).order_by(TermRow.first_day))]
            session.execute(delete(TermRow))
            session.flush()
            for value in values:
                session.add(term_row_from(value))
            after = sorted((term_dict(term_row_from(v)) for v in values), key=lambda t: t["first_day"])
            if before != after:
                audit.record(session, actor, self.clock, "update", "terms", None,
                             before={"terms": before}, after={"terms": after})
        return self.terms()

    def today(self) -> date:
        return self.clock.today()


