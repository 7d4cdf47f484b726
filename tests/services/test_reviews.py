"""Annual review meetings: scheduling with invitees, moving, paperwork, holding, and what becomes due."""

from __future__ import annotations

from datetime import date, time

import pytest

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed, Refused, StaleRecord
from fairfields_desktop.services.context import Clock

BEN = "X319700119023"  # Year 7, Oak; last review 10 Nov 2025; parents Mark and Claire Hughes
CHLOE = "X319700117077"  # Year 9, looked after (social worker Priya Nair)


def _clock(services, day: date) -> None:
    clock = Clock(day)
    for name in ("clock",):
        setattr(services, name, clock)
    for service in (services.reviews, services.due, services.advice, services.pupils):
        service.clock = clock


class TestScheduling:
    def test_a_meeting_invites_the_parents_the_team_and_the_class_teacher(self, school, actor):
        senco = actor(school, "mokafor")
        review = school.reviews.schedule(senco, BEN, date(2026, 12, 14), meeting_at=time(10, 0), place="Library")
        invited = {(i.role, i.name) for i in review.invitees}
        assert {("parent", "Mark Hughes"), ("parent", "Claire Hughes"), ("class_teacher", "Tom Taylor"),
                ("professional", "Omar Haddad"), ("professional", "Grace Lee")} <= invited
        assert not any(i.role == "social_worker" for i in review.invitees)
        assert "Jaya Patel" not in {i.name for i in review.invitees}  # a teaching assistant is not the class teacher
        assert review.when_text == "14 Dec 2026 at 10:00, Library"
        steps = {s.what: s.due for s in review.steps}
        assert steps["invitations sent"] == date(2026, 11, 30)
        assert steps["advice and reports circulated to the invitees"] == date(2026, 11, 30)
        assert steps["the school's report sent to the LA and every invitee"] == date(2026, 12, 28)
        assert steps["the LA's decision"] == date(2027, 1, 11)

    def test_a_looked_after_child_s_social_worker_is_invited_and_the_pep_is_flagged(self, sqlite_school, actor):
        review = sqlite_school.reviews.schedule(actor(sqlite_school, "mokafor"), CHLOE, date(2027, 1, 11))
        assert ("social_worker", "Priya Nair") in {(i.role, i.name) for i in review.invitees}
        assert "looked after: align the meeting with the care plan's PEP review" in review.flags
        assert "preparing for adulthood (Year 9 at the meeting)" in review.flags

    def test_year_9_is_judged_at_the_meeting_date(self, sqlite_school, actor):
        # Ben is in Year 7 now: a meeting next September finds him in Year 8, still before preparing for adulthood
        review = sqlite_school.reviews.schedule(actor(sqlite_school, "mokafor"), BEN, date(2027, 9, 20))
        assert not review.timeline.preparing_for_adulthood
        assert not any("adulthood" in f for f in review.flags)

    def test_one_planned_meeting_at_a_time(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        sqlite_school.reviews.schedule(senco, BEN, date(2026, 12, 14))
        with pytest.raises(Refused, match="already set for 14 Dec 2026"):
            sqlite_school.reviews.schedule(senco, BEN, date(2026, 12, 15))

    def test_only_the_senco_and_headteacher_schedule_and_a_teacher_sees_their_class(self, sqlite_school, actor):
        with pytest.raises(NotAllowed):
            sqlite_school.reviews.schedule(actor(sqlite_school, "sbrown"), BEN, date(2026, 12, 14))
        with pytest.raises(NotAllowed):
            sqlite_school.reviews.schedule(actor(sqlite_school, "ttaylor"), BEN, date(2026, 12, 14))
        sqlite_school.reviews.schedule(actor(sqlite_school, "hcarter"), BEN, date(2026, 12, 14))
        assert sqlite_school.reviews.for_pupil(actor(sqlite_school, "ttaylor"), BEN).current is not None
        with pytest.raises(NotAllowed):
            sqlite_school.reviews.for_pupil(actor(sqlite_school, "ttaylor"), "X319700121005")  # Willow


class TestMovingAndCancelling:
    def test_moving_the_meeting_moves_every_deadline_and_the_advice_due_date(self, school, actor):
        senco = actor(school, "mokafor")
        review = school.reviews.schedule(senco, BEN, date(2026, 12, 14))
        assert school.reviews.request_advice(senco, review.id, ["nhs-physio-1", "music-1"]) == 2
        assert school.reviews.request_advice(senco, review.id, ["nhs-physio-1"]) == 0  # not asked twice
        with pytest.raises(StaleRecord, match="mokafor"):  # asking for advice changed the meeting's record
            school.reviews.move(senco, review.id, date(2027, 1, 18), version=review.version)
        review = school.reviews.get(senco, review.id)
        moved = school.reviews.move(senco, review.id, date(2027, 1, 18), place="Oak classroom", version=review.version)
        assert {s.what: s.due for s in moved.steps}["invitations sent"] == date(2027, 1, 4)
        assert {a.professional: a.due for a in moved.advice} == {"Omar Haddad": date(2027, 1, 4),
                                                                 "Grace Lee": date(2027, 1, 4)}
        due = {(i.kind, i.detail) for i in school.due.due(senco, None) if i.subject == BEN}
        assert ("advice", "advice from Grace Lee for Ben Hughes's annual review, due 4 Jan 2027") in due
        with pytest.raises(StaleRecord, match="mokafor"):
            school.reviews.move(senco, review.id, date(2027, 1, 25), version=review.version)

    def test_advice_asked_less_than_two_weeks_before_the_meeting_is_due_at_once(self, sqlite_school, actor):
        """Never due before the day it was asked (issue #14: such a date broke the PostgreSQL backup)."""
        school = sqlite_school
        senco = actor(school, "mokafor")
        review = school.reviews.schedule(senco, BEN, date(2026, 12, 1))  # today is 23 Nov 2026
        assert school.reviews.request_advice(senco, review.id, ["music-1"]) == 1
        review = school.reviews.get(senco, review.id)  # asking for advice changed the review: its new version
        [advice] = review.advice
        assert (advice.requested_on, advice.due) == (date(2026, 11, 23), date(2026, 11, 23))
        due = {(i.kind, i.detail) for i in school.due.due(senco, None) if i.subject == BEN}
        assert ("advice", "advice from Grace Lee for Ben Hughes's annual review, asked late: due at once "
                          "(23 Nov 2026)") in due
        moved = school.reviews.move(senco, review.id, date(2026, 11, 30), version=review.version)
        assert [a.due for a in moved.advice] == [date(2026, 11, 23)]  # still not before it was asked
        moved = school.reviews.move(senco, review.id, date(2027, 1, 18), version=moved.version)
        assert [a.due for a in moved.advice] == [date(2027, 1, 4)]  # in time now: the circulation date
        doc = school.dataset.dump(actor(school, "admin"))
        assert all(a["due"] >= a["requested_on"] for a in doc["advice_requests"] if a["due"])

    def test_a_cancelled_meeting_is_kept_with_its_reason_and_a_new_one_can_be_set(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        review = sqlite_school.reviews.schedule(senco, BEN, date(2026, 12, 14))
        with pytest.raises(InvalidInput, match="reason"):
            sqlite_school.reviews.cancel(senco, review.id, "  ")
        sqlite_school.reviews.cancel(senco, review.id, "parents unavailable")
        sqlite_school.reviews.schedule(senco, BEN, date(2026, 12, 16))
        reviews = sqlite_school.reviews.for_pupil(senco, BEN).reviews
        assert [(r.meeting_on, r.status, r.cancelled_reason) for r in reviews] == [
            (date(2026, 12, 16), "planned", None), (date(2026, 12, 14), "cancelled", "parents unavailable")]
        with pytest.raises(Refused, match="cancelled"):
            sqlite_school.reviews.move(senco, review.id, date(2026, 12, 18))


class TestPaperwork:
    def test_views_budget_review_and_amendments_are_saved(self, school, actor):
        senco = actor(school, "mokafor")
        review = school.reviews.schedule(senco, BEN, date(2026, 12, 14))
        school.reviews.save_paperwork(senco, review.id, child_views="I like the music room.",
                                      parent_views="Swimming helps him sleep.", budget_review="Direct payments used "
                                      "for weekend physio.", proposed_amendments="Add hydrotherapy to section F.",
                                      version=review.version)
        again = school.reviews.get(senco, review.id)
        assert (again.child_views, again.parent_views, again.proposed_amendments) == (
            "I like the music room.", "Swimming helps him sleep.", "Add hydrotherapy to section F.")

    def test_invitees_are_added_and_removed_not_deleted(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        review = sqlite_school.reviews.schedule(senco, BEN, date(2026, 12, 14))
        with pytest.raises(InvalidInput, match="role"):
            sqlite_school.reviews.add_invitee(senco, review.id, "cousin", "Sam")
        sqlite_school.reviews.add_invitee(senco, review.id, "other", "Dr Ellis (paediatrician)")
        sqlite_school.reviews.add_invitee(senco, review.id, "professional", "", professional="nhs-slt-1")
        with pytest.raises(Refused, match="invited already"):
            sqlite_school.reviews.add_invitee(senco, review.id, "professional", "", professional="nhs-slt-1")
        review = sqlite_school.reviews.get(senco, review.id)
        assert "Rachel Green" in {i.name for i in review.current_invitees}
        ellis = next(i for i in review.invitees if i.name.startswith("Dr Ellis"))
        sqlite_school.reviews.remove_invitee(senco, ellis.id)
        review = sqlite_school.reviews.get(senco, review.id)
        assert ellis.id not in {i.id for i in review.current_invitees}
        assert next(i for i in review.invitees if i.id == ellis.id).removed_on == date(2026, 11, 23)

    def test_paperwork_steps_are_due_until_done_then_the_meeting_is_held(self, school, actor):
        senco = actor(school, "mokafor")
        review = school.reviews.schedule(senco, BEN, date(2026, 12, 3))
        paperwork = [i.detail for i in school.due.due(senco, 14) if i.kind == "review_paperwork"]
        assert paperwork == [
            "Ben Hughes's review meeting on 3 Dec 2026: advice and reports circulated to the invitees by 19 Nov 2026",
            "Ben Hughes's review meeting on 3 Dec 2026: invitations sent by 19 Nov 2026"]
        assert all(i.overdue for i in school.due.due(senco, 14) if i.kind == "review_paperwork")
        school.reviews.mark_invitations_sent(senco, review.id, date(2026, 11, 20))
        school.reviews.record_circulation(senco, review.id, "Physiotherapy report", "all invitees", date(2026, 11, 23))
        review = school.reviews.get(senco, review.id)
        assert [s.late(date(2026, 11, 23)) for s in review.steps[:2]] == [True, True]  # done, but late
        assert not [i for i in school.due.due(senco, 14) if i.kind == "review_paperwork"]
        # the annual review item now names the meeting
        [annual] = [i for i in school.due.due(senco, 14) if i.kind == "annual_review" and i.subject == BEN]
        assert "meeting set for 3 Dec 2026" in annual.detail
        assert "(the meeting is after the review is due)" in annual.detail

        with pytest.raises(Refused, match="on or after"):
            school.reviews.record_held(senco, review.id)
        _clock(school, date(2026, 12, 4))
        school.reviews.record_held(senco, review.id)
        pupil = school.reviews.for_pupil(senco, BEN)
        assert (pupil.last_review, pupil.next_due, pupil.current) == (date(2026, 12, 3), date(2027, 12, 2), None)
        after = {i.detail for i in school.due.due(senco, 60) if i.kind == "review_paperwork"}
        assert after == {
            "Ben Hughes's review meeting on 3 Dec 2026: the school's report sent to the LA and every invitee "
            "by 17 Dec 2026",
            "Ben Hughes's review meeting on 3 Dec 2026: the LA's decision by 31 Dec 2026"}

    def test_after_the_meeting_amendments_bring_their_own_deadlines(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        review = sqlite_school.reviews.schedule(senco, BEN, date(2026, 11, 20))
        sqlite_school.reviews.record_held(senco, review.id)
        with pytest.raises(InvalidInput, match="before the meeting"):
            sqlite_school.reviews.record_after(senco, review.id, report_sent_on=date(2026, 11, 19))
        with pytest.raises(InvalidInput, match="amendment notice"):
            sqlite_school.reviews.record_after(senco, review.id, final_plan_on=date(2026, 11, 23))
        sqlite_school.reviews.record_after(senco, review.id, report_sent_on=date(2026, 11, 21),
                                           la_decision_on=date(2026, 11, 22), amendment_notice_on=date(2026, 11, 23))
        due = {i.detail: i.due for i in sqlite_school.due.due(senco, None) if i.kind == "review_paperwork"}
        assert due == {
            "Ben Hughes's review meeting on 20 Nov 2026: comments on the proposed amendments by 8 Dec 2026":
                date(2026, 12, 8),
            "Ben Hughes's review meeting on 20 Nov 2026: the final amended plan by 18 Jan 2027": date(2027, 1, 18)}


class TestMonth:
    def test_the_month_lists_meetings_and_deadlines_by_day(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        sqlite_school.reviews.schedule(senco, BEN, date(2026, 11, 30), meeting_at=time(14, 0))
        due = sqlite_school.due.due(senco, None)
        entries = sqlite_school.reviews.month(senco, 2026, 11, due)
        days = [(e.day, e.kind) for e in entries]
        assert (date(2026, 11, 9), "annual_review") in days  # Ben's overdue review
        assert (date(2026, 11, 16), "advice") in days  # Chloe's advice from Rachel Green
        assert (date(2026, 11, 30), "meeting") in days
        assert all(date(2026, 11, 1) <= e.day <= date(2026, 11, 30) for e in entries)
        meeting = next(e for e in entries if e.kind == "meeting")
        assert meeting.text == "Ben Hughes: review meeting 14:00" and meeting.pupil_upn == BEN
        assert not any(e.kind in ("dbs", "insurance", "registration") for e in entries)
