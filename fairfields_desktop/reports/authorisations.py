"""The authorisations register (landscape): every independent-therapy request with a session in a period,
with its rules, its history (decisions, suspensions, review meetings, reinstatements, each "on behalf of"
the headteacher when an acting head took it), the overrides and their reasons, then the delegations.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import IO

from reportlab.platypus import Flowable, KeepTogether, Spacer

from ..services.reports import AuthorisationsRegister, RegisterEntry
from ._common import day, met, moment, or_dash, rule_label, state_words
from .template import Printing, build, frame_width, rich, table, text

WIDE = True
WIDTH = frame_width(WIDE)


def render(data: AuthorisationsRegister, out: str | Path | IO[bytes], printing: Printing) -> None:
    """Write the register of ``data`` as a landscape PDF to ``out`` (a path or a binary file)."""
    title = f"Authorisations register, {day(data.first)} to {day(data.last)}"
    story: list[Flowable] = [text(title, "Title")]
    if data.entries:
        count = len(data.entries)
        story.append(text(f"{data.school}: {count} independent-therapy request{'s' if count != 1 else ''} with "
                          f"sessions in the period, by reference.", "Muted"))
        for entry in data.entries:
            story += _entry(entry)
    else:
        story.append(text("No independent-therapy requests have sessions in this period.", "Body"))
    story += _delegations(data)
    build(out, story, title=title, subject="Independent-therapy authorisations register", printing=printing,
          wide=WIDE)


def _entry(entry: RegisterEntry) -> list[Flowable]:
    heading = rich(f"{escape(entry.ref)}: {escape(entry.pupil)} with {escape(entry.professional)} "
                   f"<font name='DejaVuSans'>({escape(state_words(entry.status))})</font>", "H1")
    summary = table(["Class", "Setting", "Period", "Extends"],
                    [[entry.class_name, entry.setting, entry.period, entry.extends or "not an extension"]],
                    [0.12, 0.12, 0.56, 0.2], frame_width=WIDTH)
    outside = text(f"Outside the school day: {entry.outside_school_day or 'not recorded'}", "Body")
    if entry.verdicts:  # the rules as they stood at the decision, today's beside them where they differ
        rules_title = f"Rules at the decision ({entry.decision})"
        rules = table(["Rule", "Met", "Detail at the decision", "Today, where it differs"],
                      [[rule_label(rule), met(ok), detail + (f" Overridden: {override}" if override else ""),
                        or_dash(now)] for rule, ok, detail, override, now in entry.verdicts],
                      [0.15, 0.08, 0.47, 0.3], frame_width=WIDTH)
    else:
        rules_title = "Rules" if entry.decision is None else \
            f"Rules today (verdicts at the time not recorded; {entry.decision})"
        rules = table(["Rule", "Met", "Detail"],
                      [[rule_label(rule), met(ok), detail] for rule, ok, detail in entry.rules],
                      [0.18, 0.08, 0.74], frame_width=WIDTH)
    story: list[Flowable] = [KeepTogether([heading, summary, Spacer(1, 4), outside, Spacer(1, 4),
                                           text(rules_title, "H2"), rules])]
    story.append(text("History", "H2"))
    if entry.history:
        rows = [[moment(at), by + (f", on behalf of {behalf}" if behalf else ""), action, or_dash(reason)]
                for at, by, action, reason, behalf in entry.history]
        story.append(table(["When", "Who", "Action", "Reason"], rows, [0.14, 0.22, 0.14, 0.5], frame_width=WIDTH))
    else:
        story.append(text("No decision yet.", "Muted"))
    if entry.overrides:
        story.append(text("Overrides", "H2"))
        story.append(table(["Rule overridden", "Reason", "By", "When"],
                           [[rule_label(rule), reason, by, moment(at)] for rule, reason, by, at in entry.overrides],
                           [0.18, 0.5, 0.14, 0.18], frame_width=WIDTH))
    story.append(Spacer(1, 8))
    return story


def _delegations(data: AuthorisationsRegister) -> list[Flowable]:
    story: list[Flowable] = [text("Delegations", "H1")]
    if not data.delegations:
        return story + [text("No one acted for the headteacher in this period.", "Muted")]
    rows = [[delegate, day(first), day(last), by] for delegate, first, last, by in data.delegations]
    story.append(table(["Acting for the headteacher", "From", "To", "Named by"], rows, [0.3, 0.2, 0.2, 0.3],
                       frame_width=WIDTH))
    return story
