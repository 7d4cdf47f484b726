"""Loading a dataset and dumping it back, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import func, select

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed
from fairfields_desktop.store.models import AuditRow, BookingOccurrenceRow, PupilRow

#: the keys a load of the example school adds to its dump by itself: the dates of its bookings, the
#: attendance figures as of the load, and the audit trail's record of the load
MADE_BY_THE_LOAD = {"booking_occurrences", "attendance_records", "audit_events"}


def assert_same_but_the_load(first: dict, second: dict) -> None:
    """``second``, the dump of ``first`` loaded into another database, is ``first`` plus that load's own
    audit entry (chained after the ones carried)."""
    trail = first["audit_events"]
    assert second["audit_events"][:len(trail)] == trail
    [load] = second["audit_events"][len(trail):]
    assert load["action"] == "load" and load["prev_hash"] == trail[-1]["hash"]
    assert {**second, "audit_events": trail} == first


def _without_secrets(doc: dict) -> dict:
    doc = copy.deepcopy(doc)
    for user in doc["users"]:
        user.pop("password", None)
        user.pop("password_hash", None)
    return doc


class TestRoundTrip:
    def test_load_dump_load_dump_gives_identical_dumps(self, open_school, db_url, example_doc, tmp_path,
                                                       actor):
        first = open_school(db_url)
        first.dataset.load(example_doc)
        dump1 = first.dataset.dump(actor(first, "admin"))
        second = open_school(f"sqlite:///{tmp_path / 'second.sqlite3'}")
        second.dataset.load(dump1)
        dump2 = second.dataset.dump(actor(second, "admin"))
        assert_same_but_the_load(dump1, dump2)

    @pytest.mark.postgres
    def test_dump_is_identical_from_sqlite_and_postgres(self, open_school, sqlite_url, pg_url, example_doc,
                                                        actor):
        lite = open_school(sqlite_url)
        lite.dataset.load(example_doc)
        lite_dump = lite.dataset.dump(actor(lite, "admin"))
        pg = open_school(pg_url)
        pg.dataset.load(lite_dump)  # password hashes travel unchanged
        assert_same_but_the_load(lite_dump, pg.dataset.dump(actor(pg, "admin")))

    def test_dump_gives_back_what_was_loaded_with_defaults_filled_in(self, school, example_doc, actor):
        dump = school.dataset.dump(actor(school, "admin"))
        assert all(u["password_hash"].startswith("scrypt$") for u in dump["users"])
        assert not any("password" in u for u in dump["users"])
        expected = _without_secrets(example_doc)
        for request in expected["requests"]:
            request.setdefault("extension_reason", None)
            request.setdefault("history", [])
        for person in expected["staff"]:
            person.setdefault("class", None)
        # the contract's sections as they were, in the same order, no record with a `row` of its own
        # (its ids are the ones a load gives anyway); after them only what the load made by itself
        assert list(dump)[:len(expected)] == list(expected)
        assert {key: value for key, value in _without_secrets(dump).items() if key in expected} == expected
        assert set(dump) - set(expected) == MADE_BY_THE_LOAD
        assert [e["action"] for e in dump["audit_events"]] == ["load"]
        assert '"row":' not in json.dumps({key: dump[key] for key in expected})

    def test_demo_school_round_trips(self, open_school, db_url, demo_doc, actor):
        services = open_school(db_url)
        services.dataset.load(demo_doc)
        dump = services.dataset.dump(actor(services, "admin"))
        assert len(dump["pupils"]) == 40
        assert [b["id"] for b in dump["bookings"]] == [b["id"] for b in demo_doc["bookings"]]
        assert _without_secrets(dump)["pupils"] == _without_secrets(demo_doc)["pupils"]

    def test_weekly_booking_holds_each_school_day_it_repeats_on(self, sqlite_school):
        with sqlite_school.db.read_session() as session:
            starts = session.scalars(
                select(BookingOccurrenceRow.starts_at).order_by(BookingOccurrenceRow.starts_at)
                .where(BookingOccurrenceRow.booking.has(ext_id="b-003"))
            ).all()
        # Thursdays 26 Nov to 17 Dec 2026: four school days (no closure on a Thursday)
        assert [s.isoformat() for s in starts] == [
            "2026-11-26T11:00:00", "2026-12-03T11:00:00", "2026-12-10T11:00:00", "2026-12-17T11:00:00"]


class TestRefusals:
    def test_four_problems_are_all_reported_and_nothing_is_loaded(self, open_school, db_url, example_doc):
        services = open_school(db_url)
        doc = example_doc
        doc["pupils"].append({**copy.deepcopy(doc["pupils"][0]), "upn": "A319700118999", "first_name": "Eve"})
        doc["pupils"][1]["class"] = "Elm"
        doc["bookings"][1]["end"] = "2026-11-25T13:00"
        del doc["professionals"][2]["kind"]
        with pytest.raises(InvalidInput) as caught:
            services.dataset.load(doc)
        where = {p.where for p in caught.value.problems}
        assert {"pupils[4].upn", "pupils[1].class", "bookings[1].end", "professionals[2].kind"} <= where
        assert services.dataset.is_empty()
        with services.db.read_session() as session:
            assert session.scalar(select(func.count()).select_from(AuditRow)) == 0

    def test_load_into_a_database_holding_a_school_is_refused(self, school, example_doc):
        with pytest.raises(NotAllowed, match="empty database"):
            school.dataset.load(example_doc)
        with school.db.read_session() as session:
            assert session.scalar(select(func.count()).select_from(PupilRow)) == 4

    def test_load_accepts_temporary_upns(self, open_school, sqlite_url, example_doc):
        services = open_school(sqlite_url)
        pupil = copy.deepcopy(example_doc["pupils"][3])
        pupil.update(upn="J31970012604T", first_name="Nikolai", last_name="Petrov")
        example_doc["pupils"].append(pupil)
        services.dataset.load(example_doc)
        with services.db.read_session() as session:
            assert session.scalar(select(PupilRow.first_name).where(PupilRow.upn == "J31970012604T")) == "Nikolai"


class TestAudit:
    def test_load_and_dump_are_audited(self, school, actor):
        school.dataset.dump(actor(school, "admin"))
        with school.db.read_session() as session:
            entries = session.scalars(select(AuditRow).order_by(AuditRow.id)).all()
        assert [(e.username, e.action) for e in entries] == [("system", "load"), ("admin", "dump")]
        assert entries[0].after["pupils"] == 4

    def test_only_an_admin_may_dump(self, school, actor):
        for username in ("hcarter", "mokafor", "sbrown", "ttaylor"):
            with pytest.raises(NotAllowed, match="Administrator"):
                school.dataset.dump(actor(school, username))
