"""The headteacher's rules for independent therapy in the school day.

Built on the example school (tests/data/example-school.json) on Mon 23 Nov 2026, with a 95.0 %
attendance threshold, at most 12 school weeks and a 3-year DBS re-check. Its year:
Autumn 2026 Thu 3 Sep – Fri 18 Dec (half term 26–30 Oct, INSET Fri 27 Nov),
Spring 2027 Tue 5 Jan – Thu 25 Mar (half term 15–19 Feb),
Summer 2027 Mon 12 Apr – Wed 21 Jul (bank holiday Mon 3 May, half term 31 May – 4 Jun).

r-001 Amara Osei (Oak, 97.2 %), Karen Walsh in Therapy Room 1 with Jaya Patel, Tuesdays 10:30–11:15
from 1 Dec 2026 to 23 Feb 2027; b-001 holds the room on Tuesdays 09:30–10:15 until 15 Dec (no overlap).
r-002 Ben Hughes (Oak, 91.5 %), Peter Quinn in the classroom, Wednesdays 2 Dec 2026 – 27 Jan 2027.
r-003 Dev Sharma (Willow, exactly 95.0 %), Peter Quinn off site, Fridays 8 Jan – 19 Mar 2027.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fairfields_desktop.domain.calendar import Closure, SchoolCalendar, Term, monday_of
from fairfields_desktop.domain.checks import ProfessionalChecks, day_text
from fairfields_desktop.domain.dataset import calendar_from_terms
from fairfields_desktop.domain.rules import (
    RULE_IDS,
    EarlierAuthorisation,
    PupilFacts,
    RequestFacts,
    RuleContext,
    RuleResult,
    SpaceUse,
    StaffFacts,
    Suspension,
    eligible,
    evaluate,
    holiday_words,
    percent_text,
    session_dates,
)

EXAMPLE_JSON = Path(__file__).resolve().parents[1] / "data" / "example-school.json"
DOC = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
CALENDAR = calendar_from_terms(DOC["terms"])
NO_TERMS = SchoolCalendar()
TODAY = date(2026, 11, 23)
THRESHOLD = DOC["settings"]["attendance_threshold_percent"]
MAX_WEEKS = DOC["settings"]["max_authorised_weeks"]
RECHECK = DOC["settings"]["dbs_recheck_years"]


def d(text: str) -> date:
    return date.fromisoformat(text)


def _record(section: str, key: str, value: str) -> dict:
    return next(r for r in DOC[section] if r[key] == value)


def request_facts(request_id: str) -> RequestFacts:
    r = _record("requests", "id", request_id)
    approval = r["ehcp_team_approval"] or {}
    return RequestFacts(
        id=r["id"], setting=r["setting"], first_session=d(r["first_session"]), last_session=d(r["last_session"]),
        weekday=r["weekday"], start_time=time.fromisoformat(r["start_time"]),
        end_time=time.fromisoformat(r["end_time"]),
        ehcp_approval_on=d(approval["on"]) if approval else None,
        ehcp_approval_reference=approval.get("reference"),
        personal_budget_linked=r["personal_budget_linked"], classroom_sessions_agreed=r["classroom_sessions_agreed"],
        space=r["space"], class_staff=r["class_staff"], extends=r["extends"],
    )


def pupil_facts(upn: str) -> PupilFacts:
    p = _record("pupils", "upn", upn)
    return PupilFacts(f"{p['first_name']} {p['last_name']}", p["class"], p["attendance"]["percent"],
                      d(p["attendance"]["as_of"]))


def professional_checks(professional_id: str) -> ProfessionalChecks:
    pro = _record("professionals", "id", professional_id)
    return ProfessionalChecks.from_dataset(pro["kind"], pro["checks"])


def booking_uses(booking_id: str) -> tuple[SpaceUse, ...]:
    """The occurrences of an example booking, weekly on school days until its repeat date."""
    b = _record("bookings", "id", booking_id)
    start, end = datetime.fromisoformat(b["start"]), datetime.fromisoformat(b["end"])
    kind = _record("professionals", "id", b["professional"])["kind"] if b["professional"] else "school"
    days = CALENDAR.weekly_dates(start.date(), d(b["repeat_weekly_until"] or b["start"][:10]))
    return tuple(SpaceUse(datetime.combine(day, start.time()), datetime.combine(day, end.time()), b["purpose"], kind)
                 for day in days)


def staff_facts(staff_id: str) -> StaffFacts:
    s = _record("staff", "id", staff_id)
    busy = tuple(use for b in DOC["bookings"] if staff_id in b["staff"] for use in booking_uses(b["id"]))
    return StaffFacts(staff_id, s["name"], s.get("class"), busy)


def example_context(request_id: str) -> RuleContext:
    r = _record("requests", "id", request_id)
    pro = _record("professionals", "id", r["professional"])
    space_uses = tuple(use for b in DOC["bookings"] if b["space"] == r["space"] for use in booking_uses(b["id"]))
    return RuleContext(
        today=TODAY, attendance_threshold=THRESHOLD, max_weeks=MAX_WEEKS, calendar=CALENDAR,
        professional_name=pro["name"], checks=professional_checks(pro["id"]), dbs_recheck_years=RECHECK,
        pupil=pupil_facts(r["pupil"]), space_uses=space_uses,
        class_staff=staff_facts(r["class_staff"]) if r["class_staff"] else None,
    )


R001, R002, R003 = request_facts("r-001"), request_facts("r-002"), request_facts("r-003")
C001, C002, C003 = example_context("r-001"), example_context("r-002"), example_context("r-003")
R001_DATES = [d("2026-12-01"), d("2026-12-08"), d("2026-12-15"), d("2027-01-05"), d("2027-01-12"),
              d("2027-01-19"), d("2027-01-26"), d("2027-02-02"), d("2027-02-09"), d("2027-02-23")]


def result(request: RequestFacts, context: RuleContext, rule: str) -> RuleResult:
    results = evaluate(request, context)
    assert [r.rule for r in results] == list(RULE_IDS)
    return results[RULE_IDS.index(rule)]


def failing(request: RequestFacts, context: RuleContext) -> list[str]:
    return [r.rule for r in evaluate(request, context) if not r.ok]


def use(day: str, start: str, end: str, what: str = "Music therapy group", kind: str = "commissioned") -> SpaceUse:
    return SpaceUse(datetime.fromisoformat(f"{day}T{start}"), datetime.fromisoformat(f"{day}T{end}"), what, kind)


def weekly(first: date, weeks: int) -> date:
    return first + timedelta(weeks=weeks)


# --- the example school -------------------------------------------------------------------------------

class TestExampleSchool:
    def test_the_facts_are_read_from_the_dataset(self):
        assert CALENDAR.is_school_day(d("2026-12-01")) and not CALENDAR.is_school_day(d("2026-12-22"))
        assert C001.pupil == PupilFacts("Amara Osei", "Oak", 97.2, d("2026-11-20"))
        assert C001.class_staff.name == "Jaya Patel" and C001.class_staff.class_name == "Oak"
        assert len(C001.space_uses) == 4  # b-001 on 24 Nov, 1, 8 and 15 Dec
        assert (THRESHOLD, MAX_WEEKS, RECHECK) == (95.0, 12, 3)

    def test_rules_come_in_the_briefs_order(self):
        assert RULE_IDS == ("ATTENDANCE", "MAX_WEEKS", "EXTENSION", "EHCP_APPROVAL", "CLASSROOM_AGREEMENT",
                            "SPACE", "CLASS_STAFF", "NOT_SUSPENDED", "CHECKS")
        assert [r.rule for r in evaluate(R003, C003)] == list(RULE_IDS)

    def test_r001_is_eligible(self):
        results = evaluate(R001, C001)
        assert [r.rule for r in results if not r.ok] == []
        assert eligible(results)
        by_rule = {r.rule: r for r in results}
        assert by_rule["MAX_WEEKS"].detail == ("10 school weeks (13 calendar weeks; Christmas and February half "
                                               "term do not count)")
        assert by_rule["MAX_WEEKS"].figure == 10
        assert by_rule["SPACE"].detail == "Therapy Room 1 is free for all 10 sessions"
        assert by_rule["CLASS_STAFF"].detail == "Jaya Patel (Oak class staff) is free for all 10 sessions"
        assert by_rule["CHECKS"].detail == "Karen Walsh is clear on all 10 session dates"

    def test_r001_clashes_with_b001_once_it_moves_onto_b001s_time(self):
        # b-001 is Tuesdays 09:30–10:15: the same room at 09:45 is taken on its three December Tuesdays.
        moved = replace(R001, start_time=time(9, 45), end_time=time(10, 30))
        space = result(moved, C001, "SPACE")
        assert not space.ok
        assert space.detail == ("Therapy Room 1 is taken on 3 of 10 dates: 1 Dec (SLT: AAC programme), "
                                "8 Dec (SLT: AAC programme), 15 Dec (SLT: AAC programme)")
        assert space.figure == 3

    def test_r002_fails_attendance_only(self):
        results = evaluate(R002, C002)
        assert [r.rule for r in results if not r.ok] == ["ATTENDANCE"]
        assert results[0].detail == "attendance 91.5% on 20 Nov 2026 is below the school's 95.0%"
        assert results[0].figure == 91.5
        assert not eligible(results)

    def test_r002_counts_its_weeks_across_christmas(self):
        weeks = result(R002, C002, "MAX_WEEKS")
        assert weeks.detail == "7 school weeks (9 calendar weeks; Christmas does not count)"

    def test_r003_off_site_is_eligible(self):
        results = evaluate(R003, C003)
        assert eligible(results)
        by_rule = {r.rule: r for r in results}
        for rule in ("EHCP_APPROVAL", "CLASSROOM_AGREEMENT", "SPACE", "CLASS_STAFF"):
            assert by_rule[rule].detail == "not applicable: the pupil attends off site"
        assert by_rule["ATTENDANCE"].detail == "attendance 95.0% on 20 Nov 2026 meets the school's 95.0%"
        assert by_rule["MAX_WEEKS"].detail == "10 school weeks (11 calendar weeks; February half term does not count)"
        assert by_rule["CHECKS"].detail == "Peter Quinn is clear on all 10 session dates"


class TestSessionDates:
    def test_the_weekday_each_school_week(self):
        assert session_dates(R001, CALENDAR) == R001_DATES

    def test_a_first_session_off_the_weekday_starts_at_the_next_one(self):
        thursday_start = replace(R001, first_session=d("2026-12-03"))
        assert session_dates(thursday_start, CALENDAR)[0] == d("2026-12-08")

    def test_a_closure_day_is_skipped(self):
        fridays = replace(R003, first_session=d("2026-11-20"), last_session=d("2026-12-04"), weekday="friday")
        assert session_dates(fridays, CALENDAR) == [d("2026-11-20"), d("2026-12-04")]  # INSET 27 Nov

    def test_no_terms_means_every_week(self):
        assert len(session_dates(R001, NO_TERMS)) == 13

    def test_a_weekend_weekday_is_refused(self):
        with pytest.raises(ValueError, match="weekday"):
            replace(R001, weekday="saturday")
        with pytest.raises(ValueError, match="setting"):
            replace(R001, setting="at_home")


# --- one class a rule ---------------------------------------------------------------------------------

AS_OF = d("2026-11-20")


def with_attendance(percent: float | None, as_of: date | None = AS_OF) -> RuleContext:
    return replace(C001, pupil=replace(C001.pupil, attendance_percent=percent, attendance_as_of=as_of))


class TestAttendance:
    def test_above_the_threshold_passes(self):
        got = result(R001, with_attendance(97.2), "ATTENDANCE")
        assert (got.ok, got.detail, got.figure) == (True, "attendance 97.2% on 20 Nov 2026 meets the school's 95.0%",
                                                    97.2)

    def test_below_the_threshold_fails(self):
        got = result(R001, with_attendance(94.9), "ATTENDANCE")
        assert not got.ok
        assert got.detail == "attendance 94.9% on 20 Nov 2026 is below the school's 95.0%"

    def test_a_threshold_met_exactly_passes(self):
        assert result(R001, with_attendance(95.0), "ATTENDANCE").ok

    def test_it_applies_off_site_too(self):
        assert failing(R003, replace(C003, pupil=replace(C003.pupil, attendance_percent=80.0))) == ["ATTENDANCE"]

    def test_no_figure_fails(self):
        got = result(R001, with_attendance(None, None), "ATTENDANCE")
        assert (got.ok, got.detail) == (False, "no attendance figure recorded: import it from the MIS")

    def test_a_figure_over_14_days_old_says_so_but_still_counts(self):
        got = result(R001, with_attendance(97.2, TODAY - timedelta(days=15)), "ATTENDANCE")
        assert got.ok
        assert got.detail == ("attendance 97.2% on 8 Nov 2026 meets the school's 95.0%; the figure is 15 days old: "
                              "update it from the MIS")
        stale_fail = result(R001, with_attendance(91.5, d("2026-10-01")), "ATTENDANCE")
        assert not stale_fail.ok and stale_fail.detail.endswith("; the figure is 53 days old: update it from the MIS")

    def test_a_figure_14_days_old_is_not_flagged(self):
        got = result(R001, with_attendance(97.2, TODAY - timedelta(days=14)), "ATTENDANCE")
        assert got.detail == "attendance 97.2% on 9 Nov 2026 meets the school's 95.0%"

    def test_an_undated_figure_asks_for_an_update(self):
        got = result(R001, with_attendance(97.2, None), "ATTENDANCE")
        assert got.detail == ("attendance 97.2% (undated) meets the school's 95.0%; the figure has no date: "
                              "update it from the MIS")

    def test_a_figure_just_under_never_reads_as_the_threshold(self):
        got = result(R001, with_attendance(94.96), "ATTENDANCE")
        assert not got.ok
        assert got.detail == "attendance 94.96% on 20 Nov 2026 is below the school's 95.0%"
        assert percent_text(90.0) == "90.0%"


def earlier(id_: str, first: str, last: str) -> EarlierAuthorisation:
    return EarlierAuthorisation(id_, d(first), d(last))


class TestMaxWeeks:
    def test_12_school_weeks_pass_and_13_fail(self):
        # From Tue 5 Jan 2027: 5 Jan – 23 Mar is 11 school weeks (half term out), 30 Mar adds none (Easter),
        # so Tue 13 Apr is the 12th and Tue 20 Apr the 13th.
        twelve = replace(R003, first_session=d("2027-01-05"), last_session=d("2027-04-13"), weekday="tuesday")
        got = result(twelve, C003, "MAX_WEEKS")
        assert (got.ok, got.figure) == (True, 12)
        assert got.detail == ("12 school weeks (15 calendar weeks; February half term and holiday between Spring "
                              "2027 and Summer 2027 do not count)")
        thirteen = replace(twelve, last_session=d("2027-04-20"))
        got = result(thirteen, C003, "MAX_WEEKS")
        assert (got.ok, got.figure) == (False, 13)
        assert got.detail == ("13 school weeks (16 calendar weeks; February half term and holiday between Spring "
                              "2027 and Summer 2027 do not count) is over the school's maximum of 12")
        assert failing(thirteen, C003) == ["MAX_WEEKS"]  # EXTENSION still passes for a first request

    def test_no_clause_when_every_week_has_school(self):
        got = result(replace(R001, last_session=d("2026-12-15")), C001, "MAX_WEEKS")
        assert got.detail == "3 school weeks (3 calendar weeks)"
        one = result(replace(R001, last_session=d("2026-12-01")), C001, "MAX_WEEKS")
        assert one.detail == "1 school week (1 calendar week)"

    def test_half_terms_are_named_after_their_month(self):
        autumn = replace(R001, first_session=d("2026-10-20"), last_session=d("2026-11-03"))
        assert result(autumn, C001, "MAX_WEEKS").detail == ("2 school weeks (3 calendar weeks; October half term "
                                                            "does not count)")
        summer = replace(R001, first_session=d("2027-05-25"), last_session=d("2027-06-08"))
        assert result(summer, C001, "MAX_WEEKS").detail == ("2 school weeks (3 calendar weeks; May half term does "
                                                            "not count)")

    def test_three_holidays_are_joined_with_commas_and_and(self):
        assert holiday_words(CALENDAR, d("2026-10-20"), d("2027-02-23")) == [
            "October half term", "Christmas", "February half term"]
        long = replace(R001, first_session=d("2026-10-20"), last_session=d("2027-02-23"))
        got = result(long, C001, "MAX_WEEKS")
        assert got.detail == ("15 school weeks (19 calendar weeks; October half term, Christmas and February half "
                              "term do not count) is over the school's maximum of 12")

    def test_another_setting_for_the_maximum(self):
        assert not result(R001, replace(C001, max_weeks=9), "MAX_WEEKS").ok
        assert result(R001, replace(C001, max_weeks=10), "MAX_WEEKS").ok

    def test_a_back_to_back_earlier_authorisation_counts_together(self):
        # r-007 ran Tue 5 Jan – Tue 16 Feb 2027; the new one starts two school weeks later on 2 Mar.
        context = replace(C001, earlier=(earlier("r-007", "2027-01-05", "2027-02-16"),))
        new = replace(R001, first_session=d("2027-03-02"), last_session=d("2027-04-27"))
        got = result(new, context, "MAX_WEEKS")
        assert not got.ok and got.figure == 14
        assert got.detail == ("together with r-007 (from 5 Jan 2027): 14 school weeks (17 calendar weeks; February "
                              "half term and holiday between Spring 2027 and Summer 2027 do not count) is over the "
                              "school's maximum of 12")
        alone = result(new, C001, "MAX_WEEKS")
        assert alone.ok and alone.figure == 7

    def test_a_chain_of_earlier_authorisations_is_followed_back(self):
        context = replace(C001, earlier=(earlier("r-006", "2026-11-03", "2026-11-17"),
                                         earlier("r-007", "2026-12-01", "2026-12-15"),
                                         earlier("r-005", "2026-09-08", "2026-09-15")))  # long before: not linked
        new = replace(R001, first_session=d("2027-01-05"), last_session=d("2027-01-19"))
        got = result(new, context, "MAX_WEEKS")
        assert got.detail == ("together with r-006 and r-007 (from 3 Nov 2026): 10 school weeks (12 calendar weeks; "
                              "Christmas does not count)")
        assert got.ok and got.figure == 10

    def test_an_extension_passes_max_weeks_and_names_the_combined_weeks(self):
        context = replace(C001, earlier=(earlier("r-007", "2027-01-05", "2027-03-23"),))
        extension = replace(R001, first_session=d("2027-04-13"), last_session=d("2027-05-25"), extends="r-007",
                            extension_reason="rehabilitation after surgery")
        got = result(extension, context, "MAX_WEEKS")
        assert got.ok and got.figure == 18
        assert got.detail == ("together with r-007 (from 5 Jan 2027): 18 school weeks (21 calendar weeks; February "
                              "half term and holiday between Spring 2027 and Summer 2027 do not count) is over the "
                              "school's maximum of 12: an extension agreed with the headteacher")
        assert eligible(evaluate(extension, context))
        first_request = replace(extension, extends=None, extension_reason=None)
        assert failing(first_request, context) == ["MAX_WEEKS"]

    def test_a_period_starting_in_a_holiday_counts_from_the_first_school_week(self):
        from_christmas = replace(R001, first_session=d("2026-12-22"))
        got = result(from_christmas, C001, "MAX_WEEKS")
        assert got.detail == "7 school weeks (10 calendar weeks; Christmas and February half term do not count)"


class TestExtension:
    def extension(self, **changes) -> RequestFacts:
        base = replace(R001, first_session=d("2027-03-02"), last_session=d("2027-03-16"), extends="r-007",
                       extension_reason="rehabilitation after surgery")
        return replace(base, **changes)

    def context(self) -> RuleContext:
        return replace(C001, earlier=(earlier("r-007", "2026-12-01", "2027-02-23"),))

    def test_a_first_request_is_not_an_extension(self):
        got = result(R001, C001, "EXTENSION")
        assert (got.ok, got.detail) == (True, "not an extension")

    def test_an_extension_with_a_reason_and_a_new_end_passes(self):
        got = result(self.extension(), self.context(), "EXTENSION")
        assert (got.ok, got.detail, got.figure) == (
            True, "extends r-007 to 16 Mar 2027: rehabilitation after surgery", d("2027-03-16"))

    def test_without_a_reason_it_fails(self):
        for reason in (None, "", "   "):
            got = result(self.extension(extension_reason=reason), self.context(), "EXTENSION")
            assert (got.ok, got.detail) == (False, "extension of r-007 lacks a reason")

    def test_without_a_new_end_date_it_fails(self):
        got = result(self.extension(last_session=d("2027-03-02")), self.context(), "EXTENSION")
        assert not got.ok
        assert got.detail == ("extension of r-007 lacks a new end date (the last session, 2 Mar 2027, is not after "
                              "the first, 2 Mar 2027)")

    def test_an_end_not_after_the_extended_ones_fails(self):
        got = result(self.extension(first_session=d("2027-01-05"), last_session=d("2027-02-09")), self.context(),
                     "EXTENSION")
        assert not got.ok
        assert got.detail == ("extension of r-007 lacks a new end date (9 Feb 2027 is not after r-007's last "
                              "session, 23 Feb 2027)")

    def test_both_missing_are_named(self):
        got = result(self.extension(extension_reason=None, last_session=d("2027-03-02")), self.context(), "EXTENSION")
        assert got.detail.startswith("extension of r-007 lacks a reason and a new end date")

    def test_it_applies_off_site_too(self):
        off_site = replace(R003, extends="r-004", extension_reason=None)
        assert failing(off_site, C003) == ["EXTENSION"]


class TestEhcpApproval:
    def test_approved_and_linked_passes(self):
        got = result(R001, C001, "EHCP_APPROVAL")
        assert (got.ok, got.figure) == (True, d("2026-11-02"))
        assert got.detail == ("approved by the EHCP team on 2 Nov 2026 (EHCP-TEAM-2026-118), linked to the "
                              "personal budget")

    def test_not_linked_to_the_personal_budget_fails(self):
        got = result(replace(R001, personal_budget_linked=False), C001, "EHCP_APPROVAL")
        assert not got.ok
        assert got.detail == ("approved by the EHCP team on 2 Nov 2026 (EHCP-TEAM-2026-118), but not linked to "
                              "the personal budget")

    def test_no_approval_names_what_is_missing(self):
        none = replace(R001, ehcp_approval_on=None, ehcp_approval_reference=None, personal_budget_linked=False)
        got = result(none, C001, "EHCP_APPROVAL")
        assert not got.ok
        assert got.detail == ("no EHCP team approval recorded: the EHCP team's approval date, the approval reference "
                              "and the link to the personal budget are missing")
        no_ref = result(replace(R001, ehcp_approval_reference=" "), C001, "EHCP_APPROVAL")
        assert not no_ref.ok
        assert no_ref.detail == "no EHCP team approval recorded: the approval reference is missing"

    def test_off_site_it_does_not_apply(self):
        got = result(R003, C003, "EHCP_APPROVAL")
        assert R003.ehcp_approval_on is None
        assert (got.ok, got.detail) == (True, "not applicable: the pupil attends off site")


class TestClassroomAgreement:
    def test_agreed_passes(self):
        got = result(R001, C001, "CLASSROOM_AGREEMENT")
        assert got.ok
        assert got.detail == "agreed that some sessions happen in the classroom, working with the class team"

    def test_not_agreed_fails(self):
        got = result(replace(R001, classroom_sessions_agreed=False), C001, "CLASSROOM_AGREEMENT")
        assert not got.ok
        assert got.detail == "no agreement that some sessions happen in the classroom, working with the class team"

    def test_off_site_it_does_not_apply(self):
        assert not R003.classroom_sessions_agreed
        assert result(R003, C003, "CLASSROOM_AGREEMENT").ok


class TestSpace:
    def test_the_classroom_holds_no_space(self):
        got = result(R002, C002, "SPACE")
        assert (got.ok, got.detail) == (True, "not applicable: sessions in the classroom hold no space")

    def test_free_for_every_session_passes(self):
        got = result(R001, C001, "SPACE")
        assert (got.ok, got.figure) == (True, 0)

    def test_taken_dates_are_listed_with_what_holds_them(self):
        uses = (use("2026-12-08", "10:00", "10:45"),
                use("2027-01-12", "11:00", "12:00", "Hydrotherapy prep", "school"),
                use("2026-12-09", "10:30", "11:15"))  # a Wednesday: no session then
        got = result(R001, replace(C001, space_uses=uses), "SPACE")
        assert (got.ok, got.figure) == (False, 2)
        assert got.detail == ("Therapy Room 1 is taken on 2 of 10 dates: 8 Dec (Music therapy group), "
                              "12 Jan (Hydrotherapy prep)")

    def test_more_than_five_dates_are_summed_up(self):
        uses = tuple(use(day.isoformat(), "10:00", "11:00", "SLT group", "statutory") for day in R001_DATES[:8])
        got = result(R001, replace(C001, space_uses=uses), "SPACE")
        assert got.figure == 8
        assert got.detail == ("Therapy Room 1 is taken on 8 of 10 dates: 1 Dec (SLT group), 8 Dec (SLT group), "
                              "15 Dec (SLT group), 5 Jan (SLT group), 12 Jan (SLT group) and 3 more")

    def test_times_are_half_open(self):
        touching = (use("2026-12-08", "09:45", "10:30"), use("2026-12-15", "11:15", "12:00"))
        assert result(R001, replace(C001, space_uses=touching), "SPACE").ok
        one_minute = (use("2026-12-08", "09:45", "10:31"),)
        assert not result(R001, replace(C001, space_uses=one_minute), "SPACE").ok

    def test_an_independent_booking_also_takes_the_space(self):
        uses = (use("2026-12-01", "10:30", "11:15", "Independent SLT", "independent"),)
        assert result(R001, replace(C001, space_uses=uses), "SPACE").figure == 1

    def test_off_site_it_does_not_apply(self):
        off_site = replace(R001, setting="off_site")
        uses = (use("2026-12-01", "10:30", "11:15"),)
        got = result(off_site, replace(C001, space_uses=uses), "SPACE")
        assert (got.ok, got.detail) == (True, "not applicable: the pupil attends off site")


def staff(name: str = "Jaya Patel", class_name: str | None = "Oak", busy: tuple[SpaceUse, ...] = ()) -> StaffFacts:
    return StaffFacts("jpatel", name, class_name, busy)


class TestClassStaff:
    def test_in_the_classroom_it_does_not_apply(self):
        got = result(R002, C002, "CLASS_STAFF")
        assert got.ok and got.detail.startswith("not applicable: sessions in the classroom")

    def test_a_free_member_of_the_class_staff_passes(self):
        got = result(R001, replace(C001, class_staff=staff()), "CLASS_STAFF")
        assert (got.ok, got.detail) == (True, "Jaya Patel (Oak class staff) is free for all 10 sessions")

    def test_none_named_fails(self):
        got = result(replace(R001, class_staff=None), replace(C001, class_staff=None), "CLASS_STAFF")
        assert (got.ok, got.detail) == (False, "no member of class staff named")

    def test_staff_of_another_class_fails(self):
        got = result(R001, replace(C001, class_staff=staff("Daniel King", "Willow")), "CLASS_STAFF")
        assert (got.ok, got.detail) == (False, "Daniel King is Willow class staff, not Oak")
        head = result(R001, replace(C001, class_staff=staff("Helen Carter", None)), "CLASS_STAFF")
        assert (head.ok, head.detail) == (False, "Helen Carter is not class staff: Oak class staff must attend")

    def test_staff_attending_another_session_fails(self):
        busy = (use("2026-12-01", "11:00", "11:30", "Oak class swimming", "school"),
                use("2027-02-23", "10:00", "10:45", "Annual review", "school"),
                use("2027-02-24", "10:30", "11:15", "Oak class swimming", "school"))
        got = result(R001, replace(C001, class_staff=staff(busy=busy)), "CLASS_STAFF")
        assert (got.ok, got.figure) == (False, 2)
        assert got.detail == ("Jaya Patel attends another session on 2 of 10 dates: 1 Dec (Oak class swimming), "
                              "23 Feb (Annual review)")

    def test_back_to_back_sessions_do_not_clash(self):
        busy = (use("2026-12-01", "09:30", "10:30", "Phonics", "school"),
                use("2026-12-01", "11:15", "12:00", "Lunch duty", "school"))
        assert result(R001, replace(C001, class_staff=staff(busy=busy)), "CLASS_STAFF").ok

    def test_off_site_it_does_not_apply(self):
        assert result(replace(R001, setting="off_site"), replace(C001, class_staff=None), "CLASS_STAFF").ok


class TestNotSuspended:
    def test_never_suspended_passes(self):
        got = result(R001, C001, "NOT_SUSPENDED")
        assert (got.ok, got.detail) == (True, "not suspended")

    def test_suspended_fails_until_a_review_meeting(self):
        got = result(R001, replace(C001, suspension=Suspension(d("2026-12-03"))), "NOT_SUSPENDED")
        assert not got.ok
        assert got.detail == ("suspended on 3 Dec 2026; a review meeting with parents and professionals must come "
                              "before reinstatement")

    def test_after_the_review_meeting_it_may_be_reinstated_but_still_fails(self):
        for meeting in (d("2026-12-10"), d("2026-12-03")):  # the day of the suspension counts
            got = result(R001, replace(C001, suspension=Suspension(d("2026-12-03"), meeting)), "NOT_SUSPENDED")
            assert not got.ok
            assert got.detail == (f"suspended on 3 Dec 2026; review meeting held {day_text(meeting)}: "
                                  "may be reinstated")

    def test_a_meeting_before_the_suspension_does_not_count(self):
        got = result(R001, replace(C001, suspension=Suspension(d("2026-12-03"), d("2026-12-02"))), "NOT_SUSPENDED")
        assert "must come before reinstatement" in got.detail and not got.ok

    def test_reinstated_after_the_meeting_passes(self):
        suspension = Suspension(d("2026-12-03"), d("2026-12-10"), d("2026-12-11"))
        got = result(R001, replace(C001, suspension=suspension), "NOT_SUSPENDED")
        assert (got.ok, got.detail) == (True, "reinstated on 11 Dec 2026, after the review meeting on 10 Dec 2026")

    def test_reinstated_without_a_valid_meeting_fails(self):
        for suspension in (Suspension(d("2026-12-03"), None, d("2026-12-11")),
                           Suspension(d("2026-12-03"), d("2026-12-01"), d("2026-12-11")),
                           Suspension(d("2026-12-03"), d("2026-12-12"), d("2026-12-11"))):
            got = result(R001, replace(C001, suspension=suspension), "NOT_SUSPENDED")
            assert not got.ok and "without a review meeting" in got.detail

    def test_it_applies_off_site_too(self):
        assert failing(R003, replace(C003, suspension=Suspension(d("2027-01-20")))) == ["NOT_SUSPENDED"]


class TestChecks:
    def test_clear_on_every_date_passes(self):
        got = result(R001, C001, "CHECKS")
        assert (got.ok, got.figure) == (True, 0)

    def test_insurance_expiring_in_the_period_blocks_the_later_dates(self):
        lapsing = replace(C001.checks, insurance_expires=d("2027-01-31"))
        got = result(R001, replace(C001, checks=lapsing), "CHECKS")
        assert (got.ok, got.figure) == (False, 3)
        assert got.detail == "insurance expired on 31 Jan 2027: blocked on 3 of the 10 sessions, from 2 Feb 2027"

    def test_a_dbs_check_dated_inside_the_period_blocks_the_earlier_dates(self):
        late = replace(C001.checks, dbs_date=d("2026-12-10"))
        got = result(R001, replace(C001, checks=late), "CHECKS")
        assert (got.ok, got.figure) == (False, 2)
        assert got.detail.endswith(": blocked on 2 of the 10 sessions, from 1 Dec 2026")
        assert got.detail.startswith("no DBS check recorded on 1 Dec 2026")

    def test_two_checks_blocking_are_both_named(self):
        broken = replace(C001.checks, dbs_type=None, dbs_date=None, insurance_expires=d("2027-01-31"))
        got = result(R001, replace(C001, checks=broken), "CHECKS")
        assert got.detail == ("no DBS check or employer assurance recorded; insurance expired on 31 Jan 2027: "
                              "blocked on 10 of the 10 sessions, from 1 Dec 2026")

    def test_a_warning_does_not_block(self):
        # Peter Quinn's school check (2 Oct 2023) is past the 3-year re-check: a warning only.
        got = result(R002, C002, "CHECKS")
        assert got.ok and got.detail == "Peter Quinn is clear on all 7 session dates"

    def test_it_applies_off_site_too(self):
        lapsing = replace(C003.checks, insurance_expires=d("2027-03-01"))
        assert failing(R003, replace(C003, checks=lapsing)) == ["CHECKS"]


class TestEligible:
    def test_every_rule_ok_is_eligible(self):
        assert eligible([RuleResult(rule, True, "fine") for rule in RULE_IDS])

    def test_one_failure_is_not(self):
        results = [RuleResult(rule, rule != "SPACE", "x") for rule in RULE_IDS]
        assert not eligible(results)

    def test_no_results_is_no_verdict(self):
        assert not eligible([])


# --- properties ---------------------------------------------------------------------------------------

YEAR_FIRST, YEAR_LAST = d("2026-09-03"), d("2027-07-21")
weekdays_in_year = st.dates(min_value=YEAR_FIRST, max_value=YEAR_LAST).filter(lambda day: day.weekday() < 5)
NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday")

# The example year's days without school, as a head names them (written out by hand: the oracle).
DAYS_OFF = (
    (d("2026-10-26"), d("2026-10-30"), "October half term"),
    (d("2026-11-27"), d("2026-11-27"), "INSET day"),
    (d("2026-12-19"), d("2027-01-04"), "Christmas"),
    (d("2027-02-15"), d("2027-02-19"), "February half term"),
    (d("2027-03-26"), d("2027-04-11"), "holiday between Spring 2027 and Summer 2027"),
    (d("2027-05-03"), d("2027-05-03"), "Early May bank holiday"),
    (d("2027-05-31"), d("2027-06-04"), "May half term"),
)


def day_off(day: date) -> str | None:
    return next((name for first, last, name in DAYS_OFF if first <= day <= last), None)


def expected_weeks(first: date, last: date) -> tuple[int, int, list[str]]:
    """(school weeks, calendar weeks, names of the weeks without school) by walking the days one by one."""
    school, off = set(), {}
    day = first
    while day <= last:
        if day.weekday() < 5:
            if day_off(day) is None:
                school.add(monday_of(day))
            else:
                off.setdefault(monday_of(day), day_off(day))
        day += timedelta(days=1)
    names: list[str] = []
    for monday in sorted(off):
        if monday not in school and off[monday] not in names:
            names.append(off[monday])
    return len(school), (monday_of(last) - monday_of(first)).days // 7 + 1, names


def weeks_detail(school: int, span: int, names: list[str]) -> str:
    clause = ""
    if names:
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        clause = f"; {joined} {'does' if len(names) == 1 else 'do'} not count"
    return (f"{school} school week{'s' if school != 1 else ''} "
            f"({span} calendar week{'s' if span != 1 else ''}{clause})")


def period(first: date, last: date) -> RequestFacts:
    return replace(R003, first_session=first, last_session=last, weekday=NAMES[first.weekday()])


class TestAttendanceProperties:
    @given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=1000))
    @settings(max_examples=200)
    @example(950, 950)
    @example(949, 950)
    def test_passes_exactly_when_at_or_above_the_threshold(self, tenths, threshold_tenths):
        percent, threshold = tenths / 10, threshold_tenths / 10
        context = replace(C003, attendance_threshold=threshold,
                          pupil=replace(C003.pupil, attendance_percent=percent))
        got = result(R003, context, "ATTENDANCE")
        assert got.ok is (tenths >= threshold_tenths)
        verb = "meets" if tenths >= threshold_tenths else "is below"
        assert got.detail == f"attendance {percent:.1f}% on 20 Nov 2026 {verb} the school's {threshold:.1f}%"

    @given(st.integers(min_value=0, max_value=400))
    @settings(max_examples=100)
    def test_the_age_warning_starts_after_14_days(self, age):
        context = replace(C003, pupil=replace(C003.pupil, attendance_as_of=TODAY - timedelta(days=age)))
        got = result(R003, context, "ATTENDANCE")
        assert got.ok
        assert got.detail.endswith(f"; the figure is {age} days old: update it from the MIS") is (age > 14)


class TestMaxWeeksProperties:
    @given(weekdays_in_year, weekdays_in_year)
    @settings(max_examples=300, deadline=None)
    @example(d("2026-12-21"), d("2027-01-12"))  # starts in the Christmas holiday
    @example(d("2026-10-20"), d("2026-10-28"))  # ends in October half term
    @example(d("2026-11-27"), d("2026-12-04"))  # starts on the INSET day, a Friday
    @example(d("2027-03-26"), d("2027-04-09"))  # wholly in the Easter holiday
    def test_the_figure_and_words_follow_the_calendar(self, a, b):
        first, last = min(a, b), max(a, b)
        school, span, names = expected_weeks(first, last)
        got = result(period(first, last), C003, "MAX_WEEKS")
        assert got.figure == school
        assert got.ok is (school <= MAX_WEEKS)
        over = f" is over the school's maximum of {MAX_WEEKS}" if school > MAX_WEEKS else ""
        assert got.detail == weeks_detail(school, span, names) + over

    @given(st.dates(min_value=YEAR_FIRST, max_value=d("2027-03-01")).filter(lambda day: day.weekday() < 5
                                                                          and day_off(day) is None),
           st.sampled_from([12, 13]))
    @settings(max_examples=150, deadline=None)
    def test_12_school_weeks_pass_and_13_fail(self, first, weeks):
        # Walk forward week by week to the `weeks`-th school week and end on its first school day.
        counted, monday, last = 1, monday_of(first), first
        while counted < weeks:
            monday += timedelta(weeks=1)
            week = [monday + timedelta(days=i) for i in range(5)]
            school_days = [day for day in week if day_off(day) is None]
            assert monday <= d("2027-07-19")  # the walk stays inside the example year
            if school_days:
                counted, last = counted + 1, school_days[0]
        got = result(period(first, last), C003, "MAX_WEEKS")
        assert got.figure == weeks
        assert got.ok is (weeks == 12)

    @given(st.integers(min_value=0, max_value=4), st.integers(min_value=0, max_value=4),
           st.integers(min_value=1, max_value=14), st.dates(min_value=d("2027-01-04"), max_value=d("2027-12-31")))
    @settings(max_examples=200, deadline=None)
    def test_a_single_day_term_week(self, lone, weekday, weeks, near):
        # A term whose first week has one school day (the others closed), then full weeks.
        monday = monday_of(near)
        closures = []
        if lone > 0:
            closures.append(Closure(monday, monday + timedelta(days=lone - 1), "INSET days"))
        if lone < 4:
            closures.append(Closure(monday + timedelta(days=lone + 1), monday + timedelta(days=4), "INSET days"))
        calendar = SchoolCalendar([Term("Term", monday, monday + timedelta(weeks=20), tuple(closures))])
        first = monday + timedelta(days=weekday)
        request = replace(R003, first_session=first, last_session=first + timedelta(weeks=weeks - 1),
                          weekday=NAMES[weekday])
        got = result(request, replace(C003, calendar=calendar), "MAX_WEEKS")
        # The first week counts when its one school day is inside the period (a one-day period is that day).
        first_week_counts = weekday <= lone and (weeks > 1 or lone == weekday)
        assert got.figure == (weeks if first_week_counts else weeks - 1)
        assert ("INSET days does not count" in got.detail) is (not first_week_counts)
        dates = session_dates(request, calendar)
        assert (first in dates) is (lone == weekday)
        assert len(dates) == weeks - (0 if lone == weekday else 1)


class TestChecksProperties:
    @given(st.dates(min_value=d("2026-11-20"), max_value=d("2027-03-05")))
    @settings(max_examples=150, deadline=None)
    @example(d("2027-01-31"))
    @example(d("2026-12-01"))  # valid on its expiry day: blocks from the next session
    def test_insurance_lapsing_in_the_period_blocks_only_the_later_dates(self, expires):
        context = replace(C001, checks=replace(C001.checks, insurance_expires=expires))
        got = result(R001, context, "CHECKS")
        later = [day for day in R001_DATES if day > expires]
        assert got.figure == len(later)
        assert got.ok is (not later)
        if later:
            assert got.detail == (f"insurance expired on {day_text(expires)}: blocked on {len(later)} of the 10 "
                                  f"sessions, from {day_text(later[0])}")
        else:
            assert got.detail == "Karen Walsh is clear on all 10 session dates"


class TestBackToBackProperties:
    @given(st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=8),
           st.integers(min_value=0, max_value=6), st.dates(min_value=d("2025-01-06"), max_value=d("2030-12-30")))
    @settings(max_examples=200, deadline=None)
    def test_within_two_school_weeks_counts_together_beyond_does_not(self, earlier_weeks, weeks, gap, near):
        # With no terms set up every week is a school week: a new start `gap` weeks after the earlier end.
        earlier_first = monday_of(near) + timedelta(days=1)  # a Tuesday
        earlier_last = weekly(earlier_first, earlier_weeks - 1)
        first = weekly(earlier_last, gap)
        request = replace(R003, first_session=first, last_session=weekly(first, weeks - 1), weekday="tuesday")
        context = replace(C003, calendar=NO_TERMS,
                          earlier=(EarlierAuthorisation("r-007", earlier_first, earlier_last),))
        got = result(request, context, "MAX_WEEKS")
        if gap <= 2:
            combined = earlier_weeks + gap + weeks - 1
            assert got.figure == combined
            together = f"together with r-007 (from {day_text(earlier_first)}): {combined} school week"
            assert got.detail.startswith(together)
        else:
            assert got.figure == weeks
            assert "together with" not in got.detail
        assert got.ok is (got.figure <= MAX_WEEKS)

    @pytest.mark.parametrize(("first", "linked"), [
        ("2027-01-05", True),   # the first school week after Christmas
        ("2027-01-12", True),   # the second: within 2 school weeks (the holiday weeks do not count)
        ("2027-01-19", False),  # the third
    ])
    def test_the_gap_is_counted_in_school_weeks(self, first, linked):
        context = replace(C003, earlier=(earlier("r-007", "2026-11-03", "2026-12-15"),))
        request = replace(R003, first_session=d(first), last_session=d("2027-03-02"), weekday="tuesday")
        got = result(request, context, "MAX_WEEKS")
        assert got.detail.startswith("together with r-007 (from 3 Nov 2026)") is linked
        assert got.ok is (not linked)
