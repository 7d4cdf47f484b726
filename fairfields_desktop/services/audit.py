"""The audit trail: every change (and every dump or report of personal data) leaves a record."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from ..store.models import AuditRow
from .context import Actor, Clock


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def record(session: Session, actor: Actor, clock: Clock, action: str, entity: str, entity_id: object = None,
           *, before: dict | None = None, after: dict | None = None, note: str | None = None) -> None:
    """Add one audit entry to the caller's transaction (it commits or rolls back with the change)."""
    session.add(AuditRow(
        at=clock.now(), username=actor.username, action=action, entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        note=note,
    ))


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that differ, as (before, after)."""
    keys = [k for k in after if json.dumps(_plain(before.get(k))) != json.dumps(_plain(after.get(k)))]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record_change(session: Session, actor: Actor, clock: Clock, entity: str, entity_id: object,
                  before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    """Audit a record's creation (``before`` None) or the fields an edit changed (nothing if none)."""
    if before is None:
        record(session, actor, clock, "create", entity, entity_id, after=after)
        return
    old, new = changed_fields(before, after)
    if new:
        record(session, actor, clock, "update", entity, entity_id, before=old, after=new)
