"""The password rule and the lock after wrong passwords (pure rules)."""

from __future__ import annotations

from datetime import datetime

import pytest

from fairfields_desktop.domain.passwords import (
    LOCK_MINUTES,
    MAX_FAILED_ATTEMPTS,
    MIN_LENGTH,
    lock_after,
    locked_message,
    password_problems,
)


class TestPasswordRule:
    @pytest.mark.parametrize("password", ["correct horse", "0123456789", "ten chars!", "ümlaut-pässwörd"])
    def test_ten_characters_or_more_that_are_not_the_username_are_accepted(self, password):
        assert password_problems("jsmith", password) == []

    @pytest.mark.parametrize("password", ["", "a", "nine char"])
    def test_fewer_than_ten_characters_are_refused_saying_how_many_it_has(self, password):
        problems = password_problems("jsmith", password)
        assert len(problems) == 1 and problems[0].where == "password"
        assert f"at least {MIN_LENGTH} characters" in problems[0].message
        assert ("it is empty" if not password else f"it has {len(password)}") in problems[0].message

    @pytest.mark.parametrize("password", ["hcarter-head", "HCARTER-HEAD", "Hcarter-Head", " hcarter-head "])
    def test_the_username_in_any_case_is_refused(self, password):
        problems = password_problems("hcarter-head", password)
        assert [p.message for p in problems] == ["the password must not be the username"]

    def test_a_short_username_as_password_gets_both_problems(self):
        assert len(password_problems("admin", "Admin")) == 2

    def test_the_username_reversed_or_with_digits_is_not_refused(self):
        assert password_problems("jsmithjsmith", "htimsjhtimsj") == []
        assert password_problems("jsmithjsmith", "jsmithjsmith1") == []

    def test_the_problem_names_the_field_it_is_given(self):
        assert password_problems("jsmith", "short", "new_password")[0].where == "new_password"


class TestLock:
    def test_five_wrong_passwords_lock_for_fifteen_minutes(self):
        now = datetime(2026, 11, 23, 10, 27)
        assert (MAX_FAILED_ATTEMPTS, LOCK_MINUTES) == (5, 15)
        assert lock_after(4, now) is None
        assert lock_after(5, now) == datetime(2026, 11, 23, 10, 42)

    def test_the_message_says_until_when_and_what_else_to_do(self):
        assert locked_message(datetime(2026, 11, 23, 10, 42)) == (
            "This account is locked after 5 wrong passwords: try again at 10:42, or ask an administrator to "
            "reset the password.")
