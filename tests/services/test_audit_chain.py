"""The audit trail's hash chain: each entry sealed to the one before; a change or a removal made behind
the app's back is found and named; concurrent writers never fork the chain; on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import threading
from datetime import date

import pytest
from sqlalchemy import delete, func, select, update

from fairfields_desktop.domain.errors import NotAllowed
from fairfields_desktop.services import audit
from fairfields_desktop.services.audit import entry_hash, verify_chain
from fairfields_desktop.store.models import AuditRow

AMARA, BEN, CHLOE, DEV = "Z319700118114", "X319700119023", "X319700117077", "X319700121005"


def pupil_id(services, actor, upn: str) -> int:
    return services.pupils.id_of(actor, upn)


def some_changes(services, head) -> None:
    """Five more entries after the load's: consents, a leaving date, a team member."""
    for upn, parent in ((AMARA, "Abena Osei"), (BEN, "Mark Hughes"), (DEV, "Anjali Sharma")):
        services.pupils.add_consent(head, pupil_id(services, head, upn), professional="nhs-slt-1",
                                    sections=["outcomes"], given_by_kind="parent", given_by=parent,
                                    given_on=date(2026, 11, 2))
    services.pupils.mark_left(head, pupil_id(services, head, DEV), date(2026, 11, 20))
    services.pupils.add_team_member(head, pupil_id(services, head, BEN), "nhs-slt-1", "assessment")


def entries(services) -> list[AuditRow]:
    with services.db.read_session() as session:
        return list(session.scalars(select(AuditRow).order_by(AuditRow.id)))


def problems(services) -> list[str]:
    with services.db.read_session() as session:
        return verify_chain(session)


class TestSealing:
    def test_each_entry_is_sealed_to_the_one_before(self, school, actor):
        head = actor(school, "hcarter")
        some_changes(school, head)
        rows = entries(school)
        assert len(rows) == 6
        assert rows[0].prev_hash is None  # the chain starts at the load
        for before, row in itertools.pairwise(rows):
            assert row.prev_hash == before.hash
        for row in rows:
            assert len(row.hash) == 64 and row.hash == entry_hash(row, row.prev_hash)

    def test_an_untouched_trail_reports_nothing(self, school, actor):
        head = actor(school, "hcarter")
        some_changes(school, head)
        assert problems(school) == []
        check = school.audit.verify(head)
        assert check.intact and check.message == "The audit trail is intact (6 entries checked)."

    def test_a_change_that_was_rolled_back_leaves_no_entry_and_no_gap_in_the_chain(self, school, actor):
        head = actor(school, "hcarter")
        with pytest.raises(RuntimeError), school.db.session() as session:
            audit.record(session, head, school.clock, "test", "pupil", 1, after={"x": 1})
            raise RuntimeError("rolled back")
        some_changes(school, head)
        assert [r.action for r in entries(school)].count("test") == 0
        assert problems(school) == []

    def test_entries_written_before_the_chain_existed_are_its_start(self, school, actor):
        head = actor(school, "hcarter")
        with school.db.session() as session:  # as the migration left them: no hash
            session.execute(update(AuditRow).values(hash=None, prev_hash=None))
        some_changes(school, head)
        rows = entries(school)
        assert rows[0].hash is None and rows[1].prev_hash is None and rows[2].prev_hash == rows[1].hash
        assert problems(school) == []
        assert school.audit.verify(head).checked == 5


class TestTampering:
    def test_an_entry_changed_through_sql_is_named(self, school, actor):
        head = actor(school, "hcarter")
        some_changes(school, head)
        third = entries(school)[2]
        with school.db.session() as session:
            session.execute(update(AuditRow).where(AuditRow.id == third.id).values(after={"what": "nothing"}))
        assert problems(school) == [f"entry {third.id} was changed after it was written"]
        check = school.audit.verify(head)
        assert not check.intact and f"entry {third.id} was changed" in check.message

    def test_an_entry_deleted_through_sql_is_named_with_the_jump(self, school, actor):
        head = actor(school, "hcarter")
        some_changes(school, head)
        ids = [r.id for r in entries(school)]
        gone = ids[3]
        with school.db.session() as session:
            session.execute(delete(AuditRow).where(AuditRow.id == gone))
        assert problems(school) == [f"entry {gone} is missing (the chain jumps from {ids[2]} to {ids[4]})"]

    def test_a_change_and_a_deletion_are_both_reported(self, school, actor):
        head = actor(school, "hcarter")
        some_changes(school, head)
        ids = [r.id for r in entries(school)]
        with school.db.session() as session:
            session.execute(update(AuditRow).where(AuditRow.id == ids[1]).values(username="someone"))
            session.execute(delete(AuditRow).where(AuditRow.id.in_([ids[3], ids[4]])))
        assert problems(school) == [
            f"entry {ids[1]} was changed after it was written",
            f"entries {ids[3]} to {ids[4]} are missing (the chain jumps from {ids[2]} to {ids[5]})",
        ]

    def test_a_rewritten_seal_still_shows(self, school, actor):
        head = actor(school, "hcarter")
        some_changes(school, head)
        row = entries(school)[2]
        row.after = {"what": "nothing"}
        forged = entry_hash(row, row.prev_hash)
        with school.db.session() as session:
            session.execute(update(AuditRow).where(AuditRow.id == row.id).values(after=row.after, hash=forged))
        assert problems(school) == [(f"entry {row.id} was changed after it was written (entry {row.id + 1} no "
                                     "longer follows it)")]

    def test_the_first_entry_deleted_shows(self, school, actor):
        head = actor(school, "hcarter")
        some_changes(school, head)
        first, second = entries(school)[:2]
        with school.db.session() as session:
            session.execute(delete(AuditRow).where(AuditRow.id == first.id))
        assert problems(school) == [(f"the entry before entry {second.id} is missing (the chain's first entry "
                                     "points back to one that is not there)")]

    def test_an_entry_added_through_sql_has_no_seal(self, school, actor):
        head = actor(school, "hcarter")
        some_changes(school, head)
        with school.db.session() as session:
            session.execute(AuditRow.__table__.insert().values(
                at=school.clock.now(), username="intruder", action="update", entity="pupil", entity_id="1"))
        added = entries(school)[-1]
        assert problems(school) == [f"entry {added.id} has no seal: it was added or altered outside Fairfields"]
        some_changes(school, head)  # the chain carries on from the last sealed entry
        assert problems(school) == [f"entry {added.id} has no seal: it was added or altered outside Fairfields"]


class TestConcurrentWriters:
    def test_writers_on_separate_connections_never_fork_the_chain(self, school, open_school, db_url, actor):
        writers = [open_school(db_url) for _ in range(4)]
        actors = [actor(w, "hcarter") for w in writers]
        parents = ("Abena Osei", "Mark Hughes", "Claire Hughes", "Anjali Sharma")  # Chloe has none with PR
        ids = [pupil_id(school, actors[0], upn) for upn in (AMARA, BEN, BEN, DEV)]
        barrier = threading.Barrier(len(writers))
        errors: list[str] = []

        def run(i: int) -> None:
            barrier.wait()
            try:
                for n in range(3):
                    writers[i].pupils.add_consent(actors[i], ids[i], organisation=f"org-{i}-{n}",
                                                  sections=["advice"], given_by_kind="parent",
                                                  given_by=parents[i], given_on=date(2026, 11, 2))
            except Exception as exc:  # reported below
                errors.append(repr(exc))

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(writers))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        rows = entries(school)
        assert len(rows) == 1 + 4 * 3
        hashes = [r.prev_hash for r in rows]
        assert len(set(hashes)) == len(hashes)  # no two entries chained to the same one
        assert problems(school) == []


class TestWhoMayLook:
    def test_only_the_headteacher_and_the_administrator_check_or_search_the_trail(self, sqlite_school, actor):
        for username in ("mokafor", "sbrown", "ttaylor"):
            with pytest.raises(NotAllowed):
                sqlite_school.audit.verify(actor(sqlite_school, username))
            with pytest.raises(NotAllowed):
                sqlite_school.audit.search(actor(sqlite_school, username))
        assert sqlite_school.audit.verify(actor(sqlite_school, "admin")).intact


class TestSearch:
    def test_the_viewer_filters_by_who_kind_dates_and_words(self, sqlite_school, actor):
        head = actor(sqlite_school, "hcarter")
        some_changes(sqlite_school, head)
        audit = sqlite_school.audit
        assert [e.action for e in audit.search(head)] == ["create", "left", "create", "create", "create", "load"]
        assert {e.username for e in audit.search(head, who="system")} == {"system"}
        assert [e.kind for e in audit.search(head, entity="team_member")] == ["Team member"]
        left = audit.search(head, action="left")[0]
        assert left.record.startswith("Pupil ") and left.record.endswith("(Dev Sharma)")
        assert left.changes == "left on: — → 2026-11-20"
        assert left.who == "hcarter (Helen Carter)"
        assert len(audit.search(head, text="OUTCOMES and progress")) == 3
        assert audit.search(head, since=date(2026, 11, 24)) == []
        assert len(audit.search(head, since=date(2026, 11, 23), until=date(2026, 11, 23))) == 6
        assert len(audit.search(head, limit=2)) == 2
        assert ("team_member", "Team member") in audit.kinds(head)
        assert audit.users(head) == ["hcarter", "system"]

    def test_the_count_of_entries_is_what_the_database_holds(self, sqlite_school, actor):
        head = actor(sqlite_school, "hcarter")
        some_changes(sqlite_school, head)
        with sqlite_school.db.read_session() as session:
            assert session.scalar(select(func.count()).select_from(AuditRow)) == len(sqlite_school.audit.search(head))
