"""The audit trail: every change (and every dump or report of personal data) leaves a record.

The entries form a hash chain. Each entry's ``hash`` is SHA-256 over a canonical JSON of what it says
(when, who, the action, the record, the values before and after, the note) and the hash of the entry
before it (``prev_hash``), so an entry changed or taken out afterwards shows: `verify_chain` says which.
Entries written before the chain existed (hash NULL) are left as they are; the chain starts at the
first entry with a hash.

An entry is sealed when its transaction commits: the transaction then takes the chain's lock (SQLite:
`BEGIN IMMEDIATE` already made it the only writer; PostgreSQL: an advisory lock held to the commit),
reads the last hash and writes its entries after it, so two PCs never both chain from the same entry.
Taking the lock last, at the commit, keeps it short and never before a space's booking lock.

Erasing a pupil under the retention policy redacts the earlier entries about them: `redact` replaces
their values and records, in a later "redact" entry, each redacted entry's id, its hash as written and
its hash as redacted; `verify_chain` accepts exactly that change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import and_, event, or_, select, text
from sqlalchemy.orm import Session

from ..domain.errors import StaleRecord
from ..store.models import AuditRow
from .context import Actor, Clock

#: the fixed 64-bit key of the audit chain's PostgreSQL advisory lock ("FFAUDIT" in ASCII)
AUDIT_CHAIN_LOCK = 0x0046_4641_5544_4954
#: session.info key of the entries waiting to be sealed at the commit
_PENDING = "fairfields.audit.pending"
#: what a redacted entry's values become
ERASED = {"erased": True}


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


#: JSON-ready values (dates as ISO text), as entries store them
plain = _plain


def record(session: Session, actor: Actor, clock: Clock, action: str, entity: str, entity_id: object = None,
           *, before: dict | None = None, after: dict | None = None, note: str | None = None) -> None:
    """Add one audit entry to the caller's transaction (it commits or rolls back with the change).

    The entry is written, sealed into the chain, when the transaction commits."""
    row = AuditRow(
        at=clock.now(), username=actor.username, action=action, entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        note=note,
    )
    session.info.setdefault(_PENDING, []).append(row)


def last_change(session: Session, entity: str, entity_id: object = None,
                also: Iterable[tuple[str, Iterable[object]]] = ()) -> str:
    """" by mokafor at 10:42 on 23 Nov 2026": who last changed a record (any record of ``entity`` when
    ``entity_id`` is None), or what hangs from it (``also``: (entity, ids) audited on their own, such as a
    pupil's consents), from the audit trail; " by someone else" if the trail does not say."""
    query = select(AuditRow).where(AuditRow.entity == entity)
    if entity_id is not None:
        query = query.where(AuditRow.entity_id == str(entity_id))
    children = [and_(AuditRow.entity == e, AuditRow.entity_id.in_([str(i) for i in ids]))
                for e, ids in also if ids]
    if children:
        query = select(AuditRow).where(or_(query.whereclause, *children))
    last = session.scalar(query.order_by(AuditRow.id.desc()).limit(1))
    return f" by {last.username} at {last.at:%H:%M on %d %b %Y}" if last else " by someone else"


def stale(session: Session, what: str, entity: str, entity_id: object = None, *, plural: bool = False,
          also: Iterable[tuple[str, Iterable[object]]] = ()) -> StaleRecord:
    """The refusal of a save over a change made since the person opened the record: "Request r-001 was
    changed by mokafor at 10:42 on 23 Nov 2026 since you opened it: reload it, then make your change again"."""
    was, it = ("were", "them") if plural else ("was", "it")
    return StaleRecord(f"{what} {was} changed{last_change(session, entity, entity_id, also)} since you opened {it}: "
                       f"reload {it}, then make your change again")


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


# --- the chain ---------------------------------------------------------------------------------------
def entry_hash(row: AuditRow, prev_hash: str | None) -> str:
    """SHA-256 (hex) of an entry's canonical JSON with the previous entry's hash."""
    at = row.at.isoformat() if isinstance(row.at, (datetime, date)) else row.at
    body = {"at": at, "username": row.username, "action": row.action, "entity": row.entity,
            "entity_id": row.entity_id, "before": row.before, "after": row.after, "note": row.note,
            "prev_hash": prev_hash}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def lock_chain(session: Session) -> None:
    """Hold every other writer of the audit trail off until this transaction ends (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK})
    # SQLite: a writing transaction began with BEGIN IMMEDIATE, so it is already the only writer


def last_hash(session: Session) -> str | None:
    """The hash of the last sealed entry (None before the chain starts)."""
    return session.scalar(select(AuditRow.hash).where(AuditRow.hash.is_not(None))
                          .order_by(AuditRow.id.desc()).limit(1))


@event.listens_for(Session, "before_commit")
def _seal_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    lock_chain(session)
    previous = last_hash(session)  # (flushes the transaction's other changes first)
    for row in pending:
        row.prev_hash = previous
        row.hash = entry_hash(row, previous)
        session.add(row)
        session.flush()  # one at a time: ids follow the chain's order
        previous = row.hash


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, _previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class ChainCheck:
    """What checking the chain found: how many entries were checked, and each problem in words."""

    checked: int
    problems: tuple[str, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


def _redactions(session: Session) -> dict[int, list[tuple[int, str | None, str | None]]]:
    """entry id → (the redacting entry's id, its hash as written, its hash as redacted), from "redact" entries."""
    found: dict[int, list[tuple[int, str | None, str | None]]] = {}
    for redact_id, after in session.execute(select(AuditRow.id, AuditRow.after).where(
            AuditRow.entity == "audit", AuditRow.action == "redact").order_by(AuditRow.id)):
        for item in (after or {}).get("entries") or []:
            if isinstance(item, dict) and isinstance(item.get("entry"), int):
                found.setdefault(item["entry"], []).append((redact_id, item.get("hash"), item.get("redacted_hash")))
    return found


def _missing(first: int, last: int) -> str:
    if first == last:
        return f"entry {first} is missing"
    return f"entries {first} to {last} are missing"


def check_chain(session: Session) -> ChainCheck:
    """Recompute every sealed entry's hash and follow the links; say what was changed or taken out."""
    redactions = _redactions(session)
    problems: list[str] = []
    checked = 0
    previous: tuple[int, str] | None = None  # the last sealed entry: (id, hash)
    query = select(AuditRow).order_by(AuditRow.id).execution_options(yield_per=1000)
    for row in session.scalars(query):
        if row.hash is None:
            if previous is not None:
                checked += 1
                problems.append(f"entry {row.id} has no seal: it was added or altered outside Fairfields")
            continue
        checked += 1
        recomputed = entry_hash(row, row.prev_hash)
        intact = recomputed == row.hash
        if not intact and any(by > row.id and old == row.hash and new == recomputed
                              for by, old, new in redactions.get(row.id, ())):
            intact = True  # redacted under the retention policy, as a later entry records
        if not intact:
            problems.append(f"entry {row.id} was changed after it was written")
        if previous is None:
            if row.prev_hash is not None:
                problems.append(f"the entry before entry {row.id} is missing (the chain's first entry "
                                "points back to one that is not there)")
        elif row.prev_hash != previous[1]:
            if row.id - previous[0] > 1:
                problems.append(f"{_missing(previous[0] + 1, row.id - 1)} (the chain jumps from "
                                f"{previous[0]} to {row.id})")
            elif intact:
                problems.append(f"entry {previous[0]} was changed after it was written (entry {row.id} no "
                                "longer follows it)")
        previous = (row.id, row.hash)
        session.expunge(row)
    return ChainCheck(checked, tuple(problems))


def verify_chain(session: Session) -> list[str]:
    """The problems with the audit trail's chain, in words (none: it is intact)."""
    return list(check_chain(session).problems)


# --- redaction ---------------------------------------------------------------------------------------
def _mentions(value: str | None, identifiers: tuple[str, ...]) -> bool:
    folded = (value or "").casefold()
    return any(i and i.casefold() in folded for i in identifiers)


def redact(session: Session, actor: Actor, clock: Clock, entry_ids: list[int], *,
           identifiers: tuple[str, ...] = (), note: str) -> int:
    """Replace the values of these entries with {"erased": true} (and a note or record key naming one of
    ``identifiers`` with "erased"), and record in a "redact" entry each one's id, hash as written and hash
    as redacted, so that the chain's check accepts the change. Returns how many entries changed."""
    listed = []
    for row in session.scalars(select(AuditRow).where(AuditRow.id.in_(entry_ids)).order_by(AuditRow.id)):
        note_after = "erased" if _mentions(row.note, identifiers) else row.note
        key_after = "erased" if _mentions(row.entity_id, identifiers) else row.entity_id
        if (row.before in (None, ERASED) and row.after in (None, ERASED) and note_after == row.note
                and key_after == row.entity_id):
            continue  # nothing about the pupil left in it
        row.before = dict(ERASED) if row.before is not None else None
        row.after = dict(ERASED) if row.after is not None else None
        row.note, row.entity_id = note_after, key_after
        listed.append({"entry": row.id, "hash": row.hash,
                       "redacted_hash": entry_hash(row, row.prev_hash) if row.hash else None})
    if listed:
        record(session, actor, clock, "redact", "audit", None, after={"entries": listed}, note=note)
    return len(listed)
