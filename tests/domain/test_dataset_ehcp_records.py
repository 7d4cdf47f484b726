"""Checking the optional EHCP records of a dataset: annual reviews, outcomes and targets, advice for a review
meeting, the later assessment stages. Every problem at its JSON path."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from fairfields_desktop.domain.dataset import validate_dataset

EXAMPLE_DOC = json.loads((Path(__file__).resolve().parents[1] / "data" / "example-school.json")
                         .read_text(encoding="utf-8"))
AMARA, BEN = "Z319700118114", "X319700119023"


def review(**changes: object) -> dict:
    record = {
        "pupil": AMARA, "meeting_on": "2026-11-25", "meeting_at": "14:00", "place": "Meeting Room",
        "status": "planned", "cancelled_reason": None, "invitations_sent_on": "2026-10-14", "child_views": None,
        "parent_views": None, "budget_review": None, "proposed_amendments": None, "report_sent_on": None,
        "la_decision_on": None, "amendment_notice_on": None, "final_plan_on": None, "created_by": "mokafor",
        "created_at": "2026-09-14T09:30",
        "invitees": [{"role": "parent", "name": "Abena Osei", "professional": None, "removed_on": None},
                     {"role": "professional", "name": "Rachel Green", "professional": "nhs-slt-1",
                      "removed_on": None}],
        "circulations": [{"document": "SLT advice", "sent_to": "all invitees", "sent_on": "2026-11-11",
                          "recorded_by": "mokafor"}],
    }
    record.update(changes)
    return record


def outcome(**changes: object) -> dict:
    record = {
        "pupil": AMARA, "area": "communication_and_interaction", "text": "Amara will take part in a conversation",
        "set_on": "2025-12-03", "status": "current", "ended_on": None,
        "targets": [{"text": "Use two-word phrases", "professional": "nhs-slt-1", "programme": "SLT programme",
                     "strategy": "Offer a choice of two at snack time", "set_on": "2025-12-03",
                     "status": "current", "ended_on": None}],
    }
    record.update(changes)
    return record


def doc_with(reviews: list[dict] | None = None, outcomes: list[dict] | None = None) -> dict:
    doc = copy.deepcopy(EXAMPLE_DOC)
    if reviews is not None:
        doc["annual_reviews"] = reviews
    if outcomes is not None:
        doc["outcomes"] = outcomes
    return doc


def problems_of(doc: dict) -> dict[str, str]:
    return {p.where: p.message for p in validate_dataset(doc)}


class TestValid:
    def test_a_document_without_the_new_keys_is_valid(self):
        assert validate_dataset(copy.deepcopy(EXAMPLE_DOC)) == []

    def test_empty_or_null_sections_are_valid(self):
        assert validate_dataset(doc_with([], [])) == []
        assert validate_dataset({**copy.deepcopy(EXAMPLE_DOC), "annual_reviews": None, "outcomes": None}) == []

    def test_full_records_are_valid(self):
        held = review(pupil=BEN, meeting_on="2025-11-10", status="held", report_sent_on="2025-11-21",
                      la_decision_on="2025-12-05", amendment_notice_on="2025-12-05", final_plan_on="2026-01-23")
        cancelled = review(meeting_on="2026-11-18", status="cancelled", cancelled_reason="parent in hospital")
        assert validate_dataset(doc_with([review(), held, cancelled], [outcome()])) == []

    def test_who_and_when_may_be_left_out(self):
        record = review(meeting_at=None)
        del record["created_by"], record["created_at"], record["circulations"][0]["recorded_by"]
        assert validate_dataset(doc_with([record])) == []


class TestReviews:
    def test_unknown_pupil_bad_status_and_two_planned(self):
        problems = problems_of(doc_with([review(pupil="A319700118999"), review(status="adjourned"), review(),
                                         review(meeting_on="2027-01-20")]))
        assert set(problems) == {"annual_reviews[0].pupil", "annual_reviews[1].status", "annual_reviews[3].status"}
        assert "annual_reviews[2]" in problems["annual_reviews[3].status"]

    def test_a_cancelled_review_needs_a_reason(self):
        problems = problems_of(doc_with([review(status="cancelled"), review(status="cancelled", cancelled_reason=" ",
                                                                           meeting_on="2026-11-18")]))
        assert set(problems) == {"annual_reviews[0].cancelled_reason", "annual_reviews[1].cancelled_reason"}
        assert "say why" in problems["annual_reviews[0].cancelled_reason"]

    def test_a_circulation_needs_document_sent_to_and_sent_on(self):
        record = review(circulations=[{"document": "", "recorded_by": "mokafor", "sent_on": "11/11/2026"}])
        assert set(problems_of(doc_with([record]))) == {
            "annual_reviews[0].circulations[0].document", "annual_reviews[0].circulations[0].sent_to",
            "annual_reviews[0].circulations[0].sent_on"}

    def test_invitees_have_a_known_role_and_professional(self):
        record = review(invitees=[{"role": "aunt", "name": "Ama Osei"},
                                  {"role": "professional", "name": "Someone", "professional": "nhs-xx-9"},
                                  {"role": "parent", "name": "", "removed_on": "yesterday"}])
        assert set(problems_of(doc_with([record]))) == {
            "annual_reviews[0].invitees[0].role", "annual_reviews[0].invitees[1].professional",
            "annual_reviews[0].invitees[2].name", "annual_reviews[0].invitees[2].removed_on"}

    @pytest.mark.parametrize("key,value", [("meeting_on", "25/11/2026"), ("meeting_at", "2pm"),
                                           ("invitations_sent_on", "2026-13-01"), ("created_at", "2026-09-14"),
                                           ("invitees", {"role": "parent"}), ("place", 12)])
    def test_a_malformed_field_is_reported_at_its_path(self, key, value):
        assert list(problems_of(doc_with([review(**{key: value})]))) == [f"annual_reviews[0].{key}"]

    def test_dates_after_the_meeting_only_once_held_and_in_order(self):
        planned = review(report_sent_on="2026-11-30")
        held = review(pupil=BEN, meeting_on="2025-11-10", status="held", la_decision_on="2025-11-01",
                      final_plan_on="2026-01-23")
        problems = problems_of(doc_with([planned, held]))
        assert set(problems) == {"annual_reviews[0].report_sent_on", "annual_reviews[1].la_decision_on",
                                 "annual_reviews[1].final_plan_on"}
        assert "only after the meeting was held" in problems["annual_reviews[0].report_sent_on"]

    def test_the_section_and_its_items_must_be_lists_of_objects(self):
        assert list(problems_of(doc_with(reviews={"pupil": AMARA}))) == ["annual_reviews"]  # type: ignore[arg-type]
        assert list(problems_of(doc_with(["review"]))) == ["annual_reviews[0]"]


class TestAdviceForAReview:
    def advice(self, **changes: object) -> dict:
        record = {"pupil": AMARA, "professional": "nhs-slt-1", "kind": "annual_review", "requested_on": "2026-10-14",
                  "due": "2026-11-11", "received_on": None, "purpose": "Annual review advice",
                  "review_meeting_on": "2026-11-25"}
        record.update(changes)
        return record

    def test_it_names_a_review_meeting_of_its_pupil(self):
        doc = doc_with([review()])
        doc["advice_requests"].append(self.advice())
        assert validate_dataset(doc) == []

    def test_a_meeting_that_is_not_there_is_refused(self):
        doc = doc_with([review()])
        doc["advice_requests"] += [self.advice(review_meeting_on="2026-11-26"), self.advice(pupil=BEN),
                                   self.advice(review_meeting_on="soon")]
        problems = problems_of(doc)
        assert set(problems) == {f"advice_requests[{i}].review_meeting_on" for i in (1, 2, 3)}
        assert "no annual review meeting on 2026-11-26" in problems["advice_requests[1].review_meeting_on"]

    def test_only_annual_review_advice_is_for_a_meeting(self):
        doc = doc_with([review()])
        doc["advice_requests"].append(self.advice(kind="needs_assessment", due=None))
        assert list(problems_of(doc)) == ["advice_requests[1].review_meeting_on"]


class TestOutcomes:
    def test_area_status_and_references(self):
        bad_target = {"text": "", "professional": "nobody", "set_on": "2026-01-01", "status": "done"}
        problems = problems_of(doc_with(outcomes=[outcome(pupil="A319700118999", area="maths", text=" ",
                                                          targets=[bad_target])]))
        assert set(problems) == {"outcomes[0].pupil", "outcomes[0].area", "outcomes[0].text",
                                 "outcomes[0].targets[0].text", "outcomes[0].targets[0].professional",
                                 "outcomes[0].targets[0].status"}

    def test_ended_on_goes_with_an_ended_status(self):
        problems = problems_of(doc_with(outcomes=[
            outcome(status="achieved"), outcome(ended_on="2026-07-01"),
            outcome(status="ceased", ended_on="2025-01-01"),
        ]))
        assert set(problems) == {"outcomes[0].ended_on", "outcomes[1].ended_on", "outcomes[2].ended_on"}
        assert "is required" in problems["outcomes[0].ended_on"]
        assert "has not ended" in problems["outcomes[1].ended_on"]
        assert "before the outcome was set" in problems["outcomes[2].ended_on"]


class TestAssessments:
    def test_the_decision_to_issue_comes_between_the_decision_to_assess_and_the_draft(self):
        doc = copy.deepcopy(EXAMPLE_DOC)
        doc["assessments"][0]["decision_to_issue_on"] = "2026-10-01"
        assert problems_of(doc) == {
            "assessments[0].decision_to_issue_on": "is before decision_to_assess_on: the stages happen in order"}
        doc["assessments"][0].update(decision_to_issue_on="2026-11-13", draft_issued_on="2026-11-12")
        assert list(problems_of(doc)) == ["assessments[0].draft_issued_on"]

    def test_a_stopped_assessment_has_a_date_and_a_reason(self):
        doc = copy.deepcopy(EXAMPLE_DOC)
        base = doc["assessments"][0]
        doc["assessments"] = [
            {**base, "stopped_on": "2026-10-20", "stopped_reason": "The LA decided not to issue a plan"},
            {**base, "stopped_on": "2026-10-20"},
            {**base, "stopped_reason": "not to assess"},
            {**base, "stopped_on": "2026-09-01", "stopped_reason": "not to assess"},
            {**base, "final_issued_on": "2026-12-01", "stopped_on": "2026-12-02", "stopped_reason": "x"},
        ]
        assert set(problems_of(doc)) == {"assessments[1].stopped_reason", "assessments[2].stopped_on",
                                         "assessments[3].stopped_on", "assessments[4].stopped_on"}
