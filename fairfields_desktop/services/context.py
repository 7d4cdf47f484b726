"""Who is acting, and the date every use case takes as today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Actor:
    """The signed-in user, as services see them."""

    username: str
    roles: frozenset[str]
    staff_id: str | None = None
    staff_name: str | None = None
    class_name: str | None = None
    must_change_password: bool = False

    @property
    def display_name(self) -> str:
        return self.staff_name or self.username

    def has(self, role: str) -> bool:
        return role in self.roles


#: the actor recorded for changes made before anyone can sign in (init, load into an empty database)
SYSTEM = Actor(username="system", roles=frozenset())


class Clock:
    """Today and now; tests and `--today` fix the date."""

    def __init__(self, today: date | None = None) -> None:
        self._today = today

    def today(self) -> date:
        return self._today or date.today()

    def now(self) -> datetime:
        now = datetime.now().replace(microsecond=0)
        if self._today is None:
            return now
        return datetime.combine(self._today, now.time())
