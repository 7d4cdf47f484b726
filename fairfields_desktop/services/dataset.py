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
from .context import SYSTEM, Actor, Clock
from .passwords import hash_password

log = logging.getLogger(__name__)


class DatasetService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def is_empty(self) -> bool:
        with self.db.read_session() as session:
            return is_empty(session)

    def load(self, doc: Any, actor: Actor | None = None) -> dict[str, int]:
        """Check the whole document, then load it into the empty database in one transaction."""
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
            counts = write_dataset(session, doc, hash_password, self.clock.now())
            audit.record(session, actor, self.clock, "load", "school", None, after=counts,
                         note="school dataset loaded into an empty database")
        log.info("dataset loaded: %s", counts)
        return counts

    def dump(self, actor: Actor) -> dict[str, Any]:
        require(actor.roles, "dataset.dump", who=actor.username)
        with self.db.session() as session:
            doc = read_dataset(session)
            audit.record(session, actor, self.clock, "dump", "school", None,
                         note="whole database written out as a dataset")
        return doc

    def load_demo(self) -> dict[str, int]:
        """Fill an empty database with the demo school shipped in `resources/`."""
        return self.load(demo_dataset(), SYSTEM)


def demo_dataset() -> dict[str, Any]:
    import json

    from ..config import resources_dir

    return json.loads((resources_dir() / "demo-school.json").read_text(encoding="utf-8"))
