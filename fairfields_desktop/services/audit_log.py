"""Reading the audit trail (the administrator and the headteacher): searching it, and checking its chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from ..domain.permissions import allowed, require
from ..store.database import Database
from ..store.models import AuditRow, PupilRow, StaffRow, UserRow
from . import audit
from .context import Actor, Clock

#: what kind of record an entry is about, in words (others: the key with spaces)
ENTITY_LABELS = {
    "pupil": "Pupil",
    "consent": "Consent",
    "team_member": "Team member",
    "budget_discussion": "Budget discussion",
    "request": "Request",
    "delegation": "Delegation",
    "off_site_session": "Off-site session",
    "booking": "Booking",
    "booking_notice": "Notice of a change",
    "session": "Session",
    "space": "Space",
    "calendar": "Calendar export",
    "professional": "Professional",
    "visit": "Visit",
    "annual_review": "Annual review",
    "advice": "Advice",
    "assessment": "Needs assessment",
    "outcome": "Outcome",
    "target": "Target",
    "staff": "Staff",
    "class": "Class",
    "school": "School",
    "school_settings": "School settings",
    "terms": "Terms",
    "audit": "Audit trail",
    "review_pack": "Report: review pack",
    "timetable": "Report: timetable",
    "authorisations": "Report: authorisations register",
    "decision_letter": "Report: decision letter",
    "checks_register": "Report: checks register",
    "visits_log": "Report: visits log",
}


#: records whose values only a reader with this permission may read in the trail (who, when and what was done
#: stay for every reader): consent, needs and the plan's budget, outcomes and targets, reviews, assessments
WITHHELD_ENTITIES = {
    "consent": "pupils.view_consent",
    "budget_discussion": "pupils.view_needs",
    "outcome": "outcomes.view",
    "target": "outcomes.view",
    "annual_review": "reviews.view",
    "advice": "reviews.view",
    "assessment": "assessments.manage",
    "review_pack": "report.review_pack",  # to whom a pupil's pack went follows consent
    "decision_letter": "requests.check",
}
#: values within any record that only a reader who may see needs reads: the plan, the areas of need, notes
WITHHELD_KEYS = ("ehcp", "areas_of_need", "notes", "note", "child_views", "parent_views", "budget_review",
                 "proposed_amendments", "personal_budget_reference", "personal_budget_amount_gbp")
#: what the trail shows in place of a value withheld from the reader
WITHHELD = "not shown for your role"


def redacted(roles: frozenset[str], entity: str, before: dict[str, Any] | None,
             after: dict[str, Any] | None) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """``before`` and ``after`` as ``roles`` may read them: every value of a record kind withheld from them
    (a consent, an outcome…) and every needs or notes value of any record replaced by WITHHELD."""
    permission = WITHHELD_ENTITIES.get(entity)
    whole = permission is not None and not allowed(roles, permission)
    keys = not allowed(roles, "pupils.view_needs")

    def clean(values: dict[str, Any] | None) -> dict[str, Any] | None:
        if not isinstance(values, dict) or values == audit.ERASED:
            return values
        return {k: WITHHELD if whole or (keys and k in WITHHELD_KEYS) else v for k, v in values.items()}

    return clean(before), clean(after)


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity) or entity.replace("_", " ").capitalize()


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the trail as the viewer shows it."""

    id: int
    at: datetime
    username: str
    who: str  # "hcarter (Helen Carter)"
    action: str
    entity: str
    kind: str  # the entity in words
    entity_id: str | None
    record: str  # "Pupil 3 (Amara Osei)"
    changes: str  # the values before and after, in words
    note: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class TrailCheck:
    """The result of checking the trail's chain."""

    checked: int
    problems: tuple[str, ...]

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def message(self) -> str:
        if self.intact:
            return f"The audit trail is intact ({self.checked} entries checked)."
        count = len(self.problems)
        return (f"The audit trail has {count} problem{'s' if count != 1 else ''} ({self.checked} entries checked): "
                + "; ".join(self.problems) + ".")


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    words = str(value)
    return words if len(words) <= 80 else words[:77] + "…"


def changes_in_words(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """ "first name: Amara → Amira; left on: — → 2026-07-20", or the values set, or those removed."""
    if before == audit.ERASED or after == audit.ERASED:
        return "details erased under the retention policy"
    before, after = before or {}, after or {}
    parts = []
    for key in list(after) + [k for k in before if k not in after]:
        label = str(key).replace("_", " ")
        if key in before and key in after:
            parts.append(f"{label}: {_value(before[key])} → {_value(after[key])}")
        elif key in after:
            parts.append(f"{label}: {_value(after[key])}")
        else:
            parts.append(f"{label} was {_value(before[key])}")
    return "; ".join(parts)


class AuditService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def search(self, actor: Actor, *, who: str | None = None, entity: str | None = None, action: str | None = None,
               since: date | None = None, until: date | None = None, text: str | None = None,
               limit: int = 500) -> list[AuditEntry]:
        """The latest entries first, at most ``limit``: by user, kind of record, action, dates (both
        included) and words anywhere in the entry (its values, note, record and user)."""
        require(actor.roles, "audit.view", who=actor.username)
        wanted = (text or "").strip().casefold()
        with self.db.read_session() as session:
            query = select(AuditRow).order_by(AuditRow.id.desc())
            if who:
                query = query.where(AuditRow.username == who)
            if entity:
                query = query.where(AuditRow.entity == entity)
            if action:
                query = query.where(AuditRow.action == action)
            if since:
                query = query.where(AuditRow.at >= datetime.combine(since, time()))
            if until:
                query = query.where(AuditRow.at < datetime.combine(until + timedelta(days=1), time()))
            if not wanted:
                query = query.limit(limit)
            names = self._names(session)
            pupils: dict[str, str] = {}
            found: list[AuditEntry] = []
            for row in session.scalars(query.execution_options(yield_per=500)):
                entry = self._entry(session, row, names, pupils, actor.roles)
                if wanted and wanted not in _haystack(entry):
                    continue
                found.append(entry)
                if len(found) >= limit:
                    break
            return found

    def users(self, actor: Actor) -> list[str]:
        """Everyone who has an entry in the trail (for the "who" filter)."""
        require(actor.roles, "audit.view", who=actor.username)
        with self.db.read_session() as session:
            return sorted(session.scalars(select(AuditRow.username).distinct()))

    def kinds(self, actor: Actor) -> list[tuple[str, str]]:
        """The kinds of record the trail has entries about, as (key, words), by words."""
        require(actor.roles, "audit.view", who=actor.username)
        with self.db.read_session() as session:
            keys = session.scalars(select(AuditRow.entity).distinct())
            return sorted(((k, entity_label(k)) for k in keys), key=lambda pair: pair[1])

    def verify(self, actor: Actor) -> TrailCheck:
        """Check the trail's hash chain: every entry as written, none taken out."""
        require(actor.roles, "audit.view", who=actor.username)
        with self.db.read_session() as session:
            if not self.db.is_sqlite:  # one snapshot: a redaction committed meanwhile is seen whole or not at all
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            result = audit.check_chain(session)
        return TrailCheck(result.checked, result.problems)

    # --- helpers --------------------------------------------------------------------------------
    @staticmethod
    def _names(session) -> dict[str, str]:
        return dict(session.execute(select(UserRow.username, StaffRow.name)
                                    .join(StaffRow, StaffRow.id == UserRow.staff_id)).all())

    @staticmethod
    def _entry(session, row: AuditRow, names: dict[str, str], pupils: dict[str, str],
               roles: frozenset[str]) -> AuditEntry:
        kind = entity_label(row.entity)
        record = f"{kind} {row.entity_id}" if row.entity_id else kind
        if row.entity == "pupil" and row.entity_id and row.entity_id.isdigit():
            if row.entity_id not in pupils:
                name = session.execute(select(PupilRow.first_name, PupilRow.last_name)
                                       .where(PupilRow.id == int(row.entity_id))).first()
                pupils[row.entity_id] = f"{name[0]} {name[1]}" if name else ""
            if pupils[row.entity_id]:
                record += f" ({pupils[row.entity_id]})"
        name = names.get(row.username)
        before, after = redacted(roles, row.entity, row.before, row.after)
        return AuditEntry(
            id=row.id, at=row.at, username=row.username, who=f"{row.username} ({name})" if name else row.username,
            action=row.action, entity=row.entity, kind=kind, entity_id=row.entity_id, record=record,
            changes=changes_in_words(before, after), note=row.note, before=before, after=after)


def _haystack(entry: AuditEntry) -> str:
    return " ".join(str(x) for x in (entry.who, entry.action, entry.kind, entry.record, entry.changes,
                                     entry.note or "")).casefold()
