"""Make a report as a PDF: the figures from the services (which check who may print it and audit it), laid
out by the report's module. The command line, the window and the batch worker all come through here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from ..domain.checks import day_text
from .template import Printing

#: report key → (title shown in the window, what it needs)
REPORTS: dict[str, tuple[str, str]] = {
    "review-pack": ("Review pack", "a pupil (and who it is for)"),
    "timetable": ("Room timetable", "a school week"),
    "authorisations": ("Authorisations register", "a period"),
    "letter": ("Letter to the family", "a request and which of its events"),
    "checks": ("Safeguarding checks register", "nothing: today"),
    "visits": ("Visits log", "a period"),
    "fire-list": ("Fire list", "nothing: everyone on site now"),
}


@dataclass(frozen=True)
class Made:
    key: str
    title: str  # "Review pack: Amara Osei"
    subject: str  # the pupil, the week, the period…
    data: Any = None  # the figures laid out (a letter is kept with them when printed or saved)


def printing_for(services, actor) -> Printing:
    return Printing(services.school.settings().school_name, actor.display_name, services.clock.now())


def make(services, actor, key: str, out: str | Path | IO[bytes], *, upn: str | None = None,
         recipient: str | None = None, week: date | None = None, first: date | None = None,
         last: date | None = None, ref: str | None = None, event_id: int | None = None,
         keep: bool = False, all_spaces: bool = False) -> Made:
    """Write report ``key`` to ``out`` and say what was made. A letter (about ``event_id`` of request ``ref``,
    the latest event when None) is kept with its event when ``keep`` (it is being sent: saved or printed).
    The timetable leaves out spaces with nothing booked that week unless ``all_spaces``."""
    reports = services.reports
    printing = printing_for(services, actor)
    if key == "review-pack":
        from . import review_pack

        data: Any = reports.review_pack(actor, upn or "", recipient)
        review_pack.render(data, out, printing)
        return Made(key, f"Review pack: {data.pupil}", data.pupil)
    if key == "timetable":
        from . import timetable

        data = reports.timetable(actor, week or services.clock.today(), all_spaces)
        timetable.render(data, out, printing)
        return Made(key, f"Room timetable, week of {day_text(data.monday)}", data.monday.isoformat())
    if key == "authorisations":
        from ..services.reports import parse_period
        from . import authorisations

        begin, end = parse_period(first.isoformat() if first else None, last.isoformat() if last else None,
                                  services.clock.today())
        data = reports.authorisations(actor, begin, end)
        authorisations.render(data, out, printing)
        return Made(key, "Authorisations register", f"{begin} to {end}")
    if key == "letter":
        from . import letters

        data = reports.letter(actor, ref or "", event_id)
        letters.render(data, out, printing)
        made = Made(key, f"Letter about {data.pupil}'s therapy sessions", ref or "", data)
        if keep:
            keep_letter(services, actor, made, out)
        return made
    if key == "checks":
        from . import registers

        data = reports.checks_register(actor)
        registers.render_checks(data, out, printing)
        return Made(key, "Safeguarding checks register", data.on.isoformat())
    if key == "visits":
        from ..services.reports import parse_period
        from . import registers

        today = services.clock.today()
        begin, end = (first or today.replace(day=1), last or today)
        parse_period(begin.isoformat(), end.isoformat(), today)  # the same checks of the period
        data = reports.visits_log(actor, begin, end)
        registers.render_visits(data, out, printing)
        return Made(key, "Visits log", f"{begin} to {end}")
    if key == "fire-list":
        from . import fire_list

        data = reports.fire_list(actor)
        fire_list.render(data, out, printing)
        return Made(key, fire_list.title_of(data), data.at.isoformat(timespec="minutes"), data)
    raise ValueError(f"unknown report {key!r}")


def keep_letter(services, actor, made: Made, out: str | Path | IO[bytes]) -> None:
    """Keep a letter made (``made``, written to ``out``) with its event: it is being printed or saved."""
    from . import letters

    if isinstance(out, (str, Path)):
        pdf = Path(out).read_bytes()
    else:
        out.seek(0)
        pdf = out.read()
    services.reports.keep_letter(actor, made.data, letters.body(made.data), pdf)
