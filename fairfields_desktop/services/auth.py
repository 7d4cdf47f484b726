"""Signing in: a username and password give an Actor, or one message that does not say which was wrong.

Sign-in protection: after ``MAX_FAILED_ATTEMPTS`` wrong passwords in a row an account is locked for
``LOCK_MINUTES`` minutes (the count and the lock are in the users table, so they hold across PCs); a
right password resets the count. An unknown or inactive username is checked against a dummy hash, so it
takes as long as a known one, gets the same message, and is "locked" the same way after as many tries
(remembered by this process only: there is no row to count in).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import replace
from datetime import datetime

from sqlalchemy import and_, case, select, update
from sqlalchemy.orm import selectinload

from ..domain.errors import InvalidInput, NotAllowed, Problem
from ..domain.passwords import LOCK_PERIOD, MAX_FAILED_ATTEMPTS, lock_after, locked_message, password_problems
from ..store.database import Database
from ..store.models import StaffRow, UserRow
from . import audit, guard
from .context import Actor, Clock
from .passwords import hash_password, verify_password

log = logging.getLogger(__name__)

WRONG_CREDENTIALS = "The username or password is not right. Check them and try again."
WRONG_CURRENT_PASSWORD = "The current password is not right: the password was not changed."

# A hash to check against when the user is unknown, so both answers take the same time.
_DUMMY_HASH: str | None = None

#: how many unknown usernames this process remembers failed tries for (the oldest are forgotten)
_UNKNOWN_REMEMBERED = 1000


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not a real password")
    return _DUMMY_HASH


class AccountLocked(NotAllowed):
    """Too many wrong passwords in a row: the account waits until ``until`` (exit 5)."""

    def __init__(self, until: datetime) -> None:
        super().__init__(locked_message(until))
        self.until = until


class AuthService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._unknown: OrderedDict[str, tuple[int, datetime | None]] = OrderedDict()
        self._unknown_guard = threading.Lock()

    def sign_in(self, username: str, password: str) -> Actor:
        """The actor for ``username`` if ``password`` is theirs and the account is not locked.

        Raises AccountLocked while locked (even for the right password), else NotAllowed with one
        message for an unknown user and for a wrong password."""
        username = (username or "").strip()
        password = password or ""
        now = self.clock.now()
        with self.db.read_session() as session:
            user = session.scalar(
                select(UserRow).where(UserRow.username == username)
                .options(selectinload(UserRow.staff).selectinload(StaffRow.klass))
            )
            if user is None or not user.active:
                found = None
            else:
                found = (user.id, user.password_hash, user.failed_attempts, user.locked_until, _actor(user))
        if found is None:
            verify_password(password, _dummy_hash())
            log.info("sign-in refused (unknown or inactive user)")
            self._unknown_failed(username, now)
        user_id, stored, failed, locked_until, actor = found  # type: ignore[misc]
        right = verify_password(password, stored)
        if locked_until is not None and locked_until > now:
            log.info("sign-in refused for user id %s: locked until %s", user_id, locked_until)
            raise AccountLocked(locked_until)
        if not right:
            until = self._record_failure(user_id, username, now)
            log.info("sign-in refused for user id %s", user_id)
            if until is not None:
                raise AccountLocked(until)
            raise NotAllowed(WRONG_CREDENTIALS)
        if failed or locked_until is not None:
            with self.db.session() as session:
                session.execute(update(UserRow).where(UserRow.id == user_id)
                                .values(failed_attempts=0, locked_until=None)
                                .execution_options(synchronize_session=False))
        log.info("user id %s signed in", user_id)
        return actor

    def change_own_password(self, actor: Actor, current: str, new: str, repeated: str | None = None) -> Actor:
        """The signed-in person chooses a new password; returns the actor, no longer asked to change it.

        ``current`` is checked like a sign-in (a wrong one counts towards the lock)."""
        problems = password_problems(actor.username, new, "new_password")
        if repeated is not None and repeated != new:
            problems.append(Problem("repeat_password", "the two new passwords differ: type the same one twice"))
        if not problems and new == current:
            problems.append(Problem("new_password", "choose a password different from the current one"))
        if problems:
            raise InvalidInput(problems)
        try:
            self.sign_in(actor.username, current)
        except AccountLocked:
            raise
        except NotAllowed:
            raise NotAllowed(WRONG_CURRENT_PASSWORD) from None
        hashed = hash_password(new)  # before the write transaction: it takes a while
        with self.db.session() as session:
            # locked and counted as a change (guard): an administrator's reset at the same moment waits
            row = guard.root(session, UserRow, session.scalar(select(UserRow.id).where(
                UserRow.username == actor.username)))
            if row is None or not row.active:  # deactivated in the moment since: as a wrong password
                raise NotAllowed(WRONG_CURRENT_PASSWORD)
            was_temporary = row.must_change_password
            row.password_hash = hashed
            row.must_change_password = False
            row.failed_attempts = 0
            row.locked_until = None
            audit.record(session, actor, self.clock, "change_password", "user", row.username,
                         note="chose their own password after a reset" if was_temporary
                         else "changed their own password")
        log.info("user %s changed their password", actor.username)
        return replace(actor, must_change_password=False)

    # --- the count of wrong passwords ---------------------------------------------------------
    def _record_failure(self, user_id: int, username: str, now: datetime) -> datetime | None:
        """Count one wrong password in the database (atomically); the lock's end if it is now locked."""
        expired = and_(UserRow.locked_until.is_not(None), UserRow.locked_until <= now)
        count = case((expired, 1), else_=UserRow.failed_attempts + 1)
        with self.db.session() as session:
            session.execute(
                update(UserRow).where(UserRow.id == user_id)
                .values(failed_attempts=count,
                        locked_until=case((count >= MAX_FAILED_ATTEMPTS, now + LOCK_PERIOD),
                                          (expired, None), else_=UserRow.locked_until))
                .execution_options(synchronize_session=False))
            failed, until = session.execute(select(UserRow.failed_attempts, UserRow.locked_until)
                                            .where(UserRow.id == user_id)).one()
            if failed == MAX_FAILED_ATTEMPTS and until is not None:
                audit.record(session, Actor(username=username, roles=frozenset()), self.clock, "lock", "user",
                             username, after={"locked_until": until},
                             note=f"{MAX_FAILED_ATTEMPTS} wrong passwords in a row")
        return until if until is not None and until > now else None

    def _unknown_failed(self, username: str, now: datetime) -> None:
        """An unknown username behaves like a known one with a wrong password, lock included."""
        key = username.casefold()
        with self._unknown_guard:
            failed, until = self._unknown.pop(key, (0, None))
            if until is not None and until > now:
                self._unknown[key] = (failed, until)
                raise AccountLocked(until)
            failed = 1 if until is not None else failed + 1
            until = lock_after(failed, now)
            self._unknown[key] = (failed, until)
            while len(self._unknown) > _UNKNOWN_REMEMBERED:
                self._unknown.popitem(last=False)
        if until is not None:
            raise AccountLocked(until)
        raise NotAllowed(WRONG_CREDENTIALS)


def _actor(user: UserRow) -> Actor:
    staff = user.staff
    return Actor(
        username=user.username,
        roles=frozenset(r for r in user.roles.split(",") if r),
        staff_id=staff.ext_id if staff else None,
        staff_name=staff.name if staff else None,
        class_name=staff.klass.name if staff and staff.klass else None,
        must_change_password=user.must_change_password,
    )
