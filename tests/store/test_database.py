"""Opening databases: SQLite settings, URLs, migrations and the copy kept before upgrading."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from fairfields_desktop.store import migrate
from fairfields_desktop.store.database import DatabaseError, open_database
from fairfields_desktop.store.migrate import current_revision, head_revision, upgrade_to_head


class TestSqlite:
    def test_file_and_folder_are_created_with_wal_foreign_keys_and_busy_timeout(self, tmp_path):
        db = open_database(f"sqlite:///{tmp_path / 'new' / 'school.sqlite3'}")
        try:
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert (tmp_path / "new" / "school.sqlite3").exists()
        finally:
            db.dispose()

    def test_a_failed_unit_of_work_leaves_nothing_behind(self, tmp_path):
        db = open_database(f"sqlite:///{tmp_path / 's.sqlite3'}")
        upgrade_to_head(db)
        try:
            with pytest.raises(RuntimeError), db.session() as session:
                session.execute(text("insert into spaces (name, kind, capacity, bookable, version) "
                                     "values ('Hall', 'hall', 100, 1, 1)"))
                raise RuntimeError("boom")
            with db.read_session() as session:
                assert session.execute(text("select count(*) from spaces")).scalar() == 0
        finally:
            db.dispose()


class TestUrls:
    def test_a_password_in_the_url_is_refused_with_the_way_to_store_it(self):
        with pytest.raises(DatabaseError, match="db remember"):
            open_database("postgresql://postgres:secret@127.0.0.1/postgres")

    def test_an_unsupported_database_is_refused(self):
        with pytest.raises(DatabaseError, match="SQLite or PostgreSQL"):
            open_database("mysql://root@localhost/school")

    @pytest.mark.postgres
    def test_a_missing_postgres_database_is_named(self, pg_admin_engine):
        url = pg_admin_engine.url.set(database="fairfields_no_such_db").render_as_string(hide_password=False)
        with pytest.raises(DatabaseError, match="does not exist"):
            open_database(url)

    def test_an_unreachable_server_is_explained(self):
        with pytest.raises(DatabaseError, match="cannot reach"):
            open_database("postgresql+psycopg://postgres@127.0.0.1:1/x?connect_timeout=2")


class TestMigrations:
    def test_a_new_database_is_upgraded_to_head(self, db_url):
        db = open_database(db_url)
        try:
            assert current_revision(db) is None
            assert upgrade_to_head(db) is None  # nothing to keep: the database was new
            assert current_revision(db) == head_revision()
            assert "pupils" in db.table_names()
        finally:
            db.dispose()

    def test_a_copy_is_kept_before_an_existing_sqlite_file_is_upgraded(self, tmp_path, monkeypatch):
        path = tmp_path / "school.sqlite3"
        db = open_database(f"sqlite:///{path}")
        upgrade_to_head(db)
        with db.session() as session:
            session.execute(text("insert into spaces (name, kind, capacity, bookable, version) "
                                 "values ('Hall', 'hall', 100, 1, 1)"))
        db.dispose()
        current = head_revision()
        monkeypatch.setattr(migrate, "head_revision", lambda: "9999_next")  # pretend a newer release
        db = open_database(f"sqlite:///{path}")
        try:
            kept = upgrade_to_head(db)
        finally:
            db.dispose()
        assert kept is not None and f"before-{current}-" in kept
        with pytest.raises(sqlite3.DatabaseError):  # the copy is encrypted like the original
            sqlite3.connect(kept).execute("select name from spaces").fetchall()
        copy = open_database(f"sqlite:///{kept}")
        try:
            with copy.read_session() as session:
                assert session.execute(text("select name from spaces")).all() == [("Hall",)]
        finally:
            copy.dispose()

    def test_a_database_from_a_newer_release_is_refused(self, tmp_path):
        db = open_database(f"sqlite:///{tmp_path / 's.sqlite3'}")
        upgrade_to_head(db)
        with db.session() as session:
            session.execute(text("update alembic_version set version_num = '9999_future'"))
        try:
            with pytest.raises(DatabaseError, match="newer"):
                upgrade_to_head(db)
        finally:
            db.dispose()
