"""The home screen's "what needs my attention today", for the person signed in.

Each section lists items that open the record they are about: a target of (screen, key), where the key
is a pupil's UPN, a request's id, a professional's id or a date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..domain.calendar import monday_of
from ..domain.checks import day_text
from ..domain.permissions import allowed
from .context import Actor


@dataclass(frozen=True)
class DashItem:
    text: str
    screen: str  # the main window's screen key
    key: str | None = None  # what to select there
    urgent: bool = False
    notice_id: int | None = None  # a booking notice: the item can mark its person told, there on the dashboard


#: the most items a section lists; the rest are counted ("and 12 more on the Requests screen")
SECTION_LIMIT = 15


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[DashItem, ...]
    empty: str  # what to say when there is nothing
    more: int = 0  # how many more wait that the section does not list
    more_screen: str | None = None  # where the whole list is (its count and "…and N more" open it)
    more_key: str | None = None  # what to show there ("due": the list of what is due; "warning": the checks)

    @property
    def count(self) -> int:
        return len(self.items) + self.more


def listed(title: str, items: tuple[DashItem, ...] | list[DashItem], empty: str, screen: str | None,
           key: str | None = None) -> Section:
    """A section listing the first SECTION_LIMIT items and counting the rest; the list is on ``screen``."""
    items = tuple(items)
    return Section(title, items[:SECTION_LIMIT], empty, max(0, len(items) - SECTION_LIMIT), screen, key)


@dataclass(frozen=True)
class Dashboard:
    sections: tuple[Section, ...]
    counts: dict[str, int]  # screen key → how many items wait there
    #: screen key → the list its count opens (the key of the first section with items there, as open_record takes)
    lists: dict[str, str | None] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(s.count for s in self.sections)


CHECK_KINDS = ("dbs", "insurance", "registration")
#: who a booking notice is for, in words (a class teacher's notice names the class already)
AUDIENCE_WORDS = {"professional": "the professional", "parents": "parents or carers"}


def _how_to_reach(notice) -> str:  # noqa: ANN001
    """" (the professional, karen@example.co.uk)": who they are to the pupil and how to reach them, if known."""
    parts = [w for w in (AUDIENCE_WORDS.get(notice.audience), notice.contact) if w]
    return f" ({', '.join(parts)})" if parts else ""


class _Facts:
    """What the sections of one dashboard share, each read once (what is due, the professionals, this week)."""

    def __init__(self, services, actor: Actor, today: date) -> None:  # noqa: ANN001
        self.services, self.actor, self.today = services, actor, today
        self._due = None
        self._professionals = None
        self._week = None

    def due(self) -> list:
        if self._due is None:
            self._due = self.services.due.due(self.actor, 42)
        return self._due

    def professionals(self) -> list:
        if self._professionals is None:
            self._professionals = self.services.professionals.list_professionals(self.actor)
        return self._professionals

    def week(self) -> list:
        """Booked sessions from today to Friday (the rest of the school week)."""
        if self._week is None:
            friday = monday_of(self.today) + timedelta(days=4)
            self._week = self.services.bookings.bookings_between(self.actor, self.today, max(friday, self.today))
        return self._week


class DashboardService:
    def __init__(self, services) -> None:  # noqa: ANN001 (the Services container: this composes use cases)
        self.services = services

    def for_actor(self, actor: Actor) -> Dashboard:
        """The sections for ``actor``: each role's from what is due, the requests, the bookings and their
        notices, and the checks, never about what the role may not see or act on."""
        today = self.services.clock.today()
        facts = _Facts(self.services, actor, today)
        sections: list[Section] = []
        roles = actor.roles
        decides = allowed(roles, "requests.check") and (
            "headteacher" in roles or self.services.requests.can_decide(actor) is None)
        if decides:
            sections += self._decisions(actor, today)
        if allowed(roles, "requests.review_meeting"):
            sections += self._suspensions(actor)
        if "headteacher" in roles:
            sections += self._headteacher(actor, facts)
        if "senco" in roles:
            sections += self._senco(actor, facts)
        if "office" in roles or "admin" in roles:
            sections += self._office(actor, facts)
        if "teacher" in roles and actor.class_name:
            sections += self._teacher(actor, facts)
        if decides:
            sections += self._decided(actor, today)
        if allowed(roles, "backup.run"):
            sections += self._backups()
        counts: dict[str, int] = {}
        lists: dict[str, str | None] = {}
        for section in sections:
            for item in section.items:
                counts[item.screen] = counts.get(item.screen, 0) + 1
            if section.more and section.more_screen:
                counts[section.more_screen] = counts.get(section.more_screen, 0) + section.more
            if section.count and section.more_screen:
                lists.setdefault(section.more_screen, section.more_key)
        return Dashboard(tuple(sections), counts, lists)

    # --- by role ----------------------------------------------------------------------------------------
    def _decisions(self, actor: Actor, today: date) -> list[Section]:
        """For whoever decides requests (the headteacher, or the acting head): the requests awaiting it."""
        service = self.services.requests
        # the requests starting soonest are listed (and their rules evaluated); the rest are counted
        submitted = service.list_requests(actor, statuses=("submitted",), starting_from=today, limit=SECTION_LIMIT)
        waiting_total = service.count_requests(actor, ("submitted",), starting_from=today)
        waiting = tuple(
            DashItem(f"{r.ref}: {r.pupil} with {r.professional} — "
                     + ("all rules met" if r.eligible else "fails " + ", ".join(r.failed)), "requests", r.ref)
            for r in submitted if r.status == "submitted" and r.state != "expired")
        return [Section("Requests awaiting your decision", waiting, "No request is waiting for a decision.",
                        max(0, waiting_total - len(waiting)), "requests")]

    def _suspensions(self, actor: Actor) -> list[Section]:
        """For whoever may hold the review meeting that lifts a suspension (the headteacher, the SENCO)."""
        suspended = tuple(
            DashItem(f"{r.ref}: {r.pupil} with {r.professional}, suspended: "
                     + next((x.detail for x in r.results if x.rule == "NOT_SUSPENDED"), ""), "requests", r.ref, True)
            for r in self.services.requests.list_requests(actor, statuses=("suspended",)))
        return [listed("Suspensions awaiting a review meeting", suspended, "Nothing is suspended.", "requests")]

    def _decided(self, actor: Actor, today: date) -> list[Section]:
        """Less pressing, for whoever decides: authorisations ending soon and the overrides this term."""
        service = self.services.requests
        term = self.services.school.calendar().term_on(today)
        since = term.first_day if term else today - timedelta(days=90)
        ending_soon = service.list_requests(actor, statuses=("approved",), with_rules=False,
                                            ending_between=(today, today + timedelta(days=14)))
        overridden = service.list_requests(actor, statuses=("approved", "ended", "declined", "suspended"),
                                           with_rules=False, overridden_since=since)
        ending = tuple(
            DashItem(f"{r.ref}: {r.pupil} with {r.professional} ends {day_text(r.last_session)}", "requests", r.ref)
            for r in ending_soon if r.state == "active")
        overrides = tuple(
            DashItem(f"{r.ref}: {rule} overridden by {by} on {day_text(at.date())}: {reason}", "requests", r.ref)
            for r in overridden for rule, reason, by, at in r.overrides if at.date() >= since)
        return [
            listed("Authorisations ending within 2 weeks", ending, "No authorisation ends in the next 2 weeks.",
                   "requests"),
            listed("Overrides this term", overrides, "No rule has been overridden this term.", "requests"),
        ]

    def _headteacher(self, actor: Actor, facts: _Facts) -> list[Section]:
        """The head's 8:15: what is overdue across the school, who must not work with pupils this week, who
        is coming in today."""
        items = facts.due()
        reviews = tuple(DashItem("OVERDUE: " + i.detail, "ehcp", f"review:{i.subject}", True)
                        for i in items if i.kind == "annual_review" and i.overdue)
        blocked = {p.ext_id for p in facts.professionals() if p.status.level == "blocking"}
        lapsed = tuple(DashItem(f"{self._professional_name(facts, i.subject)}: {i.detail}"
                                + (" (blocked from working with pupils)" if i.subject in blocked else ""),
                                "professionals", i.subject, i.subject in blocked)
                       for i in sorted((i for i in items if i.kind in CHECK_KINDS and i.overdue),
                                       key=lambda i: i.subject not in blocked))
        return [
            listed("Annual reviews overdue", reviews, "No annual review is overdue.", "ehcp", "due"),
            *self._blocked_this_week(facts),
            listed("Safeguarding checks lapsed", lapsed, "No professional's check has lapsed.", "professionals",
                   "blocking"),
            *self._visitors_today(actor, facts),
        ]

    @staticmethod
    def _professional_name(facts: _Facts, ext_id: str) -> str:
        return next((p.name for p in facts.professionals() if p.ext_id == ext_id), ext_id)

    def _blocked_this_week(self, facts: _Facts) -> list[Section]:
        """Professionals booked in before the week ends whose checks block them from working with pupils, or
        have lapsed: someone must stop the visit or have the check renewed before they come."""
        flagged = {p.ext_id: p for p in facts.professionals() if p.status.level != "valid"}
        first: dict[str, object] = {}
        for block in sorted(facts.week(), key=lambda b: b.start):
            if block.professional_id in flagged and block.status == "booked":
                first.setdefault(block.professional_id, block)
        order = sorted(first, key=lambda ext: (flagged[ext].status.level != "blocking", first[ext].start))
        items = tuple(
            DashItem(f"{flagged[ext].name}, booked in {first[ext].start:%a} {day_text(first[ext].start.date())} at "
                     f"{first[ext].start:%H:%M} ({first[ext].space}): {flagged[ext].status.summary}",
                     "professionals", ext, flagged[ext].status.level == "blocking")
            for ext in order)
        return [listed("Professionals due in this week with checks blocked or lapsing", items,
                       "Everyone booked in this week has valid checks.", "professionals", "warning")]

    def _visitors_today(self, actor: Actor, facts: _Facts) -> list[Section]:
        """Professionals booked in today (and anyone still signed in)."""
        if not allowed(actor.roles, "visits.view"):
            return []
        today = facts.today
        blocked = {p.ext_id for p in facts.professionals() if p.status.level == "blocking"}
        expected = tuple(
            DashItem(f"{b.start:%H:%M}–{b.end:%H:%M} {b.who} ({b.space})"
                     + (" — BLOCKED: do not let them work with pupils" if b.professional_id in blocked else ""),
                     "spaces", today.isoformat(), b.professional_id in blocked)
            for b in sorted(facts.week(), key=lambda b: b.start)
            if b.start.date() == today and b.professional and b.status == "booked")
        on_site = tuple(DashItem(f"{v.professional_name} on site since {v.signed_in_at:%H:%M} ({v.where})",
                                 "professionals", v.professional_ext_id)
                        for v in self.services.professionals.on_site_now(actor))
        return [listed(f"Today's visitors ({day_text(today)})", expected + on_site,
                       "No professional is booked in today.", "professionals", "visitors")]

    def _senco(self, actor: Actor, facts: _Facts) -> list[Section]:
        items = facts.due()
        today = facts.today
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
            listed("Annual reviews overdue or due within 6 weeks", reviews, "No annual review is due in 6 weeks.",
                   "ehcp", "due"),
            listed("Review paperwork due within 2 weeks", paperwork, "No review paperwork is due in 2 weeks.",
                   "ehcp", "due"),
            listed("Advice overdue", advice, "No advice is overdue.", "ehcp", "advice"),
            listed("Assessment deadlines within 2 weeks", assessments, "No assessment deadline in 2 weeks.",
                   "ehcp", "due"),
        ]

    def _office(self, actor: Actor, facts: _Facts) -> list[Section]:
        today = facts.today
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
            for p in sorted(facts.professionals(), key=lambda p: p.status.level != "blocking")
            if p.status.level != "valid")
        sections = [
            listed(f"Today's bookings ({day_text(today)})", booked, "No booking today.", "spaces", today.isoformat()),
            listed("Visitors on site and pupils off site", on_site, "Nobody is signed in; no pupil is off site.",
                   "professionals", "visitors"),
            *self._blocked_this_week(facts),
        ]
        if allowed(actor.roles, "bookings.create"):
            untold = tuple(DashItem(f"Tell {n.who}" + _how_to_reach(n) + f": {n.what}", "spaces", None, True,
                                    notice_id=n.id)
                           for n in self.services.bookings.notices(actor, untold_only=True))
            sections.append(listed("People to tell about changed bookings", untold,
                                   "Everyone has been told of the bookings that changed.", "spaces"))
        sections.append(listed("Safeguarding checks blocking or warning", checks,
                               "Every professional's checks are valid.", "professionals", "warning"))
        return sections

    def _backups(self) -> list[Section]:
        """Shown only when something is wrong: no backup that read back within a day, or the second
        destination (a USB disk, the school server) failed."""
        warnings = self.services.backups.health().warnings
        if not warnings:
            return []
        return [listed("Backups", [DashItem(w[:1].upper() + w[1:], "settings", "backups", True) for w in warnings],
                       "The backups are in order.", "settings", "backups")]

    def _teacher(self, actor: Actor, facts: _Facts) -> list[Section]:
        today = facts.today
        week = self.services.bookings.class_week(actor, actor.class_name, today)
        sessions = tuple(DashItem(f"{b.start:%a %H:%M}–{b.end:%H:%M} {b.space}: {b.who}", "spaces",
                                  b.start.date().isoformat()) for b in week.blocks)
        reviews = tuple(DashItem(("OVERDUE: " if i.overdue else "") + i.detail, "pupils", i.subject, i.overdue)
                        for i in facts.due() if i.kind == "annual_review")
        to_mark = tuple(DashItem(f"{s.start:%a %d %b %H:%M} {s.professional} ({s.space}) with {', '.join(s.pupils)}",
                                 "ehcp", None) for s in self.services.sessions.to_mark(actor))
        return [
            listed(f"This week's sessions for {actor.class_name}", sessions, "No sessions booked this week.", "spaces",
                   today.isoformat()),
            listed("Sessions to mark as delivered or not", to_mark, "Every past session is marked.", "ehcp", "sessions"),
            listed("Your pupils' reviews coming up", reviews, "No review in the next 6 weeks.", "ehcp", "due"),
        ]
