"""Who may do what: one table of use cases against roles, shared by the services, the window and the CLI.

The command line's table in the contract is the source for the commands; the window hides what a role
may not do, but only the services enforce it.
"""

from __future__ import annotations

from .errors import NotAllowed
from .school import ROLE_LABELS

EVERYONE = frozenset({"headteacher", "senco", "office", "teacher", "admin"})

#: use case → roles that may perform it
PERMISSIONS: dict[str, frozenset[str]] = {
    # the school and its data
    "school.init": frozenset({"admin"}),  # anyone while the database is empty
    "dataset.load": frozenset(),  # only into an empty database, by anyone
    "dataset.dump": frozenset({"admin"}),
    "settings.view": EVERYONE,
    "settings.edit": frozenset({"admin"}),
    "terms.edit": frozenset({"admin"}),
    "database.view": EVERYONE,
    "audit.view": frozenset({"admin", "headteacher"}),
    "retention.manage": frozenset({"admin", "headteacher"}),  # erase the records of pupils who left, when due
    "backup.run": frozenset({"admin"}),
    "backup.restore": frozenset({"admin"}),
    "users.manage": frozenset({"admin"}),  # list, create, roles, deactivate, unlock, reset passwords
    # registers: pupils (a teacher sees only their class; the office sees no needs or consent)
    "pupils.view": EVERYONE,
    "pupils.view_needs": frozenset({"headteacher", "senco", "teacher"}),
    "pupils.view_consent": frozenset({"headteacher", "senco"}),
    "pupils.edit": frozenset({"headteacher", "senco", "office", "admin"}),
    "pupils.edit_needs": frozenset({"headteacher", "senco"}),
    "pupils.edit_consent": frozenset({"headteacher", "senco"}),
    "pupils.all_classes": frozenset({"headteacher", "senco", "office", "admin"}),
    "pupils.subject_access": frozenset({"headteacher", "senco"}),  # everything held about one pupil, health included
    "mis.import": frozenset({"admin", "office", "senco"}),
    # professionals, their checks and their visits
    "professionals.view": EVERYONE,
    "professionals.edit": frozenset({"office", "admin", "headteacher", "senco"}),
    "visits.view": frozenset({"office", "admin", "headteacher", "senco"}),
    "visits.record": frozenset({"office", "admin", "headteacher", "senco"}),
    # staff, classes, spaces
    "staff.view": EVERYONE,
    "staff.edit": frozenset({"admin"}),
    # independent therapy requests
    "requests.check": frozenset({"headteacher", "senco"}),
    "requests.decide": frozenset({"headteacher"}),  # or the acting head under a delegation
    "requests.review_meeting": frozenset({"headteacher", "senco"}),
    "requests.edit": frozenset({"headteacher", "senco", "office"}),
    "requests.delegate": frozenset({"headteacher"}),
    "requests.off_site": frozenset({"headteacher", "senco", "office"}),
    "budget.discuss": frozenset({"headteacher", "senco"}),
    # spaces
    "bookings.view": EVERYONE,
    "bookings.create": frozenset({"office", "admin", "headteacher", "senco"}),
    "bookings.view_notes": frozenset({"headteacher", "senco"}),  # a booking's title is public, its notes are not
    # an independent therapist with pupils in the school day without a request: the head alone, with a reason
    "bookings.direct_independent": frozenset({"headteacher"}),
    "bookings.mend_titles": frozenset({"admin"}),  # titles that name a pupil, found by a migration or a load
    "spaces.out_of_use": frozenset({"admin"}),
    "sessions.mark": frozenset({"office", "teacher", "senco", "headteacher"}),
    "advice.manage": frozenset({"senco", "headteacher"}),
    "reviews.view": frozenset({"senco", "headteacher", "teacher"}),  # a teacher: their class's pupils
    "reviews.manage": frozenset({"senco", "headteacher"}),
    "assessments.manage": frozenset({"senco", "headteacher"}),
    "outcomes.view": frozenset({"senco", "headteacher", "teacher"}),  # a teacher: their class's pupils
    "outcomes.edit": frozenset({"senco", "headteacher"}),
    # what is due
    "due.view": EVERYONE,  # a teacher sees their class's pupils only
    # reports
    "report.review_pack": frozenset({"senco", "headteacher"}),
    "report.timetable": frozenset({"office", "senco", "headteacher", "teacher"}),
    "report.authorisations": frozenset({"headteacher", "senco"}),
}


def allowed(roles: frozenset[str] | set[str] | tuple[str, ...], use_case: str) -> bool:
    return bool(PERMISSIONS[use_case] & set(roles))


def require(roles: frozenset[str] | set[str] | tuple[str, ...], use_case: str, *, who: str = "") -> None:
    """Raise NotAllowed (exit 5) unless one of ``roles`` may perform ``use_case``."""
    if allowed(roles, use_case):
        return
    need = " or ".join(ROLE_LABELS[r] for r in sorted(PERMISSIONS[use_case])) or "nobody"
    subject = f"{who} " if who else ""
    raise NotAllowed(f"{subject}may not do this ({use_case}): it needs the role {need}")


def markdown_table() -> str:
    """The permissions table as it stands in the README (a test keeps the two the same)."""
    roles = ("headteacher", "senco", "office", "teacher", "admin")
    header = "| use case | " + " | ".join(ROLE_LABELS[r] for r in roles) + " |"
    rule = "| --- |" + " :-: |" * len(roles)
    rows = [f"| `{case}` | " + " | ".join("yes" if r in who else "" for r in roles) + " |"
            for case, who in PERMISSIONS.items()]
    return "\n".join([header, rule, *rows])
