"""What a transaction changed, announced after its commit, in this process and to other PCs.

`ChangeRecorder` collects, per session, the tables and primary keys a unit of work wrote (ORM flushes:
new, really modified and deleted objects; bulk INSERT/UPDATE/DELETE through the session: the table, ids
unknown). `Database.session()` turns that into one `Changes` after a successful commit and hands it to its
subscribers. On PostgreSQL the same changes go to other PCs with `pg_notify` inside the transaction
(delivered only if it commits); `PgListener` receives them on a dedicated connection. On SQLite
`SqliteWatcher` notices commits by other processes (or other `Database` objects) through
`PRAGMA data_version`, about once a second.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CHANNEL = "fairfields_changes"
#: ids sent per table in a notification (more: "ids unknown"); keeps the payload far under 8000 bytes
MAX_IDS = 40
MAX_PAYLOAD = 6000
SQLITE_POLL_SECONDS = 1.0
PG_WAIT_SECONDS = 0.5  # how long the listener blocks on its socket before looking whether it should stop


def _freeze(tables: Mapping[str, object]) -> Mapping[str, frozenset[str] | None]:
    return MappingProxyType({name: (None if ids is None else frozenset(str(i) for i in ids))
                             for name, ids in tables.items()})


@dataclass(frozen=True, eq=False)
class Changes:
    """Tables written by one commit → the ids written (strings; None: which ones is not known).

    ``everything``: anything may have changed (a commit seen on SQLite by another process, a listener that
    reconnected). ``remote``: made by another process or PC (``origin`` is its token)."""

    tables: Mapping[str, frozenset[str] | None] = field(default_factory=lambda: MappingProxyType({}))
    origin: str = ""
    remote: bool = False
    everything: bool = False

    @classmethod
    def of(cls, tables: Mapping[str, object], *, origin: str = "", remote: bool = False,
           everything: bool = False) -> Changes:
        return cls(_freeze(tables), origin, remote, everything)

    def touches(self, table: str) -> bool:
        return self.everything or table in self.tables

    def ids(self, table: str) -> frozenset[str] | None:
        """The ids of ``table`` written (empty: none; None: perhaps any)."""
        if self.everything:
            return None
        return self.tables.get(table, frozenset())

    def merged(self, other: Changes) -> Changes:
        tables: dict[str, set[str] | None] = {k: (None if v is None else set(v)) for k, v in self.tables.items()}
        for name, ids in other.tables.items():
            if name in tables and tables[name] is None:
                continue
            tables[name] = None if ids is None else (tables.get(name) or set()) | set(ids)
        return Changes.of(tables, origin=self.origin if self.origin == other.origin else "",
                          remote=self.remote or other.remote, everything=self.everything or other.everything)

    def payload(self) -> str:
        """JSON for `pg_notify`: the origin and, per table, its ids (or null past MAX_IDS)."""
        tables = {name: (None if ids is None or len(ids) > MAX_IDS else sorted(ids))
                  for name, ids in self.tables.items()}
        text_ = json.dumps({"origin": self.origin, "tables": tables}, separators=(",", ":"))
        if len(text_) > MAX_PAYLOAD:
            text_ = json.dumps({"origin": self.origin, "tables": {name: None for name in self.tables}},
                               separators=(",", ":"))
        if len(text_) > MAX_PAYLOAD:
            text_ = json.dumps({"origin": self.origin, "everything": True})
        return text_

    @classmethod
    def from_payload(cls, text_: str) -> Changes:
        try:
            data = json.loads(text_)
            return cls.of(data.get("tables") or {}, origin=str(data.get("origin", "")), remote=True,
                          everything=bool(data.get("everything")))
        except (ValueError, AttributeError, TypeError):
            log.warning("a change notification could not be read: anything may have changed")
            return cls.of({}, remote=True, everything=True)

    def __bool__(self) -> bool:
        return self.everything or bool(self.tables)

    def __repr__(self) -> str:
        tables = {k: (None if v is None else sorted(v)) for k, v in self.tables.items()}
        return f"Changes({tables}, remote={self.remote}, everything={self.everything})"


# --- collecting what a session wrote ----------------------------------------------------------------------
class ChangeRecorder:
    """Tables and ids written in one session's transaction (kept in ``session.info``)."""

    KEY = "fairfields_changes"

    def __init__(self) -> None:
        self.tables: dict[str, set[str] | None] = {}

    def add(self, table: str, ident: object | None) -> None:
        if table in self.tables and self.tables[table] is None:
            return
        if ident is None:
            self.tables[table] = None
        else:
            self.tables.setdefault(table, set()).add(ident)  # type: ignore[union-attr]

    @classmethod
    def of(cls, session: Session) -> ChangeRecorder:
        recorder = session.info.get(cls.KEY)
        if recorder is None:
            recorder = session.info[cls.KEY] = cls()
        return recorder

    @classmethod
    def take(cls, session: Session) -> dict[str, set[str] | None]:
        recorder = session.info.pop(cls.KEY, None)
        return recorder.tables if recorder else {}


def _ident(mapper, obj) -> str | None:
    key = mapper.primary_key_from_instance(obj)
    if any(part is None for part in key):
        return None
    return ",".join(str(part) for part in key)


def _after_flush(session: Session, _context) -> None:
    recorder = ChangeRecorder.of(session)
    for obj in list(session.new) + list(session.deleted):
        mapper = inspect(obj).mapper
        recorder.add(mapper.local_table.name, _ident(mapper, obj))
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=True):
            mapper = inspect(obj).mapper
            recorder.add(mapper.local_table.name, _ident(mapper, obj))


def _do_orm_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        if name:
            ChangeRecorder.of(state.session).add(name, None)


def record_changes(sessions) -> None:
    """Collect what each session of ``sessions`` writes (see `ChangeRecorder`)."""
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "do_orm_execute", _do_orm_execute)


# --- announcing ---------------------------------------------------------------------------------------
Subscriber = Callable[[Changes], None]


class Announcer:
    """The subscribers of one database's changes; each is called once per change, from the thread that
    saw it (the committing thread for this process's own commits, a watcher thread for others')."""

    def __init__(self) -> None:
        self.origin = uuid.uuid4().hex[:16]
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    @property
    def has_subscribers(self) -> bool:
        return bool(self._subscribers)

    def announce(self, changes: Changes) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(changes)
            except Exception:  # a subscriber's bug must not undo or hide a commit that happened
                log.exception("a change subscriber failed")


# --- watching for other processes' commits ----------------------------------------------------------------
class Watcher:
    """A daemon thread delivering other processes' changes until `stop`."""

    def __init__(self, announcer: Announcer) -> None:
        self.announcer = announcer
        self._stop = threading.Event()
        self._deliver = threading.Lock()  # held while announcing: after stop() returns, nothing more is
        self.thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)

    def start(self) -> None:
        self.thread.start()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def stop(self) -> None:
        with self._deliver:
            self._stop.set()
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            self.thread.join(timeout=0.05)  # it closes its own connection when it next wakes

    def deliver(self, changes: Changes) -> None:
        with self._deliver:
            if not self._stop.is_set():
                self.announcer.announce(changes)

    def _run(self) -> None:
        raise NotImplementedError


class SqliteWatcher(Watcher):
    """Polls `PRAGMA data_version` on its own connection (it changes when another connection commits).

    This process's own commits are told apart: just before each commits (holding the write lock) the
    version is compared (a difference is someone else's commit, announced at once), and just after it the
    new version is taken as seen. A commit by another process in the instant between our commit and that
    reading would be missed until the next change; announcing our own commits twice is avoided."""

    def __init__(self, announcer: Announcer, connect: Callable[[], object]) -> None:
        super().__init__(announcer)
        self._connect = connect
        self._conn = None
        self._lock = threading.Lock()
        self._seen: int | None = None
        self._ready = threading.Event()

    def _version(self) -> int:
        return self._conn.execute("PRAGMA data_version").fetchone()[0]  # type: ignore[union-attr]

    def _check(self) -> None:
        with self._lock:
            if self._conn is None:
                return
            version = self._version()
            changed = self._seen is not None and version != self._seen
            self._seen = version
        if changed:
            self.deliver(Changes.of({}, remote=True, everything=True))

    def before_local_commit(self) -> None:
        if self._ready.is_set():
            self._check()

    def after_local_commit(self) -> None:
        if not self._ready.is_set():
            return
        with self._lock:
            if self._conn is not None:
                self._seen = self._version()

    def _run(self) -> None:
        try:
            self._conn = self._connect()
            with self._lock:
                self._seen = self._version()
            self._ready.set()
            while not self._stop.wait(SQLITE_POLL_SECONDS):
                try:
                    self._check()
                except Exception as exc:
                    log.info("watching the database for changes: %s", exc)
        except Exception:
            log.exception("the database could not be watched for other processes' changes")
        finally:
            self._ready.clear()
            with self._lock:
                conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()


class PgListener(Watcher):
    """LISTENs on its own PostgreSQL connection; after losing it, connects again (backing off) and then
    announces that anything may have changed (notifications sent meanwhile were lost)."""

    def __init__(self, announcer: Announcer, connect: Callable[[], object]) -> None:
        super().__init__(announcer)
        self._connect = connect
        self.backend_pid: int | None = None
        self.connected = threading.Event()
        self.reconnects = 0

    def _run(self) -> None:
        delay = 0.1
        lost = False  # a connection was lost, or never made: notifications may have been missed
        while not self._stop.is_set():
            conn = None
            try:
                conn = self._connect()
                conn.execute(f"LISTEN {CHANNEL}")
                self.backend_pid = conn.info.backend_pid
                self.connected.set()
                if lost:
                    self.reconnects += 1
                    log.info("listening for other PCs' changes again")
                    self.deliver(Changes.of({}, remote=True, everything=True))
                lost = False
                delay = 0.1
                while not self._stop.is_set():
                    for notify in conn.notifies(timeout=PG_WAIT_SECONDS):
                        changes = Changes.from_payload(notify.payload)
                        if changes.origin != self.announcer.origin:
                            self.deliver(changes)
                        if self._stop.is_set():
                            break
            except Exception as exc:
                self.connected.clear()
                lost = True
                if self._stop.is_set():
                    break
                log.info("the change listener lost its connection (%s): connecting again in %.1fs",
                         str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__, delay)
                self._stop.wait(delay)
                delay = min(5.0, delay * 2)
            finally:
                if conn is not None:
                    try:
                        conn.close()
                    except Exception as exc:
                        log.debug("closing the change listener's connection: %s", exc)
        self.connected.clear()
