"""Copy a whole database into another, row for row: the way a trial on one PC moves to the shared server
with nothing left behind (single cancelled dates, visits, session notes, the audit trail and its seals).

Both databases are at the same schema revision (each was brought to this version's head when opened).
The target must hold no rows at all; everything is written in one transaction on it, the row counts of
every table are compared before it commits, and on PostgreSQL each id sequence is set past the copied
ids so that new records get new ids.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import func, insert, select, text

from ..domain.errors import NotAllowed
from .database import Database, DatabaseError
from .migrate import current_revision
from .models import Base

log = logging.getLogger(__name__)

BATCH = 1000


def copy_all(source: Database, target: Database,
             progress: Callable[[int, int], object] | None = None) -> dict[str, int]:
    """Every row of every table of ``source`` into the empty ``target``; the rows copied per table."""
    if source.url == target.url:
        raise NotAllowed("the database cannot be copied into itself: give another database")
    source_revision, target_revision = current_revision(source), current_revision(target)
    if source_revision != target_revision:
        raise DatabaseError(f"the two databases are at different schema versions ({source_revision} and "
                            f"{target_revision}): open both with this version of the app first")
    tables = list(Base.metadata.sorted_tables)  # parents before the rows that refer to them
    counts: dict[str, int] = {}
    with source.read_session() as src, target.session() as dst:
        busy = [t.name for t in tables if dst.scalar(select(func.count()).select_from(t))]
        if busy:
            raise NotAllowed(f"{target.description} is not empty (it has rows in {', '.join(busy[:3])}"
                                f"{' and more' if len(busy) > 3 else ''}): copy into a new, empty database")
        for number, table in enumerate(tables, start=1):
            rows = [dict(row) for row in src.execute(select(table)).mappings()]
            for start in range(0, len(rows), BATCH):
                dst.execute(insert(table), rows[start:start + BATCH])
            counts[table.name] = len(rows)
            if progress is not None:
                progress(number, len(tables))
        for table in tables:
            copied = dst.scalar(select(func.count()).select_from(table))
            if copied != counts[table.name]:
                raise DatabaseError(f"table {table.name}: {counts[table.name]} rows read but {copied} written; "
                                    "nothing was copied")
        if not target.is_sqlite:
            _set_sequences(dst, tables)
    log.info("database copied: %d tables, %d rows", len(counts), sum(counts.values()))
    return counts


def _set_sequences(session, tables) -> None:  # noqa: ANN001
    """PostgreSQL: each serial id's sequence continues after the highest id copied."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not _is_integer(keys[0]):
            continue
        column = keys[0].name
        sequence = session.scalar(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                  {"table": table.name, "column": column})
        if sequence is None:
            continue
        highest = session.scalar(select(func.max(table.c[column])))
        session.execute(text("SELECT setval(:sequence, :value, :called)"),
                        {"sequence": sequence, "value": highest or 1, "called": highest is not None})


def _is_integer(column) -> bool:  # noqa: ANN001
    try:
        return column.type.python_type is int
    except NotImplementedError:
        return False


__all__ = ["copy_all"]
