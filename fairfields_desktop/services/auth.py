"""Signing in: a username and password give an Actor, or one message that does not say which was wrong."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.errors import NotAllowed
from ..store.database import Database
from ..store.models import StaffRow, UserRow
from .context import Actor, Clock
from .passwords import hash_password, verify_password

log = logging.getLogger(__name__)

WRONG_CREDENTIALS = "The username or password is not right. Check them and try again."

# A hash to check against when the user is unknown, so both answers take the same time.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not a real password")
    return _DUMMY_HASH


class AuthService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def sign_in(self, username: str, password: str) -> Actor:
        username = (username or "").strip()
        with self.db.read_session() as session:
            user = session.scalar(
                select(UserRow).where(UserRow.username == username)
                .options(selectinload(UserRow.staff).selectinload(StaffRow.klass))
            )
            if user is None or not user.active:
                verify_password(password or "", _dummy_hash())
                log.info("sign-in refused (unknown or inactive user)")
                raise NotAllowed(WRONG_CREDENTIALS)
            if not verify_password(password or "", user.password_hash):
                log.info("sign-in refused for user id %s", user.id)
                raise NotAllowed(WRONG_CREDENTIALS)
            log.info("user id %s signed in", user.id)
            return _actor(user)


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
