"""Who may use the app: the administrator's list of users, and the first administrator of a new school.

Users are never deleted, only deactivated (the audit trail names them). Every change is audited,
never with a password or its hash. A created or reset account gets a temporary password (typed by the
administrator or generated and shown once) that its owner must change at their next sign-in.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..domain.errors import InvalidInput, NotFound, Problem, Refused
from ..domain.passwords import password_problems
from ..domain.permissions import require
from ..domain.school import ROLE_LABELS, ROLES
from ..store.database import Database
from ..store.dataset_io import is_empty
from ..store.models import SchoolSettingsRow, StaffRow, UserRow
from . import audit, guard
from .context import Actor, Clock
from .passwords import generate_password, hash_password

log = logging.getLogger(__name__)

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,59}")
USERNAME_HINT = "use lower-case letters, digits, dots, dashes or underscores (e.g. jsmith), at most 60"


@dataclass(frozen=True)
class UserAccount:
    """One user as the administrator sees them (no password, no hash)."""

    id: int
    username: str
    staff_id: str | None
    staff_name: str | None
    roles: tuple[str, ...]
    active: bool
    locked_until: datetime | None  # only while the lock holds
    failed_attempts: int
    must_change_password: bool
    version: int


@dataclass(frozen=True)
class StaffChoice:
    ext_id: str
    name: str
    role: str


class UserService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- reading --------------------------------------------------------------------------------
    def list_users(self, actor: Actor) -> list[UserAccount]:
        require(actor.roles, "users.manage", who=actor.username)
        now = self.clock.now()
        with self.db.read_session() as session:
            rows = session.scalars(select(UserRow).options(selectinload(UserRow.staff)).order_by(UserRow.username))
            return [_account(r, now) for r in rows]

    def get(self, actor: Actor, user_id: int) -> UserAccount:
        require(actor.roles, "users.manage", who=actor.username)
        with self.db.read_session() as session:
            return _account(_row(session, user_id), self.clock.now())

    def staff_without_account(self, actor: Actor) -> list[StaffChoice]:
        """The members of staff who do not use the app yet (a new user is one of them, or nobody)."""
        require(actor.roles, "users.manage", who=actor.username)
        with self.db.read_session() as session:
            taken = select(UserRow.staff_id).where(UserRow.staff_id.is_not(None))
            rows = session.scalars(select(StaffRow).where(StaffRow.id.not_in(taken)).order_by(StaffRow.name))
            return [StaffChoice(r.ext_id, r.name, r.role) for r in rows]

    def has_users(self) -> bool:
        """Whether anyone can sign in at all (no actor: asked before anyone has signed in)."""
        with self.db.read_session() as session:
            return bool(session.scalar(select(func.count()).select_from(UserRow)))

    # --- changes by the administrator -----------------------------------------------------------
    def create_user(self, actor: Actor, values: dict[str, Any]) -> tuple[UserAccount, str | None]:
        """A new user with a temporary password: ``values["password"]`` or, if empty, a generated one.

        ``values``: username, staff (a staff id, or None for nobody), roles (a list), password.
        Returns the account and the generated password (None when the administrator typed one)."""
        require(actor.roles, "users.manage", who=actor.username)
        username = (values.get("username") or "").strip().lower()
        staff_id = (values.get("staff") or "").strip() or None
        password = values.get("password") or ""
        problems = _username_problems(username)
        roles, role_problems = _roles(values.get("roles") or ())
        problems += role_problems
        generated = None
        if password:
            problems += password_problems(username, password)
        else:
            generated = password = generate_password()
        hashed = hash_password(password) if not problems else ""  # before the write transaction: it takes a while
        with self.db.session() as session:
            if not any(p.where == "username" for p in problems):
                clash = session.scalar(select(UserRow).where(func.lower(UserRow.username) == username))
                if clash is not None:
                    problems.append(Problem("username", f"{username!r} is already a user: choose another"))
            staff = None
            if staff_id is not None:
                staff = session.scalar(select(StaffRow).where(StaffRow.ext_id == staff_id))
                if staff is None:
                    problems.append(Problem("staff", f"{staff_id!r} is not a member of staff: add them under Staff"))
                else:
                    holder = session.scalar(select(UserRow.username).where(UserRow.staff_id == staff.id))
                    if holder is not None:
                        problems.append(Problem("staff", f"{staff.name} already uses the app as {holder}"))
            if problems:
                raise InvalidInput(problems)
            row = UserRow(username=username, staff=staff, roles=",".join(roles), password_hash=hashed,
                          active=True, must_change_password=True, failed_attempts=0, locked_until=None)
            session.add(row)
            session.flush()
            audit.record(session, actor, self.clock, "create", "user", username, after=_audited(row),
                         note="temporary password generated" if generated else "temporary password typed")
            account = _account(row, self.clock.now())
        log.info("user %s created by %s", username, actor.username)
        return account, generated

    def set_roles(self, actor: Actor, user_id: int, roles: Iterable[str],
                  expected_version: int | None = None) -> UserAccount:
        require(actor.roles, "users.manage", who=actor.username)
        roles_, problems = _roles(roles)
        if problems:
            raise InvalidInput(problems)
        with self.db.session() as session:
            row = _locked(session, user_id, expected_version)
            if row.username == actor.username and "admin" not in roles_:
                raise Refused("you cannot take the role Administrator from yourself: you would lose user "
                              "management (another administrator can)")
            before = _audited(row)
            row.roles = ",".join(roles_)
            session.flush()
            audit.record_change(session, actor, self.clock, "user", row.username, before, _audited(row))
            return _account(row, self.clock.now())

    def set_active(self, actor: Actor, user_id: int, active: bool,
                   expected_version: int | None = None) -> UserAccount:
        """Deactivate (they can no longer sign in; kept for the record) or reactivate a user."""
        require(actor.roles, "users.manage", who=actor.username)
        with self.db.session() as session:
            row = _locked(session, user_id, expected_version)
            if row.username == actor.username and not active:
                raise Refused("you cannot deactivate yourself: another administrator can")
            before = _audited(row)
            row.active = active
            session.flush()
            audit.record_change(session, actor, self.clock, "user", row.username, before, _audited(row))
            return _account(row, self.clock.now())

    def unlock(self, actor: Actor, user_id: int) -> UserAccount:
        """End a lock after wrong passwords now, and start the count again."""
        require(actor.roles, "users.manage", who=actor.username)
        with self.db.session() as session:
            row = _locked(session, user_id)
            before = {"failed_attempts": row.failed_attempts, "locked_until": row.locked_until}
            row.failed_attempts, row.locked_until = 0, None
            session.flush()
            audit.record(session, actor, self.clock, "unlock", "user", row.username, before=before,
                         after={"failed_attempts": 0, "locked_until": None})
            return _account(row, self.clock.now())

    def reset_password(self, actor: Actor, user_id: int, password: str | None = None) -> str | None:
        """Give the user a temporary password (``password``, or generated if empty) to change at next sign-in.

        It also ends any lock. Returns the generated password (None when one was typed)."""
        require(actor.roles, "users.manage", who=actor.username)
        generated = None
        if password:
            with self.db.read_session() as session:
                problems = password_problems(_row(session, user_id).username, password)
            if problems:
                raise InvalidInput(problems)
        else:
            generated = password = generate_password()
        hashed = hash_password(password)  # before the write transaction: it takes a while
        with self.db.session() as session:
            row = _locked(session, user_id)
            row.password_hash = hashed
            row.must_change_password = True
            row.failed_attempts, row.locked_until = 0, None
            session.flush()
            audit.record(session, actor, self.clock, "reset_password", "user", row.username,
                         after={"must_change_password": True, "locked_until": None},
                         note="temporary password generated" if generated else "temporary password typed")
        log.info("password of %s reset by %s", row.username, actor.username)
        return generated

    # --- the first administrator ----------------------------------------------------------------
    def create_first_admin(self, username: str, name: str, password: str,
                           repeated: str | None = None) -> Actor:
        """The first user of a school that has none: an administrator, signed in at once.

        Refused once anyone is a user (two PCs cannot both make one). The name links them to the member
        of staff with that id or that name, else a new member of staff "Administrator" is added."""
        username = (username or "").strip().lower()
        name = " ".join((name or "").split())
        problems = _username_problems(username)
        if not name:
            problems.append(Problem("name", "give your name as colleagues know it"))
        problems += password_problems(username, password)
        if repeated is not None and repeated != password:
            problems.append(Problem("repeat_password", "the two passwords differ: type the same one twice"))
        hashed = hash_password(password) if not problems else ""  # before the write transaction
        with self.db.session() as session:
            # one at a time across PCs: SQLite's write transaction is exclusive; lock the settings row on PostgreSQL
            session.scalar(select(SchoolSettingsRow.id).with_for_update())
            if session.scalar(select(func.count()).select_from(UserRow)):
                raise Refused("this school has users already: sign in (an administrator adds the others)")
            if is_empty(session):
                raise Refused("this database holds no school yet: load the school's dataset first")
            staff = session.scalar(select(StaffRow).where(StaffRow.ext_id == username)) if username else None
            if staff is not None and staff.name.casefold() != name.casefold():
                problems.append(Problem("username", f"{username!r} is the staff id of {staff.name}: choose "
                                                    "another username, or give their name"))
            if staff is None and name:
                same_name = session.scalars(select(StaffRow).where(func.lower(StaffRow.name) == name.lower())).all()
                staff = same_name[0] if len(same_name) == 1 else None
            if problems:
                raise InvalidInput(problems)
            if staff is None:
                staff = StaffRow(ext_id=username, name=name, role="Administrator")
                session.add(staff)
            row = UserRow(username=username, staff=staff, roles="admin", password_hash=hashed,
                          active=True, must_change_password=False, failed_attempts=0, locked_until=None)
            session.add(row)
            session.flush()
            actor = Actor(username=username, roles=frozenset({"admin"}), staff_id=staff.ext_id,
                          staff_name=staff.name, class_name=staff.klass.name if staff.klass else None)
            audit.record(session, actor, self.clock, "create", "user", username, after=_audited(row),
                         note="the first administrator, created at the first start")
        log.info("first administrator %s created", username)
        return actor


def _username_problems(username: str) -> list[Problem]:
    if not _USERNAME.fullmatch(username):
        return [Problem("username", "give a username: " + USERNAME_HINT if not username else USERNAME_HINT)]
    return []


def _roles(roles: Iterable[str]) -> tuple[list[str], list[Problem]]:
    given = set(roles)
    unknown = sorted(given - set(ROLES))
    problems = [Problem("roles", f"{r!r} is not a role: choose from {', '.join(ROLE_LABELS.values())}")
                for r in unknown]
    if not given:
        problems.append(Problem("roles", "choose at least one role"))
    return [r for r in ROLES if r in given], problems


def _row(session: Session, user_id: int) -> UserRow:
    row = session.get(UserRow, user_id, options=[selectinload(UserRow.staff)])
    if row is None:
        raise NotFound(f"there is no user {user_id}")
    return row


def _locked(session: Session, user_id: int, expected: int | None = None) -> UserRow:
    """The account locked for this transaction, checked against the version opened and its version bumped
    (guard), then read with its staff."""
    if guard.root(session, UserRow, user_id, expected=expected,
                  refusal=lambda row: audit.stale(session, f"{row.username}'s account", "user", row.username)) is None:
        raise NotFound(f"there is no user {user_id}")
    return _row(session, user_id)


def _audited(row: UserRow) -> dict[str, Any]:
    """What the audit trail keeps of an account: never the password or its hash."""
    return {"username": row.username, "staff": row.staff.ext_id if row.staff else None,
            "roles": [r for r in row.roles.split(",") if r], "active": row.active,
            "must_change_password": row.must_change_password}


def _account(row: UserRow, now: datetime) -> UserAccount:
    locked = row.locked_until if row.locked_until is not None and row.locked_until > now else None
    return UserAccount(row.id, row.username, row.staff.ext_id if row.staff else None,
                       row.staff.name if row.staff else None, tuple(r for r in row.roles.split(",") if r),
                       row.active, locked, row.failed_attempts, row.must_change_password, row.version)
