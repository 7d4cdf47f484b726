"""The home screen's "what needs my attention today", for the person signed in.

Each section lists items that open the record they are about: a target of (screen, key), where the key
is a pupil's UPN, a request's id, a professional's id or a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..domain.checks import day_text
from ..domain.permissions import allowed
from .context import Actor


@dataclass(frozen=True)
class DashItem:
    text: str
    screen: str  # the main window's screen key
    key: str | None = None  # what to select there
    urgent: bool = False


#: the most items a section lists; the rest are counted ("and 12 more on the Requests screen")
SECTION_LIMIT = 15


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[DashItem, ...]
    empty: str  # what to say when there is nothing
    more: int = 0  # how many more wait that the section does not list
    more_screen: str | None = None  # where they are

    @property
    def count(self) -> int:
        return len(self.items) + self.more


@dataclass(frozen=True)
class Dashboard:
    sections: tuple[Section, ...]
    counts: dict[str, int]  # screen key → how many items wait there

    @property
    def total(self) -> int:
        return sum(s.count for s in self.sections)


class DashboardService:
    def __init__(self, services) -> None:  # noqa: ANN001 (the Services container: this composes use cases)
        self.services = services

    def for_actor(self, actor: Actor) -> Dashboard:
        today = self.services.clock.today()
        sections: list[Section] = []
        roles = actor.roles
        if allowed(roles, "requests.check") and ("headteacher" in roles or self.services.requests.can_decide(actor) is None):
            sections += self._headteacher(actor, today)
        if "senco" in roles:
            sections += self._senco(actor, today)
        if "office" in roles or "admin" in roles:
            sections += self._office(actor, today)
        if "teacher" in roles and actor.class_name:
            sections += self._teacher(actor, today)
        if allowed(roles, "backup.run"):
            sections += self._backups()
        counts: dict[str, int] = {}
        for section in sections:
            for item in section.items:
                counts[item.screen] = counts.get(item.screen, 0) + 1
            if section.more and section.more_screen:
                counts[section.more_screen] = counts.get(section.more_screen, 0) + section.more
        return Dashboard(tuple(sections), counts)

    # --- by role ----------------------------------------------------------------------------------------
    def _headteacher(self, actor: Actor, today: date) -> list[Section]:
        service = self.services.requests
        term = self.services.school.calendar().term_on(today)
        since = term.first_day if term else today - timedelta(days=90)
        # rules are evaluated only where the dashboard shows them: the undecided and the suspended; the
        # database picks the few others it needs (ending within 2 weeks, overridden this term)
        # the requests starting soonest are listed (and their rules evaluated); the rest are counted
        submitted = service.list_requests(actor, statuses=("submitted",), starting_from=today, limit=SECTION_LIMIT)
        waiting_total = service.count_requests(actor, ("submitted",), starting_from=today)
        requests = submitted + service.list_requests(actor, statuses=("suspended",))
        ending_soon = service.list_requests(actor, statuses=("approved",), with_rules=False,
                                            ending_between=(today, today + timedelta(days=14)))
        overridden = service.list_requests(actor, statuses=("approved", "ended", "declined"), with_rules=False,
                                           overridden_since=since)
        waiting = tuple(
            DashItem(f"{r.ref}: {r.pupil} with {r.professional} — "
                     + ("all rules met" if r.eligible else "fails " + ", ".join(r.failed)), "requests", r.ref)
            for r in requests if r.status == "submitted" and r.state != "expired")
        ending = tuple(
            DashItem(f"{r.ref}: {r.pupil} with {r.professional} ends {day_text(r.last_session)}", "requests", r.ref)
            for r in ending_soon if r.state == "active")
        suspended = tuple(
            DashItem(f"{r.ref}: {r.pupil} with {r.professional}, suspended: "
                     + next((x.detail for x in r.results if x.rule == "NOT_SUSPENDED"), ""), "requests", r.ref, True)
            for r in requests if r.status == "suspended")
        overrides = tuple(
            DashItem(f"{r.ref}: {rule} overridden by {by} on {day_text(at.date())}: {reason}", "requests", r.ref)
            for r in requests + overridden for rule, reason, by, at in r.overrides if at.date() >= since)
        return [
            Section("Requests awaiting your decision", waiting, "No request is waiting for a decision.",
                    max(0, waiting_total - len(waiting)), "requests"),
            Section("Authorisations ending within 2 weeks", ending, "No authorisation ends in the next 2 weeks."),
            Section("Suspensions awaiting a review meeting", suspended, "Nothing is suspended."),
            Section("Overrides this term", overrides, "No rule has been overridden this term."),
        ]

    def _senco(self, actor: Actor, today: date) -> list[Section]:
        items = self.services.due.due(actor, 42)
        reviews = tuple(DashItem(("OVERDUE: " if i.overdue else "") + i.detail, "ehcp", f"review:{i.subject}",
                                 i.overdue)
                        for i in items if i.kind == "annual_review")
        advice = tuple(DashItem("OVERDUE: " + i.detail, "ehcp", f"advice:{i.subject}", True)
                       for i in items if i.kind == "advice" and i.overdue)
        soon = today + timedelta(days=14)
        paperwork = tuple(DashItem(("OVERDUE: " if i.overdue else "") + i.detail, "ehcp", f"review:{i.subject}",
                                   i.overdue)
                          for i in items if i.kind == "review_paperwork" and i.due <= soon)
        assessments = tuple(DashItem(("OVERDUE: " if i.overdue else "") + i.detail, "ehcp", f"assessment:{i.subject}",
                                     i.overdue)
                            for i in items if i.kind == "assessment" and i.due <= soon)
        return [
            Section("Annual reviews overdue or due within 6 weeks", reviews, "No annual review is due in 6 weeks."),
            Section("Review paperwork due within 2 weeks", paperwork, "No review paperwork is due in 2 weeks."),
            Section("Advice overdue", advice, "No advice is overdue."),
            Section("Assessment deadlines within 2 weeks", assessments, "No assessment deadline in 2 weeks."),
        ]

    def _office(self, actor: Actor, today: date) -> list[Section]:
        bookings = self.services.bookings.day_view(actor, today)
        booked = tuple(DashItem(f"{b.start:%H:%M}–{b.end:%H:%M} {b.space}: {b.who}", "spaces", today.isoformat())
                       for b in bookings.blocks)
        on_site = ()
        if allowed(actor.roles, "visits.view"):
            on_site = tuple(DashItem(f"{v.professional_name} on site since {v.signed_in_at:%H:%M} ({v.where})",
                                     "professionals", v.professional_ext_id)
                            for v in self.services.professionals.on_site_now(actor))
            on_site += tuple(DashItem(f"{pupil} off site with {pro} since {out:%H:%M}", "professionals", None)
                             for _id, pupil, pro, out, _by in self.services.requests.off_site_now(actor))
        checks = tuple(
            DashItem(f"{p.name}: {p.status.summary}", "professionals", p.ext_id, p.status.level == "blocking")
            for p in self.services.professionals.list_professionals(actor) if p.status.level != "valid")
        return [
            Section(f"Today's bookings ({day_text(today)})", booked, "No booking today."),
            Section("Visitors on site and pupils off site", on_site, "Nobody is signed in; no pupil is off site."),
            Section("Safeguarding checks blocking or warning", checks, "Every professional's checks are valid."),
        ]

    def _backups(self) -> list[Section]:
        """Shown only when something is wrong: no backup that read back within a day, or the second
        destination (a USB disk, the school server) failed."""
        warnings = self.services.backups.health().warnings
        if not warnings:
            return []
        return [Section("Backups", tuple(DashItem(w[:1].upper() + w[1:], "settings", "backups", True) for w in warnings),
                        "The backups are in order.")]

    def _teacher(self, actor: Actor, today: date) -> list[Section]:
        week = self.services.bookings.class_week(actor, actor.class_name, today)
        sessions = tuple(DashItem(f"{b.start:%a %H:%M}–{b.end:%H:%M} {b.space}: {b.who}", "spaces",
                                  b.start.date().isoformat()) for b in week.blocks)
        reviews = tuple(DashItem(("OVERDUE: " if i.overdue else "") + i.detail, "pupils", i.subject, i.overdue)
                        for i in self.services.due.due(actor, 42) if i.kind == "annual_review")
        to_mark = tuple(DashItem(f"{s.start:%a %d %b %H:%M} {s.professional} ({s.space}) with {', '.join(s.pupils)}",
                                 "ehcp", None) for s in self.services.sessions.to_mark(actor))
        return [
            Section(f"This week's sessions for {actor.class_name}", sessions, "No sessions booked this week."),
            Section("Sessions to mark as delivered or not", to_mark, "Every past session is marked."),
            Section("Your pupils' reviews coming up", reviews, "No review in the next 6 weeks."),
        ]
