"""Bringing a database to the current schema with the Alembic migrations shipped in the package.

Before an SQLite file that already holds data is upgraded, a copy of it is kept beside it
(`NAME.before-REVISION.sqlite3`), so a failed or unwanted upgrade never loses the school's records.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from .database import Database, DatabaseError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite_file(db: Database, label: str) -> Path:
    """A consistent copy of the SQLite file (SQLite's online backup, encrypted with the same key)."""
    path = db.sqlite_path
    assert path is not None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return db.backup_to(path.with_name(f"{path.stem}.before-{label}-{stamp}{path.suffix}"))


def upgrade_to_head(db: Database, *, keep_copy: bool = True) -> str | None:
    """Upgrade ``db`` to the newest schema; returns the path of the copy kept first, if any (none with
    ``keep_copy=False``: for a scratch copy, such as a backup being restored)."""
    head = head_revision()
    current = current_revision(db)
    if current == head:
        return None
    if current is not None and current not in known_revisions():
        raise DatabaseError(
            f"this database has schema {current!r}, newer than this version of Fairfields Desktop "
            "knows: install the newer version of the app"
        )
    kept: str | None = None
    path = db.sqlite_path
    if keep_copy and path is not None and path.exists() and current is not None:
        kept = str(backup_sqlite_file(db, current))
        log.info("kept a copy of the database before upgrading: %s", kept)
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    log.info("database upgraded from %s to %s", current, head)
    return kept
