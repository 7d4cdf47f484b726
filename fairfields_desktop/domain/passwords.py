"""The rules for passwords and for sign-in protection (pure: no hashing, no database).

A password is at least ``MIN_LENGTH`` characters and is not the username (whatever its case). After
``MAX_FAILED_ATTEMPTS`` wrong passwords in a row an account waits ``LOCK_MINUTES`` minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .errors import Problem

MIN_LENGTH = 10
MAX_FAILED_ATTEMPTS = 5
LOCK_MINUTES = 15
LOCK_PERIOD = timedelta(minutes=LOCK_MINUTES)

RULE_TEXT = f"at least {MIN_LENGTH} characters, and not your username"


def password_problems(username: str, password: str, where: str = "password") -> list[Problem]:
    """Every way ``password`` breaks the rule for the account ``username`` (empty: it is acceptable)."""
    password = password or ""
    problems = []
    if len(password) < MIN_LENGTH:
        have = "it is empty" if not password else f"it has {len(password)}"
        problems.append(Problem(where, f"use at least {MIN_LENGTH} characters ({have}): a few words "
                                       "together are easy to remember"))
    name = (username or "").strip().casefold()
    if name and password.strip().casefold() == name:
        problems.append(Problem(where, "the password must not be the username"))
    return problems


def locked_message(until: datetime) -> str:
    """What a locked account is told: why, until when, and what else to do."""
    return (f"This account is locked after {MAX_FAILED_ATTEMPTS} wrong passwords: try again at "
            f"{until:%H:%M}, or ask an administrator to reset the password.")


def lock_after(failed_attempts: int, now: datetime) -> datetime | None:
    """When an account with ``failed_attempts`` wrong passwords in a row is locked until (None: not locked)."""
    return now + LOCK_PERIOD if failed_attempts >= MAX_FAILED_ATTEMPTS else None
