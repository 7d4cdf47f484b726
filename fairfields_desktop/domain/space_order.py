"""The order of the day view's spaces: the school's (shared rooms first), the most booked first, or a
person's own chosen spaces. Pure: the spaces, the counts and the choice come in; the order goes out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, TypeVar

from .words import space_kind_rank

SCHOOL, BUSIEST, CHOSEN = "school", "busiest", "chosen"
ORDER_WORDS = {
    SCHOOL: "The school's order (therapy rooms, hall… first)",
    BUSIEST: "The most booked first",
    CHOSEN: "My chosen spaces",
}


class _Space(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...


S = TypeVar("S", bound=_Space)


def school_order(spaces: Sequence[S]) -> list[S]:
    """The shared spaces the office books most (therapy rooms, sensory room, soft play, pool, hall…) first,
    each kind by name, classrooms last."""
    return sorted(spaces, key=lambda s: (space_kind_rank(s.kind), s.name.casefold()))


def order_spaces(spaces: Sequence[S], how: str, counts: Mapping[int, int] | None = None,
                 chosen: Sequence[str] = ()) -> list[S]:
    """``spaces`` in the order asked: ``school``; ``busiest`` (most sessions in ``counts`` first, then the
    school's order); ``chosen`` (only the spaces named in ``chosen``, in that order; none of them left:
    the school's order, so the view is never empty by a stale choice)."""
    ordered = school_order(spaces)
    if how == BUSIEST:
        counts = counts or {}
        rank = {s.id: i for i, s in enumerate(ordered)}
        return sorted(ordered, key=lambda s: (-counts.get(s.id, 0), rank[s.id]))
    if how == CHOSEN:
        by_name = {s.name: s for s in spaces}
        picked = [by_name[name] for name in chosen if name in by_name]
        return picked or ordered
    return ordered
