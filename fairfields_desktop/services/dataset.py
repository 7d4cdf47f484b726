"""Loading a whole school from a dataset, and dumping it back."""

from __future__ import annotations

import logging
from typing import Any

from ..domain.dataset import validate_dataset
from ..domain.errors import InvalidInput, NotAllowed
from ..domain.permissions import require
from ..store.database import Database
from ..store.dataset_io import is_empty, read_dataset, write_dataset
from . import audit
from .bookings import BookingService
from .context import SYSTEM, Actor, Clock
from .passwords import hash_password
from .requests import RequestService

log = logging.getLogger(__name__)


class LoadCounts(dict[str, int]):
    """How many records of each kind a load wrote, and ``problems``: what it could not do and why (an
    approved request's session left unbooked because its space is taken), for the person to see."""

    problems: tuple[str, ...] = ()


class DatasetService:
    def __init__(self, db: Database, clock: Clock, requests: RequestService | None = None) -> None:
        self.db = db
        self.clock = clock
        # books the sessions of a loaded school's approved requests
        self.requests = requests or RequestService(db, clock, BookingService(db, clock))

    def is_empty(self) -> bool:
        with self.db.read_session() as session:
            return is_empty(session)

    def load(self, doc: Any, actor: Actor | None = None) -> LoadCounts:
        """Check the whole document, then load it into the empty database in one transaction.

        A format error refuses the whole load. Then the sessions of each approved in-school request that has
        not ended and that no booking of the dataset names are booked, as approving books them (a dataset
        whose bookings name their request already holds them: nothing is booked twice); a session whose
        space is taken is left unbooked and listed in the result's ``problems``, and the load goes on."""
        problems = validate_dataset(doc)
        if problems:
            raise InvalidInput(problems, f"the dataset has {len(problems)} problem(s); nothing was loaded")
        actor = actor or SYSTEM
        with self.db.session() as session:
            if not is_empty(session):
                raise NotAllowed(
                    "this database already holds a school: 'load' only fills an empty database "
                    "(use a new --db, or restore a backup)"
                )
            counts = LoadCounts(write_dataset(session, doc, hash_password, self.clock.now()))
            booked, problems = self.requests.book_approved_in_session(session, actor)
            if booked:
                counts["request_sessions_booked"] = booked
            counts.problems = tuple(problems)
            audit.record(session, actor, self.clock, "load", "school", None, after=counts,
                         note="school dataset loaded into an empty database")
        log.info("dataset loaded: %s (%d problem(s))", dict(counts), len(counts.problems))
        return counts

    def dump(self, actor: Actor) -> dict[str, Any]:
        require(actor.roles, "dataset.dump", who=actor.username)
        with self.db.session() as session:
            doc = read_dataset(session)
            audit.record(session, actor, self.clock, "dump", "school", None,
                         note="whole database written out as a dataset")
        return doc

    def load_demo(self) -> LoadCounts:
        """Fill an empty database with the demo school shipped in `resources/`."""
        return self.load(demo_dataset(), SYSTEM)


def demo_dataset() -> dict[str, Any]:
    import json

    from ..config import resources_dir

    return json.loads((resources_dir() / "demo-school.json").read_text(encoding="utf-8"))
