"""Every commit says what it changed, once, after the commit; other processes and PCs hear of it."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text, update

from fairfields_desktop.store.changes import MAX_PAYLOAD, Changes
from fairfields_desktop.store.models import Base, ProfessionalRow


class Heard:
    """What a subscriber was told, and a wait for it (the watcher threads deliver it)."""

    def __init__(self, db) -> None:
        self.changes: list[Changes] = []
        self.event = threading.Event()
        self.unsubscribe = db.subscribe(self.told)

    def told(self, changes: Changes) -> None:
        self.changes.append(changes)
        self.event.set()

    def wait(self, seconds: float, wanted=lambda c: True) -> Changes:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [c for c in self.changes if wanted(c)]
            if found:
                return found[0]
            self.event.wait(0.05)
            self.event.clear()
        raise AssertionError(f"nothing heard in {seconds}s (heard {self.changes})")


def first_professional(db) -> ProfessionalRow:
    with db.read_session() as session:
        return session.query(ProfessionalRow).order_by(ProfessionalRow.id).first()


class TestLocalCommits:
    def test_a_write_announces_its_tables_and_ids_once_after_commit(self, school, actor):
        heard = Heard(school.db)
        office = actor(school, "sbrown")
        pro = next(p for p in school.professionals.list_professionals(office))
        heard.changes.clear()
        with school.db.session() as session:
            session.get(ProfessionalRow, pro.id).name = "Renamed Person"
        [changes] = heard.changes
        assert changes.ids("professionals") == {str(pro.id)} and not changes.remote and not changes.everything
        assert changes.origin == school.db.changes.origin

    def test_a_rolled_back_unit_of_work_announces_nothing(self, school):
        heard = Heard(school.db)
        pro = first_professional(school.db)
        with pytest.raises(RuntimeError), school.db.session() as session:
            session.get(ProfessionalRow, pro.id).name = "Never saved"
            session.flush()
            raise RuntimeError("changed my mind")
        with school.db.session() as session:  # a unit of work that writes nothing
            session.get(ProfessionalRow, pro.id)
        assert heard.changes == []

    def test_bulk_statements_name_the_table_with_ids_unknown(self, school):
        heard = Heard(school.db)
        with school.db.session() as session:
            session.execute(update(ProfessionalRow).where(ProfessionalRow.id < 0).values(name="x"))
        [changes] = heard.changes
        assert changes.ids("professionals") is None and changes.touches("professionals")

    def test_the_notification_stays_far_under_postgres_limit(self):
        many = Changes.of({table: range(10_000) for table in Base.metadata.tables}, origin="o")
        payload = many.payload()
        assert len(payload) < MAX_PAYLOAD
        back = Changes.from_payload(payload)
        assert back.remote and all(back.touches(t) for t in Base.metadata.tables)
        few = Changes.from_payload(Changes.of({"pupils": [3, 4]}, origin="o").payload())
        assert few.ids("pupils") == {"3", "4"} and few.origin == "o"


class TestOtherProcesses:
    def test_postgres_a_commit_on_one_pc_reaches_the_other_and_a_lost_listener_reconnects(
            self, pg_url, open_school, example_doc, pg_admin_engine):
        one = open_school(pg_url)
        one.dataset.load(example_doc)
        two = open_school(pg_url)
        listener = two.db.watch()
        assert listener.connected.wait(5)
        heard, own = Heard(two.db), Heard(one.db)
        pro = first_professional(one.db)
        with one.db.session() as session:
            session.get(ProfessionalRow, pro.id).name = "Changed on PC one"
        changes = heard.wait(2, lambda c: c.remote)
        assert changes.ids("professionals") == {str(pro.id)} and changes.origin == one.db.changes.origin
        assert [c.remote for c in own.changes] == [False]
        one_listener = one.db.watch()  # its own commits come back over LISTEN but are not announced twice
        assert one_listener.connected.wait(5)
        own.changes.clear()
        with one.db.session() as session:
            session.get(ProfessionalRow, pro.id).name = "Again"
        heard.wait(2, lambda c: c.remote and c.ids("professionals"))
        time.sleep(0.7)
        assert [c.remote for c in own.changes] == [False]

        old_pid = listener.backend_pid
        heard.changes.clear()
        with pg_admin_engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": old_pid})
        heard.wait(10, lambda c: c.everything)  # reconnected: anything may have changed meanwhile
        assert listener.backend_pid != old_pid and listener.reconnects == 1
        heard.changes.clear()
        with one.db.session() as session:
            session.get(ProfessionalRow, pro.id).name = "After the restart"
        assert heard.wait(2, lambda c: c.remote).ids("professionals") == {str(pro.id)}

    def test_sqlite_another_connection_commit_is_seen_and_own_commits_are_not_repeated(
            self, sqlite_url, open_school, example_doc):
        one = open_school(sqlite_url)
        one.dataset.load(example_doc)
        two = open_school(sqlite_url)
        watcher = two.db.watch()
        assert watcher._ready.wait(5)
        heard = Heard(two.db)
        pro = first_professional(one.db)
        with one.db.session() as session:
            session.get(ProfessionalRow, pro.id).name = "Changed by another process"
        assert heard.wait(3, lambda c: c.remote).everything
        heard.changes.clear()
        with two.db.session() as session:  # its own commit: announced once, as its own
            session.get(ProfessionalRow, pro.id).name = "Changed here"
        time.sleep(2.5)
        assert [c.remote for c in heard.changes] == [False]

    def test_stopping_closes_the_watchers(self, db_url, open_school):
        services = open_school(db_url)
        watcher = services.db.watch()
        services.close()
        watcher.thread.join(3)
        assert not watcher.thread.is_alive()

    @pytest.mark.postgres
    def test_the_listener_connects_with_the_urls_own_options(self, pg_url):
        from fairfields_desktop.store.database import open_database

        db = open_database(pg_url + "?connect_timeout=3&application_name=fairfields")
        try:
            assert db.watch().connected.wait(5)
        finally:
            db.dispose()
