"""Backups that really restore: taken while in use, encrypted, checked before anything is replaced."""

from __future__ import annotations

import io
import sqlite3
from datetime import date, timedelta

import pytest

from fairfields_desktop.cli.main import run
from fairfields_desktop.domain.errors import Cancelled, InvalidInput, NotAllowed
from fairfields_desktop.services.context import Clock
from fairfields_desktop.store.database import is_encrypted_file

AMARA = "Z319700118114"


def pupil_names(services, admin) -> list[str]:  # noqa: ANN001
    return [f"{p['first_name']} {p['last_name']}" for p in services.dataset.dump(admin)["pupils"]]


class TestSqlite:
    def test_a_backup_restores_what_was_there_and_keeps_what_it_replaced(self, sqlite_school, actor, tmp_path):
        admin = actor(sqlite_school, "admin")
        target = tmp_path / "monday.fdb"
        sqlite_school.backups.backup(admin, target)
        assert is_encrypted_file(target) and b"Amara" not in target.read_bytes()
        assert sqlite_school.backups.check(target)  # opens with the key, intact, a known schema

        # after the backup, a pupil leaves and is renamed
        values = sqlite_school.pupils.pupil_values(admin, sqlite_school.pupils.id_of(admin, AMARA))
        sqlite_school.pupils.save_pupil(admin, {**values, "first_name": "Amarachi"},
                                        sqlite_school.pupils.id_of(admin, AMARA))
        assert "Amarachi Osei" in pupil_names(sqlite_school, admin)

        kept = sqlite_school.backups.restore(admin, target)
        assert "Amara Osei" in pupil_names(sqlite_school, admin)  # the engine now reads the restored file
        assert kept is not None and kept.exists() and is_encrypted_file(kept)
        entries = sqlite_school.db.engine.connect().exec_driver_sql(
            "select action from audit_events where action = 'restore'").all()
        assert len(entries) == 1

    def test_anything_but_a_good_backup_is_refused_before_anything_changes(self, sqlite_school, actor, tmp_path):
        admin = actor(sqlite_school, "admin")
        garbage = tmp_path / "holiday.jpg"
        garbage.write_bytes(b"\xff\xd8\xff\xe0" + b"x" * 5000)
        plain = tmp_path / "plain.sqlite3"
        sqlite3.connect(plain).execute("create table t(x)").connection.commit()
        other = tmp_path / "other.fdb"
        other.write_bytes(b"\x13" * 8192)  # looks encrypted, but with no key of ours
        for bad, words in ((garbage, "not an encrypted"), (plain, "not an encrypted"), (other, "does not open"),
                           (tmp_path / "missing.fdb", "does not exist")):
            with pytest.raises(InvalidInput, match=words):
                sqlite_school.backups.restore(admin, bad)
        assert "Amara Osei" in pupil_names(sqlite_school, admin)
        assert not [p for p in sqlite_school.db.sqlite_path.parent.iterdir() if "before-restore" in p.name]

    def test_only_an_administrator_backs_up_and_restores(self, sqlite_school, actor, tmp_path):
        with pytest.raises(NotAllowed):
            sqlite_school.backups.backup(actor(sqlite_school, "hcarter"), tmp_path / "x.fdb")
        with pytest.raises(NotAllowed):
            sqlite_school.backups.restore(actor(sqlite_school, "mokafor"), tmp_path / "x.fdb")

    def test_a_cancelled_backup_leaves_nothing(self, sqlite_school, actor, tmp_path):
        folder = tmp_path / "usb"
        folder.mkdir()
        with pytest.raises(Cancelled):
            sqlite_school.backups.backup(actor(sqlite_school, "admin"), folder / "x.fdb",
                                         progress=lambda done, total: False)
        assert list(folder.iterdir()) == []

    def test_one_automatic_backup_a_day_keeping_14_daily_and_8_weekly(self, sqlite_school):
        service = sqlite_school.backups
        start = date(2026, 9, 1)
        for offset in range(70):
            service.clock = Clock(start + timedelta(days=offset))
            made = service.daily()
            assert made is not None and made.made_on == start + timedelta(days=offset)
            assert service.daily() is None  # once a day
        kinds = [b.kind for b in service.list_backups()]
        assert kinds.count("daily") == 14 and kinds.count("weekly") == 8
        newest = service.list_backups()[0]
        assert newest.made_on == start + timedelta(days=69) and service.check(newest.path)


@pytest.mark.postgres
class TestPostgres:
    def test_an_encrypted_dataset_restores_into_an_empty_database(self, pg_url, open_school, example_doc,
                                                                  actor, tmp_path, pg_admin_engine):
        services = open_school(pg_url)
        services.dataset.load(example_doc)
        admin = actor(services, "admin")
        target = tmp_path / "school.fdb"
        services.backups.backup(admin, target)
        assert b"Amara" not in target.read_bytes() and services.backups.check(target) == "dataset"
        with pytest.raises(NotAllowed):  # a database that holds a school is not overwritten
            services.backups.restore(admin, target)

        from sqlalchemy import text

        fresh = pg_url.rsplit("/", 1)[0] + "/" + pg_url.rsplit("/", 1)[1] + "_restore"
        name = fresh.rsplit("/", 1)[1]
        with pg_admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            empty = open_school(fresh)
            assert empty.dataset.is_empty()
            # nobody to sign in as in an empty database: the backup's own users sign in afterwards
            assert empty.backups.restore(None, target) is None
            assert "Amara Osei" in pupil_names(empty, actor(empty, "admin"))
            with pytest.raises(NotAllowed, match="needs an administrator"):  # not again without one
                empty.backups.restore(None, target)
            empty.close()
        finally:
            with pg_admin_engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class TestCommandLine:
    def test_backup_and_restore_with_exit_codes(self, sqlite_url, tmp_path, monkeypatch):
        def cli(*args: str) -> tuple[int, str]:
            err = io.StringIO()
            return run(["--db", sqlite_url, *args], stdout=io.StringIO(), stderr=err), err.getvalue()

        from pathlib import Path as _Path

        example = str(_Path(__file__).parent.parent / "data" / "example-school.json")
        assert cli("load", example)[0] == 0
        monkeypatch.setenv("FAIRFIELDS_PASSWORD", "demo-admin-2026")
        target = tmp_path / "b.fdb"
        code, err = cli("--as", "admin", "backup", str(target))
        assert code == 0 and target.exists(), err
        bad = tmp_path / "notes.txt"
        bad.write_text("not a backup")
        code, err = cli("--as", "admin", "restore", str(bad))
        assert code == 4 and "not an encrypted Fairfields backup" in err
        code, err = cli("--as", "admin", "restore", str(target))
        assert code == 0 and "kept as" in err
        monkeypatch.setenv("FAIRFIELDS_PASSWORD", "demo-office-2026")
        assert cli("--as", "sbrown", "backup", str(tmp_path / "c.fdb"))[0] == 5


    def test_an_empty_database_takes_a_backup_without_signing_in(self, sqlite_url, tmp_path, monkeypatch):
        """Into a database with no school, `restore FILE` needs no --as (there is nobody to sign in as);
        over a school it still does. (Both files here share the tests' key, as a backup needs.)"""
        from pathlib import Path as _Path

        example = str(_Path(__file__).parent.parent / "data" / "example-school.json")
        assert run(["--db", sqlite_url, "load", example], stdout=io.StringIO(), stderr=io.StringIO()) == 0
        monkeypatch.setenv("FAIRFIELDS_PASSWORD", "demo-admin-2026")
        target = tmp_path / "old-pc.fdb"
        assert run(["--db", sqlite_url, "--as", "admin", "backup", str(target)], stdout=io.StringIO(),
                   stderr=io.StringIO()) == 0
        new_pc = f"sqlite:///{tmp_path / 'new-pc.sqlite3'}"
        assert run(["--db", new_pc, "init"], stdout=io.StringIO(), stderr=io.StringIO()) == 0
        monkeypatch.delenv("FAIRFIELDS_PASSWORD")
        err = io.StringIO()
        assert run(["--db", new_pc, "restore", str(target)], stdout=io.StringIO(), stderr=err) == 0, err.getvalue()
        out = io.StringIO()
        monkeypatch.setenv("FAIRFIELDS_PASSWORD", "demo-head-2026")
        assert run(["--db", new_pc, "--as", "hcarter", "due", "--json"], stdout=out, stderr=io.StringIO()) == 0
        monkeypatch.delenv("FAIRFIELDS_PASSWORD")
        err = io.StringIO()
        assert run(["--db", new_pc, "restore", str(target)], stdout=io.StringIO(), stderr=err) == 5
        assert "needs an administrator" in err.getvalue()
