"""EHCP deadlines and the "what is due" list, in calendar time.

The example school (tests/data/example-school.json) on Mon 23 Nov 2026: Ben Hughes's last review was
10 Nov 2025, so his annual review was due by 9 Nov 2026; Rachel Green's advice for Chloe Nowak's needs
assessment was asked for on 5 Oct 2026, so it was due 16 Nov 2026; Peter Quinn's school DBS check of
2 Oct 2023 is past the 3-year re-check; Omar Haddad's register was last checked 1 Jun 2025.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from fairfields_desktop.domain.checks import ProfessionalChecks
from fairfields_desktop.domain.dataset import parse_date
from fairfields_desktop.domain.deadlines import (
    KINDS,
    AdviceFacts,
    AssessmentFacts,
    AuthorisationFacts,
    DueItem,
    ProfessionalFacts,
    PupilFacts,
    ReviewFacts,
    ReviewTimeline,
    advice_asked_late,
    advice_due,
    amendment_deadlines,
    assessment_deadlines,
    due_items,
    paperwork_steps,
    phase_transfer,
    review_advice_due,
    review_timeline,
    year_group_on,
)

EXAMPLE_JSON = Path(__file__).resolve().parents[1] / "data" / "example-school.json"
EXAMPLE_DOC = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
TODAY = date(2026, 11, 23)
BEN, CHLOE, AMARA, DEV = "X319700119023", "X319700117077", "Z319700118114", "X319700121005"


# --- the example school as facts -------------------------------------------------------------------

def _pupil_names() -> dict[str, str]:
    return {p["upn"]: f"{p['first_name']} {p['last_name']}" for p in EXAMPLE_DOC["pupils"]}


def _professional_names() -> dict[str, str]:
    return {p["id"]: p["name"] for p in EXAMPLE_DOC["professionals"]}


def example_pupils() -> list[PupilFacts]:
    names = _pupil_names()
    return [PupilFacts(
        upn=p["upn"], name=names[p["upn"]], class_name=p["class"],
        date_of_birth=parse_date(p["date_of_birth"]), year_group=p["year_group"],
        ehcp_issued=parse_date((p.get("ehcp") or {}).get("issued")),
        last_review=parse_date((p.get("ehcp") or {}).get("last_review")),
        looked_after=bool(p.get("looked_after")),
    ) for p in EXAMPLE_DOC["pupils"]]


def example_advice() -> list[AdviceFacts]:
    pupils, pros = _pupil_names(), _professional_names()
    return [AdviceFacts(a["pupil"], pupils[a["pupil"]], pros[a["professional"]], a["kind"],
                        parse_date(a["requested_on"]), parse_date(a["due"]), parse_date(a["received_on"]))
            for a in EXAMPLE_DOC["advice_requests"]]


def example_assessments() -> list[AssessmentFacts]:
    pupils = _pupil_names()
    return [AssessmentFacts(a["pupil"], pupils[a["pupil"]], parse_date(a["requested_on"]),
                            parse_date(a["decision_to_assess_on"]), parse_date(a["draft_issued_on"]),
                            parse_date(a["final_issued_on"]))
            for a in EXAMPLE_DOC["assessments"]]


def example_professionals() -> list[ProfessionalFacts]:
    return [ProfessionalFacts(p["id"], p["name"], ProfessionalChecks.from_dataset(p["kind"], p["checks"]))
            for p in EXAMPLE_DOC["professionals"]]


def example_due(within: int | None = 60, today: date = TODAY, **extra) -> list[DueItem]:
    facts = dict(pupils=example_pupils(), advice=example_advice(), assessments=example_assessments(),
                 professionals=example_professionals(),
                 under_five_months=EXAMPLE_DOC["settings"]["under_five_review_months"],
                 dbs_recheck_years=EXAMPLE_DOC["settings"]["dbs_recheck_years"])
    facts.update(extra)
    return due_items(today, within, **facts)


def only(items: list[DueItem], kind: str, subject: str) -> DueItem:
    found = [i for i in items if i.kind == kind and i.subject == subject]
    assert len(found) == 1, found
    return found[0]


def pupil(**changes) -> PupilFacts:
    """An ordinary Year 7 pupil with a plan, reviewed last on 10 Nov 2025."""
    base = PupilFacts(upn="A123456789012", name="Sam Reed", class_name="Oak", date_of_birth=date(2015, 1, 20),
                      year_group=7, ehcp_issued=date(2021, 3, 1), last_review=date(2025, 11, 10))
    return replace(base, **changes)


def one_item(today: date = TODAY, within: int | None = None, **facts) -> DueItem:
    items = due_items(today, within, **facts)
    assert len(items) == 1, items
    return items[0]


# --- the example school ----------------------------------------------------------------------------

class TestTheExampleSchool:
    def test_ben_hughes_annual_review_is_overdue(self):
        item = only(example_due(), "annual_review", BEN)
        assert (item.due, item.overdue) == (date(2026, 11, 9), True)
        assert item.detail == "annual review of Ben Hughes due by 9 Nov 2026 (last review 10 Nov 2025)"

    def test_chloe_nowak_advice_from_rachel_green_is_overdue(self):
        item = only(example_due(), "advice", CHLOE)
        assert (item.due, item.overdue) == (date(2026, 11, 16), True)
        assert item.detail == "advice from Rachel Green for Chloe Nowak's needs assessment, due 16 Nov 2026"

    def test_peter_quinn_dbs_is_past_the_re_check_policy(self):
        item = only(example_due(), "dbs", "ind-physio-1")
        assert (item.due, item.overdue) == (date(2026, 10, 2), True)
        assert item.detail.startswith("DBS school check 2 Oct 2023 past the school's 3-year re-check policy")

    def test_omar_haddad_registration_is_over_a_year_old(self):
        item = only(example_due(), "registration", "nhs-physio-1")
        assert (item.due, item.overdue) == (date(2026, 6, 1), True)
        assert item.detail == "HCPC register last checked 1 Jun 2025, over a year ago"

    def test_chloe_nowak_assessment_waits_for_the_decision_to_issue(self):
        item = only(example_due(), "assessment", CHLOE)
        assert (item.due, item.overdue) == (date(2027, 1, 18), False)  # 28 Sep 2026 + 16 weeks
        assert item.detail == ("Chloe Nowak's EHC needs assessment: decision to issue due 18 Jan 2027 "
                               "(requested 28 Sep 2026)")

    def test_chloe_nowak_review_is_looked_after_and_preparing_for_adulthood(self):
        item = only(example_due(), "annual_review", CHLOE)
        assert item.due == date(2027, 1, 19)
        assert "preparing for adulthood (Year 9)" in item.detail
        assert "looked after: align with the PEP review" in item.detail

    def test_the_next_sixty_days_in_order(self):
        assert [(i.due, i.kind, i.subject, i.overdue) for i in example_due(60)] == [
            (date(2026, 6, 1), "registration", "nhs-physio-1", True),
            (date(2026, 10, 2), "dbs", "ind-physio-1", True),
            (date(2026, 11, 9), "annual_review", BEN, True),
            (date(2026, 11, 16), "advice", CHLOE, True),
            (date(2026, 12, 2), "annual_review", AMARA, False),
            (date(2026, 12, 31), "insurance", "music-1", False),
            (date(2027, 1, 18), "assessment", CHLOE, False),
            (date(2027, 1, 19), "annual_review", CHLOE, False),
        ]

    def test_within_a_week_only_the_overdue_remain(self):
        items = example_due(7)
        assert {(i.kind, i.subject) for i in items} == {
            ("registration", "nhs-physio-1"), ("dbs", "ind-physio-1"), ("annual_review", BEN), ("advice", CHLOE)}
        assert all(i.overdue for i in items)

    def test_every_kind_and_subject_follows_the_contract(self):
        pupils = {p["upn"] for p in EXAMPLE_DOC["pupils"]}
        pros = {p["id"] for p in EXAMPLE_DOC["professionals"]}
        items = example_due(None)
        assert items
        for item in items:
            assert item.kind in KINDS
            assert item.subject in (pupils if item.kind in KINDS[:4] else pros)
            assert item.overdue == (TODAY > item.due)

    def test_as_json_is_the_cli_shape(self):
        item = only(example_due(), "annual_review", BEN)
        assert item.as_json() == {"kind": "annual_review", "due": "2026-11-09", "overdue": True,
                                  "subject": BEN, "detail": item.detail}
        assert json.loads(json.dumps(item.as_json())) == item.as_json()

    def test_received_advice_drops_off(self):
        received = [replace(a, received_on=date(2026, 11, 20)) for a in example_advice()]
        assert not [i for i in example_due(advice=received) if i.kind == "advice"]


# --- annual reviews --------------------------------------------------------------------------------

class TestAnnualReview:
    @pytest.mark.parametrize(("last", "due"), [
        (date(2025, 11, 10), date(2026, 11, 9)),
        (date(2024, 2, 29), date(2025, 2, 28)),  # no 29 Feb 2025: the end of February
        (date(2023, 3, 1), date(2024, 2, 29)),  # the day before the anniversary, in a leap year
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2025, 12, 31), date(2026, 12, 30)),
    ])
    def test_within_twelve_months_starting_with_the_last_review(self, last, due):
        assert one_item(pupils=[pupil(last_review=last)]).due == due

    def test_from_the_plan_issue_date_when_never_reviewed(self):
        item = one_item(pupils=[pupil(ehcp_issued=date(2026, 2, 2), last_review=None)])
        assert item.due == date(2027, 2, 1)
        assert item.detail == "annual review of Sam Reed due by 1 Feb 2027 (plan issued 2 Feb 2026)"

    def test_no_plan_no_review(self):
        assert due_items(TODAY, None, pupils=[pupil(ehcp_issued=None, last_review=None)]) == []

    def test_not_overdue_on_its_last_day(self):
        assert one_item(today=date(2026, 11, 9), pupils=[pupil()]).overdue is False
        assert one_item(today=date(2026, 11, 10), pupils=[pupil()]).overdue is True

    def test_a_child_turning_five_between_reviews(self):
        child = pupil(date_of_birth=date(2021, 3, 10), year_group=-1, ehcp_issued=date(2025, 6, 2),
                      last_review=date(2025, 12, 1))
        before = one_item(today=date(2026, 1, 5), pupils=[child])
        assert before.due == date(2026, 5, 31)  # under 5 at the last review: 6-monthly
        assert "every 6 months while under 5" in before.detail
        after = one_item(today=date(2026, 6, 1), pupils=[replace(child, last_review=date(2026, 5, 20))])
        assert after.due == date(2027, 5, 19)  # 5 at that review: 12 months
        assert "under 5" not in after.detail

    @pytest.mark.parametrize(("last", "due"), [
        (date(2026, 3, 9), date(2026, 9, 8)),  # the day before the 5th birthday: still under 5
        (date(2026, 3, 10), date(2027, 3, 9)),  # on the 5th birthday
    ])
    def test_age_is_judged_at_the_meeting_date(self, last, due):
        child = pupil(date_of_birth=date(2021, 3, 10), year_group=0, last_review=last)
        assert one_item(today=date(2026, 4, 1), pupils=[child]).due == due

    def test_the_under_five_interval_is_the_schools_setting(self):
        child = pupil(date_of_birth=date(2022, 1, 15), year_group=-1, last_review=date(2025, 12, 1))
        item = one_item(today=date(2026, 1, 5), pupils=[child], under_five_months=3)
        assert item.due == date(2026, 2, 28)
        assert "every 3 months while under 5" in item.detail

    def test_a_six_month_review_from_31_august_ends_with_february(self):
        child = pupil(date_of_birth=date(2022, 1, 15), year_group=-1, last_review=date(2025, 8, 31))
        assert one_item(today=date(2025, 9, 1), pupils=[child]).due == date(2026, 2, 28)
        child = replace(child, date_of_birth=date(2021, 1, 15), last_review=date(2023, 8, 31))
        assert one_item(today=date(2023, 9, 1), pupils=[child]).due == date(2024, 2, 29)

    def test_a_phase_transfer_review_is_flagged_in_the_autumn(self):
        year6 = pupil(date_of_birth=date(2016, 3, 1), year_group=6, last_review=date(2026, 6, 20))
        item = one_item(today=date(2026, 10, 1), pupils=[year6])
        assert item.due == date(2027, 6, 19)  # the statutory date is unchanged …
        assert ("phase transfer (moving from Year 6 to Year 7): the amended plan must be issued by "
                "15 Feb 2027") in item.detail  # … but the review is needed long before it

    def test_a_year_11_review_is_flagged_for_31_march(self):
        year11 = pupil(date_of_birth=date(2011, 5, 1), year_group=11, last_review=date(2026, 1, 12))
        item = one_item(today=TODAY, pupils=[year11])
        assert ("phase transfer (moving from Year 11 to post-16): the amended plan must be issued by "
                "31 Mar 2027") in item.detail

    def test_no_flag_once_this_years_review_has_been_held(self):
        year6 = pupil(date_of_birth=date(2016, 3, 1), year_group=6, last_review=date(2026, 9, 20))
        assert "phase transfer" not in one_item(today=TODAY, pupils=[year6]).detail

    def test_no_flag_outside_a_transfer_year(self):
        assert "phase transfer" not in one_item(pupils=[pupil(year_group=7)]).detail

    def test_a_scheduled_meeting_is_shown_with_its_timeline(self):
        item = one_item(pupils=[pupil(review_meeting=date(2026, 12, 2))])
        assert item.due == date(2026, 11, 9)  # the meeting does not move what the law allows
        assert ("meeting set for 2 Dec 2026: invitations and advice by 18 Nov 2026, report to the LA by "
                "16 Dec 2026 (the meeting is after the review is due)") in item.detail

    def test_a_meeting_in_time_is_not_called_late(self):
        item = one_item(pupils=[pupil(review_meeting=date(2026, 11, 5))])
        assert "meeting set for 5 Nov 2026" in item.detail
        assert "after the review is due" not in item.detail

    def test_preparing_for_adulthood_is_judged_at_the_meeting_date(self):
        today = date(2027, 6, 1)
        year8 = pupil(date_of_birth=date(2014, 1, 20), year_group=8, last_review=date(2026, 9, 14))
        in_july = one_item(today=today, pupils=[replace(year8, review_meeting=date(2027, 7, 10))])
        assert "preparing for adulthood" not in in_july.detail
        moved = one_item(today=today, pupils=[replace(year8, review_meeting=date(2027, 9, 8))])
        assert "preparing for adulthood (Year 9)" in moved.detail

    def test_a_phase_transfer_judged_at_the_meeting_date(self):
        year5 = pupil(date_of_birth=date(2017, 3, 1), year_group=5, last_review=date(2026, 9, 14))
        assert "phase transfer" not in one_item(today=TODAY, pupils=[year5]).detail
        next_autumn = one_item(today=TODAY, pupils=[replace(year5, review_meeting=date(2027, 9, 10))])
        assert "moving from Year 6 to Year 7): the amended plan must be issued by 15 Feb 2028" in next_autumn.detail

    def test_a_looked_after_review_is_aligned_with_the_pep(self):
        assert "PEP" in one_item(pupils=[pupil(looked_after=True)]).detail
        assert "PEP" not in one_item(pupils=[pupil()]).detail


class TestReviewTimeline:
    def test_around_the_meeting(self):
        timeline = review_timeline(date(2026, 12, 2), date(2015, 7, 29), 7)
        assert timeline == ReviewTimeline(
            meeting=date(2026, 12, 2), invitations_by=date(2026, 11, 18), advice_circulated_by=date(2026, 11, 18),
            report_by=date(2026, 12, 16), la_decision_by=date(2026, 12, 30), preparing_for_adulthood=False,
            under_five=False, next_review_by=date(2027, 12, 1))

    def test_a_moved_meeting_moves_everything(self):
        first = review_timeline(date(2026, 12, 2), date(2015, 7, 29), 7)
        moved = review_timeline(date(2027, 1, 13), date(2015, 7, 29), 7)
        assert (moved.invitations_by, moved.advice_circulated_by) == (date(2026, 12, 30), date(2026, 12, 30))
        assert (moved.report_by, moved.la_decision_by) == (date(2027, 1, 27), date(2027, 2, 10))
        assert moved.next_review_by == date(2028, 1, 12)
        assert all(getattr(moved, f) - getattr(first, f) == timedelta(days=42)
                   for f in ("invitations_by", "advice_circulated_by", "report_by", "la_decision_by"))

    @pytest.mark.parametrize(("year", "expected"), [(8, False), (9, True), (13, True)])
    def test_preparing_for_adulthood_from_year_9(self, year, expected):
        assert review_timeline(date(2026, 12, 2), date(2010, 1, 1), year).preparing_for_adulthood is expected

    def test_year_group_at_a_meeting_in_another_academic_year(self):
        assert year_group_on(8, date(2027, 6, 1), date(2027, 8, 31)) == 8
        assert year_group_on(8, date(2027, 6, 1), date(2027, 9, 1)) == 9
        assert year_group_on(9, date(2027, 9, 1), date(2027, 7, 20)) == 8

    def test_under_five_is_judged_at_the_meeting(self):
        dob = date(2021, 3, 10)
        day_before = review_timeline(date(2026, 3, 9), dob, 0)
        birthday = review_timeline(date(2026, 3, 10), dob, 0)
        assert (day_before.under_five, day_before.next_review_by) == (True, date(2026, 9, 8))
        assert (birthday.under_five, birthday.next_review_by) == (False, date(2027, 3, 9))
        assert review_timeline(date(2026, 3, 9), dob, 0, under_five_months=3).next_review_by == date(2026, 6, 8)

    def test_a_meeting_on_29_february(self):
        assert review_timeline(date(2028, 2, 29), date(2012, 1, 1), 10).next_review_by == date(2029, 2, 28)

    def test_amendments(self):
        assert amendment_deadlines(date(2026, 12, 30)) == (date(2027, 1, 14), date(2027, 2, 24))


class TestPhaseTransfer:
    @pytest.mark.parametrize(("year", "today", "expected"), [
        (6, date(2026, 9, 1), ("moving from Year 6 to Year 7", date(2027, 2, 15))),
        (6, date(2027, 1, 20), ("moving from Year 6 to Year 7", date(2027, 2, 15))),
        (6, date(2027, 8, 31), ("moving from Year 6 to Year 7", date(2027, 2, 15))),
        (6, date(2027, 9, 1), ("moving from Year 6 to Year 7", date(2028, 2, 15))),
        (11, date(2026, 10, 5), ("moving from Year 11 to post-16", date(2027, 3, 31))),
        (-1, date(2026, 10, 5), ("moving into school (Nursery to Reception)", date(2027, 2, 15))),
    ])
    def test_transfer_years(self, year, today, expected):
        assert phase_transfer(year, today) == expected

    @pytest.mark.parametrize("year", [0, 1, 2, 5, 7, 9, 10, 12, 13, 14])
    def test_other_years_do_not_transfer(self, year):
        assert phase_transfer(year, date(2026, 10, 5)) is None


# --- advice and assessments ------------------------------------------------------------------------

def advice(**changes) -> AdviceFacts:
    base = AdviceFacts(pupil_upn="A123456789012", pupil_name="Sam Reed", professional_name="Rachel Green",
                       kind="needs_assessment", requested_on=date(2026, 10, 5), due=None, received_on=None)
    return replace(base, **changes)


class TestAdvice:
    def test_a_needs_assessment_six_weeks_after_the_request(self):
        assert advice_due("needs_assessment", date(2026, 10, 5), None) == date(2026, 11, 16)
        assert advice_due("needs_assessment", date(2026, 12, 28), date(2027, 3, 1)) == date(2027, 2, 8)

    def test_an_annual_review_by_its_circulation_date(self):
        assert advice_due("annual_review", date(2026, 10, 5), date(2026, 11, 18)) == date(2026, 11, 18)
        assert advice_due("annual_review", date(2026, 10, 5), None, meeting=date(2026, 12, 2)) == date(2026, 11, 18)

    @given(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(-30, 60))
    @example(date(2026, 11, 23), 8)  # issue #14: asked 8 days before the meeting
    def test_advice_asked_late_is_due_at_once_never_before_it_was_asked(self, asked, days_to_meeting):
        meeting = asked + timedelta(days=days_to_meeting)
        due = advice_due("annual_review", asked, None, meeting=meeting)
        assert due == max(asked, meeting - timedelta(weeks=2)) and due >= asked
        assert review_advice_due(meeting, asked) == due
        assert advice_asked_late("annual_review", asked, due) == (days_to_meeting <= 14)
        assert advice_due("annual_review", asked, meeting - timedelta(weeks=2)) >= asked  # a stored early date

    def test_an_annual_review_with_no_date_at_all(self):
        with pytest.raises(ValueError, match="circulation date"):
            advice_due("annual_review", date(2026, 10, 5), None)

    def test_an_unknown_kind(self):
        with pytest.raises(ValueError, match="needs_assessment, annual_review"):
            advice_due("tribunal", date(2026, 10, 5), None)

    def test_annual_review_advice_item(self):
        item = one_item(advice=[advice(kind="annual_review", due=date(2026, 11, 25))])
        assert (item.kind, item.due, item.overdue, item.subject) == ("advice", date(2026, 11, 25), False,
                                                                     "A123456789012")
        assert item.detail == "advice from Rachel Green for Sam Reed's annual review, due 25 Nov 2026"

    def test_annual_review_advice_without_a_date_follows_the_meeting(self):
        items = due_items(TODAY, None, pupils=[pupil(review_meeting=date(2027, 1, 13))],
                          advice=[advice(kind="annual_review")])
        assert only(items, "advice", "A123456789012").due == date(2026, 12, 30)

    def test_annual_review_advice_without_a_meeting_by_the_review_due_date(self):
        items = due_items(TODAY, None, pupils=[pupil(last_review=date(2026, 1, 20))],
                          advice=[advice(kind="annual_review")])
        assert only(items, "advice", "A123456789012").due == date(2027, 1, 5)  # 19 Jan 2027 - 2 weeks

    def test_received_advice_is_not_due(self):
        assert due_items(TODAY, None, advice=[advice(received_on=date(2026, 11, 1))]) == []


def assessment(**changes) -> AssessmentFacts:
    base = AssessmentFacts(pupil_upn="A123456789012", pupil_name="Sam Reed", requested_on=date(2026, 9, 28),
                           decision_to_assess_on=None, draft_issued_on=None, final_issued_on=None)
    return replace(base, **changes)


class TestAssessment:
    def test_the_statutory_deadlines(self):
        assert assessment_deadlines(date(2026, 9, 28), None, None) == [
            ("decision to assess", date(2026, 11, 9)),
            ("decision to issue", date(2027, 1, 18)),
            ("final plan", date(2027, 2, 15)),
        ]

    def test_a_draft_gives_the_parents_fifteen_days(self):
        deadlines = assessment_deadlines(date(2026, 9, 28), date(2026, 10, 2), date(2027, 1, 11))
        assert deadlines[-1] == ("parents' comments on the draft", date(2027, 1, 26))
        assert len(deadlines) == 4

    def test_the_decision_to_assess_first(self):
        item = one_item(today=date(2026, 11, 10), assessments=[assessment()])
        assert (item.due, item.overdue) == (date(2026, 11, 9), True)
        assert item.detail == ("Sam Reed's EHC needs assessment: decision to assess due 9 Nov 2026 "
                               "(requested 28 Sep 2026)")

    def test_the_parents_comments_while_the_draft_is_out(self):
        item = one_item(today=date(2027, 1, 20), assessments=[assessment(
            decision_to_assess_on=date(2026, 10, 2), draft_issued_on=date(2027, 1, 11))])
        assert (item.due, item.overdue) == (date(2027, 1, 26), False)
        assert item.detail == ("Sam Reed's EHC needs assessment: parents' comments on the draft due 26 Jan 2027 "
                               "(draft issued 11 Jan 2027)")

    def test_then_the_final_plan(self):
        facts = assessment(decision_to_assess_on=date(2026, 10, 2), draft_issued_on=date(2027, 1, 11))
        assert one_item(today=date(2027, 1, 26), assessments=[facts]).due == date(2027, 1, 26)
        item = one_item(today=date(2027, 1, 27), assessments=[facts])
        assert (item.due, item.overdue) == (date(2027, 2, 15), False)
        assert "final plan due 15 Feb 2027" in item.detail
        assert one_item(today=date(2027, 2, 16), assessments=[facts]).overdue is True

    def test_a_draft_means_the_decisions_were_made(self):
        item = one_item(today=date(2027, 3, 1), assessments=[assessment(draft_issued_on=date(2027, 2, 1))])
        assert "final plan" in item.detail

    def test_a_final_plan_ends_it(self):
        done = assessment(decision_to_assess_on=date(2026, 10, 2), draft_issued_on=date(2027, 1, 11),
                          final_issued_on=date(2027, 2, 8))
        assert due_items(date(2027, 1, 20), None, assessments=[done]) == []

    def test_a_recorded_decision_to_issue_moves_on_to_the_final_plan(self):
        item = one_item(today=date(2026, 12, 1), assessments=[assessment(
            decision_to_assess_on=date(2026, 10, 2), decision_to_issue_on=date(2026, 11, 30))])
        assert "final plan due 15 Feb 2027" in item.detail

    def test_an_assessment_the_la_stopped_is_not_due(self):
        stopped = assessment(stopped_on=date(2026, 11, 2))
        assert due_items(date(2026, 11, 10), None, assessments=[stopped]) == []


def review(**changes) -> ReviewFacts:
    return replace(ReviewFacts("A123456789012", "Sam Reed", date(2026, 12, 14)), **changes)


class TestReviewPaperwork:
    def test_the_steps_around_a_meeting(self):
        assert [(s.what, s.due) for s in paperwork_steps(review())] == [
            ("invitations sent", date(2026, 11, 30)),
            ("advice and reports circulated to the invitees", date(2026, 11, 30)),
            ("the school's report sent to the LA and every invitee", date(2026, 12, 28)),
            ("the LA's decision", date(2027, 1, 11)),
        ]

    def test_a_meeting_on_29_february(self):
        steps = paperwork_steps(review(meeting=date(2028, 2, 29)))
        assert [s.due for s in steps] == [date(2028, 2, 15), date(2028, 2, 15), date(2028, 3, 14), date(2028, 3, 28)]

    def test_a_moved_meeting_moves_its_paperwork(self):
        before = paperwork_steps(review())
        after = paperwork_steps(review(meeting=date(2027, 1, 11)))
        assert [b.due + timedelta(weeks=4) for b in before] == [a.due for a in after]

    def test_done_late_and_done_in_time(self):
        invitations = paperwork_steps(review(invitations_sent_on=date(2026, 12, 1)))[0]
        assert invitations.late(date(2026, 12, 2)) is True
        assert paperwork_steps(review(invitations_sent_on=date(2026, 11, 30)))[0].late(date(2027, 1, 1)) is False
        assert paperwork_steps(review())[0].late(date(2026, 11, 30)) is False  # its last day
        assert paperwork_steps(review())[0].late(date(2026, 12, 1)) is True

    def test_amendments_add_fifteen_days_and_eight_weeks(self):
        steps = paperwork_steps(review(amendment_notice_on=date(2027, 1, 4)))
        assert [(s.what, s.due) for s in steps[4:]] == [
            ("comments on the proposed amendments", date(2027, 1, 19)),
            ("the final amended plan", date(2027, 3, 1)),
        ]

    def test_the_comments_period_is_done_once_it_has_ended(self):
        facts = review(amendment_notice_on=date(2027, 1, 4))
        assert paperwork_steps(facts, date(2027, 1, 19))[4].done_on is None
        assert paperwork_steps(facts, date(2027, 1, 20))[4].done_on == date(2027, 1, 19)

    def test_what_is_due_lists_the_steps_not_done(self):
        items = due_items(date(2026, 11, 23), 14, reviews=[review(invitations_sent_on=date(2026, 11, 20))])
        assert [(i.kind, i.due, i.overdue, i.subject) for i in items] == [
            ("review_paperwork", date(2026, 11, 30), False, "A123456789012")]
        assert items[0].detail == ("Sam Reed's review meeting on 14 Dec 2026: advice and reports circulated to "
                                   "the invitees by 30 Nov 2026")

    def test_once_held_the_steps_before_the_meeting_are_history(self):
        items = due_items(date(2026, 12, 15), None, reviews=[review(held=True)])
        assert [i.detail.split(": ", 1)[1] for i in items] == [
            "the school's report sent to the LA and every invitee by 28 Dec 2026", "the LA's decision by 11 Jan 2027"]

    def test_the_comments_period_shows_while_it_is_open(self):
        facts = review(held=True, report_sent_on=date(2026, 12, 20), la_decision_on=date(2027, 1, 4),
                       amendment_notice_on=date(2027, 1, 4))
        open_items = due_items(date(2027, 1, 10), None, reviews=[facts])
        assert [i.due for i in open_items] == [date(2027, 1, 19), date(2027, 3, 1)]
        assert [i.due for i in due_items(date(2027, 1, 20), None, reviews=[facts])] == [date(2027, 3, 1)]
        assert due_items(date(2027, 1, 20), None, reviews=[replace(facts, final_plan_on=date(2027, 2, 1))]) == []


# --- authorisations and checks ---------------------------------------------------------------------

AUTH = AuthorisationFacts(ref="r-007", pupil_upn="X319700121005", pupil_name="Dev Sharma",
                          professional_name="Peter Quinn", last_session=date(2027, 3, 19))


class TestAuthorisationEnding:
    def test_an_authorisation_ending_in_the_window(self):
        item = one_item(today=date(2027, 3, 1), within=30, authorisations=[AUTH])
        assert (item.kind, item.due, item.overdue, item.subject) == (
            "authorisation_ending", date(2027, 3, 19), False, "X319700121005")
        assert item.detail == "r-007: Peter Quinn's sessions with Dev Sharma end 19 Mar 2027"

    def test_outside_the_window(self):
        assert due_items(date(2027, 2, 1), 30, authorisations=[AUTH]) == []

    def test_on_its_last_day_and_after(self):
        assert one_item(today=date(2027, 3, 19), within=0, authorisations=[AUTH]).overdue is False
        assert due_items(date(2027, 3, 20), None, authorisations=[AUTH]) == []


def pro(ext_id: str = "ind-x", **changes) -> ProfessionalFacts:
    checks = ProfessionalChecks(kind="independent", dbs_type="school_check", dbs_date=date(2025, 6, 30),
                                dbs_certificate="001734209815", dbs_barred_list=True, registration_body="HCPC",
                                registration_number="OT55501", registration_checked_on=date(2026, 10, 15),
                                insurance_expires=date(2027, 6, 30))
    return ProfessionalFacts(ext_id, "Karen Walsh", replace(checks, **changes))


class TestChecks:
    def test_nothing_lapses_soon(self):
        assert due_items(TODAY, 60, professionals=[pro()]) == []

    def test_expired_insurance_is_overdue(self):
        item = one_item(within=0, professionals=[pro(insurance_expires=date(2026, 11, 20))])
        assert (item.kind, item.due, item.overdue, item.subject) == ("insurance", date(2026, 11, 20), True, "ind-x")
        assert item.detail == "insurance expired on 20 Nov 2026"

    def test_insurance_lapsing_within_the_window(self):
        lapsing = pro(insurance_expires=date(2027, 1, 10))
        item = one_item(within=60, professionals=[lapsing])
        assert (item.due, item.overdue, item.detail) == (date(2027, 1, 10), False, "insurance valid until 10 Jan 2027")
        assert due_items(TODAY, 30, professionals=[lapsing]) == []

    def test_a_warning_carries_its_message_and_keeps_to_the_window(self):
        warned = pro(insurance_expires=date(2026, 12, 1))
        item = one_item(within=8, professionals=[warned])
        assert (item.due, item.overdue, item.detail) == (date(2026, 12, 1), False,
                                                         "insurance expires 1 Dec 2026, in 8 days")
        assert due_items(TODAY, 7, professionals=[warned]) == []  # every kind keeps to the same window

    def test_the_re_check_policy_is_the_schools(self):
        old = pro(dbs_date=date(2022, 11, 1))
        assert one_item(within=0, professionals=[old], dbs_recheck_years=3).due == date(2025, 11, 1)
        assert due_items(TODAY, 0, professionals=[old], dbs_recheck_years=5) == []

    def test_a_check_with_no_date_is_not_a_deadline(self):
        unregistered = pro(registration_body=None)  # a warning with no last day: the checks screen's
        assert [i.kind for i in due_items(TODAY, None, professionals=[unregistered])] == ["insurance", "dbs"]

    def test_everything_when_no_window(self):
        assert [(i.kind, i.due) for i in due_items(TODAY, None, professionals=[pro()])] == [
            ("insurance", date(2027, 6, 30)), ("registration", date(2027, 10, 15)), ("dbs", date(2028, 6, 30))]


# --- the window and the order ----------------------------------------------------------------------

class TestWindowAndOrder:
    def test_within_zero_keeps_today_and_the_overdue(self):
        pupils = [pupil(upn="A000000000001", last_review=date(2025, 11, 23)),  # due 22 Nov 2026
                  pupil(upn="A000000000002", last_review=date(2025, 11, 24)),  # due today
                  pupil(upn="A000000000003", last_review=date(2025, 11, 25))]  # due tomorrow
        assert [i.subject for i in due_items(TODAY, 0, pupils=pupils)] == ["A000000000001", "A000000000002"]
        assert [i.subject for i in due_items(TODAY, 1, pupils=pupils)] == [p.upn for p in pupils]

    def test_a_negative_window_is_refused(self):
        with pytest.raises(ValueError, match="negative"):
            due_items(TODAY, -1)

    def test_sorted_by_due_then_kind_then_subject(self):
        items = due_items(
            TODAY, None,
            pupils=[pupil(upn="B000000000002", last_review=date(2025, 12, 1)),
                    pupil(upn="B000000000001", last_review=date(2025, 12, 1))],
            advice=[advice(pupil_upn="C000000000001", requested_on=date(2026, 10, 19))],  # due 30 Nov 2026
            authorisations=[replace(AUTH, pupil_upn="A000000000009", last_session=date(2026, 11, 30))],
        )
        assert [(i.due, i.kind, i.subject) for i in items] == [
            (date(2026, 11, 30), "advice", "C000000000001"),
            (date(2026, 11, 30), "annual_review", "B000000000001"),
            (date(2026, 11, 30), "annual_review", "B000000000002"),
            (date(2026, 11, 30), "authorisation_ending", "A000000000009"),
        ]

    @given(lasts=st.lists(st.dates(date(2024, 1, 1), date(2026, 11, 23)), max_size=12),
           within=st.integers(0, 500))
    def test_a_window_is_a_prefix_of_everything(self, lasts, within):
        pupils = [pupil(upn=f"P{n:012d}", last_review=last) for n, last in enumerate(lasts)]
        everything = due_items(TODAY, None, pupils=pupils)
        windowed = due_items(TODAY, within, pupils=pupils)
        assert windowed == [i for i in everything if i.due <= TODAY + timedelta(days=within)]
        assert [i.due for i in everything] == sorted(i.due for i in everything)
        assert len(everything) == len(lasts)


# --- properties ------------------------------------------------------------------------------------

class TestProperties:
    @given(last=st.dates(date(2000, 1, 1), date(2090, 12, 31)))
    @example(last=date(2024, 2, 29))
    @example(last=date(2025, 11, 10))
    def test_the_annual_review_is_due_the_day_before_the_anniversary(self, last):
        due = one_item(today=last, pupils=[pupil(date_of_birth=date(1995, 1, 1), ehcp_issued=last,
                                                 last_review=last)]).due
        assert (due - last).days + 1 in (365, 366)  # within the 12 months starting with the review
        try:
            assert due + timedelta(days=1) == last.replace(year=last.year + 1)
        except ValueError:  # 29 February: the end of February
            assert (due.month, due.day, due.year) == (2, 28, last.year + 1)

    @given(meeting=st.dates(date(2000, 1, 1), date(2090, 12, 31)), year=st.integers(-1, 14))
    def test_a_timeline_is_in_order(self, meeting, year):
        t = review_timeline(meeting, date(1995, 1, 1), year)
        assert t.invitations_by == t.advice_circulated_by == meeting - timedelta(days=14)
        assert t.invitations_by < t.meeting < t.report_by < t.la_decision_by < t.next_review_by
        assert t.preparing_for_adulthood is (year >= 9)
