"""Staff (and which of them use the app), classes with their classrooms, and the school's spaces."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.dataset import text_problem
from ..domain.errors import InvalidInput, NotFound, Problem
from ..domain.permissions import require
from ..store.database import Database
from ..store.models import ClassRow, PupilRow, SpaceRow, StaffRow, UserRow
from ..store.references import assign_reference
from . import audit, guard
from .context import Actor, Clock

_STAFF_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,59}")


@dataclass(frozen=True)
class StaffMember:
    id: int
    ext_id: str
    name: str
    role: str
    class_name: str | None
    username: str | None
    user_roles: tuple[str, ...]
    version: int = 1


@dataclass(frozen=True)
class SchoolClass:
    id: int
    name: str
    room: str | None
    pupils: int
    staff: tuple[str, ...]
    room_id: int | None = None  # what an edit compares (classes have no version column)


@dataclass(frozen=True)
class Space:
    id: int
    name: str
    kind: str
    capacity: int
    features: str | None
    bookable: bool
    version: int = 1


class PeopleService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # --- staff ----------------------------------------------------------------------------------
    def list_staff(self, actor: Actor) -> list[StaffMember]:
        require(actor.roles, "staff.view", who=actor.username)
        with self.db.read_session() as session:
            users = {u.staff_id: u for u in session.scalars(select(UserRow).where(UserRow.staff_id.is_not(None)))}
            rows = session.scalars(select(StaffRow).options(selectinload(StaffRow.klass)).order_by(StaffRow.name))
            return [StaffMember(r.id, r.ext_id, r.name, r.role, r.klass.name if r.klass else None,
                                users[r.id].username if r.id in users else None,
                                tuple(users[r.id].roles.split(",")) if r.id in users else (), r.version)
                    for r in rows]

    def save_staff(self, actor: Actor, values: dict[str, Any], staff_id: int | None = None,
                   expected_version: int | None = None) -> StaffMember:
        """Add a member of staff (``staff_id`` None) or change one; ``expected_version`` is the version the
        form was opened with (StaleRecord, naming who changed it, if it was changed since).

        Without an id (the window never asks for one) a new member of staff is given ``s-NNN`` made from the
        row's number, and an edit keeps the id they have; an id given (command line, dataset) is kept."""
        require(actor.roles, "staff.edit", who=actor.username)
        problems = []
        ext_id = (values.get("id") or "").strip()
        made = not ext_id
        if not made and not _STAFF_ID.fullmatch(ext_id):
            problems.append(Problem("id", "give a short id of lower-case letters and digits (e.g. jsmith)"))
        for key, label in (("name", "name"), ("role", "role (e.g. Class teacher)")):
            value = values.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(key, f"the {label} is required"))
            elif text_problem(value):
                problems.append(Problem(key, f"the {label} {text_problem(value)}"))
        with self.db.session() as session:
            classes = {c.name: c for c in session.scalars(select(ClassRow))}
            class_name = values.get("class") or None
            if class_name and class_name not in classes:
                problems.append(Problem("class", f"{class_name!r} is not a class of the school"))
            row = guard.lock(session, StaffRow, staff_id)
            if staff_id is not None and row is None:
                raise NotFound(f"there is no member of staff {staff_id}")
            if made and row is not None:
                ext_id = row.ext_id
            clash = None if made else session.scalar(select(StaffRow).where(StaffRow.ext_id == ext_id))
            if clash is not None and (row is None or clash.id != row.id):
                problems.append(Problem("id", f"{ext_id!r} is already {clash.name}'s id"))
            if problems:
                raise InvalidInput(problems)
            if row is not None:
                guard.check(row, expected_version, lambda: audit.stale(session, f"{row.name}'s record", "staff",
                                                                       row.ext_id))
                guard.bump(row)
            before = _staff_values(row) if row else None
            if row is None:
                row = StaffRow(ext_id=ext_id, name="", role="")
                session.add(row)
            row.ext_id, row.name, row.role = ext_id, values["name"].strip(), values["role"].strip()
            row.klass = classes.get(class_name) if class_name else None
            if made and before is None:
                ext_id = assign_reference(session, row, "s")
            session.flush()
            audit.record_change(session, actor, self.clock, "staff", row.ext_id, before, _staff_values(row))
        return next(s for s in self.list_staff(actor) if s.ext_id == ext_id)

    # --- classes --------------------------------------------------------------------------------
    def list_classes(self, actor: Actor) -> list[SchoolClass]:
        require(actor.roles, "staff.view", who=actor.username)
        with self.db.read_session() as session:
            counts: dict[int, int] = {}
            for (class_id,) in session.execute(select(PupilRow.class_id).where(PupilRow.left_on.is_(None))):
                counts[class_id] = counts.get(class_id, 0) + 1
            staff: dict[int, list[str]] = {}
            for name, class_id in session.execute(select(StaffRow.name, StaffRow.class_id)
                                                  .where(StaffRow.class_id.is_not(None)).order_by(StaffRow.name)):
                staff.setdefault(class_id, []).append(name)
            rows = session.scalars(select(ClassRow).options(selectinload(ClassRow.room)).order_by(ClassRow.name))
            return [SchoolClass(r.id, r.name, r.room.name if r.room else None, counts.get(r.id, 0),
                                tuple(staff.get(r.id, ())), r.room_id) for r in rows]

    def save_class(self, actor: Actor, name: str, room: str | None, class_id: int | None = None,
                   opened: SchoolClass | None = None) -> SchoolClass:
        """Add a class or change one; ``opened`` is the class as the form showed it (StaleRecord, naming
        who changed it, if its name or classroom changed since)."""
        require(actor.roles, "staff.edit", who=actor.username)
        name = (name or "").strip()
        problems = [] if name else [Problem("name", "the class needs a name")]
        if name and text_problem(name):
            problems.append(Problem("name", f"the name {text_problem(name)}"))
        with self.db.session() as session:
            room_row = session.scalar(select(SpaceRow).where(SpaceRow.name == room)) if room else None
            if room and (room_row is None or room_row.kind != "classroom"):
                problems.append(Problem("room", f"{room!r} is not a space of kind classroom: add it under Spaces"))
            row = guard.lock(session, ClassRow, class_id)  # classes have no version: compared with ``opened``
            clash = session.scalar(select(ClassRow).where(ClassRow.name == name))
            if clash is not None and (row is None or clash.id != row.id):
                problems.append(Problem("name", f"there is already a class called {name}"))
            if problems:
                raise InvalidInput(problems)
            if row is not None and opened is not None and (opened.name, opened.room_id) != (row.name, row.room_id):
                raise audit.stale(session, f"Class {row.name}", "class", row.id)
            before = {"name": row.name, "room": row.room.name if row.room else None} if row else None
            if row is None:
                row = ClassRow(name=name)
                session.add(row)
            row.name, row.room = name, room_row
            session.flush()
            audit.record_change(session, actor, self.clock, "class", row.id, before, {"name": name, "room": room})
            class_id = row.id
        return next(c for c in self.list_classes(actor) if c.id == class_id)

    # --- spaces ---------------------------------------------------------------------------------
    def list_spaces(self, actor: Actor) -> list[Space]:
        require(actor.roles, "staff.view", who=actor.username)
        with self.db.read_session() as session:
            return [Space(r.id, r.name, r.kind, r.capacity, r.features, r.bookable, r.version)
                    for r in session.scalars(select(SpaceRow).order_by(SpaceRow.name))]

    def save_space(self, actor: Actor, values: dict[str, Any], space_id: int | None = None,
                   expected_version: int | None = None) -> Space:
        """Add a space or change one; ``expected_version`` as for staff."""
        require(actor.roles, "staff.edit", who=actor.username)
        name = (values.get("name") or "").strip()
        kind = (values.get("kind") or "").strip()
        capacity = values.get("capacity")
        problems = []
        if not name:
            problems.append(Problem("name", "the space needs a name"))
        elif text_problem(name):
            problems.append(Problem("name", f"the name {text_problem(name)}"))
        features = values.get("features")
        if features is not None and (not isinstance(features, str) or text_problem(features, None)):
            problems.append(Problem("features", "describe the features as text"))
        if not re.fullmatch(r"[a-z_]{2,40}", kind):
            problems.append(Problem("kind", "choose the kind of space from the list (for example Therapy room)"))
        if isinstance(capacity, bool) or not isinstance(capacity, int) or not 0 <= capacity <= 1000:
            problems.append(Problem("capacity", "give how many people it holds (0 to 1000)"))
        with self.db.session() as session:
            row = guard.lock(session, SpaceRow, space_id)
            clash = session.scalar(select(SpaceRow).where(SpaceRow.name == name))
            if clash is not None and (row is None or clash.id != row.id):
                problems.append(Problem("name", f"there is already a space called {name}"))
            if problems:
                raise InvalidInput(problems)
            if row is not None:
                guard.check(row, expected_version, lambda: audit.stale(  # closures are audited by the space's name
                    session, row.name, "space", row.id, also=[("space", [row.name])]))
                guard.bump(row)
            before = _space_values(row) if row else None
            if row is None:
                row = SpaceRow(name=name, kind=kind, capacity=capacity)
                session.add(row)
            row.name, row.kind, row.capacity = name, kind, capacity
            row.features = (values.get("features") or "").strip() or None
            row.bookable = bool(values.get("bookable", True))
            session.flush()
            audit.record_change(session, actor, self.clock, "space", row.id, before, _space_values(row))
            return Space(row.id, row.name, row.kind, row.capacity, row.features, row.bookable, row.version)




def _staff_values(row: StaffRow) -> dict[str, Any]:
    return {"id": row.ext_id, "name": row.name, "role": row.role, "class": row.klass.name if row.klass else None}


def _space_values(row: SpaceRow) -> dict[str, Any]:
    return {"name": row.name, "kind": row.kind, "capacity": row.capacity, "features": row.features,
            "bookable": row.bookable}
