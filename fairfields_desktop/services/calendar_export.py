"""iCalendar (.ics) exports of a space's, a class's or a professional's bookings, for Outlook.

By default an event carries pupils' initials only, never their names or health details; the person
exporting may choose full names, of the pupils they may see (the blocks come from the bookings service
for that person: another class's pupil is "a pupil"). UPNs and a booking's notes never leave the school
in a calendar file; the event's summary is the booking's title, which is public.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Protocol

from ..domain.bookings import A_PUPIL, OTHER_CLASS_PUPIL, TITLE_TO_REVIEW


class Block(Protocol):
    """What an event is made from: one dated occurrence of a booking (services/bookings.py's `Block`, which
    imports this module; this one does not import it back)."""

    @property
    def occurrence_id(self) -> int: ...
    @property
    def booking_ref(self) -> str: ...
    @property
    def space(self) -> str: ...
    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def status(self) -> str: ...
    @property
    def professional(self) -> str | None: ...
    @property
    def staff(self) -> tuple[str, ...]: ...
    @property
    def pupils(self) -> tuple[str, ...]: ...
    @property
    def title(self) -> str | None: ...
    @property
    def title_needs_review(self) -> bool: ...


PRODUCT = "-//Fairfields School//Fairfields Desktop//EN"
TIMEZONE = "Europe/London"


def initials(name: str) -> str:
    if name == OTHER_CLASS_PUPIL:
        return A_PUPIL
    return "".join(part[0].upper() + "." for part in name.split() if part)


def _shown(name: str, full_names: bool) -> str:
    if name == OTHER_CLASS_PUPIL:
        return A_PUPIL
    return name if full_names else initials(name)


def bookings_to_ics(blocks: Iterable[Block], calendar_name: str, *, full_names: bool = False,
                    now: datetime | None = None) -> bytes:
    """The bookings as an iCalendar document (UTF-8 bytes) with wall-clock times in Europe/London."""
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event

    zone = ZoneInfo(TIMEZONE)
    stamp = (now or datetime.now()).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", TIMEZONE)
    for block in blocks:
        pupils = [_shown(p, full_names) for p in block.pupils]
        who = block.professional or "School use"
        event = Event()
        event.add("uid", f"{block.booking_ref}-{block.occurrence_id}@fairfields-desktop")
        event.add("dtstamp", stamp)
        event.add("dtstart", block.start.replace(tzinfo=zone))
        event.add("dtend", block.end.replace(tzinfo=zone))
        # a title that names a pupil (not yet mended) is left out unless names were asked for
        title = block.title if block.title and block.title != TITLE_TO_REVIEW and \
            (full_names or not block.title_needs_review) else None
        summary = f"{who}: {title}" if title else who
        if pupils:
            summary += f" with {', '.join(pupils)}"
        event.add("summary", summary)
        event.add("location", block.space)
        lines = [f"Booking {block.booking_ref}"]
        if block.staff:
            lines.append("Staff: " + ", ".join(block.staff))
        event.add("description", "\n".join(lines))
        event.add("status", "CANCELLED" if block.status == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
