"""Backups that really restore: taken while in use, encrypted, checked before anything is replaced."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from fairfields_desktop.cli.main import run
from fairfields_desktop.domain.errors import Cancelled, FairfieldsError, InvalidInput, NotAllowed
from fairfields_desktop.services.bookings import BookingDraft
from fairfields_desktop.services.context import Clock
from fairfields_desktop.store.database import is_encrypted_file, open_database
from fairfields_desktop.store.migrate import current_revision, head_revision
from fairfields_desktop.store.models import AuditRow, Base

AMARA = "Z319700118114"
TEST_DB_KEY = "5f" * 32  # the tests' key (tests/conftest.py)


def pupil_names(services, admin) -> list[str]:
    return [f"{p['first_name']} {p['last_name']}" for p in services.dataset.dump(admin)["pupils"]]


class TestSqlite:
    def test_a_backup_restores_what_was_there_and_keeps_what_it_replaced(self, sqlite_school, actor, tmp_path):
        admin = actor(sqlite_school, "admin")
        target = tmp_path / "monday.fdb"
        sqlite_school.backups.backup(admin, target)
        assert is_encrypted_file(target) and b"Amara" not in target.read_bytes()
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("monday")) == ["monday.fdb"]
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

    def test_a_backup_of_an_older_schema_is_brought_up_to_date_before_it_goes_in(self, sqlite_school, actor, tmp_path):
        """The frozen 0007 database stands for a backup made by an earlier release: it is upgraded on a
        scratch copy, checked, and only then written into the database, which stays at this schema."""
        import shutil

        admin = actor(sqlite_school, "admin")
        old = tmp_path / "0007.fdb"
        shutil.copy(Path(__file__).parent.parent / "data" / "schemas" / "0007-example.db", old)
        assert sqlite_school.backups.check(old) == "0007"
        sqlite_school.pupils.save_pupil(admin, {**sqlite_school.pupils.pupil_values(
            admin, sqlite_school.pupils.id_of(admin, AMARA)), "first_name": "Amarachi"},
            sqlite_school.pupils.id_of(admin, AMARA))
        kept = sqlite_school.backups.restore(admin, old)
        assert current_revision(sqlite_school.db) == head_revision()
        assert "Amara Osei" in pupil_names(sqlite_school, admin)
        assert sqlite_school.backups.check(old) == "0007"  # the backup itself is left as it was
        assert kept.exists() and not list(tmp_path.glob("**/*.restoring*"))
        assert not [p for p in sqlite_school.db.sqlite_path.parent.iterdir() if ".before-0007" in p.name]

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


def rich_school(services, actor) -> None:
    """Many kinds of record, made through the services: a weekly series with one date cancelled, a one-off
    booking, a visit, a session marked with a note, an outcome with a target, a review with advice asked
    late (issue #14: due before it was asked broke the PostgreSQL backup), a deactivated user."""
    office, senco, head, admin = (actor(services, u) for u in ("sbrown", "mokafor", "hcarter", "admin"))
    series = services.bookings.book(office, BookingDraft(space="Therapy Room 1", start=datetime(2026, 11, 30, 13, 0),
                                                         end=datetime(2026, 11, 30, 13, 30), professional="nhs-slt-1",
                                                         weekly_until=date(2026, 12, 14)))
    services.bookings.cancel(office, series[1].occurrence_id, "therapist on a course")
    services.bookings.book(senco, BookingDraft(space="Meeting Room", start=datetime(2026, 11, 24, 11, 0),
                                               end=datetime(2026, 11, 24, 11, 30), professional="nhs-slt-1",
                                               pupils=(AMARA,), title="speech and language review"))
    professional = next(p for p in services.professionals.list_professionals(head) if p.ext_id == "nhs-slt-1")
    services.professionals.sign_in_visitor(office, professional.id, identity_checked=True, purpose="therapy",
                                           pupil_ids=[services.pupils.id_of(head, AMARA)], space="Therapy Room 1",
                                           at=datetime(2026, 11, 23, 9, 5))
    outcome = services.outcomes.add_outcome(senco, AMARA, "cognition_and_learning", "reads simple sentences")
    services.outcomes.add_target(senco, outcome, "reads ten common words")
    clock = Clock(date(2026, 11, 26))
    clock.now = lambda: datetime(2026, 11, 26, 16, 0)  # type: ignore[method-assign]
    services.sessions.clock = clock
    for item in services.sessions.to_mark(office)[:2]:
        services.sessions.mark(office, item.occurrence_id, True, note="used two symbols unprompted")
    review = services.reviews.schedule(senco, "X319700119023", date(2026, 12, 1))  # Ben, in 8 days
    services.reviews.request_advice(senco, review.id, ["music-1", "nhs-physio-1"])
    users = {u.username: u for u in services.users.list_users(admin)}
    services.users.set_active(admin, users["sbrown"].id, False)


def table_rows(db) -> dict[str, list[tuple]]:
    """Every row of every table, as plain tuples (ids, timestamps, seals and all), in a stable order."""
    with db.read_session() as session:
        return {t.name: sorted((tuple(row) for row in session.execute(select(t))), key=repr)
                for t in Base.metadata.sorted_tables}


def fresh_database(pg_url: str, pg_admin_engine, suffix: str) -> str:
    name = pg_url.rsplit("/", 1)[1] + suffix
    with pg_admin_engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return pg_url.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str, pg_admin_engine) -> None:
    with pg_admin_engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))


@pytest.mark.postgres
class TestPostgres:
    def test_a_backup_holds_every_row_and_restores_row_for_row(self, pg_url, open_school, example_doc, actor,
                                                                tmp_path, pg_admin_engine):
        services = open_school(pg_url)
        services.dataset.load(example_doc)
        rich_school(services, actor)
        admin = actor(services, "admin")
        target = tmp_path / "school.fdb"
        before = table_rows(services.db)  # the backup's own audit entry is written after its snapshot
        services.backups.backup(admin, target)
        assert b"Amara" not in target.read_bytes() and services.backups.check(target) == head_revision()
        copy = open_database(f"sqlite:///{target}", key_source=lambda _p, _n: TEST_DB_KEY)
        try:
            assert table_rows(copy) == before  # the file holds every table, row for row
        finally:
            copy.dispose()
        with pytest.raises(NotAllowed):  # a database that holds a school is not overwritten
            services.backups.restore(admin, target)

        fresh = fresh_database(pg_url, pg_admin_engine, "_restore")
        try:
            empty = open_school(fresh)
            assert empty.dataset.is_empty()
            # nobody to sign in as in an empty database: the backup's own users sign in afterwards
            assert empty.backups.restore(None, target) is None
            after = table_rows(empty.db)
            restore_entries = [r for r in after["audit_events"] if r not in before["audit_events"]]
            assert len(restore_entries) == 1 and "restore" in restore_entries[0]
            after["audit_events"] = [r for r in after["audit_events"] if r in before["audit_events"]]
            assert after == before  # every table, row for row: ids, timestamps, the audit trail's seals
            compared = sum(len(rows) for rows in before.values())
            kinds = sorted(name for name, rows in before.items() if rows)
            print(f"compared row for row: {compared} rows in {len(kinds)} tables")
            assert compared > 100 and len(kinds) >= 25, kinds
            check = empty.audit.verify(actor(empty, "admin"))
            assert check.intact, check.problems
            assert "Amara Osei" in pupil_names(empty, actor(empty, "admin"))
            # new records get new ids (the sequences continue after the restored ids)
            [new] = empty.bookings.book(actor(empty, "mokafor"), BookingDraft(
                space="Therapy Room 1", start=datetime(2026, 12, 1, 13, 0), end=datetime(2026, 12, 1, 13, 30),
                professional="nhs-slt-1"))
            assert new.occurrence_id > max(r[0] for r in before["booking_occurrences"])
            with pytest.raises(NotAllowed, match="needs an administrator"):  # not again without one
                empty.backups.restore(None, target)
            empty.close()
        finally:
            drop_database(fresh, pg_admin_engine)

    def test_a_backup_made_by_the_previous_version_still_restores(self, pg_url, open_school, example_doc, actor,
                                                                   tmp_path):
        """Before issue #14 a PostgreSQL backup held the school as a dataset: such a file still restores."""
        from fairfields_desktop.store.database import _connect_file

        source = open_school(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        source.dataset.load(example_doc)
        document = source.dataset.dump(actor(source, "admin"))
        old = tmp_path / "old-version.fdb"
        conn = _connect_file(old, TEST_DB_KEY)
        conn.execute("CREATE TABLE dataset (written_at TEXT, document TEXT)")
        conn.execute("INSERT INTO dataset VALUES (?, ?)", ("2026-11-20T18:00:00", json.dumps(document)))
        conn.close()
        empty = open_school(pg_url)
        assert empty.backups.check(old) == "dataset"
        assert empty.backups.restore(None, old) is None
        assert empty.dataset.dump(actor(empty, "admin"))["pupils"] == document["pupils"]


class TestProof:
    """A backup is reported done only after it reads back as what it copies; otherwise nothing is kept."""

    @staticmethod
    def spoil(monkeypatch, how: str) -> list[Path]:
        """Spoil the file just written, before it is checked: a row taken out, or bytes overwritten."""
        from fairfields_desktop.services import backups
        from fairfields_desktop.store.database import _connect_file

        original = backups._check_file
        spoiled: list[Path] = []

        def check(path, key):
            if path.name.endswith(".part") and path not in spoiled:
                spoiled.append(path)
                if how == "row":
                    conn = _connect_file(path, key)
                    conn.execute("DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)")
                    conn.close()
                else:
                    data = bytearray(path.read_bytes())
                    data[len(data) // 2:len(data) // 2 + 64] = b"\0" * 64
                    path.write_bytes(bytes(data))
            return original(path, key)

        monkeypatch.setattr(backups, "_check_file", check)
        return spoiled

    @pytest.mark.parametrize("how", ["row", "bytes"])
    def test_a_backup_that_does_not_read_back_is_not_done_and_leaves_nothing(self, school, actor, tmp_path,
                                                                             monkeypatch, how):
        admin = actor(school, "admin")
        folder = tmp_path / "usb"
        folder.mkdir()
        spoiled = self.spoil(monkeypatch, how)
        with pytest.raises(FairfieldsError, match="did not read back|damaged|does not open"):
            school.backups.backup(admin, folder / "monday.fdb")
        assert spoiled and list(folder.iterdir()) == []
        with school.db.read_session() as session:
            assert not session.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.action == "backup"))

    def test_the_automatic_backup_is_checked_too(self, sqlite_school, monkeypatch):
        spoiled = self.spoil(monkeypatch, "row")
        with pytest.raises(FairfieldsError, match="did not read back"):
            sqlite_school.backups.daily()
        assert spoiled and sqlite_school.backups.list_backups() == []
        assert [p.name for p in sqlite_school.backups.folder().iterdir()] == []


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


    def test_a_backup_that_does_not_read_back_exits_4_and_leaves_nothing(self, sqlite_url, tmp_path, monkeypatch):
        from pathlib import Path as _Path

        example = str(_Path(__file__).parent.parent / "data" / "example-school.json")
        assert run(["--db", sqlite_url, "load", example], stdout=io.StringIO(), stderr=io.StringIO()) == 0
        monkeypatch.setenv("FAIRFIELDS_PASSWORD", "demo-admin-2026")
        TestProof.spoil(monkeypatch, "row")
        folder = tmp_path / "usb"
        folder.mkdir()
        err = io.StringIO()
        assert run(["--db", sqlite_url, "--as", "admin", "backup", str(folder / "b.fdb")], stdout=io.StringIO(),
                   stderr=err) == 4
        assert "did not read back" in err.getvalue() and list(folder.iterdir()) == []

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


class TestSecondDestination:
    """The 3-2-1 habit: each automatic backup copied, and checked, into a second folder (a USB disk, the
    school server) set for this PC; the administrator's dashboard warns when backups are not in order."""

    def test_each_daily_backup_is_copied_checked_into_the_second_folder(self, sqlite_school, actor, tmp_path):
        service, admin = sqlite_school.backups, actor(sqlite_school, "admin")
        usb = tmp_path / "usb"
        usb.mkdir()
        with pytest.raises(NotAllowed):
            service.set_second_folder(actor(sqlite_school, "hcarter"), usb)
        with pytest.raises(InvalidInput, match="not a folder"):
            service.set_second_folder(admin, tmp_path / "not-plugged-in")
        service.folder().mkdir(parents=True)
        with pytest.raises(InvalidInput, match="somewhere else"):
            service.set_second_folder(admin, service.folder())
        service.set_second_folder(admin, usb)
        assert service.second_folder() == usb
        made = service.daily()
        copies = sorted(p.name for p in (usb / service.folder().name).iterdir())
        assert copies == sorted([made.path.name, made.path.name.replace("daily", "weekly")])
        assert service.check(usb / service.folder().name / made.path.name)
        health = service.health()
        assert health.warnings == () and health.second_error is None and health.second_copied is not None
        assert health.last_verified is not None and health.last_file == str(made.path)

        # the next day the disk is not plugged in: the local backup is made, the failure is reported
        usb.rename(tmp_path / "usb-away")
        service.clock = Clock(date(2026, 11, 24))
        assert service.daily() is not None
        health = service.health()
        assert health.second_error and "cannot be reached" in health.second_error
        assert health.warnings == (f"the second backup destination failed: {health.second_error}",)
        sections = [s for s in sqlite_school.dashboard.for_actor(admin).sections if s.title == "Backups"]
        assert [i.text for i in sections[0].items] == ["The second backup destination failed: "
                                                       + health.second_error]
        assert sections[0].items[0].screen == "settings" and sections[0].items[0].urgent

        # plugged in again: the next start that day copies what it missed
        (tmp_path / "usb-away").rename(usb)
        assert service.daily() is None
        assert service.health().warnings == ()
        assert (usb / service.folder().name / "daily-2026-11-24.sqlite3").exists()
        service.set_second_folder(admin, None)
        assert service.second_folder() is None

    def test_no_verified_backup_newer_than_a_day_is_a_warning(self, sqlite_school, actor, tmp_path):
        service, admin = sqlite_school.backups, actor(sqlite_school, "admin")
        assert service.health().last_verified is None
        assert service.health().warnings[0].startswith("no verified backup newer than a day")
        service.backup(admin, tmp_path / "now.fdb")
        assert service.health().warnings == ()
        assert not [s for s in sqlite_school.dashboard.for_actor(admin).sections if s.title == "Backups"]
        assert not [s for s in sqlite_school.dashboard.for_actor(actor(sqlite_school, "hcarter")).sections
                    if s.title == "Backups"]
        service.clock = Clock(date(2026, 11, 25))
        assert service.health().warnings[0].startswith("no verified backup newer than a day (the last: ")
