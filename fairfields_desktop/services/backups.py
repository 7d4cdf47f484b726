"""Backups and restore.

SQLite: a consistent copy taken while the database is in use (SQLite's online backup), encrypted with
the same key; an automatic one at the first start of each day, keeping 14 daily and 8 weekly copies in
the data folder. PostgreSQL: the whole school as a dataset, written into an SQLCipher-encrypted file (the
key: `$FAIRFIELDS_DB_KEY`, given as the database's recovery key), restored into an empty database; a
database administrator uses `pg_dump` (see the README).

A restore checks the file first (it opens with the key, `integrity_check` passes, its schema is one this
version can migrate) and refuses anything else (exit 4) before touching the database; the database it
replaces is kept beside it.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..domain.errors import Cancelled, InvalidInput, NotAllowed, Problem
from ..domain.permissions import require
from ..store.database import KEY_VARIABLE, Database, is_encrypted_file
from . import audit
from .context import SYSTEM, Actor, Clock

log = logging.getLogger(__name__)

DAILY_KEPT = 14
WEEKLY_KEPT = 8
PAGES_PER_STEP = 256


@dataclass(frozen=True)
class BackupFile:
    path: Path
    kind: str  # daily | weekly | manual
    made_on: date
    size: int


def _check_file(path: Path, key: str | None) -> str | None:
    """The schema revision of an SQLite backup after checking it opens and is intact; InvalidInput otherwise."""
    import sqlcipher3.dbapi2 as sqlcipher

    if not path.is_file():
        raise InvalidInput(Problem("file", f"{path} does not exist: check the path"))
    size = path.stat().st_size
    if size == 0 or size % 512 or not is_encrypted_file(path):  # database files are whole pages
        raise InvalidInput(Problem("file", f"{path} is not an encrypted Fairfields backup: choose a file made by "
                                           "'fairfields backup' or the automatic backups"))
    conn = sqlcipher.connect(str(path))
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key}'\"")
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlcipher.DatabaseError as exc:
            raise InvalidInput(Problem("file", f"{path} does not open with this database's key: it is not a "
                                               f"backup of it, or it is damaged (a backup of another school "
                                               f"needs its recovery key in {KEY_VARIABLE})")) from exc
        if result != "ok":
            raise InvalidInput(Problem("file", f"{path} is damaged (integrity check: {result}): choose another backup"))
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "dataset" in tables:
            return "dataset"
        if "alembic_version" not in tables:
            raise InvalidInput(Problem("file", f"{path} is not a Fairfields database"))
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        conn.close()


class BackupService:
    def __init__(self, db: Database, clock: Clock, dataset) -> None:  # noqa: ANN001 (DatasetService)
        self.db = db
        self.clock = clock
        self.dataset = dataset

    # --- where -------------------------------------------------------------------------------------
    def folder(self) -> Path:
        """The automatic backups of this database: beside the data folder's databases."""
        from ..config import data_dir

        name = self.db.sqlite_path.stem if self.db.sqlite_path else "postgresql"
        return data_dir() / "backups" / name

    def list_backups(self) -> list[BackupFile]:
        found = []
        folder = self.folder()
        if folder.is_dir():
            for path in folder.glob("*.sqlite3"):
                kind, _, stamp = path.stem.partition("-")
                try:
                    made = date.fromisoformat(stamp[:10])
                except ValueError:
                    continue
                found.append(BackupFile(path, kind, made, path.stat().st_size))
        return sorted(found, key=lambda b: (b.made_on, b.kind), reverse=True)

    # --- copying to another database -------------------------------------------------------------
    def copy_to(self, actor: Actor, target: Database) -> dict[str, int]:
        """Copy the whole database, row for row, into the empty ``target`` (a trial's SQLite file onto the
        school's PostgreSQL server): nothing is left behind, the audit trail's seals included. Both
        trails then record the copy."""
        from ..store.copy import copy_all

        require(actor.roles, "backup.run", who=actor.username)
        counts = copy_all(self.db, target)
        rows = sum(counts.values())
        with target.session() as session:
            audit.record(session, actor, self.clock, "copy", "database", None,
                         after={"from": self.db.description, "rows": rows},
                         note="the whole database copied in from another")
        with self.db.session() as session:
            audit.record(session, actor, self.clock, "copy", "database", None,
                         after={"to": target.description, "rows": rows},
                         note="the whole database copied to another")
        log.info("database copied to another: %d rows", rows)
        return counts

    # --- making ------------------------------------------------------------------------------------
    def backup(self, actor: Actor, target: Path, *, progress: Callable[[int, int], bool] | None = None) -> Path:
        """A backup of the whole database to ``target``. ``progress(done, total)`` may return False to
        cancel (then nothing is left behind)."""
        require(actor.roles, "backup.run", who=actor.username)
        target = Path(target)
        if target.exists() and target.is_dir():
            raise InvalidInput(Problem("file", f"{target} is a folder: give the backup file's name"))
        if not target.parent.is_dir():
            raise InvalidInput(Problem("file", f"the folder {target.parent} does not exist"))
        self._write(target, progress)
        with self.db.session() as session:
            audit.record(session, actor, self.clock, "backup", "database", None, after={"file": target.name})
        return target

    def daily(self) -> BackupFile | None:
        """The automatic backup at the first start of a day (SQLite only): made once a day, with 14 daily
        and 8 weekly copies kept. Returns the new backup, or None when today's exists already."""
        if self.db.sqlite_path is None:
            return None
        today = self.clock.today()
        folder = self.folder()
        folder.mkdir(parents=True, exist_ok=True)
        daily = folder / f"daily-{today.isoformat()}.sqlite3"
        if daily.exists():
            return None
        self._write(daily, None)
        year, week, _ = today.isocalendar()
        weekly = folder / f"weekly-{today.isoformat()}.sqlite3"
        if not any(b.kind == "weekly" and b.made_on.isocalendar()[:2] == (year, week) for b in self.list_backups()):
            self._copy(daily, weekly)
        self._prune()
        log.info("daily backup made")
        return BackupFile(daily, "daily", today, daily.stat().st_size)

    def _prune(self) -> None:
        backups = self.list_backups()
        for kind, keep in (("daily", DAILY_KEPT), ("weekly", WEEKLY_KEPT)):
            for old in [b for b in backups if b.kind == kind][keep:]:
                old.path.unlink(missing_ok=True)

    @staticmethod
    def _copy(source: Path, target: Path) -> None:
        part = target.with_name(target.name + ".part")
        part.write_bytes(source.read_bytes())
        os.replace(part, target)

    def _write(self, target: Path, progress: Callable[[int, int], bool] | None) -> None:
        part = target.with_name(target.name + ".part")
        part.unlink(missing_ok=True)
        try:
            if self.db.sqlite_path is not None:
                self._sqlite_backup(part, progress)
            else:
                self._dataset_backup(part)
            _check_file(part, self._key())
            os.replace(part, target)
        finally:
            part.unlink(missing_ok=True)

    def _sqlite_backup(self, part: Path, progress: Callable[[int, int], bool] | None) -> None:
        from ..store.database import _connect_file

        dest = _connect_file(part, self.db.key)
        raw = self.db.engine.raw_connection()
        try:
            def step(_status: int, remaining: int, total: int) -> None:
                if progress is not None and progress(total - remaining, total) is False:
                    raise Cancelled("the backup was cancelled: nothing was kept")

            raw.driver_connection.backup(dest, pages=PAGES_PER_STEP, progress=step)
        finally:
            raw.close()
            dest.close()

    def _dataset_backup(self, part: Path) -> None:
        from ..store.database import _connect_file
        from ..store.dataset_io import read_dataset

        with self.db.read_session() as session:
            doc = read_dataset(session)
        conn = _connect_file(part, self._key())
        try:
            conn.execute("CREATE TABLE dataset (written_at TEXT, document TEXT)")
            conn.execute("INSERT INTO dataset VALUES (?, ?)",
                         (datetime.now().isoformat(timespec="seconds"), json.dumps(doc, ensure_ascii=False)))
        finally:
            conn.close()

    def _key(self) -> str:
        if self.db.key is not None:
            return self.db.key
        from ..domain.keys import key_from_text

        key = key_from_text(os.environ.get(KEY_VARIABLE))
        if key is None:
            raise NotAllowed(f"a PostgreSQL backup is encrypted with a key you keep: set {KEY_VARIABLE} to a recovery "
                             "key (make one with 'fairfields db new-key', print it and keep it safe)")
        return key

    # --- restoring ---------------------------------------------------------------------------------
    def check(self, source: Path) -> str:
        """What a backup holds, after checking it: its schema revision, or "dataset" (PostgreSQL)."""
        from ..store.migrate import known_revisions

        revision = _check_file(Path(source), self._key())
        if revision != "dataset" and revision not in known_revisions():
            raise InvalidInput(Problem("file", f"the backup has schema {revision!r}, which this version of "
                                               "Fairfields Desktop cannot read: install the version that made it"))
        if revision == "dataset" and self.db.sqlite_path is not None:
            raise InvalidInput(Problem("file", "this is a PostgreSQL backup: restore it into a PostgreSQL database, "
                                               "or load its school with 'fairfields load' after 'dump'"))
        if revision != "dataset" and self.db.sqlite_path is None:
            raise InvalidInput(Problem("file", "this is an SQLite backup: restore it on the PC that uses SQLite"))
        return revision or ""

    def restore(self, actor: Actor | None, source: Path) -> Path | None:
        """Put a checked backup in place; returns the copy kept of the database it replaced (SQLite).

        Over a school, an administrator restores (``actor``). A database that holds no school yet (a new
        PC after the old one failed, a new PostgreSQL database) has nobody to sign in as: there ``actor``
        may be None, and the backup's own users sign in afterwards.
        The caller closes everything on this database first (the window signs out); the services are
        opened again afterwards."""
        if actor is None:
            if not self.dataset.is_empty():
                raise NotAllowed("this database holds a school: restoring over it needs an administrator "
                                 "(add --as USERNAME)")
            actor = SYSTEM
        else:
            require(actor.roles, "backup.restore", who=actor.username)
        source = Path(source)
        revision = self.check(source)
        if revision == "dataset":
            from ..store.database import _connect_file

            conn = _connect_file(source, self._key())
            try:
                document = conn.execute("SELECT document FROM dataset").fetchone()[0]
            finally:
                conn.close()
            self.dataset.load(json.loads(document), actor)  # into an empty database only
            return None
        path = self.db.sqlite_path
        assert path is not None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = self.db.backup_to(path.with_name(f"{path.stem}.before-restore-{stamp}{path.suffix}"))
        self.db.dispose()
        incoming = path.with_name(path.name + ".restoring")
        self._copy(source, incoming)
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        os.replace(incoming, path)
        # the engine's next connection opens the restored file: bring it to this version's schema, and
        # record the restore in its own trail
        from ..store.migrate import upgrade_to_head

        upgrade_to_head(self.db)
        with self.db.session() as session:
            audit.record(session, actor, self.clock, "restore", "database", None,
                         after={"file": source.name, "kept": kept.name})
        log.info("database restored from a backup; the previous one kept")
        return kept
