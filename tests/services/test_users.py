"""The administrator's users: list, create, roles, deactivate, unlock, reset; and the first administrator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed, Refused, StaleRecord
from fairfields_desktop.services.auth import WRONG_CREDENTIALS, AccountLocked
from fairfields_desktop.store.models import AuditRow, StaffRow, UserRow

#: most of these rules are the same on both databases; those that touch SQL differences run on both
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def admin(school, actor):
    return actor(school, "admin")


def user_id(services, username: str) -> int:
    with services.db.read_session() as session:
        return session.scalar(select(UserRow.id).where(UserRow.username == username))


def add_staff(services, ext_id: str, name: str) -> None:
    with services.db.session() as session:
        session.add(StaffRow(ext_id=ext_id, name=name, role="Teaching assistant"))


def audit_text(services) -> str:
    with services.db.read_session() as session:
        return " ".join(f"{a.action} {a.before} {a.after} {a.note}" for a in session.scalars(select(AuditRow)))


class TestList:
    @SQLITE_ONLY
    def test_the_admin_sees_every_user_with_staff_roles_and_state(self, school, admin):
        users = {u.username: u for u in school.users.list_users(admin)}
        assert sorted(users) == ["admin", "hcarter", "mokafor", "sbrown", "ttaylor"]
        assert (users["ttaylor"].staff_name, users["ttaylor"].roles) == ("Tom Taylor", ("teacher",))
        assert users["admin"].staff_name is None
        assert all(u.active and u.locked_until is None and not u.must_change_password for u in users.values())
        assert not any(hasattr(u, "password_hash") for u in users.values())

    def test_a_lock_shows_until_when(self, school, admin):
        for _ in range(5):
            with pytest.raises(NotAllowed):
                school.auth.sign_in("sbrown", "not-the-password")
        sbrown = next(u for u in school.users.list_users(admin) if u.username == "sbrown")
        assert sbrown.locked_until is not None and sbrown.failed_attempts == 5

    @SQLITE_ONLY
    @pytest.mark.parametrize("username", ["hcarter", "mokafor", "sbrown", "ttaylor"])
    def test_only_an_administrator_manages_users(self, school, actor, username):
        someone = actor(school, username)
        for attempt in (lambda: school.users.list_users(someone),
                        lambda: school.users.create_user(someone, {"username": "x", "roles": ["admin"]}),
                        lambda: school.users.set_roles(someone, 1, ["admin"]),
                        lambda: school.users.set_active(someone, 1, False),
                        lambda: school.users.unlock(someone, 1),
                        lambda: school.users.reset_password(someone, 1)):
            with pytest.raises(NotAllowed, match="users.manage"):
                attempt()


class TestCreate:
    def test_a_new_user_for_a_member_of_staff_changes_the_typed_password_at_first_sign_in(self, school, admin):
        add_staff(school, "jbloggs", "Jo Bloggs")
        assert "Jo Bloggs" in [s.name for s in school.users.staff_without_account(admin)]
        assert "Tom Taylor" not in [s.name for s in school.users.staff_without_account(admin)]
        account, generated = school.users.create_user(admin, {"username": " JBloggs ", "staff": "jbloggs",
                                                              "roles": ["teacher", "senco"],
                                                              "password": "given by hand"})
        assert generated is None
        assert (account.username, account.staff_name, account.roles) == ("jbloggs", "Jo Bloggs", ("senco", "teacher"))
        assert account.must_change_password
        signed_in = school.auth.sign_in("jbloggs", "given by hand")
        assert signed_in.must_change_password and signed_in.staff_name == "Jo Bloggs"
        school.auth.change_own_password(signed_in, "given by hand", "my very own password")
        assert not school.auth.sign_in("jbloggs", "my very own password").must_change_password
        assert "Jo Bloggs" not in [s.name for s in school.users.staff_without_account(admin)]

    @SQLITE_ONLY
    def test_a_generated_password_is_returned_once_and_works(self, school, admin):
        account, generated = school.users.create_user(admin, {"username": "itsupport", "staff": None,
                                                              "roles": ["admin"], "password": ""})
        assert generated is not None and len(generated) >= 10
        assert school.auth.sign_in("itsupport", generated).must_change_password
        assert generated not in audit_text(school)

    @SQLITE_ONLY
    def test_every_problem_is_reported_at_once_and_nothing_is_created(self, school, admin):
        with pytest.raises(InvalidInput) as refused:
            school.users.create_user(admin, {"username": "Has Space", "staff": "nobody-here",
                                             "roles": [], "password": "short"})
        where = sorted(p.where for p in refused.value.problems)
        assert where == ["password", "roles", "staff", "username"]
        assert len(school.users.list_users(admin)) == 5

    def test_a_username_in_use_in_any_case_or_a_member_of_staff_with_an_account_is_refused(self, school, admin):
        with pytest.raises(InvalidInput) as refused:
            school.users.create_user(admin, {"username": "HCarter", "staff": "mokafor", "roles": ["senco"],
                                             "password": "long enough now"})
        messages = {p.where: p.message for p in refused.value.problems}
        assert "already a user" in messages["username"]
        assert messages["staff"] == "Michael Okafor already uses the app as mokafor"

    @SQLITE_ONLY
    def test_the_password_may_not_be_the_username_and_a_role_must_be_known(self, school, admin):
        with pytest.raises(InvalidInput) as refused:
            school.users.create_user(admin, {"username": "longusername", "roles": ["caretaker"],
                                             "password": "LongUserName"})
        assert [p.where for p in refused.value.problems] == ["roles", "password"]

    @SQLITE_ONLY
    def test_creating_is_audited_without_the_password_or_its_hash(self, school, admin):
        school.users.create_user(admin, {"username": "jbloggs", "roles": ["office"], "password": "given by hand"})
        with school.db.read_session() as session:
            entry = session.scalars(select(AuditRow)
                                    .where(AuditRow.entity == "user", AuditRow.action == "create")).one()
        assert entry.username == "admin" and entry.after["roles"] == ["office"]
        assert "given by hand" not in audit_text(school) and "scrypt" not in audit_text(school)


class TestChange:
    @SQLITE_ONLY
    def test_roles_are_changed_and_audited(self, school, admin):
        account = school.users.set_roles(admin, user_id(school, "sbrown"), ["office", "admin"])
        assert account.roles == ("office", "admin")
        assert school.auth.sign_in("sbrown", "demo-office-2026").roles == frozenset({"office", "admin"})
        with school.db.read_session() as session:
            entry = session.scalars(select(AuditRow).where(AuditRow.entity_id == "sbrown")).one()
        assert (entry.before, entry.after) == ({"roles": ["office"]}, {"roles": ["office", "admin"]})

    @SQLITE_ONLY
    def test_an_administrator_cannot_take_their_own_admin_role_or_deactivate_themselves(self, school, admin):
        me = user_id(school, "admin")
        with pytest.raises(Refused, match="Administrator from yourself"):
            school.users.set_roles(admin, me, ["office"])
        with pytest.raises(Refused, match="deactivate yourself"):
            school.users.set_active(admin, me, False)

    def test_a_change_over_someone_elses_is_refused_as_stale(self, school, admin):
        opened = next(u for u in school.users.list_users(admin) if u.username == "sbrown")
        school.users.set_roles(admin, opened.id, ["office", "teacher"], opened.version)
        with pytest.raises(StaleRecord, match="sbrown's account was changed"):
            school.users.set_active(admin, opened.id, False, opened.version)

    @SQLITE_ONLY
    def test_a_deactivated_user_cannot_sign_in_is_kept_and_can_be_reactivated(self, school, admin):
        sbrown = user_id(school, "sbrown")
        assert not school.users.set_active(admin, sbrown, False).active
        with pytest.raises(NotAllowed) as refused:
            school.auth.sign_in("sbrown", "demo-office-2026")
        assert str(refused.value) == WRONG_CREDENTIALS
        assert "sbrown" in [u.username for u in school.users.list_users(admin)]
        school.users.set_active(admin, sbrown, True)
        assert school.auth.sign_in("sbrown", "demo-office-2026").username == "sbrown"

    def test_unlocking_lets_a_locked_user_sign_in_at_once(self, school, admin):
        for _ in range(5):
            with pytest.raises(NotAllowed):
                school.auth.sign_in("ttaylor", "not-the-password")
        with pytest.raises(AccountLocked):
            school.auth.sign_in("ttaylor", "demo-teacher-2026")
        account = school.users.unlock(admin, user_id(school, "ttaylor"))
        assert account.locked_until is None and account.failed_attempts == 0
        assert school.auth.sign_in("ttaylor", "demo-teacher-2026").username == "ttaylor"
        assert "unlock" in audit_text(school)


class TestResetPassword:
    @SQLITE_ONLY
    def test_a_typed_temporary_password_replaces_the_old_one_and_must_be_changed(self, school, admin):
        assert school.users.reset_password(admin, user_id(school, "mokafor"), "temporary-123") is None
        with pytest.raises(NotAllowed):
            school.auth.sign_in("mokafor", "demo-senco-2026")
        assert school.auth.sign_in("mokafor", "temporary-123").must_change_password

    def test_a_generated_one_is_returned_and_a_reset_also_unlocks(self, school, admin):
        for _ in range(5):
            with pytest.raises(NotAllowed):
                school.auth.sign_in("mokafor", "not-the-password")
        generated = school.users.reset_password(admin, user_id(school, "mokafor"))
        assert school.auth.sign_in("mokafor", generated).must_change_password
        assert generated not in audit_text(school) and "scrypt" not in audit_text(school)

    @SQLITE_ONLY
    def test_a_typed_one_follows_the_rule(self, school, admin):
        with pytest.raises(InvalidInput, match="at least 10 characters"):
            school.users.reset_password(admin, user_id(school, "mokafor"), "short")
        with pytest.raises(InvalidInput, match="not be the username"):
            school.users.reset_password(admin, user_id(school, "mokafor"), "MOKAFOR")
        assert school.auth.sign_in("mokafor", "demo-senco-2026").username == "mokafor"


class TestFirstAdministrator:
    @pytest.fixture
    def no_users(self, open_school, db_url, example_doc):
        example_doc["users"] = []
        services = open_school(db_url)
        services.dataset.load(example_doc)
        return services

    def test_a_school_without_users_gets_its_first_administrator_signed_in_at_once(self, no_users):
        assert not no_users.users.has_users()
        me = no_users.users.create_first_admin(" JSmith ", "Jo  Smith", "a long password", "a long password")
        assert (me.username, me.roles, me.display_name) == ("jsmith", frozenset({"admin"}), "Jo Smith")
        assert no_users.users.has_users()
        assert no_users.auth.sign_in("jsmith", "a long password").staff_name == "Jo Smith"
        assert "a long password" not in audit_text(no_users)

    @SQLITE_ONLY
    def test_a_member_of_staff_with_that_name_is_linked_not_copied(self, no_users):
        me = no_users.users.create_first_admin("head", "helen carter", "a long password")
        assert me.staff_id == "hcarter"
        with no_users.db.read_session() as session:
            assert session.query(StaffRow).filter(StaffRow.name == "Helen Carter").count() == 1

    def test_only_the_first_one_is_made_this_way(self, no_users):
        no_users.users.create_first_admin("jsmith", "Jo Smith", "a long password")
        with pytest.raises(Refused, match="has users already"):
            no_users.users.create_first_admin("intruder", "In Truder", "another long one")

    @SQLITE_ONLY
    def test_the_rule_and_the_repeat_are_checked(self, no_users):
        with pytest.raises(InvalidInput) as refused:
            no_users.users.create_first_admin("jsmith", "", "jsmith", "JSMITH")
        assert sorted(p.where for p in refused.value.problems) == ["name", "password", "password", "repeat_password"]
        assert not no_users.users.has_users()

    @SQLITE_ONLY
    def test_a_username_that_is_another_staff_members_id_is_refused(self, no_users):
        with pytest.raises(InvalidInput, match="staff id of Helen Carter"):
            no_users.users.create_first_admin("hcarter", "Jo Smith", "a long password")

    @SQLITE_ONLY
    def test_a_database_holding_a_school_with_users_refuses(self, school):
        with pytest.raises(Refused):
            school.users.create_first_admin("jsmith", "Jo Smith", "a long password")

    @SQLITE_ONLY
    def test_an_empty_database_refuses(self, open_school, db_url):
        with pytest.raises(Refused, match="no school yet"):
            open_school(db_url).users.create_first_admin("jsmith", "Jo Smith", "a long password")
