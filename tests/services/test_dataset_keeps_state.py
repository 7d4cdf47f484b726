"""Moving a school with `dump` then `load` keeps who may sign in and who is on roll.

A deactivated user stays deactivated (they left: they must not sign in again), a reset user must still
choose a new password, a pupil who left stays left on the same date, an inactive professional stays
inactive. The optional keys that carry this are written only when they differ from the default, so the
example school's dump is as it always was. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from sqlalchemy import func, select, update

from fairfields_desktop.domain.dataset import validate_dataset
from fairfields_desktop.domain.errors import InvalidInput, NotAllowed
from fairfields_desktop.store.models import AuditRow, ProfessionalRow, PupilRow, UserRow

DEV = "X319700121005"
STATE_KEYS = {"users": ("active", "must_change_password"), "pupils": ("left_on",),
              "professionals": ("active",)}


def user_id(services, username: str) -> int:
    with services.db.read_session() as session:
        return session.scalar(select(UserRow.id).where(UserRow.username == username))


def but_the_load(dump: dict, trail: dict) -> dict:
    """``dump`` (of a school loaded from a dump with ``trail``'s audit trail) without that load's own entry."""
    assert [e["action"] for e in dump["audit_events"][len(trail["audit_events"]):]] == ["load"]
    return {**dump, "audit_events": dump["audit_events"][:len(trail["audit_events"])]}


def record(doc: dict, section: str, key: str, value: str) -> dict:
    return next(r for r in doc[section] if r[key] == value)


def change_state(services, actor) -> str:
    """Through the services: sbrown deactivated, ttaylor reset, Dev left; music-1 inactive (no service
    sets that yet). Returns ttaylor's temporary password."""
    admin = actor(services, "admin")
    services.users.set_active(admin, user_id(services, "sbrown"), False)
    temporary = services.users.reset_password(admin, user_id(services, "ttaylor"))
    head = actor(services, "hcarter")
    services.pupils.mark_left(head, services.pupils.id_of(head, DEV), date(2026, 11, 20))
    with services.db.session() as session:
        session.execute(update(ProfessionalRow).where(ProfessionalRow.ext_id == "music-1").values(active=False))
    return temporary


def assert_state_kept(services, actor, temporary: str) -> None:
    with pytest.raises(NotAllowed):
        services.auth.sign_in("sbrown", "demo-office-2026")
    admin = actor(services, "admin")
    users = {u.username: u for u in services.users.list_users(admin)}
    assert not users["sbrown"].active
    assert users["ttaylor"].active and users["ttaylor"].must_change_password
    assert [u for u, a in users.items() if not a.active or a.must_change_password] == ["sbrown", "ttaylor"]
    assert services.auth.sign_in("ttaylor", temporary).must_change_password
    assert not services.auth.sign_in("hcarter", "demo-head-2026").must_change_password

    head = actor(services, "hcarter")
    assert DEV not in {p.upn for p in services.pupils.list_pupils(head)}
    everyone = {p.upn: p for p in services.pupils.list_pupils(head, include_left=True)}
    assert everyone[DEV].left_on == date(2026, 11, 20)
    assert [upn for upn, p in everyone.items() if p.left_on is not None] == [DEV]

    professionals = {p.ext_id: p for p in services.professionals.list_professionals(head)}
    assert [ident for ident, p in professionals.items() if not p.active] == ["music-1"]


class TestAMoveKeepsTheState:
    def test_deactivated_reset_left_and_inactive_come_back_as_they_were(self, school, actor, open_school,
                                                                       tmp_path):
        temporary = change_state(school, actor)
        dump = school.dataset.dump(actor(school, "admin"))
        moved = open_school(f"sqlite:///{tmp_path / 'moved.sqlite3'}")
        moved.dataset.load(json.loads(json.dumps(dump)))  # as written to and read from a file
        assert_state_kept(moved, actor, temporary)
        assert but_the_load(moved.dataset.dump(actor(moved, "admin")), dump) == dump

    @pytest.mark.postgres
    def test_a_trial_on_sqlite_moves_to_the_shared_postgresql_server(self, open_school, sqlite_url, pg_url,
                                                                     example_doc, actor):
        trial = open_school(sqlite_url)
        trial.dataset.load(example_doc)
        temporary = change_state(trial, actor)
        dump = json.loads(json.dumps(trial.dataset.dump(actor(trial, "admin"))))
        server = open_school(pg_url)
        server.dataset.load(dump)
        assert_state_kept(server, actor, temporary)
        assert but_the_load(server.dataset.dump(actor(server, "admin")), dump) == dump

    def test_dump_writes_the_keys_only_where_they_differ_from_the_default(self, school, actor):
        change_state(school, actor)
        dump = school.dataset.dump(actor(school, "admin"))
        assert record(dump, "users", "username", "sbrown")["active"] is False
        assert "must_change_password" not in record(dump, "users", "username", "sbrown")
        assert record(dump, "users", "username", "ttaylor")["must_change_password"] is True
        assert "active" not in record(dump, "users", "username", "ttaylor")
        assert record(dump, "pupils", "upn", DEV)["left_on"] == "2026-11-20"
        assert record(dump, "professionals", "id", "music-1")["active"] is False
        written = {(section, key) for section, keys in STATE_KEYS.items()
                   for r in dump[section] for key in keys if key in r}
        assert written == {("users", "active"), ("users", "must_change_password"), ("pupils", "left_on"),
                           ("professionals", "active")}
        assert sum("active" in u or "must_change_password" in u for u in dump["users"]) == 2
        assert sum("left_on" in p for p in dump["pupils"]) == 1
        assert sum("active" in p for p in dump["professionals"]) == 1

    def test_back_to_the_defaults_the_keys_are_gone_again(self, school, actor):
        before = school.dataset.dump(actor(school, "admin"))
        change_state(school, actor)
        admin, head = actor(school, "admin"), actor(school, "hcarter")
        school.users.set_active(admin, user_id(school, "sbrown"), True)
        head_id = school.pupils.id_of(head, DEV)
        school.pupils.mark_left(head, head_id, None)
        with school.db.session() as session:
            session.execute(update(ProfessionalRow).values(active=True))
            session.execute(update(UserRow).values(must_change_password=False))
        after = school.dataset.dump(actor(school, "admin"))
        for doc in (before, after):
            doc.pop("audit_events")  # the changes are recorded, of course
            for section in ("users", "pupils", "professionals"):
                for item in doc[section]:
                    item.pop("row", None)  # the records' version counters moved on
            for user in doc["users"]:
                user.pop("password_hash")
        assert after == before


class TestTheExampleSchoolIsUnchanged:
    def test_its_dump_has_none_of_the_keys_and_round_trips(self, open_school, db_url, example_doc, actor,
                                                          tmp_path):
        first = open_school(db_url)
        first.dataset.load(example_doc)
        dump = first.dataset.dump(actor(first, "admin"))
        assert not any(key in r for section, keys in STATE_KEYS.items() for r in dump[section] for key in keys)
        second = open_school(f"sqlite:///{tmp_path / 'second.sqlite3'}")
        second.dataset.load(dump)
        assert but_the_load(second.dataset.dump(actor(second, "admin")), dump) == dump

    def test_the_defaults_written_out_load_as_if_left_out(self, open_school, sqlite_url, example_doc, actor):
        for user in example_doc["users"]:
            user.update(active=True, must_change_password=False)
        for pupil in example_doc["pupils"]:
            pupil["left_on"] = None
        for pro in example_doc["professionals"]:
            pro["active"] = True
        services = open_school(sqlite_url)
        services.dataset.load(example_doc)
        dump = services.dataset.dump(actor(services, "admin"))
        assert not any(key in r for section, keys in STATE_KEYS.items() for r in dump[section] for key in keys)

    def test_a_new_school_may_ask_a_user_to_change_the_password_it_was_given(self, open_school, sqlite_url,
                                                                             example_doc, actor):
        record(example_doc, "users", "username", "mokafor")["must_change_password"] = True
        services = open_school(sqlite_url)
        services.dataset.load(example_doc)
        assert actor(services, "mokafor").must_change_password
        assert not actor(services, "hcarter").must_change_password


class TestBadValuesAreRefused:
    @pytest.mark.parametrize(("section", "index", "key", "value", "words"), [
        ("pupils", 3, "left_on", "not a date", "'not a date' is not a date: write it as YYYY-MM-DD"),
        ("pupils", 0, "left_on", "20/11/2026", "is not a date: write it as YYYY-MM-DD"),
        ("pupils", 1, "left_on", "2026-02-30", "is not a date"),
        ("pupils", 2, "left_on", "2300-01-01", "out of range: give a date from 1900 to 2199"),
        ("pupils", 2, "left_on", 20261120, "is not a date"),
        ("users", 1, "active", "no", "must be true or false (found 'no'; false: the user can no longer sign in)"),
        ("users", 1, "active", 0, "must be true or false (found 0"),
        ("users", 1, "active", None, "must be true or false (found null"),
        ("users", 3, "must_change_password", "yes",
         "must be true or false (found 'yes'; true: they must choose a new password"),
        ("professionals", 2, "active", "false", "must be true or false (found 'false'; false: no longer works"),
    ])
    def test_the_problem_names_the_field_and_the_fix(self, example_doc, section, index, key, value, words):
        example_doc[section][index][key] = value
        problems = validate_dataset(example_doc)
        assert [p.where for p in problems] == [f"{section}[{index}].{key}"]
        assert words in problems[0].message

    def test_nothing_is_loaded(self, open_school, db_url, example_doc):
        example_doc["pupils"][3]["left_on"] = "not a date"
        example_doc["users"][1]["active"] = "no"
        services = open_school(db_url)
        with pytest.raises(InvalidInput) as refused:
            services.dataset.load(copy.deepcopy(example_doc))
        assert {str(p) for p in refused.value.problems} == {
            "pupils[3].left_on: 'not a date' is not a date: write it as YYYY-MM-DD",
            "users[1].active: must be true or false (found 'no'; false: the user can no longer sign in)",
        }
        assert services.dataset.is_empty()
        with services.db.read_session() as session:
            assert session.scalar(select(func.count()).select_from(AuditRow)) == 0
            assert session.scalar(select(func.count()).select_from(PupilRow)) == 0
