"""Signing in, and its protection: the lock after wrong passwords, no username guessing, own passwords."""

from __future__ import annotations

from datetime import datetime, timedelta
from threading import Barrier, Thread

import pytest
from sqlalchemy import select

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed
from fairfields_desktop.services.auth import WRONG_CREDENTIALS, WRONG_CURRENT_PASSWORD, AccountLocked
from fairfields_desktop.services.passwords import generate_password, hash_password, verify_password
from fairfields_desktop.store.models import AuditRow, UserRow


class TestSignIn:
    def test_a_teacher_signs_in_with_their_role_staff_record_and_class(self, school):
        actor = school.auth.sign_in("ttaylor", "demo-teacher-2026")
        assert actor.roles == frozenset({"teacher"})
        assert (actor.staff_name, actor.class_name) == ("Tom Taylor", "Oak")

    def test_the_admin_has_no_staff_record(self, school):
        actor = school.auth.sign_in("admin", "demo-admin-2026")
        assert actor.display_name == "admin" and actor.class_name is None

    def test_a_wrong_password_and_an_unknown_user_get_the_same_message(self, school):
        with pytest.raises(NotAllowed) as wrong:
            school.auth.sign_in("hcarter", "demo-head-2025")
        with pytest.raises(NotAllowed) as unknown:
            school.auth.sign_in("nobody", "demo-head-2026")
        assert str(wrong.value) == str(unknown.value) == WRONG_CREDENTIALS

    def test_the_username_is_trimmed_but_the_password_is_exact(self, school):
        assert school.auth.sign_in("  mokafor ", "demo-senco-2026").username == "mokafor"
        with pytest.raises(NotAllowed):
            school.auth.sign_in("mokafor", "demo-senco-2026 ")

    def test_passwords_are_stored_only_as_salted_hashes(self, school):
        with school.db.read_session() as session:
            hashes = session.scalars(select(UserRow.password_hash)).all()
        assert len(hashes) == 5 and len(set(hashes)) == 5
        assert not any("demo-" in h for h in hashes)


class TestPasswords:
    def test_the_same_password_hashes_differently_each_time_and_verifies(self):
        first, second = hash_password("correct horse"), hash_password("correct horse")
        assert first != second
        assert verify_password("correct horse", first) and verify_password("correct horse", second)
        assert not verify_password("correct horse!", first)

    def test_a_damaged_hash_never_verifies(self):
        assert not verify_password("x", "scrypt$not$a$hash")
        assert not verify_password("x", "")

    def test_a_generated_temporary_password_meets_the_rule_is_easy_to_read_and_differs_each_time(self):
        made = {generate_password() for _ in range(50)}
        assert len(made) == 50
        for password in made:
            assert len(password) >= 10 and not set(password) & set("01ilo")


# --- sign-in protection ------------------------------------------------------------------------------
TEN_TWENTY_SEVEN = datetime(2026, 11, 23, 10, 27)


class FrozenTime:
    """Sets every clock given to the same moment; ``advance`` moves them all on."""

    def __init__(self, *services) -> None:
        self.now = TEN_TWENTY_SEVEN
        for s in services:
            s.clock.now = lambda: self.now

    def advance(self, **delta: int) -> None:
        self.now += timedelta(**delta)


def wrong(services, username: str = "hcarter", times: int = 1) -> Exception:
    for _ in range(times):
        with pytest.raises(NotAllowed) as refused:
            services.auth.sign_in(username, "not-the-password")
    return refused.value


def user_row(services, username: str) -> UserRow:
    with services.db.read_session() as session:
        return session.scalar(select(UserRow).where(UserRow.username == username))


class TestLockAfterWrongPasswords:
    def test_five_wrong_passwords_in_a_row_lock_the_account_for_fifteen_minutes(self, school):
        FrozenTime(school)
        assert str(wrong(school, times=4)) == WRONG_CREDENTIALS
        fifth = wrong(school)
        assert isinstance(fifth, AccountLocked)
        assert str(fifth) == ("This account is locked after 5 wrong passwords: try again at 10:42, or ask an "
                              "administrator to reset the password.")

    def test_while_locked_even_the_right_password_is_refused_and_the_lock_is_not_extended(self, school):
        time = FrozenTime(school)
        wrong(school, times=5)
        time.advance(minutes=10)
        with pytest.raises(AccountLocked, match="try again at 10:42"):
            school.auth.sign_in("hcarter", "demo-head-2026")
        wrong(school)
        assert user_row(school, "hcarter").locked_until == datetime(2026, 11, 23, 10, 42)

    def test_after_fifteen_minutes_the_right_password_signs_in_and_the_count_starts_again(self, school):
        time = FrozenTime(school)
        wrong(school, times=5)
        time.advance(minutes=15)
        assert school.auth.sign_in("hcarter", "demo-head-2026").username == "hcarter"
        row = user_row(school, "hcarter")
        assert (row.failed_attempts, row.locked_until) == (0, None)

    def test_after_the_wait_a_wrong_password_starts_a_new_count_rather_than_locking_again(self, school):
        time = FrozenTime(school)
        wrong(school, times=5)
        time.advance(minutes=16)
        assert str(wrong(school)) == WRONG_CREDENTIALS
        assert user_row(school, "hcarter").failed_attempts == 1

    def test_a_right_password_resets_the_count(self, school):
        FrozenTime(school)
        wrong(school, times=4)
        school.auth.sign_in("hcarter", "demo-head-2026")
        assert str(wrong(school, times=4)) == WRONG_CREDENTIALS
        assert school.auth.sign_in("hcarter", "demo-head-2026").username == "hcarter"

    def test_one_account_locked_leaves_the_others_alone(self, school):
        FrozenTime(school)
        wrong(school, times=5)
        assert school.auth.sign_in("mokafor", "demo-senco-2026").username == "mokafor"

    def test_the_lock_holds_across_two_pcs_sharing_the_database(self, school, open_school, db_url):
        other_pc = open_school(db_url)
        FrozenTime(school, other_pc)
        wrong(school, times=3)
        wrong(other_pc, times=2)
        with pytest.raises(AccountLocked, match="10:42"):
            school.auth.sign_in("hcarter", "demo-head-2026")
        with pytest.raises(AccountLocked, match="10:42"):
            other_pc.auth.sign_in("hcarter", "demo-head-2026")

    def test_wrong_passwords_at_the_same_moment_on_five_pcs_are_all_counted(self, school, open_school, db_url):
        pcs = [open_school(db_url) for _ in range(5)]
        FrozenTime(*pcs)
        start = Barrier(len(pcs))
        errors: list[Exception] = []

        def attempt(pc) -> None:
            start.wait()
            try:
                pc.auth.sign_in("hcarter", "not-the-password")
            except NotAllowed as exc:
                errors.append(exc)

        threads = [Thread(target=attempt, args=(pc,)) for pc in pcs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(errors) == 5
        row = user_row(school, "hcarter")
        assert row.failed_attempts == 5 and row.locked_until == datetime(2026, 11, 23, 10, 42)

    def test_the_lock_is_audited_without_any_password(self, school):
        FrozenTime(school)
        wrong(school, times=5)
        with school.db.read_session() as session:
            entry = session.scalars(select(AuditRow).where(AuditRow.action == "lock")).one()
        assert (entry.username, entry.entity, entry.entity_id) == ("hcarter", "user", "hcarter")
        assert "not-the-password" not in f"{entry.before} {entry.after} {entry.note}"

    def test_counting_wrong_passwords_does_not_make_an_open_record_stale(self, school):
        version = user_row(school, "hcarter").version
        wrong(school, times=2)
        assert user_row(school, "hcarter").version == version


class TestNoUsernameGuessing:
    def test_an_unknown_username_is_locked_after_five_tries_just_like_a_real_one(self, school):
        FrozenTime(school)
        assert str(wrong(school, "nobody", times=4)) == WRONG_CREDENTIALS
        fifth = wrong(school, "nobody")
        assert isinstance(fifth, AccountLocked) and str(fifth) == str(wrong(school, "hcarter", times=5))

    def test_an_unknown_username_is_checked_against_a_hash_like_a_known_one(self, school, monkeypatch):
        import fairfields_desktop.services.auth as auth

        checked: list[str] = []
        real = auth.verify_password
        monkeypatch.setattr(auth, "verify_password", lambda p, h: checked.append(h) or real(p, h))
        wrong(school, "hcarter")
        wrong(school, "nobody")
        assert len(checked) == 2 and all(h.startswith("scrypt$") for h in checked)
        assert checked[0].split("$")[1:4] == checked[1].split("$")[1:4]  # the same cost

    def test_a_deactivated_user_gets_the_wrong_password_message(self, school):
        with school.db.session() as session:
            session.scalar(select(UserRow).where(UserRow.username == "sbrown")).active = False
        with pytest.raises(NotAllowed) as refused:
            school.auth.sign_in("sbrown", "demo-office-2026")
        assert str(refused.value) == WRONG_CREDENTIALS


class TestChangingOwnPassword:
    def test_the_new_password_signs_in_and_the_old_one_no_longer_does(self, school, actor):
        me = actor(school, "ttaylor")
        changed = school.auth.change_own_password(me, "demo-teacher-2026", "a new long password", "a new long password")
        assert changed.username == "ttaylor" and not changed.must_change_password
        assert school.auth.sign_in("ttaylor", "a new long password").username == "ttaylor"
        with pytest.raises(NotAllowed):
            school.auth.sign_in("ttaylor", "demo-teacher-2026")

    def test_the_rule_the_repeat_and_a_change_are_checked_before_anything_else(self, school, actor):
        me = actor(school, "ttaylor")
        with pytest.raises(InvalidInput) as short:
            school.auth.change_own_password(me, "demo-teacher-2026", "short", "shorter")
        assert {p.where for p in short.value.problems} == {"new_password", "repeat_password"}
        with pytest.raises(InvalidInput, match="the password must not be the username"):
            school.auth.change_own_password(me, "demo-teacher-2026", "TTaylor", "TTaylor")
        with pytest.raises(InvalidInput, match="different from the current one"):
            school.auth.change_own_password(me, "demo-teacher-2026", "demo-teacher-2026")
        assert user_row(school, "ttaylor").failed_attempts == 0

    def test_a_wrong_current_password_is_refused_and_counts_towards_the_lock(self, school, actor):
        FrozenTime(school)
        me = actor(school, "ttaylor")
        with pytest.raises(NotAllowed) as refused:
            school.auth.change_own_password(me, "not my password", "a new long password")
        assert str(refused.value) == WRONG_CURRENT_PASSWORD
        wrong(school, "ttaylor", times=3)
        with pytest.raises(AccountLocked):
            school.auth.change_own_password(me, "still not it", "a new long password")
        with pytest.raises(AccountLocked):
            school.auth.sign_in("ttaylor", "demo-teacher-2026")

    def test_the_change_is_audited_without_the_password_or_its_hash(self, school, actor):
        school.auth.change_own_password(actor(school, "ttaylor"), "demo-teacher-2026", "a new long password")
        with school.db.read_session() as session:
            entry = session.scalars(select(AuditRow).where(AuditRow.action == "change_password")).one()
        text = f"{entry.before} {entry.after} {entry.note}"
        assert entry.username == "ttaylor" and "long password" not in text and "scrypt" not in text
