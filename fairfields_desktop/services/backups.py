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

from ..domain.errors import Cancelled, FairfieldsError, InvalidInput, NotAllowed, Problem
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
        self._record_verified(target)
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
            second = self.second_folder()
            if second is not None and not (second / daily.name).exists():
                self.copy_to_second_folder(daily)  # the USB disk was not there earlier today
            return None
        self._write(daily, None)
        self._record_verified(daily)
        year, week, _ = today.isocalendar()
        weekly = folder / f"weekly-{today.isoformat()}.sqlite3"
        if not any(b.kind == "weekly" and b.made_on.isocalendar()[:2] == (year, week) for b in self.list_backups()):
            self._copy(daily, weekly)
            _verify_copy(weekly, daily, self._key())
        self._prune()
        log.info("daily backup made")
        self.copy_to_second_folder(daily)
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

    # --- the 3-2-1 habit: a second copy elsewhere, and whether the copies are sound -------------------
    def second_folder(self) -> Path | None:
        """The second destination of the automatic backups (this PC's setting), or None."""
        from ..config import LocalSettings

        folder = LocalSettings.load().second_backup_folder
        return Path(folder) if folder else None


    def set_second_folder(self, actor: Actor, folder: Path | str | None) -> str:
        """Copy the automatic backups to ``folder`` too (None: stop). Says what was set, and a caution when
        the folder is on the same disk as the database (it would not survive that disk)."""
        from ..config import LocalSettings

        require(actor.roles, "backup.run", who=actor.username)
        settings = LocalSettings.load()
        if folder in (None, ""):
            settings.second_backup_folder = None
            settings.save()
            log.info("second backup folder cleared by %s", actor.username)
            return "Backups are no longer copied to a second folder."
        path = Path(str(folder).strip()).expanduser()
        problem = _second_problem(path)
        if problem:
            raise InvalidInput(Problem("second backup folder", problem))
        settings.second_backup_folder = str(path)
        settings.save()
        state = _read_state(self.folder())
        state.pop("second", None)
        _write_state(self.folder(), state)
        log.info("second backup folder set by %s", actor.username)
        said = f"Each automatic backup will be copied to {path} and checked there."
        where = self.db.sqlite_path
        try:
            same_disk = where is not None and path.stat().st_dev == where.parent.stat().st_dev
        except OSError:
            same_disk = False
        if same_disk:
            said += (" Caution: that folder is on the same disk as the database, so it will not survive that disk "
                     "failing: a USB disk or the school's server is better.")
        return said


    def copy_to_second_folder(self, backup: Path | None = None, actor: Actor | None = None) -> Path | None:
        """Copy ``backup`` (else the newest automatic backup) to the second folder, check the copy (it opens
        with the key, is intact and holds every table's rows) and only then give it its name. A failure is
        recorded for the administrator's dashboard, not raised (the backup on this PC stands); an
        administrator asking for it (``actor``) is told. Returns the copy, or None."""
        if actor is not None:
            require(actor.roles, "backup.run", who=actor.username)
        second = self.second_folder()
        if second is None:
            if actor is not None:
                raise InvalidInput(Problem("second backup folder", "choose a second folder first"))
            return None
        if backup is None:
            newest = [b for b in self.list_backups() if b.kind == "daily"]
            if not newest:
                if actor is not None:
                    raise InvalidInput(Problem("file", "there is no automatic backup to copy yet: back up now first"))
                return None
            backup = newest[0].path
        target = second / f"fairfields-{self.folder().name}" / backup.name
        part = target.with_name(target.name + ".part")
        state = _read_state(self.folder())
        try:
            problem = _second_problem(second)
            if problem:
                raise InvalidInput(Problem("second backup folder", problem))
            target.parent.mkdir(parents=True, exist_ok=True)
            with backup.open("rb") as source, part.open("wb") as out:
                while chunk := source.read(1 << 20):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            _verify_copy(part, backup, self._key())
            os.replace(part, target)
            kept = sorted(target.parent.glob("daily-*.sqlite3"), reverse=True)
            for old in kept[DAILY_KEPT:]:
                old.unlink(missing_ok=True)
        except (OSError, FairfieldsError) as exc:
            part.unlink(missing_ok=True)
            reason = str(exc) if isinstance(exc, FairfieldsError) else (exc.strerror or str(exc))
            state["second"] = {**state.get("second", {}), "error": reason, "failed_at": self.clock.now().isoformat(timespec="seconds")}
            _write_state(self.folder(), state)
            log.warning("the copy to the second backup folder failed: %s", reason)
            if actor is not None:
                raise InvalidInput(Problem("second backup folder", f"the copy failed: {reason}")) from exc
            return None
        state["second"] = {"copied_at": self.clock.now().isoformat(timespec="seconds"), "file": target.name, "error": None}
        _write_state(self.folder(), state)
        log.info("backup copied to the second folder and checked")
        return target


    def _record_verified(self, backup: Path) -> None:
        state = _read_state(self.folder())
        state["last_verified"] = self.clock.now().isoformat(timespec="seconds")
        state["last_file"] = backup.name
        _write_state(self.folder(), state)


    def health(self) -> BackupHealth:
        """The state of this database's automatic backups (for the administrator's dashboard)."""
        state = _read_state(self.folder())
        second = state.get("second") or {}
        return BackupHealth(automatic=self.db.sqlite_path is not None, last_verified=_moment(state.get("last_verified")),
                            second_folder=self.second_folder(), second_copied=_moment(second.get("copied_at")),
                            second_error=second.get("error") or None)


# --- the 3-2-1 habit: a second copy elsewhere, and whether the copies are sound ------------------------
#: how old the newest verified copy may be before the administrator is warned
STALE_AFTER_HOURS = 26


@dataclass(frozen=True)
class BackupHealth:
    """What the administrator needs to know about this database's automatic backups."""

    automatic: bool  # this database gets automatic backups (an SQLite file on this PC)
    last_verified: datetime | None  # when the newest backup checked sound was made
    second_folder: Path | None  # the second destination, when one is set
    second_copied: datetime | None  # when the last copy there was made and checked
    second_error: str | None  # why the last copy there failed (None: it did not)

    def warnings(self, now: datetime) -> list[str]:
        """What is wrong, in words ([] when nothing is)."""
        if not self.automatic:
            return []
        found = []
        if self.last_verified is None:
            found.append("No backup of this database has been made and checked yet: make one in Settings → Backups.")
        elif (now - self.last_verified).total_seconds() > STALE_AFTER_HOURS * 3600:
            found.append(f"The newest checked backup was made on {self.last_verified:%d %b %Y at %H:%M}: none is "
                         "newer than a day. Open Settings → Backups and back up now.")
        if self.second_folder is None:
            found.append("Backups are kept on this PC's disk only: choose a second folder (a USB disk or the "
                         "school's server) in Settings → Backups.")
        elif self.second_error:
            found.append(f"The copy to the second backup folder {self.second_folder} failed: {self.second_error}")
        elif self.second_copied is None or (now - self.second_copied).total_seconds() > STALE_AFTER_HOURS * 3600:
            found.append(f"No checked copy newer than a day is in the second backup folder {self.second_folder}: "
                         "is the disk plugged in, or the server reachable?")
        return found


def _state_path(folder: Path) -> Path:
    return folder / "state.json"


def _read_state(folder: Path) -> dict:
    try:
        state = json.loads(_state_path(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _write_state(folder: Path, state: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    part = _state_path(folder).with_suffix(".part")
    part.write_text(json.dumps(state, indent=2), encoding="utf-8")
    os.replace(part, _state_path(folder))


def _moment(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _file_counts(path: Path, key: str | None) -> dict[str, int]:
    from ..store.database import _connect_file, _counts

    conn = _connect_file(path, key)
    try:
        return _counts(conn)
    finally:
        conn.close()


def _verify_copy(copy: Path, original: Path, key: str | None) -> None:
    """InvalidInput unless ``copy`` opens with the key, is intact and holds every table's rows of ``original``."""
    _check_file(copy, key)
    if _file_counts(copy, key) != _file_counts(original, key):
        raise InvalidInput(Problem("file", f"the copy {copy} does not hold what {original.name} holds"))


def _second_problem(folder: Path) -> str | None:
    """Why backups cannot be copied to ``folder`` (None: they can)."""
    if not folder.is_absolute():
        return "give the whole path of the folder (a USB disk or the school's server)"
    if not folder.is_dir():
        return f"the folder {folder} is not there: plug the disk in or connect to the server, or choose another"
    probe = folder / ".fairfields-write-check"
    try:
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return f"this PC cannot write in {folder} ({exc.strerror or exc}): choose a folder it may write in"
    return None
