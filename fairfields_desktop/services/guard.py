"""One writer at a time per record, and every change to a record seen by whoever opened it.

A record people edit is an aggregate: a root row (a pupil, a request, a review meeting…) and the rows
that hang from it (contacts, consents, events, invitees…). Every use case that changes an aggregate:

1. loads the root with `root()` first, locked until its transaction ends: on PostgreSQL with
   ``SELECT … FOR UPDATE`` (a second writer waits there, then reads what the first committed, so two
   transactions never both pass the check below); on SQLite a writing transaction began with
   ``BEGIN IMMEDIATE``, so it is already the only writer (store/database.py);
2. compares the root's version with the version the person opened (when the use case has one) and
   refuses with `audit.stale` (who changed it and when, from the audit trail) if it differs;
3. bumps the root's version (``root()`` does it), so that a change to the rows hanging from it (which
   issues no UPDATE of the root) still makes every other open copy stale.

Child rows are then replaced or added inside the same transaction, under the lock. A use case that
finds the root through a child (a consent, an invitee) reads the child's root id, locks the root, and
only then reads the child (`reload`). Records with no root row (the school's terms) take a named
lock instead (`lock_name`).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..domain.errors import StaleRecord

T = TypeVar("T")

#: the first key of the two-key advisory locks taken by `lock_name` ("FFAG": Fairfields aggregates)
NAME_LOCK_NAMESPACE = 0x4646_4147


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def lock(session: Session, model: type[T], ident: Any) -> T | None:
    """The row ``model`` with primary key ``ident``, read afresh and locked to the end of the transaction
    (None if there is none). Lock the root before reading anything else of the aggregate."""
    if ident is None:
        return None
    query = (select(model).where(model.id == ident).with_for_update(of=model)
             .execution_options(populate_existing=True))
    return session.scalar(query)


def bump(row: Any) -> None:
    """Count a change of the aggregate on its root (``version_id_col`` uses the value given)."""
    if getattr(row, "version", None) is not None:
        row.version = row.version + 1


def check(row: Any, expected: int | None, refusal: Callable[[], StaleRecord]) -> None:
    """StaleRecord (``refusal()``) if the row is no longer at the version the person opened."""
    if expected is not None and expected != row.version:
        raise refusal()


def root(session: Session, model: type[T], ident: Any, *, expected: int | None = None,
         refusal: Callable[[T], StaleRecord] | None = None, touch: bool = True) -> T | None:
    """Lock the aggregate's root, refuse a stale save (``expected`` given and not the stored version:
    ``refusal(row)``), and bump its version (unless ``touch`` is false: a use case that only needs the
    root held still, such as one that adds a record of its own under it). None if there is no such row."""
    row = lock(session, model, ident)
    if row is None:
        return None
    if expected is not None and expected != row.version:
        if refusal is None:
            raise StaleRecord("this record was changed since you opened it: reload it, then make your change again")
        raise refusal(row)
    if touch:
        bump(row)
    return row


def reload(session: Session, model: type[T], ident: Any) -> T | None:
    """A row read again after its root was locked (what was read before the lock may be out of date)."""
    return session.get(model, ident, populate_existing=True)


def lock_all(session: Session, model: type) -> None:
    """Lock every row of ``model`` (a whole register changed at once, such as an MIS import)."""
    session.execute(select(model.id).with_for_update(of=model))


def lock_name(session: Session, name: str) -> None:
    """Hold every other writer of the records called ``name`` off until this transaction ends (for
    records with no root row to lock). PostgreSQL: an advisory lock; SQLite: already the only writer."""
    if _postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"),
                        {"ns": NAME_LOCK_NAMESPACE, "key": zlib.crc32(name.encode()) & 0x7FFF_FFFF})
