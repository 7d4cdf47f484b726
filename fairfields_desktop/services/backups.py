"""Backups and restore.

A backup is an SQLCipher-encrypted SQLite database holding every table row for row, the audit trail's
seals included, and it is proven before it is reported done: written as `NAME.part`, opened again and
checked (`integrity_check`, its schema, and every table's row count and a fingerprint of its rows equal
to the snapshot it copies); only then is it renamed to NAME. A backup that fails its check leaves nothing.

SQLite: SQLite's online backup of the database, taken inside one read transaction (so the copy and the
rows it is checked against are the same snapshot, whatever other PCs write meanwhile), encrypted with the
database's own key; an automatic one at the first start of each day, keeping 14 daily and 8 weekly copies
in the data folder. PostgreSQL: the whole database copied (`store.copy.copy_all`, one REPEATABLE READ
snapshot) into such a file, encrypted with a recovery key you keep (`$FAIRFIELDS_DB_KEY`); a database
administrator may also use `pg_dump` (see the README).

A restore checks the file first (it opens with the key, `integrity_check` passes, its schema is one this
version can migrate) and refuses anything else (exit 4) before touching the database. A backup of an older
schema is brought to this version's on a scratch copy first. SQLite: the database it replaces is kept
beside it, and the backup is written INTO the open database by SQLite's backup API, in one write
transaction under the database's own locks: the file is never replaced, so the other processes and PCs
using it read the restored school at their next transaction and their writes land in it (a restore killed
half-way leaves the old database whole). PostgreSQL: copied into an empty database only, row for row.
Backups made by earlier versions on PostgreSQL (a `dataset` table holding the school as a dataset) are
still restored, through the dataset loader.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from ..domain.errors import Cancelled, FairfieldsError, InvalidInput, NotAllowed, Problem
from ..domain.permissions import require
from ..store.copy import REVISION
from ..store.database import KEY_VARIABLE, Database, DatabaseError, is_encrypted_file
from . import audit
from .context import SYSTEM, Actor, Clock

log = logging.getLogger(__name__)

DAILY_KEPT = 14
WEEKLY_KEPT = 8
PAGES_PER_STEP = 256
STATUS_FILE = "status.json"  # beside the automatic backups: when the last one that read back was made
STALE_AFTER = timedelta(days=1)


class BackupNotProven(DatabaseError):
    """The file written did not read back as the database it copies: it was not kept (exit 4, as for any
    backup that is not a good one)."""

    exit_code = 4


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


@dataclass(frozen=True)
class BackupHealth:
    """For the administrator's dashboard: is there a recent backup that read back, and did the second
    destination (3-2-1: a USB disk, the school server) take its copy?"""

    last_verified: datetime | None  # when the newest backup made on this PC that read back was made
    last_file: str | None
    second_folder: Path | None
    second_copied: datetime | None  # the last copy the second destination took (checked like the first)
    second_error: str | None  # why its last copy failed; None when it did not
    warnings: tuple[str, ...]


class BackupService:
    def __init__(self, db: Database, clock: Clock, dataset) -> None:  # DatasetService
        self.db = db
        self.clock = clock
        self.dataset = dataset

    # --- where -------------------------------------------------------------------------------------
    def folder(self) -> Path:
        """The automatic backups of this database: beside the data folder's databases."""
        from ..config import data_dir

        name = self.db.sqlite_path.stem if self.db.sqlite_path else "postgresql"
        return data_dir() / "backups" / name

    def list_backups(self, folder: Path | None = None) -> list[BackupFile]:
        found = []
        folder = folder or self.folder()
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
        """A backup of the whole database to ``target``, checked before it is given that name.
        ``progress(done, total)`` may return False to cancel (then nothing is left behind)."""
        require(actor.roles, "backup.run", who=actor.username)
        target = Path(target)
        if target.exists() and target.is_dir():
            raise InvalidInput(Problem("file", f"{target} is a folder: give the backup file's name"))
        if not target.parent.is_dir():
            raise InvalidInput(Problem("file", f"the folder {target.parent} does not exist"))
        rows = self._write(target, progress)
        self._note(last_verified=self.clock.now().isoformat(), last_file=str(target))
        with self.db.session() as session:
            audit.record(session, actor, self.clock, "backup", "database", None,
                         after={"file": target.name, "rows": rows})
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
            self._second_copy()  # the second destination may have been missing at the day's first start
            return None
        self._write(daily, None)
        self._note(last_verified=self.clock.now().isoformat(), last_file=str(daily))
        year, week, _ = today.isocalendar()
        weekly = folder / f"weekly-{today.isoformat()}.sqlite3"
        if not any(b.kind == "weekly" and b.made_on.isocalendar()[:2] == (year, week) for b in self.list_backups()):
            self._copy(daily, weekly, self.db.key)
        self._prune()
        log.info("daily backup made")
        self._second_copy()
        return BackupFile(daily, "daily", today, daily.stat().st_size)

    # --- the second destination (3-2-1) and the state of the backups -------------------------------
    @staticmethod
    def second_folder() -> Path | None:
        """Where this PC's automatic backups are copied as well (a USB disk, a folder on the school
        server), from this PC's settings; None when not set."""
        from ..config import LocalSettings

        folder = LocalSettings.load().second_backup_folder
        return Path(folder) if folder else None

    def set_second_folder(self, actor: Actor, folder: Path | None) -> None:
        """Set (or with None, stop) the second destination of this PC's automatic backups."""
        from ..config import LocalSettings

        require(actor.roles, "backup.run", who=actor.username)
        if folder is not None:
            folder = Path(folder).expanduser()
            if not folder.is_dir():
                raise InvalidInput(Problem("folder", f"{folder} is not a folder that can be reached: plug the disk "
                                                     "in, or check the server's path"))
            if folder.resolve() == self.folder().resolve() or self.folder().resolve() in folder.resolve().parents:
                raise InvalidInput(Problem("folder", "the second copy must go somewhere else than the first: "
                                                     "choose a USB disk or a folder on the school server"))
        settings = LocalSettings.load()
        settings.second_backup_folder = str(folder) if folder is not None else None
        settings.save()
        log.info("the second backup destination %s by %s", "set" if folder else "cleared", actor.username)
        if folder is not None and self.list_backups():
            self._second_copy()

    def _second_copy(self) -> None:
        """Copy the newest daily and weekly backups into the second destination, each checked like the
        first, keeping as many there; a failure is noted for the dashboard, never raised."""
        second = self.second_folder()
        if second is None or self.db.sqlite_path is None:
            return
        now = self.clock.now().isoformat()
        where = second / self.folder().name
        try:
            if not second.is_dir():
                raise InvalidInput(Problem("folder", f"{second} cannot be reached (is the disk plugged in, is the "
                                                     "server on?)"))
            where.mkdir(exist_ok=True)
            backups = self.list_backups()
            for kind in ("daily", "weekly"):
                newest = next((b for b in backups if b.kind == kind), None)
                if newest is not None and not (where / newest.path.name).exists():
                    self._copy(newest.path, where / newest.path.name, self.db.key)
            self._prune(where)
        except (OSError, FairfieldsError) as exc:
            log.warning("the second backup destination failed: %s", exc)
            self._note(second={"folder": str(second), "at": now, "error": str(exc),
                               "copied": (self._status().get("second") or {}).get("copied")})
        else:
            self._note(second={"folder": str(second), "at": now, "error": None, "copied": now})

    def health(self) -> BackupHealth:
        """When the last backup that read back was made, and whether the second destination failed, with
        the warnings the administrator's dashboard shows."""
        status = self._status()
        last = _when(status.get("last_verified"))
        second = self.second_folder()
        noted = status.get("second") or {}
        mine = second is not None and noted.get("folder") == str(second)
        error = noted.get("error") if mine else None
        copied = _when(noted.get("copied")) if mine else None
        warnings = []
        if self.db.sqlite_path is not None and (last is None or self.clock.now() - last > STALE_AFTER):
            since = f" (the last: {last:%d %b %Y %H:%M})" if last else " (none has been made on this PC)"
            warnings.append(f"no verified backup newer than a day{since}: make one in Settings → Backups")
        if error:
            warnings.append(f"the second backup destination failed: {error}")
        return BackupHealth(last, status.get("last_file"), second, copied, error, tuple(warnings))

    def _status(self) -> dict:
        try:
            found = json.loads((self.folder() / STATUS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def _note(self, **changes: object) -> None:
        path = self.folder() / STATUS_FILE
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_name(path.name + ".part")
            part.write_text(json.dumps({**self._status(), **changes}, indent=2), encoding="utf-8")
            os.replace(part, path)
        except OSError:
            log.warning("the backups' status could not be written", exc_info=True)

    def _prune(self, folder: Path | None = None) -> None:
        backups = self.list_backups(folder)
        for kind, keep in (("daily", DAILY_KEPT), ("weekly", WEEKLY_KEPT)):
            for old in [b for b in backups if b.kind == kind][keep:]:
                old.path.unlink(missing_ok=True)

    @staticmethod
    def _copy(source: Path, target: Path, key: str | None) -> None:
        """A byte copy of a checked backup, itself checked (it reads back row for row) before it is named."""
        part = target.with_name(target.name + ".part")
        try:
            part.write_bytes(source.read_bytes())
            _prove(part, key, _file_fingerprints(source, key))
            os.replace(part, target)
        finally:
            _remove(part)

    def _write(self, target: Path, progress: Callable[[int, int], bool] | None) -> int:
        """Write the backup as ``target.part``, prove it, then name it ``target``; the rows it holds."""
        part = target.with_name(target.name + ".part")
        _remove(part)
        try:
            if self.db.sqlite_path is not None:
                expected = self._sqlite_backup(part, progress)
                key = self.db.key
            else:
                key = self._key()
                expected = self._postgres_backup(part, key, progress)
            _prove(part, key, expected)
            os.replace(part, target)
        finally:
            _remove(part)
        rows = sum(count for name, (count, _) in expected.items() if name != REVISION)
        log.info("backup written and checked: %d tables, %d rows", len(expected) - 1, rows)
        return rows

    def _sqlite_backup(self, part: Path, progress: Callable[[int, int], bool] | None) -> dict:
        """SQLite's online backup inside one read transaction: the copy and the fingerprints it is checked
        against are the same snapshot, whatever other processes write meanwhile."""
        from ..store.copy import online_backup

        def step(_status: int, remaining: int, total: int) -> None:
            if progress is not None and progress(total - remaining, total) is False:
                raise Cancelled("the backup was cancelled: nothing was kept")

        return online_backup(self.db, part, pages=PAGES_PER_STEP, progress=step)

    def _postgres_backup(self, part: Path, key: str, progress: Callable[[int, int], bool] | None) -> dict:
        """The whole PostgreSQL database copied row for row (one consistent snapshot) into an encrypted
        SQLite file of the same schema."""
        from ..store.copy import copy_all
        from ..store.migrate import current_revision, upgrade_to_head

        def step(done: int, total: int) -> None:
            if progress is not None and progress(done, total) is False:
                raise Cancelled("the backup was cancelled: nothing was kept")

        expected: dict = {}
        file_db = _open_file(part, key)
        try:
            upgrade_to_head(file_db, keep_copy=False)
            copy_all(self.db, file_db, step, read=expected)
            expected[REVISION] = (1, current_revision(self.db) or "")
        finally:
            file_db.dispose()
        return expected

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
        """What a backup holds, after checking it: its schema revision, or "dataset" (a PostgreSQL backup
        made by an earlier version)."""
        from ..store.migrate import known_revisions

        revision = _check_file(Path(source), self._key())
        if revision != "dataset" and revision not in known_revisions():
            raise InvalidInput(Problem("file", f"the backup has schema {revision!r}, which this version of "
                                               "Fairfields Desktop cannot read: install the version that made it"))
        if revision == "dataset" and self.db.sqlite_path is not None:
            raise InvalidInput(Problem("file", "this is a PostgreSQL backup: restore it into a PostgreSQL database, "
                                               "or load its school with 'fairfields load' after 'dump'"))
        return revision or ""

    def restore(self, actor: Actor | None, source: Path) -> Path | None:
        """Put a checked backup in place; returns the copy kept of the database it replaced (SQLite).

        Over a school, an administrator restores (``actor``). A database that holds no school yet (a new
        PC after the old one failed, a new PostgreSQL database) has nobody to sign in as: there ``actor``
        may be None, and the backup's own users sign in afterwards.
        SQLite: the backup is written into the open database (the file is never replaced), so other
        processes using it carry on in the restored school; this PC's window signs everyone out."""
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
            self._restore_dataset(actor, source)
            return None
        if self.db.sqlite_path is None:
            self._restore_postgres(actor, source)
            return None
        return self._restore_sqlite(actor, source)

    def _restore_dataset(self, actor: Actor, source: Path) -> None:
        from ..store.database import _connect_file

        conn = _connect_file(source, self._key())
        try:
            document = conn.execute("SELECT document FROM dataset").fetchone()[0]
        finally:
            conn.close()
        self.dataset.load(json.loads(document), actor)  # into an empty database only

    def _staged(self, source: Path, staging: Path, key: str) -> tuple[Database, dict]:
        """A scratch copy of the backup brought to this version's schema and checked: (it, its fingerprints)."""
        from ..store.copy import database_fingerprints, integrity_check
        from ..store.migrate import head_revision, upgrade_to_head

        _remove(staging)
        staging.write_bytes(Path(source).read_bytes())
        staged = _open_file(staging, key)
        try:
            upgrade_to_head(staged, keep_copy=False)
            result = integrity_check(staged)
            if result != "ok":
                raise InvalidInput(Problem("file", f"{source} is damaged (integrity check: {result}): "
                                                   "choose another backup"))
            expected = database_fingerprints(staged)
            if expected[REVISION][1] != head_revision():
                raise DatabaseError(f"the backup could not be brought to this version's schema "
                                    f"({expected[REVISION][1]}): nothing was restored; report this")
        except BaseException:
            staged.dispose()
            raise
        return staged, expected

    def _restore_sqlite(self, actor: Actor, source: Path) -> Path:
        from ..store.copy import database_fingerprints, write_into

        path = self.db.sqlite_path
        key = self.db.key
        assert path is not None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        staging = path.with_name(path.name + ".restoring")
        try:
            staged, expected = self._staged(source, staging, key)
            try:
                kept = path.with_name(f"{path.stem}.before-restore-{stamp}{path.suffix}")
                self._write(kept, None)  # the database it replaces, kept beside it and proven like any backup
                # into the open database, in one write transaction under its locks: never a new file
                write_into(staged, path)
            finally:
                staged.dispose()
        finally:
            _remove(staging)
        self.db.dispose()  # no pooled connection keeps the replaced schema's caches
        found = database_fingerprints(self.db)
        if found != expected:
            wrong = sorted(name for name in expected if found.get(name) != expected[name])
            raise DatabaseError(f"the restored database does not match the backup (in {', '.join(wrong[:3])}): "
                                f"the database it replaced is kept as {kept}; report this")
        with self.db.session() as session:
            audit.record(session, actor, self.clock, "restore", "database", None,
                         after={"file": source.name, "kept": kept.name,
                                "rows": sum(count for name, (count, _) in expected.items() if name != REVISION)})
        log.info("database restored from a backup in place; the previous one kept")
        return kept

    def _restore_postgres(self, actor: Actor, source: Path) -> None:
        """Copy the checked backup row for row into this empty PostgreSQL database."""
        import tempfile

        from ..store.copy import copy_all, database_fingerprints

        with tempfile.TemporaryDirectory(prefix="fairfields-restore-") as folder:
            staged, expected = self._staged(source, Path(folder) / "backup.sqlite3", self._key())
            try:
                copy_all(staged, self.db)  # refuses a database that is not empty; compares before committing
            finally:
                staged.dispose()
        found = database_fingerprints(self.db)
        if found != expected:
            wrong = sorted(name for name in expected if found.get(name) != expected[name])
            raise DatabaseError(f"the restored database does not match the backup (in {', '.join(wrong[:3])}): "
                                "report this")
        with self.db.session() as session:
            audit.record(session, actor, self.clock, "restore", "database", None,
                         after={"file": source.name,
                                "rows": sum(count for name, (count, _) in expected.items() if name != REVISION)})
        log.info("PostgreSQL database restored from a backup")


def _when(text_: object) -> datetime | None:
    try:
        return datetime.fromisoformat(text_) if isinstance(text_, str) else None
    except ValueError:
        return None


def _remove(path: Path) -> None:
    """A scratch SQLite file and its journal files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _open_file(path: Path, key: str) -> Database:
    from ..store.database import open_database

    return open_database(f"sqlite:///{path}", key_source=lambda _path, _new: key)


def _file_fingerprints(path: Path, key: str | None) -> dict:
    from ..store.copy import database_fingerprints

    file_db = _open_file(path, key)
    try:
        return database_fingerprints(file_db)
    finally:
        file_db.dispose()


def _prove(part: Path, key: str | None, expected: dict) -> None:
    """The file just written reads back as what it copies: intact, and every table row for row; else
    BackupNotProven (and the caller removes the file)."""
    try:
        _check_file(part, key)
        found = _file_fingerprints(part, key)
    except (InvalidInput, DatabaseError) as exc:
        raise BackupNotProven(f"the backup did not read back ({exc}): nothing was kept; try again, or write it "
                              "to another disk") from exc
    if found != expected:
        wrong = sorted(name for name in set(expected) | set(found) if found.get(name) != expected.get(name))
        raise BackupNotProven(f"the backup did not read back the same as the database (in {', '.join(wrong[:3])}"
                              f"{' and more' if len(wrong) > 3 else ''}): nothing was kept; try again, or write it "
                              "to another disk")
