"""Copy a whole database into another, row for row: the way a trial on one PC moves to the shared server
with nothing left behind (single cancelled dates, visits, session notes, the audit trail and its seals).

Both databases are at the same schema revision (each was brought to this version's head when opened).
The source is read in one consistent snapshot (one SQLite read transaction; on PostgreSQL a REPEATABLE
READ, read-only transaction), so writes made meanwhile by other PCs are either wholly in the copy or not
at all. The target must hold no rows at all; everything is written in one transaction on it, and before
it commits every table is read back and compared with what was read, row for row (its count and a
fingerprint of its rows in primary-key order: ids, timestamps, the audit trail's seals). On PostgreSQL
each id sequence is set past the copied ids so that new records get new ids.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from ..domain.errors import NotAllowed
from .database import Database, DatabaseError, _connect_file
from .migrate import current_revision
from .models import Base

log = logging.getLogger(__name__)

BATCH = 1000


#: a table's rows as compared: (how many, the SHA-256 of their values in primary-key order)
Fingerprint = tuple[int, str]

#: the fingerprints' entry for the schema revision (alembic_version is not one of the models' tables)
REVISION = "(schema revision)"


def _plain(value: object) -> object:
    """A column's value as the same text whichever database it was read from."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return value


def fingerprint(table: Table, rows: Iterable[Mapping]) -> Fingerprint:
    """How many ``rows`` and a hash of every value of every row, in primary-key order."""
    columns = [c.name for c in table.columns]
    keys = [c.name for c in table.primary_key.columns] or columns
    plain = [{name: _plain(row[name]) for name in columns} for row in rows]
    plain.sort(key=lambda row: tuple((row[k] is None, row[k] if isinstance(row[k], (int, str)) else str(row[k]))
                                     for k in keys))
    digest = hashlib.sha256()
    for row in plain:
        digest.update(json.dumps([row[name] for name in columns], ensure_ascii=False, default=str).encode())
        digest.update(b"\n")
    return len(plain), digest.hexdigest()


def fingerprints(session: Session) -> dict[str, Fingerprint]:
    """Every table's fingerprint, read in the session's one transaction."""
    return {table.name: fingerprint(table, session.execute(select(table)).mappings())
            for table in Base.metadata.sorted_tables}


@contextmanager
def snapshot(db: Database) -> Iterator[Session]:
    """A session reading ``db`` in one consistent snapshot: on SQLite one (deferred) read transaction,
    on PostgreSQL a REPEATABLE READ, read-only one (READ COMMITTED would see each statement's own)."""
    with db.read_session() as session:
        if not db.is_sqlite:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ",
                                                  "postgresql_readonly": True})
        yield session


def _revision(connection) -> str:  # a SQLAlchemy Connection
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() or ""


def database_fingerprints(db: Database) -> dict[str, Fingerprint]:
    """Every table's fingerprint and the schema revision (under REVISION), read in one snapshot."""
    with snapshot(db) as session:
        found = fingerprints(session)
        found[REVISION] = (1, _revision(session.connection()))
    return found


def integrity_check(db: Database) -> str:
    """SQLite's `PRAGMA integrity_check` of ``db``: "ok", or what is wrong."""
    with db.engine.connect() as connection:
        return str(connection.exec_driver_sql("PRAGMA integrity_check").scalar())


def online_backup(db: Database, target: Path, *, pages: int = -1,
                  progress: Callable[[int, int, int], object] | None = None) -> dict[str, Fingerprint]:
    """SQLite's online backup of ``db`` into the new file ``target`` (encrypted with the same key), taken
    inside one read transaction: the pages copied and the fingerprints returned are the same snapshot,
    whatever other processes write meanwhile (the transaction holds its snapshot from its first read to
    its end, and the backup steps copy through it). ``progress(status, remaining, total)`` after each step
    may raise to stop (the caller removes the file)."""
    dest = _connect_file(target, db.key)
    try:
        with db.read_session() as session:
            connection = session.connection()
            revision = _revision(connection)  # the first read: the snapshot is taken here
            connection.connection.driver_connection.backup(dest, pages=pages, progress=progress)
            found = fingerprints(session)
    finally:
        dest.close()
    found[REVISION] = (1, revision)
    return found


def write_into(source: Database, target: Path) -> None:
    """Write the whole SQLite database ``source`` INTO the database file ``target`` (same key), which other
    processes may have open: SQLite's backup API through a connection of its own to ``target``, all pages
    in one step, so one write transaction under the file's own locks, committed whole or not at all. The
    file stays the same file (its -wal and -shm too); the schema cookie changes, so every other
    connection reloads at its next statement and reads what was written."""
    live = _connect_file(target, source.key)
    raw = source.engine.raw_connection()
    try:
        raw.driver_connection.backup(live, pages=-1)
    finally:
        raw.close()
        live.close()


def copy_all(source: Database, target: Database,
             progress: Callable[[int, int], object] | None = None, *,
             read: dict[str, Fingerprint] | None = None) -> dict[str, int]:
    """Every row of every table of ``source`` into the empty ``target``; the rows copied per table.
    ``read``, if given, receives each table's fingerprint as read from the source (and written)."""
    if source.url == target.url:
        raise NotAllowed("the database cannot be copied into itself: give another database")
    source_revision, target_revision = current_revision(source), current_revision(target)
    if source_revision != target_revision:
        raise DatabaseError(f"the two databases are at different schema versions ({source_revision} and "
                            f"{target_revision}): open both with this version of the app first")
    tables = list(Base.metadata.sorted_tables)  # parents before the rows that refer to them
    counts: dict[str, int] = {}
    read = {} if read is None else read
    with snapshot(source) as src, target.session() as dst:
        busy = [t.name for t in tables if dst.scalar(select(func.count()).select_from(t))]
        if busy:
            raise NotAllowed(f"{target.description} is not empty (it has rows in {', '.join(busy[:3])}"
                                f"{' and more' if len(busy) > 3 else ''}): copy into a new, empty database")
        for number, table in enumerate(tables, start=1):
            rows = [dict(row) for row in src.execute(select(table)).mappings()]
            for start in range(0, len(rows), BATCH):
                dst.execute(insert(table), rows[start:start + BATCH])
            counts[table.name] = len(rows)
            read[table.name] = fingerprint(table, rows)
            if progress is not None:
                progress(number, len(tables))
        for table in tables:
            copied = fingerprint(table, dst.execute(select(table)).mappings())
            if copied != read[table.name]:
                raise DatabaseError(f"table {table.name}: {counts[table.name]} rows read but {copied[0]} written"
                                    f"{' (with different values)' if copied[0] == counts[table.name] else ''}; "
                                    "nothing was copied")
        if not target.is_sqlite:
            _set_sequences(dst, tables)
    log.info("database copied: %d tables, %d rows", len(counts), sum(counts.values()))
    return counts


def _set_sequences(session, tables) -> None:
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


def _is_integer(column) -> bool:
    try:
        return column.type.python_type is int
    except NotImplementedError:
        return False


__all__ = ["REVISION", "Fingerprint", "copy_all", "database_fingerprints", "fingerprint", "fingerprints",
           "integrity_check", "online_backup", "snapshot", "write_into"]
