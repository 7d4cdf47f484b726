"""The office's registers (landscape): the safeguarding checks of every active professional (single central
record style) and the visits log with the pupils taken off site.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from reportlab.platypus import Flowable

from ..services.reports import ChecksRegister, VisitsLog
from ._common import clock, day, flagged, hyphenated, lines, moment, or_dash
from .template import Printing, build, frame_width, table, text

WIDE = True
WIDTH = frame_width(WIDE)

#: a check status in words, and how it is flagged (the words carry the meaning; colour only adds to them)
LEVEL_WORDS = {"valid": ("VALID", ""), "warning": ("WARNING", "warn"), "blocking": ("BLOCKED", "bad")}


def render_checks(data: ChecksRegister, out: str | Path | IO[bytes], printing: Printing) -> None:
    """Write the safeguarding checks register of ``data`` as a landscape PDF to ``out``."""
    title = f"Safeguarding checks register (single central record), {day(data.on)}"
    story: list[Flowable] = [text(title, "Title")]
    if not data.lines:
        story.append(text("No active professionals are recorded.", "Body"))
    else:
        story.append(text(f"{data.school}: every active professional's checks on {day(data.on)}, those BLOCKED "
                          f"first, then those with a WARNING.", "Muted"))
        rows = []
        for line in data.lines:
            words, level = LEVEL_WORDS.get(line.level, (line.level.upper(), ""))
            rows.append([line.name, hyphenated(line.kind), or_dash(line.organisation), line.dbs, line.registration,
                         line.insurance, flagged(words, level),
                         lines(f"• {f}" for f in line.findings) if line.findings else "none"])
        story.append(table(["Name", "Kind", "Organisation", "DBS", "Registration", "Insurance", "Status", "Findings"],
                           rows, [0.1, 0.09, 0.11, 0.16, 0.11, 0.09, 0.08, 0.26], frame_width=WIDTH,
                           bold_first=True))
    build(out, story, title=title, subject="Safeguarding checks register", printing=printing, wide=WIDE)


def render_visits(data: VisitsLog, out: str | Path | IO[bytes], printing: Printing) -> None:
    """Write the visits log of ``data`` (visitors, then pupils taken off site) as a landscape PDF to ``out``."""
    title = f"Visits log, {day(data.first)} to {day(data.last)}"
    story: list[Flowable] = [text(title, "Title"), text("Visitors", "H1")]
    if data.visits:
        rows = [[moment(signed_in), _out(signed_in, signed_out), who, kind, purpose, or_dash(where), or_dash(pupils)]
                for signed_in, signed_out, who, kind, purpose, where, pupils in data.visits]
        story.append(table(["Signed in", "Signed out", "Who", "Kind", "Purpose", "Where", "Pupils"], rows,
                           [0.12, 0.12, 0.15, 0.12, 0.1, 0.14, 0.25], frame_width=WIDTH))
    else:
        story.append(text("none", "Muted"))
    story.append(text("Pupils off site", "H1"))
    if data.off_site:
        rows = [[day(on), pupil, with_, clock(out_at), _out(out_at, back, "not back"), or_dash(by)]
                for on, pupil, with_, out_at, back, by in data.off_site]
        story.append(table(["Day", "Pupil", "With", "Out", "Back", "Taken by"], rows,
                           [0.12, 0.2, 0.2, 0.1, 0.12, 0.26], frame_width=WIDTH))
    else:
        story.append(text("none", "Muted"))
    build(out, story, title=title, subject="Visits log", printing=printing, wide=WIDE)


def _out(start, end, missing: str = "not signed out") -> str:  # datetimes
    """When someone left: the time on the same day, the day and time otherwise."""
    if end is None:
        return missing
    return clock(end) if end.date() == start.date() else moment(end)
