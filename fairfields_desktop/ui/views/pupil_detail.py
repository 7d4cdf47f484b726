"""A pupil's detail pane as rich text: it formats what the service returned, nothing more."""

from __future__ import annotations

from datetime import date
from html import escape

from ...domain.professionals import KIND_LABELS
from ...domain.school import AREA_LABELS
from ...services.pupils import PupilDetail
from ..contrast import readable

KIND_COLOURS = {"statutory": "#1f5f8b", "commissioned": "#2e6b30", "independent": "#7a3e9d"}
TITLE, MUTED, WARN = "#1a3a5c", "#3d4852", "#9a2a00"


def day(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else "—"


def _section(title: str, body: str) -> str:
    return f"<h3>{escape(title)}</h3>{body}"


def _rows(pairs: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td class='k'>{escape(k)}</td><td>{v}</td></tr>" for k, v in pairs)
    return f"<table cellspacing='0' cellpadding='2'>{cells}</table>"


def render_pupil(detail: PupilDetail) -> str:
    p = detail.summary
    parts = [
        # fixed colours give way to the palette's text where they would be unreadable (high contrast)
        f"<style>h2{{color:{readable(TITLE)};margin-bottom:2px}} h3{{color:{readable(TITLE)};margin:10px 0 2px 0}} "
        f"td.k{{color:{readable(MUTED)};padding-right:12px}} .muted{{color:{readable(MUTED)}}} "
        f".warn{{color:{readable(WARN)};font-weight:600}}</style>",
        f"<h2>{escape(p.name)}</h2>",
        f"<div class='muted'>{escape(p.class_name)} · {escape(p.year_label)} · UPN {escape(p.upn)}"
        + (" <span class='warn'>(temporary: replace when issued)</span>" if p.temporary_upn else "") + "</div>",
    ]
    if p.left_on:
        parts.append(f"<p class='warn'>Left the school on {day(p.left_on)}.</p>")
    basics = [("Date of birth", f"{day(p.date_of_birth)} (age {p.age})"),
              ("Key worker", escape(detail.key_worker or "none recorded"))]
    parts.append(_section("Pupil", _rows(basics)))

    if p.attendance_percent is None:
        attendance = "<p>No attendance figure recorded.</p>"
    else:
        flag = " <span class='warn'>below the school's threshold</span>" if p.below_threshold else ""
        attendance = f"<p>{p.attendance_percent:.1f}% on {day(p.attendance_as_of)}{flag}</p>"
        if len(detail.attendance_history) > 1:
            attendance += _rows([(day(d), f"{pct:.1f}%") for pct, d in detail.attendance_history])
    parts.append(_section("Attendance", attendance))

    if detail.areas_of_need is not None:
        if p.has_ehcp:
            ehcp = [("Plan issued", day(detail.ehcp_issued)), ("Last review meeting", day(detail.ehcp_last_review)),
                    ("Next review due by", day(p.review_due))]
            if detail.personal_budget_reference:
                ehcp.append(("Personal budget", f"{escape(detail.personal_budget_reference)}: "
                             f"£{detail.personal_budget_amount_gbp:,.0f} a year"))
            else:
                ehcp.append(("Personal budget", "none"))
            parts.append(_section("EHCP", _rows(ehcp)))
        else:
            parts.append(_section("EHCP", "<p>No EHCP.</p>"))
        if detail.budget_discussions:
            rows = "".join(
                f"<li>{day(held)}: with {escape(officer or 'the EHCP officer')} — capacity "
                f"{'agreed' if capacity else 'not agreed'}; provision {'already' if provided else 'not'} given in "
                f"school" + (f". {escape(notes)}" if notes else "") + "</li>"
                for held, officer, capacity, provided, notes in detail.budget_discussions)
            parts.append(_section("Personal budget discussions", f"<ul>{rows}</ul>"))
        areas = ", ".join(AREA_LABELS.get(a, a) for a in detail.areas_of_need) or "none recorded"
        parts.append(_section("Areas of need", f"<p>{escape(areas)}</p>"))

    contacts = "".join(
        f"<li>{escape(c.name)} ({escape(c.relationship)})"
        + (", parental responsibility" if c.parental_responsibility else "")
        + f" — {escape(' · '.join(x for x in (c.phone, c.email) if x) or 'no phone or email')}</li>"
        for c in detail.contacts)
    parts.append(_section("Contacts", f"<ul>{contacts}</ul>" if contacts else "<p>None recorded.</p>"))

    if p.looked_after:
        parts.append(_section("Looked after", _rows([
            ("Local authority", escape(detail.looked_after_authority or "—")),
            ("Social worker", escape(detail.social_worker or "not recorded"))])))

    if detail.consents is not None:
        if detail.consents:
            items = "".join(_consent_item(c) for c in detail.consents)
            parts.append(_section("Consent to share", f"<ul>{items}</ul>"))
        else:
            parts.append(_section("Consent to share", "<p>No consent records.</p>"))

    if detail.team:
        rows = "".join(
            f"<tr><td><b>{escape(t.name)}</b></td><td style='color:{readable(KIND_COLOURS.get(t.kind, '#000000'))}'>"
            f"{escape(KIND_LABELS.get(t.kind, t.kind))}</td><td>{escape(t.discipline)}</td>"
            f"<td>{escape(t.involvement)}</td><td>{escape(t.contact)}</td></tr>"
            for t in detail.team)
        parts.append(_section("Team around the child", f"<table cellpadding='3'>{rows}</table>"))
    else:
        parts.append(_section("Team around the child", "<p>No professionals recorded yet.</p>"))

    if detail.hidden:
        parts.append(f"<p class='muted'><i>Not shown for your role: {escape(', '.join(detail.hidden))}.</i></p>")
    return "".join(parts)


def _consent_item(c) -> str:  # noqa: ANN001 (a services.pupils.Consent)
    """One consent: what goes to whom, given by whom, from and until; one recorded in words "to be reviewed"."""
    if c.to_be_reviewed and c.withdrawn:  # nothing to review: kept on record in its words
        head = f"“{escape(c.what)}” to {escape(c.recipient or c.share_with)} (recorded in words)"
    elif c.to_be_reviewed:
        head = (f"<b>To be reviewed:</b> “{escape(c.what)}” to {escape(c.recipient or c.share_with)} — shares nothing "
                "until reviewed (Review consent…)")
    else:
        head = f"{escape(c.shares[0].upper() + c.shares[1:])} to {escape(c.recipient or c.share_with)}"
    dates = f"from {day(c.given_on)}" + (f" until {day(c.until)}" if c.until else "")
    words = (f"; reviewed {day(c.reviewed_on)} from the words “{escape(c.what)}”"
             if c.reviewed_on and not c.to_be_reviewed else "")
    return (f"<li{' class=muted' if c.withdrawn else ''}>{head}, given by {escape(c.given_by)} {dates}{words}"
            + (f" — <b>withdrawn {day(c.withdrawn_on)}</b>" if c.withdrawn else "") + "</li>")
