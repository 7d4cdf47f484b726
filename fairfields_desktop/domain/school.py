"""Vocabulary of the school's world shared by every layer: roles, kinds, statuses, settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

ROLES = ("headteacher", "senco", "office", "teacher", "admin")
ROLE_LABELS = {
    "headteacher": "Headteacher",
    "senco": "SENCO",
    "office": "Office",
    "teacher": "Class teacher",
    "admin": "Administrator",
}
PROFESSIONAL_KINDS = ("statutory", "commissioned", "independent")
AREAS_OF_NEED = (
    "communication_and_interaction",
    "cognition_and_learning",
    "social_emotional_and_mental_health",
    "sensory_and_physical",
)
#: the four broad areas of need of the SEND Code of Practice, in words
AREA_LABELS = {
    "communication_and_interaction": "Communication and interaction",
    "cognition_and_learning": "Cognition and learning",
    "social_emotional_and_mental_health": "Social, emotional and mental health",
    "sensory_and_physical": "Sensory and/or physical",
}
DBS_TYPES = ("employer_assurance", "school_check")
BOOKING_STATUSES = ("booked", "cancelled")
REQUEST_SETTINGS = ("in_school", "off_site")
REQUEST_STATUSES = ("draft", "submitted", "approved", "declined", "suspended", "ended")
ADVICE_KINDS = ("needs_assessment", "annual_review")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
YEAR_GROUPS = tuple(range(-1, 15))


def roles_text(roles: frozenset[str] | set[str]) -> str:
    """The roles in words, in the table's order: "Headteacher, SENCO"."""
    return ", ".join(ROLE_LABELS[r] for r in ROLE_LABELS if r in roles) or "no role"


def year_group_label(year: int) -> str:
    if year == -1:
        return "Nursery"
    if year == 0:
        return "Reception"
    return f"Year {year}"


@dataclass(frozen=True)
class SchoolSettings:
    """The school's own settings, with the defaults of the dataset format."""

    school_name: str = "Fairfields School"
    attendance_threshold_percent: float = 90.0
    max_authorised_weeks: int = 12
    school_day_start: time = time(8, 50)
    school_day_end: time = time(15, 10)
    dbs_recheck_years: int = 3
    under_five_review_months: int = 6
    idle_lock_minutes: int = 10  # the window locks after this many minutes without input
    retention_years: int = 31  # a pupil who left is kept until their date of birth + this many years
    address: str | None = None  # the letterhead: the postal address, one line each
    telephone: str | None = None

    @property
    def address_lines(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in (self.address or "").splitlines() if line.strip())

