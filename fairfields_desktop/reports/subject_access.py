"""The subject-access export as a PDF (and, with `save`, its JSON beside it): everything held about one
pupil, section by section, with other pupils' names left out as the service gathered it.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from ..domain.school import AREA_LABELS
from ..services.audit_log import changes_in_words
from ..services.subject_access import SECTIONS, SubjectAccessExport
from ._common import DASH, day, moment
from .styles import table_style
from .template import Printing, build, frame_width, table, text

WIDTH = frame_width()


def file_stem(pupil_id: int) -> str:
    return f"subject-access-{pupil_id}"


def save(services, actor, pupil_id: int, folder: str | Path) -> tuple[Path, Path]:
    """Export the pupil (audited) and write ``subject-access-<id>.json`` and ``.pdf`` into ``folder``."""
    from .make import printing_for

    folder = Path(folder)
    if not folder.is_dir():
        from ..domain.errors import InvalidInput, Problem

        raise InvalidInput(Problem("--out", f"the folder {folder} does not exist"))
    export = services.subject_access.export(actor, pupil_id)
    stem = file_stem(export.pupil_id)
    json_path, pdf_path = folder / f"{stem}.json", folder / f"{stem}.pdf"
    _write(json_path, lambda part: part.write_text(export.to_json(), encoding="utf-8"))
    _write(pdf_path, lambda part: render(export, part, printing_for(services, actor)))
    return json_path, pdf_path


def _write(path: Path, make) -> None:
    part = path.with_name(path.name + ".part")
    try:
        make(part)
        os.replace(part, path)  # never a half-written file under the name asked for
    finally:
        part.unlink(missing_ok=True)


# --- the PDF ---------------------------------------------------------------------------------------
def render(export: SubjectAccessExport, out: str | Path | IO[bytes], printing: Printing) -> None:
    data = export.data
    pupil = data["pupil"]
    title = f"Subject access: {export.name}"
    story: list[Flowable] = [
        text(title, "Title"),
        text(f"Everything {export.school or 'the school'} holds about {export.name} (UPN {pupil['upn']}, born "
             f"{_value(pupil['date_of_birth'])}) in Fairfields Desktop, as at {moment(export.produced_at)}.",
             "Subtitle"),
        text("Other pupils' names are left out: a group session or visit says how many others were there, and a "
             "session note written about another pupil is not included.", "Notice"),
    ]
    for key, heading in SECTIONS.items():
        story.append(text(heading, "H1"))
        story += _SECTION.get(key, _generic)(data.get(key))
    build(out, story, title=title, subject="Subject access export", printing=printing)


def _value(value: Any) -> str:
    """A JSON value in words: ISO dates and times as days, booleans as yes/no, lists joined."""
    if value is None or value == "" or value == []:
        return DASH
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_value(v)}" for k, v in value.items())
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            if len(value) == 10:
                return day(date.fromisoformat(value))
            return moment(datetime.fromisoformat(value))
        except ValueError:
            pass
    if isinstance(value, str) and len(value) == 8 and value[2:3] == ":" and value[5:6] == ":":
        return value[:5]  # a time of day
    if isinstance(value, str) and "_" in value and re.fullmatch(r"[a-z_]+", value):
        return value.replace("_", " ")  # a stored code: in_school, pupil_absent
    return str(value)


LABELS = {"id": "Record number", "upn": "UPN", "ehcp_approval_on": "EHCP team approval on",
          "ehcp_approval_reference": "EHCP team approval reference", "la_decision_on": "LA decision on",
          "amendment_notice_on": "LA notice of amendments on", "final_plan_on": "Amended plan issued on"}


def _label(key: str) -> str:
    return LABELS.get(key) or str(key).replace("_", " ").capitalize()


def _nothing() -> list[Flowable]:
    return [text("Nothing held.", "Muted")]


def _subheading(words: str) -> Flowable:
    return KeepTogether([Spacer(1, 4), text(words, "Muted")])


def _facts(item: dict[str, Any], skip: tuple[str, ...] = ()) -> Flowable:
    rows = [[text(_label(k), "CellBold"), text(_value(v), "Cell")]
            for k, v in item.items() if k not in skip and not isinstance(v, (list, dict))]
    if not rows:
        return Spacer(1, 0)
    grid = Table(rows, colWidths=[0.3 * WIDTH, 0.7 * WIDTH], hAlign="LEFT")
    grid.setStyle(table_style(header=False))
    return grid


def _rows(items: list[dict[str, Any]], columns: list[tuple[str, str]], widths: list[float]) -> list[Flowable]:
    if not items:
        return _nothing()
    return [table([h for _k, h in columns], [[_value(i.get(k)) for k, _h in columns] for i in items], widths,
                  frame_width=WIDTH)]


def _generic(value: Any) -> list[Flowable]:
    if not value:
        return _nothing()
    if isinstance(value, dict):
        return [_facts(value)]
    if isinstance(value, list) and all(isinstance(i, dict) for i in value):
        keys = list(dict.fromkeys(k for i in value for k in i))
        return _rows(value, [(k, _label(k)) for k in keys], [1 / len(keys)] * len(keys))
    return [text(_value(value))]


def _pupil(p: dict[str, Any]) -> list[Flowable]:
    return [_facts(p)]


def _contacts(items: list) -> list[Flowable]:
    return _rows(items, [("name", "Name"), ("relationship", "Relationship"),
                         ("parental_responsibility", "Parental responsibility"), ("phone", "Phone"),
                         ("email", "Email")], [0.22, 0.14, 0.16, 0.18, 0.3])


def _consents(items: list) -> list[Flowable]:
    return _rows(items, [("share_with", "Shared with"), ("what", "Words"), ("sections", "Sections"),
                         ("given_by", "Given by"), ("given_on", "From"), ("until", "Until"),
                         ("withdrawn_on", "Withdrawn on")], [0.15, 0.15, 0.2, 0.15, 0.11, 0.11, 0.13])


def _attendance(value: dict) -> list[Flowable]:
    current = value.get("current") or {}
    story: list[Flowable] = [text(f"Latest figure: {_value(current.get('percent'))}% as of "
                                  f"{_value(current.get('as_of'))}.")]
    if value.get("history"):
        story += _rows(value["history"], [("as_of", "As of"), ("percent", "Per cent"),
                                          ("recorded_at", "Recorded")], [0.3, 0.2, 0.5])
    return story


def _ehcp(value: dict) -> list[Flowable]:
    if not value.get("has_ehcp"):
        return [text("No EHCP is recorded.", "Muted")]
    budget = value.get("personal_budget")
    words = (f"reference {budget.get('reference')}, £{budget.get('annual_amount_gbp') or 0:,.0f} a year"
             if budget else "none")
    return [_facts(value, skip=("has_ehcp",)), Spacer(1, 4), text(f"Personal budget: {words}.")]


def _areas(value: list) -> list[Flowable]:
    if not value:
        return _nothing()
    return [text(", ".join(AREA_LABELS.get(a, a) for a in value))]


def _team(value: dict) -> list[Flowable]:
    story = _rows(value.get("involved") or [], [("name", "Professional"), ("discipline", "Discipline"),
                                                ("organisation", "Organisation"), ("involvement", "Involvement")],
                  [0.24, 0.2, 0.34, 0.22])
    if value.get("recorded_members"):
        story.append(text("Recorded as part of the team", "H2"))
        story += _rows(value["recorded_members"], [("name", "Professional"), ("role", "Part"), ("since", "Since"),
                                                   ("ended_on", "Ended")], [0.3, 0.3, 0.2, 0.2])
    return story


def _sessions(items: list) -> list[Flowable]:
    if not items:
        return _nothing()
    story: list[Flowable] = []
    for b in items:
        heading = f"{b['booking']}: {b.get('purpose') or 'session'}"
        if b.get("professional"):
            heading += f" with {b['professional']}"
        rows = []
        for d in b.get("dates") or []:
            record = d.get("record") or {}
            note = record.get("note") or ("(a note about another pupil, not included)"
                                          if record.get("note_left_out") else "")
            delivered = DASH if not record else ("delivered" if record.get("delivered")
                                                 else f"not delivered ({_value(record.get('reason'))})")
            rows.append([_value(d.get("starts_at")), d.get("space") or DASH,
                         d.get("status") + (f": {d['cancel_reason']}" if d.get("cancel_reason") else ""),
                         delivered, note + (f" (target: {record['target']})" if record.get("target") else "")])
        story.append(KeepTogether([
            text(heading, "H2"),
            text(f"{b.get('with_others')}; {b.get('status')}"
                 + (f"; weekly until {_value(b['repeat_weekly_until'])}" if b.get("repeat_weekly_until") else ""),
                 "Muted"),
            table(["When", "Space", "Status", "Record", "Note"], rows, [0.2, 0.16, 0.16, 0.18, 0.3],
                  frame_width=WIDTH)]))
    return story


def _requests(items: list) -> list[Flowable]:
    if not items:
        return _nothing()
    story: list[Flowable] = []
    for r in items:
        story.append(text(f"{r['ref']}: {r['professional']} ({_value(r.get('status'))})", "H2"))
        story.append(_facts(r, skip=("ref", "professional", "status")))
        for key, heading, columns, widths in (
                ("history", "History", [("at", "When"), ("by", "Who"), ("action", "Action"), ("reason", "Reason")],
                 [0.2, 0.15, 0.15, 0.5]),
                ("overrides", "Overrides", [("rule", "Rule"), ("reason", "Reason"), ("by", "By"), ("at", "When")],
                 [0.18, 0.5, 0.12, 0.2]),
                ("review_meetings", "Review meetings", [("held_on", "Held on"), ("attendees", "Attendees"),
                                                        ("outcome", "Outcome")], [0.2, 0.4, 0.4]),
                ("off_site_sessions", "Off-site sessions", [("on", "On"), ("time_out", "Out"),
                                                            ("time_back", "Back"), ("taken_by", "Taken by"),
                                                            ("attendance_mark", "Mark")],
                 [0.16, 0.22, 0.22, 0.28, 0.12])):
            if r.get(key):
                story.append(_subheading(heading))
                story += _rows(r[key], columns, widths)
        story.append(Spacer(1, 6))
    return story


def _advice(items: list) -> list[Flowable]:
    return _rows(items, [("professional", "Professional"), ("kind", "For"), ("requested_on", "Asked"),
                         ("due", "Due"), ("received_on", "Received"), ("purpose", "Purpose"), ("chased", "Chased")],
                 [0.15, 0.12, 0.12, 0.12, 0.12, 0.22, 0.15])


def _assessments(items: list) -> list[Flowable]:
    return _rows(items, [("requested_on", "Requested"), ("decision_to_assess_on", "Decision to assess"),
                         ("decision_to_issue_on", "Decision to issue"), ("draft_issued_on", "Draft"),
                         ("final_issued_on", "Final"), ("stopped_on", "Stopped"), ("stopped_reason", "Why")],
                 [0.13, 0.15, 0.15, 0.12, 0.12, 0.12, 0.21])


def _reviews(items: list) -> list[Flowable]:
    if not items:
        return _nothing()
    story: list[Flowable] = []
    for r in items:
        story.append(text(f"Review on {_value(r['meeting_on'])} ({r.get('status')})", "H2"))
        story.append(_facts(r, skip=("meeting_on", "status")))
        if r.get("invitees"):
            story.append(_subheading("Invited"))
            story += _rows(r["invitees"], [("name", "Name"), ("role", "As"), ("removed_on", "Taken off")],
                           [0.5, 0.3, 0.2])
        if r.get("circulated"):
            story.append(_subheading("Circulated"))
            story += _rows(r["circulated"], [("document", "Document"), ("sent_to", "To"), ("sent_on", "On")],
                           [0.4, 0.4, 0.2])
    return story


def _outcomes(items: list) -> list[Flowable]:
    if not items:
        return _nothing()
    story: list[Flowable] = []
    for o in items:
        story.append(text(f"{AREA_LABELS.get(o['area'], o['area'])}: {o['text']}", "H2"))
        story.append(text(f"Set {_value(o.get('set_on'))}; {o.get('status')}"
                          + (f" on {_value(o['ended_on'])}" if o.get("ended_on") else ""), "Muted"))
        for t in o.get("targets") or []:
            story.append(text(f"Target: {t['text']} ({t.get('status')}; set {_value(t.get('set_on'))}"
                              + (f" by {t['professional']}" if t.get("professional") else "") + ")"))
            extra = {k: t.get(k) for k in ("programme", "strategy") if t.get(k)}
            if extra:
                story += [_facts(extra), Spacer(1, 3)]
            if t.get("progress_notes"):
                story += _rows(t["progress_notes"], [("on", "Session"), ("delivered", "Delivered"),
                                                     ("note", "Progress note"), ("by", "By")],
                               [0.18, 0.12, 0.55, 0.15])
    return story


def _budget(items: list) -> list[Flowable]:
    return _rows(items, [("held_on", "Held on"), ("ehcp_officer", "EHCP officer"),
                         ("capacity_agreed", "Capacity agreed"), ("already_provided", "Already provided"),
                         ("notes", "Notes")], [0.14, 0.2, 0.14, 0.14, 0.38])


def _visits(items: list) -> list[Flowable]:
    return _rows(items, [("professional", "Professional"), ("signed_in_at", "In"), ("signed_out_at", "Out"),
                         ("purpose", "Why"), ("where", "Where"), ("with_others", "With"), ("note", "Note")],
                 [0.16, 0.15, 0.15, 0.1, 0.14, 0.12, 0.18])


def _notices(items: list) -> list[Flowable]:
    return _rows(items, [("session_on", "Session"), ("to", "To"), ("what", "What"), ("told_at", "Told")],
                 [0.18, 0.27, 0.37, 0.18])


def _audit(items: list) -> list[Flowable]:
    if not items:
        return _nothing()
    rows = [[_value(e.get("at")), e.get("by"), str(e.get("action", "")).replace("_", " "),
             f"{_label(e.get('record') or '')} {e.get('record_id') or ''}".strip(),
             "; ".join(x for x in (changes_in_words(e.get("before"), e.get("after")), e.get("note") or "") if x)]
            for e in items]
    return [table(["When", "Who", "Action", "Record", "What changed"], rows, [0.17, 0.11, 0.12, 0.15, 0.45],
                  frame_width=WIDTH)]


_SECTION = {
    "pupil": _pupil, "contacts": _contacts, "consents": _consents, "attendance": _attendance, "ehcp": _ehcp,
    "areas_of_need": _areas, "team": _team, "sessions": _sessions, "requests": _requests, "advice": _advice,
    "assessments": _assessments, "annual_reviews": _reviews, "outcomes": _outcomes, "budget_discussions": _budget,
    "visits": _visits, "notices": _notices, "audit": _audit,
}
