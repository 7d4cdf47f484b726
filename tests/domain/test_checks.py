"""Safeguarding checks (KCSIE) of a professional on a date: DBS, registration, insurance.

The example school (tests/data/example-school.json) on Mon 23 Nov 2026, with a 3-year DBS re-check:
Peter Quinn's school check (2 Oct 2023) is past the re-check, Omar Haddad's register was last checked
1 Jun 2025, Grace Lee's insurance ends 31 Dec 2026, Karen Walsh and Rachel Green are in order.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fairfields_desktop.domain.checks import (
    BLOCKING,
    CHECKS,
    LEVELS,
    VALID,
    WARNING,
    CheckFinding,
    CheckStatus,
    ProfessionalChecks,
    add_years,
    blocked_dates,
    day_text,
    evaluate_checks,
)

EXAMPLE_JSON = Path(__file__).resolve().parents[1] / "data" / "example-school.json"
EXAMPLE_DOC = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
TODAY = date(2026, 11, 23)


def example_checks(professional_id: str) -> ProfessionalChecks:
    for pro in EXAMPLE_DOC["professionals"]:
        if pro["id"] == professional_id:
            return ProfessionalChecks.from_dataset(pro["kind"], pro["checks"])
    raise KeyError(professional_id)


# An independent therapist with everything in order on TODAY, to change one thing at a time.
SOUND = ProfessionalChecks(
    kind="independent",
    dbs_type="school_check",
    dbs_date=date(2025, 6, 30),
    dbs_certificate="001734209815",
    dbs_barred_list=True,
    dbs_update_service=True,
    registration_body="HCPC",
    registration_number="OT55501",
    registration_checked_on=date(2026, 10, 15),
    insurance_expires=date(2027, 6, 30),
)
# An NHS therapist with an employer's assurance, covered by the employer's insurance.
AGENCY = ProfessionalChecks(
    kind="statutory",
    dbs_type="employer_assurance",
    dbs_date=date(2025, 9, 1),
    dbs_given_by="Service manager, NHS Community SLT",
    dbs_barred_list=True,
    registration_body="HCPC",
    registration_number="SL04567",
    registration_checked_on=date(2026, 9, 5),
)


def level_of(checks: ProfessionalChecks, check: str, on: date = TODAY, **options: int) -> str:
    return evaluate_checks(checks, on, **options).finding(check).level


class TestTheExampleSchool:
    def test_peter_quinn_is_past_the_three_year_re_check(self):
        status = evaluate_checks(example_checks("ind-physio-1"), TODAY, 3)
        assert status.level == WARNING
        dbs = status.finding("dbs")
        assert dbs.level == WARNING
        assert "DBS school check 2 Oct 2023 past the school's 3-year re-check policy" in dbs.message
        assert dbs.due == date(2026, 10, 2)
        assert dbs.renew
        assert [f.check for f in status.warnings] == ["dbs"]
        assert status.summary.startswith("warning: DBS school check 2 Oct 2023 past the school's 3-year")

    def test_omar_haddad_register_checked_over_a_year_ago(self):
        status = evaluate_checks(example_checks("nhs-physio-1"), TODAY, 3)
        assert status.level == WARNING
        registration = status.finding("registration")
        assert registration.level == WARNING
        assert "register last checked 1 Jun 2025, over a year ago" in registration.message
        assert registration.renew == "check the HCPC register and record today's date"
        assert [f.check for f in status.warnings] == ["registration"]

    def test_omar_haddad_employer_assurance_from_2023_raises_no_re_check(self):
        # The assurance is older than 3 years: only the school's own checks are re-checked.
        assert level_of(example_checks("nhs-physio-1"), "dbs") == VALID

    @pytest.mark.parametrize(
        ("on", "level", "message"),
        [
            (date(2026, 11, 23), VALID, "insurance valid until 31 Dec 2026"),  # 38 days to go
            (date(2026, 12, 1), WARNING, "insurance expires 31 Dec 2026, in 30 days"),
            (date(2026, 12, 5), WARNING, "insurance expires 31 Dec 2026, in 26 days"),
            (date(2026, 12, 31), WARNING, "insurance expires 31 Dec 2026, today"),
            (date(2027, 1, 1), BLOCKING, "insurance expired on 31 Dec 2026"),
        ],
    )
    def test_grace_lee_insurance_through_its_expiry(self, on, level, message):
        status = evaluate_checks(example_checks("music-1"), on, 3)
        assert status.level == level
        assert status.finding("insurance") == CheckFinding(
            "insurance", level, message,
            None if level == VALID else "record the renewed insurance and its new expiry date",
            date(2026, 12, 31),
        )

    def test_grace_lee_blocked_names_the_check_and_what_renews_it(self):
        status = evaluate_checks(example_checks("music-1"), date(2027, 1, 1), 3)
        assert status.summary == "blocked: insurance expired on 31 Dec 2026"
        assert [f.check for f in status.blocking] == ["insurance"]
        assert status.blocking[0].renew == "record the renewed insurance and its new expiry date"

    @pytest.mark.parametrize("professional_id", ["ind-ot-1", "nhs-slt-1"])
    def test_karen_walsh_and_rachel_green_are_valid(self, professional_id):
        status = evaluate_checks(example_checks(professional_id), TODAY, 3)
        assert status.level == VALID
        assert status.summary == "valid"
        assert status.blocking == status.warnings == ()
        assert all(f.renew is None for f in status.findings)

    def test_rachel_green_is_covered_by_her_employer(self):
        assert evaluate_checks(example_checks("nhs-slt-1"), TODAY).finding("insurance").message == (
            "covered by the employer"
        )

    def test_from_dataset_reads_every_field(self):
        assert example_checks("ind-ot-1") == SOUND

    def test_from_dataset_with_no_checks_at_all(self):
        checks = ProfessionalChecks.from_dataset("commissioned", None)
        assert checks == ProfessionalChecks("commissioned", None, None)
        assert evaluate_checks(checks, TODAY).level == BLOCKING


class TestStatus:
    def test_one_finding_per_check_in_order(self):
        status = evaluate_checks(SOUND, TODAY)
        assert CHECKS == ("dbs", "registration", "insurance")
        assert tuple(f.check for f in status.findings) == CHECKS
        assert status.on == TODAY

    def test_levels_in_order_of_severity(self):
        assert LEVELS == (VALID, WARNING, BLOCKING) == ("valid", "warning", "blocking")

    def test_level_is_the_worst_finding(self):
        status = CheckStatus(TODAY, (
            CheckFinding("dbs", WARNING, "a", "x"),
            CheckFinding("registration", BLOCKING, "b", "y"),
            CheckFinding("insurance", VALID, "c", None),
        ))
        assert status.level == BLOCKING
        assert status.is_blocked
        assert status.summary == "blocked: b"
        assert [f.message for f in status.warnings] == ["a"]

    def test_summary_lists_every_blocking_message(self):
        checks = replace(SOUND, dbs_barred_list=False, insurance_expires=date(2026, 10, 31))
        assert evaluate_checks(checks, TODAY).summary == (
            "blocked: DBS school check 30 Jun 2025 does not include the children's barred list; "
            "insurance expired on 31 Oct 2026"
        )

    def test_summary_of_warnings_only(self):
        checks = replace(SOUND, registration_body=None, registration_number=None, registration_checked_on=None,
                         insurance_expires=date(2026, 11, 28))
        assert evaluate_checks(checks, TODAY).summary == (
            "warning: no professional registration recorded; insurance expires 28 Nov 2026, in 5 days"
        )

    def test_finding_of_an_unknown_check(self):
        with pytest.raises(KeyError):
            evaluate_checks(SOUND, TODAY).finding("passport")

    def test_unknown_kind_or_dbs_type_is_a_programming_error(self):
        with pytest.raises(ValueError, match="kind"):
            replace(SOUND, kind="parent")
        with pytest.raises(ValueError, match="dbs_type"):
            replace(SOUND, dbs_type="enhanced")

    @pytest.mark.parametrize("options", [{"dbs_recheck_years": 0}, {"insurance_warning_days": -1},
                                         {"register_max_age_days": -1}])
    def test_nonsense_settings_are_refused(self, options):
        with pytest.raises(ValueError):
            evaluate_checks(SOUND, TODAY, **options)


class TestDbs:
    @pytest.mark.parametrize("missing", [{"dbs_type": None}, {"dbs_date": None},
                                         {"dbs_type": None, "dbs_date": None}])
    def test_no_dbs_recorded_blocks(self, missing):
        finding = evaluate_checks(replace(SOUND, **missing), TODAY).finding("dbs")
        assert finding.level == BLOCKING
        assert finding.message == "no DBS check or employer assurance recorded"
        assert "certificate number" in finding.renew  # an independent's check is the school's to obtain

    def test_an_agency_professional_with_no_assurance_is_told_to_get_the_employers(self):
        finding = evaluate_checks(replace(AGENCY, dbs_type=None, dbs_date=None), TODAY).finding("dbs")
        assert finding.level == BLOCKING
        assert finding.renew.startswith("record the employer's written assurance")

    def test_a_check_dated_after_the_day_was_not_recorded_then(self):
        checks = replace(SOUND, dbs_date=date(2026, 11, 24))
        before = evaluate_checks(checks, TODAY).finding("dbs")
        assert before.level == BLOCKING
        assert before.message == "no DBS check recorded on 23 Nov 2026: the DBS school check is dated 24 Nov 2026"
        assert level_of(checks, "dbs", date(2026, 11, 24)) == VALID

    def test_an_assurance_dated_after_the_day_blocks_too(self):
        finding = evaluate_checks(replace(AGENCY, dbs_date=date(2027, 1, 4)), TODAY).finding("dbs")
        assert finding.level == BLOCKING
        assert "the employer assurance is dated 4 Jan 2027" in finding.message

    def test_a_school_check_without_the_barred_list_blocks(self):
        finding = evaluate_checks(replace(SOUND, dbs_barred_list=False), TODAY).finding("dbs")
        assert finding.level == BLOCKING
        assert finding.message == "DBS school check 30 Jun 2025 does not include the children's barred list"
        assert "barred list" in finding.renew

    def test_an_assurance_without_the_barred_list_only_warns(self):
        finding = evaluate_checks(replace(AGENCY, dbs_barred_list=False), TODAY).finding("dbs")
        assert finding.level == WARNING
        assert finding.message == "employer assurance of 1 Sep 2025 does not confirm the barred-list check"
        assert finding.renew == "ask the employer to confirm the barred-list check"

    def test_a_valid_assurance_says_who_gave_it(self):
        finding = evaluate_checks(AGENCY, TODAY).finding("dbs")
        assert finding == CheckFinding(
            "dbs", VALID, "employer assurance of 1 Sep 2025 from Service manager, NHS Community SLT, "
                          "barred list confirmed", None, None)

    @pytest.mark.parametrize(
        ("on", "level"),
        [(date(2028, 6, 29), VALID), (date(2028, 6, 30), VALID), (date(2028, 7, 1), WARNING)],
    )
    def test_re_check_is_due_on_the_anniversary_and_warns_after_it(self, on, level):
        finding = evaluate_checks(SOUND, on, 3).finding("dbs")
        assert finding.level == level
        assert finding.due == date(2028, 6, 30)

    def test_re_check_years_come_from_the_schools_setting(self):
        assert level_of(SOUND, "dbs", TODAY, dbs_recheck_years=1) == WARNING
        assert evaluate_checks(SOUND, TODAY, 1).finding("dbs").message.startswith(
            "DBS school check 30 Jun 2025 past the school's 1-year re-check policy")
        assert level_of(SOUND, "dbs", TODAY, dbs_recheck_years=2) == VALID

    def test_a_re_check_never_blocks(self):
        assert evaluate_checks(SOUND, date(2040, 1, 1), 3).finding("dbs").level == WARNING

    def test_re_check_through_the_update_service_when_subscribed(self):
        on = date(2028, 7, 1)
        assert "update service" in evaluate_checks(SOUND, on).finding("dbs").renew
        assert "new enhanced DBS check" in evaluate_checks(replace(SOUND, dbs_update_service=False), on).finding(
            "dbs").renew

    @pytest.mark.parametrize(
        ("checked", "years", "due"),
        [(date(2024, 2, 29), 3, date(2027, 2, 28)), (date(2024, 2, 29), 4, date(2028, 2, 29)),
         (date(2023, 3, 1), 1, date(2024, 3, 1))],
    )
    def test_a_29_february_check_is_due_on_28_february(self, checked, years, due):
        checks = replace(SOUND, dbs_date=checked)
        assert evaluate_checks(checks, due, years).finding("dbs").level == VALID
        assert evaluate_checks(checks, due + timedelta(days=1), years).finding("dbs").level == WARNING
        assert evaluate_checks(checks, due, years).finding("dbs").due == due

    def test_a_missing_barred_list_shows_the_block_not_the_re_check(self):
        finding = evaluate_checks(replace(SOUND, dbs_barred_list=False), date(2029, 1, 1)).finding("dbs")
        assert finding.level == BLOCKING
        assert "re-check" not in finding.message


class TestRegistration:
    def test_none_recorded_warns(self):
        checks = replace(AGENCY, registration_body=None, registration_number=None, registration_checked_on=None)
        finding = evaluate_checks(checks, TODAY).finding("registration")
        assert finding.level == WARNING
        assert finding.message == "no professional registration recorded"
        assert "HCPC, NMC or TRA" in finding.renew

    def test_a_year_to_the_day_is_still_fresh(self):
        checks = replace(AGENCY, registration_checked_on=date(2025, 11, 23))
        assert level_of(checks, "registration", TODAY) == VALID
        assert level_of(checks, "registration", TODAY + timedelta(days=1)) == WARNING
        assert evaluate_checks(checks, TODAY).finding("registration").due == TODAY

    def test_the_body_is_named_in_what_renews_it(self):
        checks = replace(AGENCY, registration_body="NMC", registration_checked_on=date(2024, 1, 10))
        finding = evaluate_checks(checks, TODAY).finding("registration")
        assert finding.message == "NMC register last checked 10 Jan 2024, over a year ago"
        assert finding.renew == "check the NMC register and record today's date"

    def test_another_maximum_age_is_said_in_days(self):
        checks = replace(AGENCY, registration_checked_on=date(2026, 5, 1))
        assert level_of(checks, "registration", TODAY) == VALID
        finding = evaluate_checks(checks, TODAY, register_max_age_days=180).finding("registration")
        assert finding.level == WARNING
        assert finding.message == "HCPC register last checked 1 May 2026, over 180 days ago"

    def test_never_checked_warns(self):
        finding = evaluate_checks(replace(AGENCY, registration_checked_on=None), TODAY).finding("registration")
        assert finding.level == WARNING
        assert finding.message == "HCPC register never checked"

    def test_no_number_warns(self):
        finding = evaluate_checks(replace(AGENCY, registration_number=None), TODAY).finding("registration")
        assert finding.level == WARNING
        assert finding.message == "HCPC registration number not recorded"

    def test_several_gaps_are_all_said(self):
        checks = replace(AGENCY, registration_number=None, registration_checked_on=None)
        finding = evaluate_checks(checks, TODAY).finding("registration")
        assert finding.message == "HCPC registration number not recorded; HCPC register never checked"
        assert finding.renew.count("check the HCPC register") == 2

    def test_valid_registration(self):
        assert evaluate_checks(AGENCY, TODAY).finding("registration") == CheckFinding(
            "registration", VALID, "HCPC SL04567, register checked 5 Sep 2026", None, date(2027, 9, 5))

    def test_registration_never_blocks(self):
        checks = replace(AGENCY, registration_body=None, registration_number=None, registration_checked_on=None)
        assert evaluate_checks(checks, date(2035, 1, 1)).level == WARNING


class TestInsurance:
    def test_valid_on_its_expiry_day_and_blocked_the_day_after(self):
        checks = replace(SOUND, insurance_expires=TODAY)
        assert level_of(checks, "insurance", TODAY) == WARNING
        assert level_of(checks, "insurance", TODAY + timedelta(days=1)) == BLOCKING

    @pytest.mark.parametrize(("days", "said"), [(0, "today"), (1, "tomorrow"), (5, "in 5 days"),
                                                (30, "in 30 days")])
    def test_warns_within_the_warning_days(self, days, said):
        expires = TODAY + timedelta(days=days)
        finding = evaluate_checks(replace(SOUND, insurance_expires=expires), TODAY).finding("insurance")
        assert finding.level == WARNING
        assert finding.message == f"insurance expires {day_text(expires)}, {said}"

    def test_thirty_one_days_ahead_is_valid(self):
        assert level_of(replace(SOUND, insurance_expires=TODAY + timedelta(days=31)), "insurance") == VALID

    def test_the_warning_days_can_be_changed(self):
        checks = replace(SOUND, insurance_expires=TODAY + timedelta(days=40))
        assert level_of(checks, "insurance", TODAY, insurance_warning_days=40) == WARNING
        assert level_of(checks, "insurance", TODAY, insurance_warning_days=39) == VALID
        assert level_of(replace(SOUND, insurance_expires=TODAY), "insurance", TODAY, insurance_warning_days=0) == (
            WARNING)

    def test_an_independent_without_insurance_warns(self):
        finding = evaluate_checks(replace(SOUND, insurance_expires=None), TODAY).finding("insurance")
        assert finding.level == WARNING
        assert finding.message == "no insurance recorded: an independent professional needs their own"
        assert finding.renew == "record their insurance and its expiry date"

    @pytest.mark.parametrize("kind", ["statutory", "commissioned"])
    def test_no_insurance_recorded_means_the_employer_covers_them(self, kind):
        finding = evaluate_checks(replace(AGENCY, kind=kind), TODAY).finding("insurance")
        assert finding == CheckFinding("insurance", VALID, "covered by the employer", None, None)

    def test_an_expired_policy_blocks_an_agency_professional_too(self):
        checks = replace(AGENCY, insurance_expires=date(2026, 10, 31))
        finding = evaluate_checks(checks, TODAY).finding("insurance")
        assert finding.level == BLOCKING
        assert finding.message == "insurance expired on 31 Oct 2026"


class TestDates:
    @pytest.mark.parametrize(("day", "text"), [(date(2026, 10, 31), "31 Oct 2026"), (date(2023, 10, 2), "2 Oct 2023"),
                                               (date(2027, 1, 1), "1 Jan 2027")])
    def test_day_text(self, day, text):
        assert day_text(day) == text

    @given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 20))
    def test_add_years_keeps_the_day_except_29_february(self, day, years):
        later = add_years(day, years)
        assert later.year == day.year + years
        if (day.month, day.day) == (2, 29) and later.day != 29:
            assert (later.month, later.day) == (2, 28)
        else:
            assert (later.month, later.day) == (day.month, day.day)


class TestBlockedDates:
    def test_only_the_blocked_dates_with_their_status(self):
        grace = example_checks("music-1")
        days = [date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 5)]
        blocked = blocked_dates(grace, days, 3)
        assert list(blocked) == [date(2027, 1, 1), date(2027, 1, 5)]
        assert blocked[date(2027, 1, 5)].summary == "blocked: insurance expired on 31 Dec 2026"
        assert blocked[date(2027, 1, 5)].on == date(2027, 1, 5)

    def test_nothing_blocked(self):
        assert blocked_dates(SOUND, [TODAY, TODAY + timedelta(days=7)]) == {}
        assert blocked_dates(SOUND, []) == {}

    def test_accepts_any_iterable_once(self):
        days = (TODAY + timedelta(days=n) for n in range(3))
        assert list(blocked_dates(replace(SOUND, dbs_type=None), days)) == [
            TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=2)]


# -- properties ---------------------------------------------------------------------------------------------

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))
maybe_days = st.none() | days


@st.composite
def professional_checks(draw: st.DrawFn) -> ProfessionalChecks:
    body = draw(st.none() | st.sampled_from(["HCPC", "NMC", "TRA"]))
    return ProfessionalChecks(
        kind=draw(st.sampled_from(["statutory", "commissioned", "independent"])),
        dbs_type=draw(st.none() | st.sampled_from(["employer_assurance", "school_check"])),
        dbs_date=draw(maybe_days),
        dbs_given_by=draw(st.none() | st.just("Team lead")),
        dbs_certificate=draw(st.none() | st.just("001512887340")),
        dbs_barred_list=draw(st.booleans()),
        dbs_update_service=draw(st.booleans()),
        registration_body=body,
        registration_number=draw(st.none() | st.just("PH77810")) if body else None,
        registration_checked_on=draw(maybe_days) if body else None,
        insurance_expires=draw(maybe_days),
    )


class TestProperties:
    @given(professional_checks(), days, st.integers(1, 10))
    @settings(max_examples=300)
    def test_every_status_is_well_formed(self, checks, on, years):
        status = evaluate_checks(checks, on, years)
        assert tuple(f.check for f in status.findings) == CHECKS
        for finding in status.findings:
            assert finding.level in LEVELS
            assert finding.message
            assert (finding.renew is None) == (finding.level == VALID)
        assert status.level == max((f.level for f in status.findings), key=LEVELS.index)
        assert status.summary.startswith({VALID: "valid", WARNING: "warning: ", BLOCKING: "blocked: "}[status.level])

    @given(professional_checks(), days, st.integers(1, 10))
    @settings(max_examples=300)
    def test_blocked_exactly_on_the_three_rules(self, checks, on, years):
        expected = (
            checks.dbs_type is None or checks.dbs_date is None or checks.dbs_date > on
            or (checks.dbs_type == "school_check" and not checks.dbs_barred_list)
            or (checks.insurance_expires is not None and checks.insurance_expires < on)
        )
        assert (evaluate_checks(checks, on, years).level == BLOCKING) == expected
        assert evaluate_checks(checks, on, years).finding("registration").level != BLOCKING

    @given(professional_checks(), st.integers(1, 400), st.integers(0, 3000))
    @example(example_checks("music-1"), 1, 0)
    @settings(max_examples=300)
    def test_expired_insurance_stays_blocking_on_every_later_date(self, checks, overdue_by, later_by):
        if checks.insurance_expires is None:
            checks = replace(checks, insurance_expires=date(2026, 12, 31))
        on = checks.insurance_expires + timedelta(days=overdue_by)
        assert evaluate_checks(checks, on).finding("insurance").level == BLOCKING
        later = evaluate_checks(checks, on + timedelta(days=later_by))
        assert later.level == BLOCKING
        assert later.finding("insurance") == evaluate_checks(checks, on).finding("insurance")

    @given(professional_checks(), st.lists(days, max_size=30), st.integers(1, 10))
    @settings(max_examples=200)
    def test_blocked_dates_are_exactly_the_blocking_ones(self, checks, dates, years):
        blocked = blocked_dates(checks, dates, years)
        assert set(blocked) == {day for day in dates if evaluate_checks(checks, day, years).level == BLOCKING}
        for day, status in blocked.items():
            assert status == evaluate_checks(checks, day, years)

    @given(professional_checks(), days)
    @settings(max_examples=200)
    def test_the_school_check_re_check_alone_never_changes_blocking(self, checks, on):
        short = evaluate_checks(checks, on, 1)
        long = evaluate_checks(checks, on, 20)
        assert (short.level == BLOCKING) == (long.level == BLOCKING)
