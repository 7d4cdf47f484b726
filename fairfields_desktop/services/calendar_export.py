"""iCalendar (.ics) exports of a space's, a class's or a professional's bookings, for Outlook.

By default an event carries pupils' initials only, never their names or health details; the person
exporting may choose full names. UPNs never leave the school in a calendar file.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Protocol


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
    def purpose(self) -> str | None: ...


PRODUCT = "-//Fairfields School//Fairfields Desktop//EN"
TIMEZONE = "Europe/London"


def initials(name: str) -> str:
    return "".join(part[0].upper() + "." for part in name.split() if part)


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
        pupils = list(block.pupils) if full_names else [initials(p) for p in block.pupils]
        who = block.professional or "School use"
        event = Event()
        event.add("uid", f"{block.booking_ref}-{block.occurrence_id}@fairfields-desktop")
        event.add("dtstamp", stamp)
        event.add("dtstart", block.start.replace(tzinfo=zone))
        event.add("dtend", block.end.replace(tzinfo=zone))
        summary = f"{who}: {block.purpose}" if block.purpose and full_names else who
        if pupils:
            summary += f" with {', '.join(pupils)}"
        event.add("summary", summary)
        event.add("location", block.space)
        lines = [f"Booking {block.booking_ref}"]
        if block.staff:
            lines.append("Staff: " + ", ".join(block.staff))
        if full_names and block.purpose:
            lines.append(f"Purpose: {block.purpose}")
        event.add("description", "\n".join(lines))
        event.add("status", "CANCELLED" if block.status == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
