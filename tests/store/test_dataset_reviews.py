"""The EHCP records in the dataset: annual reviews, outcomes and targets, advice for a review meeting,
the later assessment stages. Loaded and dumped back on SQLite and PostgreSQL."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from fairfields_desktop.domain.errors import InvalidInput
from fairfields_desktop.store.models import (
    AdviceRequestRow,
    AnnualReviewRow,
    AuditRow,
    OutcomeRow,
    ProfessionalRow,
    PupilRow,
    ReviewInviteeRow,
    TargetRow,
)

AMARA, BEN, CHLOE, DEV = "Z319700118114", "X319700119023", "X319700117077", "X319700121005"
NEW_KEYS = ("annual_reviews", "outcomes")


def review(pupil: str, meeting_on: str, status: str = "planned", **changes: object) -> dict:
    record = {
        "pupil": pupil, "meeting_on": meeting_on, "meeting_at": None, "place": None, "status": status,
        "cancelled_reason": None, "invitations_sent_on": None, "child_views": None, "parent_views": None,
        "budget_review": None, "proposed_amendments": None, "report_sent_on": None, "la_decision_on": None,
        "amendment_notice_on": None, "final_plan_on": None, "created_by": "mokafor",
        "created_at": "2026-09-14T09:30", "invitees": [], "circulations": [],
    }
    record.update(changes)
    return record


def with_ehcp_records(doc: dict) -> dict:
    """The example school with every new key and optional field in use."""
    doc["annual_reviews"] = [
        review(AMARA, "2026-11-18", "cancelled", meeting_at="14:00", place="Meeting Room",
               cancelled_reason="Mrs Osei is in hospital that week; moved to 25 November"),
        review(AMARA, "2026-11-25", meeting_at="14:00", place="Meeting Room", invitations_sent_on="2026-10-14",
               invitees=[
                   {"role": "parent", "name": "Abena Osei", "professional": None, "removed_on": None},
                   {"role": "class_teacher", "name": "Tom Taylor", "professional": None, "removed_on": None},
                   {"role": "professional", "name": "Rachel Green", "professional": "nhs-slt-1",
                    "removed_on": None},
                   {"role": "professional", "name": "Karen Walsh", "professional": "ind-ot-1",
                    "removed_on": "2026-10-20"},
               ],
               circulations=[
                   {"document": "Speech and language advice (Rachel Green)", "sent_to": "all invitees",
                    "sent_on": "2026-11-11", "recorded_by": "mokafor"},
               ]),
        review(BEN, "2025-11-10", "held", meeting_at="09:30", place="Meeting Room",
               invitations_sent_on="2025-09-29", child_views="Ben wants to walk to the hall with his frame.",
               parent_views="Mr and Mrs Hughes want more hydrotherapy.",
               budget_review="Personal budget of £2,400 spent on hydrotherapy; continue.",
               proposed_amendments="Section F: add a weekly hydrotherapy session.",
               report_sent_on="2025-11-21", la_decision_on="2025-12-05", amendment_notice_on="2025-12-05",
               final_plan_on="2026-01-23", created_by="sbrown", created_at="2025-09-22T15:05",
               invitees=[{"role": "young_person", "name": "Ben Hughes", "professional": None, "removed_on": None},
                         {"role": "other", "name": "Julie Hart (EHCP coordinator)", "professional": None,
                          "removed_on": None}],
               circulations=[{"document": "School's review report", "sent_to": "the LA and all invitees",
                              "sent_on": "2025-11-21", "recorded_by": "sbrown"}]),
    ]
    doc["outcomes"] = [
        {"pupil": AMARA, "area": "communication_and_interaction",
         "text": "Amara will take part in a five-turn conversation with a peer", "set_on": "2025-12-03",
         "status": "current", "ended_on": None,
         "targets": [
             {"text": "Use two-word phrases to make requests", "professional": "nhs-slt-1",
              "programme": "SLT language programme, 3 x 10 minutes a week",
              "strategy": "Offer a choice of two with symbols at snack time", "set_on": "2025-12-03",
              "status": "achieved", "ended_on": "2026-06-30"},
             {"text": "Ask a peer a question in a small group", "professional": None, "programme": None,
              "strategy": None, "set_on": "2026-07-01", "status": "current", "ended_on": None},
         ]},
        {"pupil": BEN, "area": "sensory_and_physical", "text": "Ben will walk 20 metres with his frame",
         "set_on": "2025-11-10", "status": "achieved", "ended_on": "2026-07-15",
         "targets": [
             {"text": "Stand in the frame for 20 minutes", "professional": "nhs-physio-1",
              "programme": "Daily standing programme", "strategy": "Stand for the morning carpet session",
              "set_on": "2025-11-10", "status": "ceased", "ended_on": "2026-03-02"},
         ]},
        {"pupil": DEV, "area": "social_emotional_and_mental_health", "text": "Dev will name how he feels",
         "set_on": "2026-04-14", "status": "ceased", "ended_on": "2026-09-01", "targets": []},
    ]
    doc["advice_requests"].append({
        "pupil": AMARA, "professional": "nhs-slt-1", "kind": "annual_review", "requested_on": "2026-10-14",
        "due": "2026-11-11", "received_on": "2026-11-09", "purpose": "Annual review: speech and language advice",
        "review_meeting_on": "2026-11-25"})
    doc["assessments"][0]["decision_to_issue_on"] = "2026-11-13"
    doc["assessments"].append({
        "pupil": DEV, "requested_on": "2026-05-04", "decision_to_assess_on": None, "draft_issued_on": None,
        "final_issued_on": None, "stopped_on": "2026-06-15",
        "stopped_reason": "The LA decided not to assess: needs met from the school's resources"})
    return doc


class TestRoundTrip:
    def test_every_new_record_comes_back_as_it_was_loaded(self, open_school, db_url, example_doc, actor):
        doc = with_ehcp_records(example_doc)
        services = open_school(db_url)
        counts = services.dataset.load(copy.deepcopy(doc))
        assert counts["annual_reviews"] == 3 and counts["outcomes"] == 3
        dump = services.dataset.dump(actor(services, "admin"))
        for key in (*NEW_KEYS, "advice_requests", "assessments"):
            assert dump[key] == doc[key], key

    def test_load_dump_load_dump_gives_identical_dumps(self, open_school, db_url, example_doc, actor, tmp_path):
        first = open_school(db_url)
        first.dataset.load(with_ehcp_records(example_doc))
        dump1 = first.dataset.dump(actor(first, "admin"))
        second = open_school(f"sqlite:///{tmp_path / 'second.sqlite3'}")
        second.dataset.load(dump1)
        dump2 = second.dataset.dump(actor(second, "admin"))
        assert {**dump2, "audit_events": dump1["audit_events"]} == dump1  # and the second load's entry
        assert [e["action"] for e in dump2["audit_events"][len(dump1["audit_events"]):]] == ["load"]

    def test_a_school_without_them_dumps_as_before(self, school, actor):
        dump = school.dataset.dump(actor(school, "admin"))
        assert not set(NEW_KEYS) & set(dump)
        assert "review_meeting_on" not in dump["advice_requests"][0]
        assert set(dump["assessments"][0]) == {
            "pupil", "requested_on", "decision_to_assess_on", "draft_issued_on", "final_issued_on"}

    def test_the_rows_are_linked(self, open_school, db_url, example_doc):
        services = open_school(db_url)
        services.dataset.load(with_ehcp_records(example_doc))
        with services.db.read_session() as session:
            amara = session.scalar(select(PupilRow.id).where(PupilRow.upn == AMARA))
            planned = session.scalar(select(AnnualReviewRow).where(AnnualReviewRow.status == "planned"))
            assert planned.pupil_id == amara and planned.meeting_on.isoformat() == "2026-11-25"
            linked = session.scalars(select(AdviceRequestRow.review_id)
                                     .where(AdviceRequestRow.review_id.is_not(None))).all()
            assert linked == [planned.id]
            slt = session.scalar(select(ProfessionalRow.id).where(ProfessionalRow.ext_id == "nhs-slt-1"))
            assert session.scalar(select(ReviewInviteeRow.professional_id)
                                  .where(ReviewInviteeRow.name == "Rachel Green")) == slt
            assert session.scalar(select(func.count()).select_from(TargetRow)) == 3
            assert session.scalar(select(func.count()).select_from(OutcomeRow)
                                  .where(OutcomeRow.pupil_id == amara)) == 1

    def test_advice_names_the_meeting_not_cancelled_when_two_fall_on_one_day(self, open_school, sqlite_url,
                                                                              example_doc, actor):
        doc = with_ehcp_records(example_doc)
        doc["annual_reviews"][0]["meeting_on"] = "2026-11-25"  # cancelled, then set again for the same day
        services = open_school(sqlite_url)
        services.dataset.load(doc)
        with services.db.read_session() as session:
            planned = session.scalar(select(AnnualReviewRow.id).where(AnnualReviewRow.status == "planned"))
            assert session.scalar(select(AdviceRequestRow.review_id)
                                  .where(AdviceRequestRow.review_id.is_not(None))) == planned
        assert services.dataset.dump(actor(services, "admin"))["advice_requests"] == doc["advice_requests"]

    def test_who_and_when_default_to_the_load(self, open_school, sqlite_url, example_doc, actor):
        doc = with_ehcp_records(example_doc)
        record = doc["annual_reviews"][1]
        del record["created_by"], record["created_at"], record["circulations"][0]["recorded_by"]
        services = open_school(sqlite_url)
        services.dataset.load(doc)
        dumped = services.dataset.dump(actor(services, "admin"))["annual_reviews"][1]
        assert dumped["created_by"] == "system" and dumped["created_at"].startswith("2026-11-23T")
        assert dumped["circulations"][0]["recorded_by"] == "system"


class TestRefusals:
    def test_a_bad_review_is_refused_at_its_path_and_nothing_is_written(self, open_school, db_url, example_doc):
        doc = with_ehcp_records(example_doc)
        doc["annual_reviews"][0]["pupil"] = "A319700118999"
        doc["annual_reviews"][2]["status"] = "postponed"
        doc["annual_reviews"].append(review(AMARA, "2027-01-20"))  # Amara already has a planned review
        services = open_school(db_url)
        with pytest.raises(InvalidInput) as caught:
            services.dataset.load(doc)
        problems = {p.where: p.message for p in caught.value.problems}
        assert "not a known pupil" in problems["annual_reviews[0].pupil"]
        assert "'postponed' is not one of planned, held, cancelled" in problems["annual_reviews[2].status"]
        assert "annual_reviews[1]" in problems["annual_reviews[3].status"]
        assert "at most one planned review" in problems["annual_reviews[3].status"]
        assert services.dataset.is_empty()
        with services.db.read_session() as session:
            for table in (AnnualReviewRow, OutcomeRow, AdviceRequestRow, AuditRow):
                assert session.scalar(select(func.count()).select_from(table)) == 0

    def test_advice_for_a_meeting_that_is_not_there_is_refused(self, open_school, sqlite_url, example_doc):
        doc = with_ehcp_records(example_doc)
        doc["advice_requests"][-1]["review_meeting_on"] = "2026-11-26"
        services = open_school(sqlite_url)
        with pytest.raises(InvalidInput) as caught:
            services.dataset.load(doc)
        assert [p.where for p in caught.value.problems] == ["advice_requests[1].review_meeting_on"]
        assert services.dataset.is_empty()


class TestDemoSchool:
    def test_its_reviews_outcomes_and_linked_advice_round_trip(self, open_school, db_url, demo_doc, actor):
        services = open_school(db_url)
        counts = services.dataset.load(demo_doc)
        assert counts["annual_reviews"] == 3 and counts["outcomes"] >= 8
        dump = services.dataset.dump(actor(services, "admin"))
        for key in (*NEW_KEYS, "advice_requests", "assessments"):
            assert dump[key] == demo_doc[key], key
        planned = [r for r in dump["annual_reviews"] if r["status"] == "planned"]
        assert sorted(r["meeting_on"][:7] for r in planned) == ["2026-12", "2027-01"]
        assert any(a.get("review_meeting_on", "").startswith("2026-12") for a in dump["advice_requests"])
