"""`db copy --to URL`: a trial on one PC moves to the school's PostgreSQL server with nothing left behind."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from fairfields_desktop.cli.main import run
from fairfields_desktop.domain.errors import NotAllowed
from fairfields_desktop.services.bookings import BookingDraft
from fairfields_desktop.store.models import Base


def at(day: str, hm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hm}")


def counts(services) -> dict[str, int]:
    with services.db.read_session() as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def trial_with_history(services, actor):
    """What a dataset cannot carry: one date of a weekly series cancelled, with who and why."""
    office = actor(services, "sbrown")
    series = services.bookings.book(office, BookingDraft(space="Therapy Room 1", start=at("2026-11-30", "13:00"),
                                                         end=at("2026-11-30", "13:30"), professional="nhs-slt-1",
                                                         weekly_until=date(2026, 12, 14)))
    services.bookings.cancel(office, series[1].occurrence_id, "therapist on a course")
    return series


@pytest.mark.postgres
def test_a_trial_moves_to_the_server_with_everything(sqlite_school, actor, open_school, pg_url):
    series = trial_with_history(sqlite_school, actor)
    admin = actor(sqlite_school, "admin")
    before = counts(sqlite_school)
    server = open_school(pg_url)
    copied = sqlite_school.backups.copy_to(admin, server.db)
    assert copied == before and sum(copied.values()) > 0
    after = counts(server)
    assert {k: v for k, v in after.items() if k != "audit_events"} == \
        {k: v for k, v in before.items() if k != "audit_events"}
    assert after["audit_events"] == before["audit_events"] + 1  # the server's trail records the copy

    office = actor(server, "sbrown")
    week = server.bookings.week_view(office, series[1].space_id, date(2026, 12, 7), include_cancelled=True)
    [kept] = [b for b in week.blocks if b.occurrence_id == series[1].occurrence_id]
    assert (kept.cancel_reason, kept.cancelled_by) == ("therapist on a course", "sbrown")
    check = server.audit.verify(actor(server, "admin"))
    assert check.intact and check.checked == after["audit_events"], check.problems
    # new records get new ids on the server (its sequences continue after the copied ids)
    [new] = server.bookings.book(office, BookingDraft(space="Therapy Room 1", start=at("2026-12-01", "13:00"),
                                                      end=at("2026-12-01", "13:30"), professional="nhs-slt-1"))
    assert new.occurrence_id > max(b.occurrence_id for b in series)
    assert server.dataset.dump(actor(server, "admin"))["pupils"] == \
        sqlite_school.dataset.dump(admin)["pupils"]


def test_only_into_an_empty_database_and_only_by_an_administrator(sqlite_school, actor, open_school,
                                                                  example_doc, tmp_path):
    full = open_school(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    full.dataset.load(example_doc)
    rows = counts(full)
    with pytest.raises(NotAllowed, match="is not empty"):
        sqlite_school.backups.copy_to(actor(sqlite_school, "admin"), full.db)
    assert counts(full) == rows
    empty = open_school(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(NotAllowed):
        sqlite_school.backups.copy_to(actor(sqlite_school, "hcarter"), empty.db)
    assert sum(counts(empty).values()) == 0
    with pytest.raises(NotAllowed, match="into itself"):
        sqlite_school.backups.copy_to(actor(sqlite_school, "admin"), sqlite_school.db)


def test_db_copy_on_the_command_line(sqlite_url, tmp_path, monkeypatch):
    def cli(*args: str) -> tuple[int, str]:
        err = io.StringIO()
        return run(["--db", sqlite_url, *args], stdout=io.StringIO(), stderr=err), err.getvalue()

    from pathlib import Path

    example = str(Path(__file__).parent.parent / "data" / "example-school.json")
    assert cli("load", example)[0] == 0
    target = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    monkeypatch.setenv("FAIRFIELDS_PASSWORD", "demo-admin-2026")
    code, err = cli("--as", "admin", "db", "copy", "--to", target)
    assert code == 0, err
    assert "rows in" in err and "to SQLite file" in err
    code, err = cli("--as", "admin", "db", "copy", "--to", target)
    assert code == 5 and "is not empty" in err
    assert cli("db", "copy", "--to", f"sqlite:///{tmp_path / 'x.sqlite3'}")[0] == 5  # needs --as


@pytest.mark.postgres
def test_a_postgresql_source_is_read_in_one_repeatable_read_snapshot(open_school, pg_url):
    """copy_all (and so a PostgreSQL backup) reads every table in one REPEATABLE READ, read-only
    transaction: rows committed by other PCs while it reads are wholly in the copy or not at all."""
    from sqlalchemy import text

    from fairfields_desktop.store.copy import snapshot

    server = open_school(pg_url)
    with snapshot(server.db) as session:
        assert session.execute(text("SHOW transaction_isolation")).scalar() == "repeatable read"
        assert session.execute(text("SHOW transaction_read_only")).scalar() == "on"
    with server.db.read_session() as session:  # the pool's connections are left as they were
        assert session.execute(text("SHOW transaction_isolation")).scalar() == "read committed"
