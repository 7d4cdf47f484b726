"""Safeguarding checks (KCSIE) of a visiting professional, as they stand on a given date.

Three checks, each with a finding on every date: the DBS (the employer's written assurance or the
school's own check), the professional registration, and the insurance. A professional is **blocked**
from a session on a date when, on that date, no DBS assurance or school check is recorded, a school
check lacks the children's barred list, or the insurance has expired. Everything else is at most a
**warning**. Every finding that is not valid says what renews it, and carries the last day allowed
(``due``) where there is one, so that "what is due" lists can be built from the same findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from .dataset import parse_date
from .school import DBS_TYPES, PROFESSIONAL_KINDS

VALID, WARNING, BLOCKING = "valid", "warning", "blocking"
LEVELS = (VALID, WARNING, BLOCKING)  # in order of severity
CHECKS = ("dbs", "registration", "insurance")  # the order of a status's findings

DEFAULT_INSURANCE_WARNING_DAYS = 30
DEFAULT_REGISTER_MAX_AGE_DAYS = 365

# Written out rather than strftime("%b"): the window's toolkit sets the process locale, and a German
# desktop would otherwise print "2 Okt 2023".
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(day: date) -> str:
    """A date as the office reads it: ``2 Oct 2023`` (no leading zero, English month)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class ProfessionalChecks:
    """A professional's checks as stored: the inputs of :func:`evaluate_checks`."""

    kind: str  # statutory | commissioned | independent
    dbs_type: str | None  # None: no DBS record at all; "employer_assurance" | "school_check"
    dbs_date: date | None
    dbs_given_by: str | None = None
    dbs_certificate: str | None = None
    dbs_barred_list: bool = False
    dbs_update_service: bool = False
    registration_body: str | None = None  # None: no registration recorded
    registration_number: str | None = None
    registration_checked_on: date | None = None
    insurance_expires: date | None = None  # None: covered by the employer

    def __post_init__(self) -> None:
        if self.kind not in PROFESSIONAL_KINDS:
            raise ValueError(f"kind {self.kind!r} is not one of {', '.join(PROFESSIONAL_KINDS)}")
        if self.dbs_type is not None and self.dbs_type not in DBS_TYPES:
            raise ValueError(f"dbs_type {self.dbs_type!r} is not one of {', '.join(DBS_TYPES)}")

    @classmethod
    def from_dataset(cls, kind: str, checks: Mapping[str, Any] | None) -> ProfessionalChecks:
        """From a professional's ``kind`` and ``checks`` object of a validated `fairfields-school/1` dataset."""
        checks = checks or {}
        dbs = checks.get("dbs") or {}
        registration = checks.get("registration") or {}
        return cls(
            kind=kind,
            dbs_type=dbs.get("type"),
            dbs_date=parse_date(dbs.get("date")),
            dbs_given_by=dbs.get("given_by"),
            dbs_certificate=dbs.get("certificate"),
            dbs_barred_list=bool(dbs.get("barred_list", False)),
            dbs_update_service=bool(dbs.get("update_service", False)),
            registration_body=registration.get("body"),
            registration_number=registration.get("number"),
            registration_checked_on=parse_date(registration.get("checked_on")),
            insurance_expires=parse_date(checks.get("insurance_expires")),
        )


@dataclass(frozen=True)
class CheckFinding:
    """One check on one date: how it stands, in words, and what renews it."""

    check: str  # "dbs" | "registration" | "insurance"
    level: str  # VALID | WARNING | BLOCKING
    message: str  # e.g. "insurance expired on 31 Oct 2026"
    renew: str | None  # what renews it; None when valid
    due: date | None = None  # the last day this check stands as it is (expiry, re-check, register age)


@dataclass(frozen=True)
class CheckStatus:
    """Every check of a professional on one date: one finding per check, in the order of CHECKS."""

    on: date
    findings: tuple[CheckFinding, ...]

    @property
    def level(self) -> str:
        """The worst level of the findings."""
        return max((f.level for f in self.findings), key=LEVELS.index, default=VALID)

    @property
    def blocking(self) -> tuple[CheckFinding, ...]:
        return tuple(f for f in self.findings if f.level == BLOCKING)

    @property
    def warnings(self) -> tuple[CheckFinding, ...]:
        return tuple(f for f in self.findings if f.level == WARNING)

    @property
    def is_blocked(self) -> bool:
        return self.level == BLOCKING

    def finding(self, check: str) -> CheckFinding:
        """The finding of one check ("dbs", "registration" or "insurance")."""
        for found in self.findings:
            if found.check == check:
                return found
        raise KeyError(check)

    @property
    def summary(self) -> str:
        """One line: "valid", "blocked: <why>; <why>" or "warning: <why>; <why>"."""
        if self.blocking:
            return "blocked: " + "; ".join(f.message for f in self.blocking)
        if self.warnings:
            return "warning: " + "; ".join(f.message for f in self.warnings)
        return VALID


@dataclass(frozen=True)
class _Issue:
    level: str
    message: str
    renew: str


def _finding(check: str, issues: list[_Issue], valid_message: str, due: date | None) -> CheckFinding:
    """The finding of the worst issues (several at that level are joined), or a valid one."""
    if not issues:
        return CheckFinding(check, VALID, valid_message, None, due)
    worst = max((i.level for i in issues), key=LEVELS.index)
    shown = [i for i in issues if i.level == worst]
    renews = list(dict.fromkeys(i.renew for i in shown))
    return CheckFinding(check, worst, "; ".join(i.message for i in shown), "; ".join(renews), due)


def _new_dbs_advice(checks: ProfessionalChecks) -> str:
    school_does_it = checks.dbs_type == "school_check" or (
        checks.dbs_type is None and checks.kind == "independent"
    )
    if school_does_it:
        return ("obtain an enhanced DBS check with the children's barred list and record its date and "
                "certificate number")
    return ("record the employer's written assurance of an enhanced DBS check with the children's barred "
            "list (its date and who gave it)")


def _dbs_finding(checks: ProfessionalChecks, on: date, recheck_years: int) -> CheckFinding:
    if checks.dbs_type is None or checks.dbs_date is None:
        what = "no DBS check or employer assurance recorded"
        return _finding("dbs", [_Issue(BLOCKING, what, _new_dbs_advice(checks))], "", None)
    dated = day_text(checks.dbs_date)
    if checks.dbs_date > on:
        what = "employer assurance" if checks.dbs_type == "employer_assurance" else "DBS school check"
        issue = _Issue(BLOCKING, f"no DBS check recorded on {day_text(on)}: the {what} is dated {dated}",
                       f"book from {dated} on, or {_new_dbs_advice(checks)}")
        return _finding("dbs", [issue], "", None)

    if checks.dbs_type == "employer_assurance":
        source = f" from {checks.dbs_given_by}" if checks.dbs_given_by else ""
        issues = []
        if not checks.dbs_barred_list:
            issues.append(_Issue(WARNING, f"employer assurance of {dated} does not confirm the barred-list check",
                                 "ask the employer to confirm the barred-list check"))
        return _finding("dbs", issues, f"employer assurance of {dated}{source}, barred list confirmed", None)

    recheck_due = add_years(checks.dbs_date, recheck_years)
    issues = []
    if not checks.dbs_barred_list:
        issues.append(_Issue(BLOCKING, f"DBS school check {dated} does not include the children's barred list",
                             _new_dbs_advice(checks)))
    if on > recheck_due:
        renew = ("check the certificate on the DBS update service and record today's date"
                 if checks.dbs_update_service else
                 "obtain a new enhanced DBS check with the barred list and record its date and certificate number")
        issues.append(_Issue(WARNING, f"DBS school check {dated} past the school's {recheck_years}-year re-check "
                                      f"policy (re-check was due {day_text(recheck_due)})", renew))
    valid = f"DBS school check {dated}, barred list checked; re-check due {day_text(recheck_due)}"
    return _finding("dbs", issues, valid, recheck_due)


def _registration_finding(checks: ProfessionalChecks, on: date, max_age_days: int) -> CheckFinding:
    body = checks.registration_body
    if not body:
        issue = _Issue(WARNING, "no professional registration recorded",
                       "record the registration body (HCPC, NMC or TRA), the number and the date the public "
                       "register was checked")
        return _finding("registration", [issue], "", None)
    renew = f"check the {body} register and record today's date"
    issues = []
    if not checks.registration_number:
        issues.append(_Issue(WARNING, f"{body} registration number not recorded",
                             f"check the {body} register and record the number and today's date"))
    checked = checks.registration_checked_on
    due = checked + timedelta(days=max_age_days) if checked else None
    if checked is None:
        issues.append(_Issue(WARNING, f"{body} register never checked", renew))
    elif due is not None and on > due:
        age = "over a year ago" if max_age_days == DEFAULT_REGISTER_MAX_AGE_DAYS else f"over {max_age_days} days ago"
        issues.append(_Issue(WARNING, f"{body} register last checked {day_text(checked)}, {age}", renew))
    number = f" {checks.registration_number}" if checks.registration_number else ""
    valid = f"{body}{number}, register checked {day_text(checked)}" if checked else ""
    return _finding("registration", issues, valid, due)


def _in_days(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def _insurance_finding(checks: ProfessionalChecks, on: date, warning_days: int) -> CheckFinding:
    expires = checks.insurance_expires
    if expires is None:
        if checks.kind == "independent":
            issue = _Issue(WARNING, "no insurance recorded: an independent professional needs their own",
                           "record their insurance and its expiry date")
            return _finding("insurance", [issue], "", None)
        return _finding("insurance", [], "covered by the employer", None)
    renew = "record the renewed insurance and its new expiry date"
    if expires < on:
        return _finding("insurance", [_Issue(BLOCKING, f"insurance expired on {day_text(expires)}", renew)], "",
                        expires)
    left = (expires - on).days
    if left <= warning_days:
        issue = _Issue(WARNING, f"insurance expires {day_text(expires)}, {_in_days(left)}", renew)
        return _finding("insurance", [issue], "", expires)
    return _finding("insurance", [], f"insurance valid until {day_text(expires)}", expires)


def evaluate_checks(checks: ProfessionalChecks, on: date, dbs_recheck_years: int = 3,
                    *, insurance_warning_days: int = DEFAULT_INSURANCE_WARNING_DAYS,
                    register_max_age_days: int = DEFAULT_REGISTER_MAX_AGE_DAYS) -> CheckStatus:
    """How a professional's checks stand on ``on``: one finding each for dbs, registration, insurance.

    ``dbs_recheck_years`` is the school's policy for re-checking its own DBS checks: the re-check is
    due on that anniversary and warns (never blocks) from the day after. Insurance warns from
    ``insurance_warning_days`` before its expiry day (it is valid on that day) and blocks after it; the
    register warns once last checked over ``register_max_age_days`` days before ``on``.
    """
    if dbs_recheck_years < 1:
        raise ValueError("dbs_recheck_years must be at least 1")
    if insurance_warning_days < 0 or register_max_age_days < 0:
        raise ValueError("insurance_warning_days and register_max_age_days cannot be negative")
    return CheckStatus(on, (
        _dbs_finding(checks, on, dbs_recheck_years),
        _registration_finding(checks, on, register_max_age_days),
        _insurance_finding(checks, on, insurance_warning_days),
    ))


@lru_cache(maxsize=8192)
def _evaluate_cached(checks: ProfessionalChecks, on: date, dbs_recheck_years: int) -> CheckStatus:
    """evaluate_checks is pure and its inputs frozen: the same professional on the same day is asked once."""
    return evaluate_checks(checks, on, dbs_recheck_years)


def blocked_dates(checks: ProfessionalChecks, dates: Iterable[date],
                  dbs_recheck_years: int = 3) -> dict[date, CheckStatus]:
    """The dates (of those given, in their order) on which the professional is blocked, with why."""
    blocked: dict[date, CheckStatus] = {}
    for day in dates:
        if day in blocked:
            continue
        status = _evaluate_cached(checks, day, dbs_recheck_years)
        if status.level == BLOCKING:
            blocked[day] = status
    return blocked
