"""Each table names the kind of record the screens speak of; who last changed a record, in words."""

from __future__ import annotations

from fairfields_desktop.services.changes import ALL_KINDS, KINDS, kinds_of
from fairfields_desktop.store.changes import Changes
from fairfields_desktop.store.models import Base


class TestKinds:
    def test_every_table_has_a_kind(self):
        missing = sorted(set(Base.metadata.tables) - set(KINDS))
        assert missing == [], f"tables with no kind in services/changes.py KINDS: {missing}"
        assert not set(KINDS) - set(Base.metadata.tables)  # nor a kind for a table that is gone

    def test_kinds_of_a_change(self):
        assert kinds_of(Changes.of({"contacts": [1], "audit_events": [9]})) == {"pupils", "audit"}
        assert kinds_of(Changes.of({}, everything=True)) == ALL_KINDS


class TestLastChange:
    def test_who_and_when_from_the_audit_trail(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        pro = next(p for p in sqlite_school.professionals.list_professionals(office) if p.ext_id == "ind-ot-1")
        values = sqlite_school.professionals.values(office, pro.id)
        values["phone"] = "07700 900555"
        sqlite_school.professionals.save(office, values, pro.id, values.pop("version"))
        said = sqlite_school.changes.last_change("professional", pro.ext_id)
        assert said.startswith("Sarah Brown at "), said
        assert sqlite_school.changes.last_change("professional", "nobody-1") == "someone else"
