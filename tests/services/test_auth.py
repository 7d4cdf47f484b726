"""Signing in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fairfields_desktop.domain.errors import NotAllowed
from fairfields_desktop.services.auth import WRONG_CREDENTIALS
from fairfields_desktop.services.passwords import hash_password, verify_password
from fairfields_desktop.store.models import UserRow


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
