"""Opening a database: SQLite on one PC (WAL, foreign keys, busy timeout) or a shared PostgreSQL.

`Database` owns the engine and hands out short sessions. SQLite transactions that write start with
`BEGIN IMMEDIATE`, so two PCs sharing a file never both pass a check and then both write.

Every SQLite file is encrypted with SQLCipher (the `sqlcipher3` module), whatever the URL's spelling:
a raw 256-bit key (no key derivation, so opening is quick) comes from the caller's key source (the app's:
the keyring, `$FAIRFIELDS_DB_KEY`, the terminal; this module's default: `$FAIRFIELDS_DB_KEY` only). An
unencrypted file from an earlier version is converted when opened: an encrypted copy is made, checked
(integrity and every table's row count) and only then put in its place.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ..domain.errors import FairfieldsError, NotAllowed, StaleRecord
from ..domain.keys import key_from_text
from .changes import (
    CHANNEL,
    Announcer,
    ChangeRecorder,
    Changes,
    PgListener,
    SqliteWatcher,
    Watcher,
    record_changes,
)

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 15_000
SQLITE_HEADER = b"SQLite format 3\x00"  # the first bytes of an unencrypted SQLite file
KEY_VARIABLE = "FAIRFIELDS_DB_KEY"

#: (the SQLite file, whether it is new or still unencrypted) → its key as 64 hex digits
KeySource = Callable[[Path, bool], str]


class DatabaseError(FairfieldsError):
    """The database cannot be opened or used; the message says why and what to do (not a bug: exit 3)."""

    exit_code = 3


class DatabaseBusy(FairfieldsError):
    """Another PC held the database for longer than we wait (SQLite's lock): nothing was changed (exit 3).

    Not tried again here: SQLite's busy handler has already tried for BUSY_TIMEOUT_MS before saying so."""

    exit_code = 3
    retryable = False


class ConcurrentChange(StaleRecord):
    """Another PC changed the same records at the same moment (a deadlock, a serialization failure, a
    row updated or a unique value taken under us): this unit of work was rolled back whole and may be
    tried again; tried again, the service's own checks say what changed (exit 3)."""

    retryable = True


class DatabaseUnavailable(FairfieldsError):
    """The database cannot be used just now (the server is unreachable or went away, the disk is full, the
    file is read-only): the message says what to do. Not a bug (exit 3)."""

    exit_code = 3
    retryable = False


class PasswordNeeded(NotAllowed):
    """The PostgreSQL server asked for a password and none could be had."""


def normalise_url(url: str) -> URL:
    """Parse a database URL; plain `postgresql://` uses psycopg 3, and a URL never carries a password."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(
            f"{url!r} is not a database URL: use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
        ) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise DatabaseError(
            f"database type {parsed.drivername!r} is not supported: use SQLite or PostgreSQL (postgresql+psycopg)"
        )
    return parsed


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def display_url(url: URL | str) -> str:
    """The URL as shown to people: never with a password."""
    parsed = url if isinstance(url, URL) else make_url(url)
    return parsed.render_as_string(hide_password=True)


def needs_password(exc: BaseException) -> bool:
    text_ = str(exc).lower()
    return "password authentication failed" in text_ or "no password supplied" in text_


def env_key_source(path: Path, new: bool) -> str:
    """The key from `$FAIRFIELDS_DB_KEY` (a recovery key or 64 hex digits); refused plainly without it."""
    text_ = os.environ.get(KEY_VARIABLE)
    if not text_:
        raise NotAllowed(f"the database {path} is encrypted and no key was given: set {KEY_VARIABLE} to its "
                         "recovery key")
    key = key_from_text(text_)
    if key is None:
        raise NotAllowed(f"{KEY_VARIABLE} is not a database key: give the recovery key as printed "
                         "(13 groups of 4 letters and digits)")
    return key


def _keyed(key: str | None) -> Callable:
    def pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 (DB-API objects)
        if key is not None:  # before anything else touches the file
            dbapi_connection.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is explained, not logged
            dbapi_connection.execute(f"PRAGMA key = \"x'{key}'\"")
        _sqlite_pragmas(dbapi_connection, _record)

    return pragmas


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 (DB-API objects)
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    if mode != "memory":
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _sqlite_begin(conn) -> None:  # noqa: ANN001
    mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """One database: its engine, and short sessions on it (one unit of work each)."""

    def __init__(self, engine: Engine, key: str | None = None) -> None:
        self.engine = engine
        self.url: URL = engine.url
        self.key = key  # an SQLite file's key (64 hex digits): held in memory only, for backups and workers
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        record_changes(self._sessions)
        self.changes = Announcer()  # what each commit changed, for `subscribe`; its origin token is ours
        self._watcher: Watcher | None = None
        self._watch_lock = threading.Lock()

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database)

    @property
    def description(self) -> str:
        if self.sqlite_path:
            return f"SQLite file {self.sqlite_path}"
        return f"PostgreSQL {display_url(self.url)}"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error.

        Database errors come out translated (`translate`): contention as DatabaseBusy or ConcurrentChange
        (retryable: nothing was committed), a lost server, a full disk as DatabaseUnavailable."""
        session = self._sessions()
        committing = False
        watcher = self._watcher
        written: dict = {}
        try:
            with session.begin():
                yield session
                committing = True  # leaving the block commits
                session.flush()
                written = ChangeRecorder.take(session)
                if written:
                    if not self.is_sqlite:  # delivered to other PCs at commit, never if it rolls back
                        payload = Changes.of(written, origin=self.changes.origin).payload()
                        session.connection().exec_driver_sql("SELECT pg_notify(%(c)s, %(p)s)",
                                                             {"c": CHANNEL, "p": payload})
                    elif isinstance(watcher, SqliteWatcher):
                        watcher.before_local_commit()  # another process's commit before ours is theirs
        except (DBAPIError, StaleDataError) as exc:
            raise translate(exc, during_commit=committing) from exc
        else:
            _COUNTS.commits = getattr(_COUNTS, "commits", 0) + 1
            if written:
                if isinstance(watcher, SqliteWatcher):
                    watcher.after_local_commit()
                self.changes.announce(Changes.of(written, origin=self.changes.origin))
        finally:
            session.close()

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reading only (on SQLite it takes no write lock)."""
        try:
            with self._sessions() as session:
                if self.is_sqlite:
                    session.connection(execution_options={"sqlite_begin": "DEFERRED"})
                yield session  # closing the session ends its transaction; what was read stays readable
        except (DBAPIError, StaleDataError) as exc:
            raise translate(exc, during_commit=False) from exc

    @staticmethod
    def commits_in_this_thread() -> int:
        """How many transactions this thread has committed through `session()` (for `retrying`)."""
        return getattr(_COUNTS, "commits", 0)

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    def backup_to(self, target: Path) -> Path:
        """A consistent copy of this SQLite database (SQLite's online backup, taken while it is in use),
        encrypted with the same key."""
        if self.sqlite_path is None:
            raise DatabaseError("an online backup copies an SQLite file; this database is not one")
        target.parent.mkdir(parents=True, exist_ok=True)
        dest = _connect_file(target, self.key)
        raw = self.engine.raw_connection()
        try:
            raw.driver_connection.backup(dest)
        finally:
            raw.close()
            dest.close()
        return target

    # --- changes ---------------------------------------------------------------------------------------
    def subscribe(self, subscriber: Callable[[Changes], None]) -> Callable[[], None]:
        """Call ``subscriber(changes)`` after each commit through this object and, once `watch` is on,
        for other processes' and PCs' commits (from a watcher thread). Returns the unsubscribe call."""
        return self.changes.subscribe(subscriber)

    def watch(self) -> Watcher | None:
        """Start (once) the thread that notices other processes' commits: LISTEN on PostgreSQL, `PRAGMA
        data_version` on an SQLite file. It stops on `dispose`."""
        with self._watch_lock:
            if self._watcher is None:
                if self.is_sqlite:
                    path = self.sqlite_path
                    if path is None:
                        return None
                    key = self.key

                    def connect():  # noqa: ANN202
                        import sqlcipher3.dbapi2 as sqlcipher

                        conn = sqlcipher.connect(str(path), isolation_level=None, check_same_thread=False,
                                                 timeout=BUSY_TIMEOUT_MS / 1000)
                        if key is not None:
                            conn.execute("PRAGMA cipher_log_level = NONE")
                            conn.execute(f"PRAGMA key = \"x'{key}'\"")
                        return conn

                    self._watcher = SqliteWatcher(self.changes, connect)
                else:
                    url = self.engine.url

                    def connect():  # noqa: ANN202
                        import psycopg

                        args: dict = {"connect_timeout": 5}
                        args.update({k: v for k, v in url.query.items() if isinstance(v, str)})
                        args.update(url.translate_connect_args(username="user", database="dbname"))
                        args["autocommit"] = True
                        return psycopg.connect(**args)

                    self._watcher = PgListener(self.changes, connect)
                self._watcher.start()
            return self._watcher

    def stop_watching(self) -> None:
        with self._watch_lock:
            watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.stop()

    def dispose(self) -> None:
        self.stop_watching()
        self.engine.dispose()


# --- database errors, translated once where sessions open -------------------------------------------------
_COUNTS = threading.local()

#: SQLSTATEs of PostgreSQL contention: serialization failure, deadlock, lock not available
_PG_RETRY = {"40001", "40P01", "55P03"}
#: PostgreSQL integrity violations a concurrent writer can cause: unique, foreign key, exclusion
_PG_RACE = {"23505", "23503", "23P01"}
_TABLE = re.compile(r"table '?\"?(\w+)")


def _sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None), "sqlstate", None)


def _detail(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]


def translate(exc: BaseException, *, during_commit: bool = False) -> FairfieldsError | BaseException:
    """A database error as a known error that says what to do, or ``exc`` itself when it is a bug.

    Contention (SQLite's lock held too long, a PostgreSQL deadlock or serialization failure, a unique
    value or a row taken by another PC at the same moment, an update that found its row changed) is
    retryable: the transaction rolled back whole. A lost connection is retryable only before the commit
    began (after, nobody knows whether the change was saved)."""
    detail = _detail(exc)
    lowered = detail.lower()
    state = _sqlstate(exc)
    if isinstance(exc, StaleDataError):
        match = _TABLE.search(str(exc))
        what = f" in {match.group(1).replace('_', ' ')}" if match else ""
        return ConcurrentChange(f"someone else changed this record{what} at the same moment: reload it, then "
                                "make your change again")
    if "database is locked" in lowered or "database is busy" in lowered or "database table is locked" in lowered:
        return DatabaseBusy("the database is busy with another PC's change and did not free up in time: "
                            "nothing was changed; try again in a moment")
    if state in _PG_RETRY:
        return ConcurrentChange("another PC changed the same records at the same moment: nothing was changed; "
                                "try again")
    if state in _PG_RACE or (state is None and "constraint failed" in lowered and "unique" in lowered):
        return ConcurrentChange(f"another PC saved a clashing record at the same moment ({detail}): nothing "
                                "was changed; try again")
    if "disk is full" in lowered or "no space left" in lowered or state == "53100":
        return DatabaseUnavailable(f"the disk holding the database is full ({detail}): nothing was changed; "
                                   "free some space (or ask the IT technician), then try again")
    if "readonly database" in lowered or "read-only" in lowered or state == "25006":
        return DatabaseUnavailable(f"the database cannot be written to ({detail}): nothing was changed; "
                                   "check that the file and its folder may be written, or ask the IT technician")
    lost = (getattr(exc, "connection_invalidated", False) or state in {"08000", "08003", "08006", "57P01", "57P02",
                                                                         "57P03"}
            or "server closed the connection" in lowered or "connection refused" in lowered
            or "could not connect" in lowered or "terminating connection" in lowered
            or "connection is closed" in lowered or "consuming input failed" in lowered)
    if lost:
        if during_commit:
            error = DatabaseUnavailable(f"the connection to the database was lost while saving ({detail}): check "
                                        "whether your change is there (reload) before making it again")
            error.outcome_unknown = True  # trying again blindly might make the change twice
            return error
        error = DatabaseUnavailable(f"the connection to the database was lost ({detail}): nothing was changed; "
                                    "check the network and that the database server is running, then try again")
        error.retryable = True
        return error
    return exc


def retrying(call: Callable, db: Database, attempts: int = 5,
             sleep: Callable[[float], None] | None = None) -> Callable:
    """``call`` run again (up to ``attempts`` times, with a short growing pause) when it fails with a
    retryable database error and committed nothing in this thread meanwhile; the last error otherwise.

    Calls nested in a retrying call are not retried themselves: the outermost one runs the whole unit
    again."""
    import functools
    import random
    import time

    pause = sleep or time.sleep

    @functools.wraps(call)
    def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        depth = getattr(_COUNTS, "depth", 0)
        if depth:
            return call(*args, **kwargs)
        _COUNTS.depth = 1
        try:
            for attempt in range(1, attempts + 1):
                before = db.commits_in_this_thread()
                try:
                    return call(*args, **kwargs)
                except FairfieldsError as exc:
                    if (not getattr(exc, "retryable", False) or attempt == attempts
                            or db.commits_in_this_thread() != before):
                        raise
                    log.info("retrying %s after %s (attempt %d)", getattr(call, "__qualname__", call),
                             type(exc).__name__, attempt)
                    pause(min(1.0, 0.02 * 2 ** attempt) * (0.5 + random.random()))
            raise AssertionError("unreachable")
        finally:
            _COUNTS.depth = 0

    return run


def _connect_file(path: Path, key: str | None):  # noqa: ANN202 (a DB-API connection)
    import sqlcipher3.dbapi2 as sqlcipher

    conn = sqlcipher.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    if key is not None:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key}'\"")
    return conn


def is_encrypted_file(path: Path) -> bool:
    """True for an SQLite file that is not plain SQLite (an encrypted one looks like random bytes)."""
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER


def _counts(conn) -> dict[str, int]:  # noqa: ANN001
    tables = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}


def encrypt_file(path: Path, key: str) -> None:
    """Encrypt an unencrypted SQLite file in place, keeping the original until the copy is checked."""
    copy = path.with_name(path.name + ".encrypting")
    copy.unlink(missing_ok=True)
    plain = _connect_file(path, None)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = _counts(plain)
        plain.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key}'\"", (str(copy),))
        plain.execute("SELECT sqlcipher_export('encrypted')")
        plain.execute("DETACH DATABASE encrypted")
    finally:
        plain.close()
    check = _connect_file(copy, key)
    try:
        ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok" and _counts(check) == before
    finally:
        check.close()
    if not ok:
        copy.unlink(missing_ok=True)
        raise DatabaseError(f"the encrypted copy of {path} did not match the original: the original is "
                            "left as it was; report this")
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    os.replace(copy, path)
    log.info("encrypted an unencrypted database file (%d tables)", len(before))


def open_database(url: str, *, password_source: Callable[[URL], str | None] | None = None,
                  key_source: KeySource | None = None, echo: bool = False) -> Database:
    """Open (not migrate) the database at ``url``.

    SQLite files are created with their folder, always encrypted: ``key_source`` gives the key (the
    default takes `$FAIRFIELDS_DB_KEY`). For PostgreSQL the app first connects with no
    password (trust, peer, PGPASSWORD, ~/.pgpass); only if the server asks for one does it call
    ``password_source`` (the keyring, then the terminal), and it refuses plainly when that gives none.
    """
    parsed = normalise_url(url)
    if parsed.password:
        raise DatabaseError(
            "the database URL carries a password: remove it from the URL and store it with "
            "'fairfields db remember URL' (it is kept in the system keyring, never in a file)"
        )
    if is_sqlite(parsed):
        import sqlcipher3.dbapi2 as sqlcipher

        key = None
        if parsed.database and parsed.database != ":memory:":
            path = Path(parsed.database).expanduser().absolute()
            path.parent.mkdir(parents=True, exist_ok=True)
            parsed = parsed.set(drivername="sqlite", database=str(path))
            exists = path.exists() and path.stat().st_size > 0
            plain = exists and not is_encrypted_file(path)
            key = (key_source or env_key_source)(path, not exists or plain)
            if plain:
                encrypt_file(path, key)
        engine = create_engine(parsed, echo=echo, module=sqlcipher, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _keyed(key))
        event.listen(engine, "begin", _sqlite_begin)
        if key is not None:
            try:
                with engine.connect() as conn:
                    conn.exec_driver_sql("SELECT count(*) FROM sqlite_master")
            except Exception as exc:  # sqlcipher's DatabaseError: "file is not a database"
                engine.dispose()
                if "not a database" in str(exc):
                    raise NotAllowed(f"the key is not right for the encrypted database {path}: give its recovery "
                                     f"key (in {KEY_VARIABLE}, or when asked)") from exc
                raise
        return Database(engine, key)

    engine = create_engine(parsed, echo=echo, pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except OperationalError as exc:
        engine.dispose()
        if not needs_password(exc):
            raise DatabaseError(_postgres_failure(parsed, exc)) from exc
        password = password_source(parsed) if password_source else None
        if not password:
            raise PasswordNeeded(
                f"the PostgreSQL server at {display_url(parsed)} asks for a password and none was given: "
                "store it with 'fairfields db remember URL', or set PGPASSWORD, or use ~/.pgpass"
            ) from exc
        engine = create_engine(parsed.set(password=password), echo=echo, pool_pre_ping=True)
        try:
            with engine.connect() as conn:
                conn.execute(text("select 1"))
        except OperationalError as exc2:
            engine.dispose()
            if needs_password(exc2):
                raise NotAllowed(
                    f"the PostgreSQL server at {display_url(parsed)} refused the password: "
                    "store the right one with 'fairfields db remember URL'"
                ) from exc2
            raise DatabaseError(_postgres_failure(parsed, exc2)) from exc2
    return Database(engine)


def _postgres_failure(url: URL, exc: OperationalError) -> str:
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    lowered = detail.lower()
    where = display_url(url)
    if "does not exist" in lowered and "database" in lowered:
        return (f"the database {url.database!r} does not exist on the server: ask the database "
                f"administrator to create it (createdb {url.database}) ({detail})")
    if "connection refused" in lowered or "could not connect" in lowered or "timeout" in lowered:
        return (f"cannot reach the PostgreSQL server at {where}: check the host and port, "
                f"that the server is running and that the firewall lets this PC in ({detail})")
    return f"cannot open the PostgreSQL database {where}: {detail}"
