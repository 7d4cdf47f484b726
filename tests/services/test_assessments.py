"""EHC needs assessments: stages against the statutory weeks, recorded in order, stopped with a reason."""

from __future__ import annotations

from datetime import date

import pytest

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed, Refused

CHLOE = "X319700117077"  # assessment requested 28 Sep 2026, decision to assess 2 Oct 2026
DEV = "X319700121005"


class TestAssessments:
    def test_chloe_waits_for_the_decision_to_issue(self, school, actor):
        [chloe] = school.assessments.list_assessments(actor(school, "mokafor"))
        assert chloe.pupil_name == "Chloe Nowak"
        assert chloe.state == "waiting for the decision to issue (due 18 Jan 2027)"
        assert [(s.what, s.due, s.done_on) for s in chloe.stages] == [
            ("decision to assess", date(2026, 11, 9), date(2026, 10, 2)),
            ("decision to issue", date(2027, 1, 18), None),
            ("draft plan issued", None, None),
            ("final plan issued", date(2027, 2, 15), None)]

    def test_stages_are_recorded_in_order_and_move_what_is_due(self, school, actor):
        senco = actor(school, "mokafor")
        [chloe] = school.assessments.list_assessments(senco)
        with pytest.raises(InvalidInput, match="comes after"):
            school.assessments.record_stage(senco, chloe.id, "decision_to_issue_on", date(2026, 9, 30))
        with pytest.raises(InvalidInput, match="future"):
            school.assessments.record_stage(senco, chloe.id, "draft_issued_on", date(2026, 12, 1))
        school.assessments.record_stage(senco, chloe.id, "decision_to_issue_on", date(2026, 11, 20))
        with pytest.raises(InvalidInput, match="before the later stages"):
            school.assessments.record_stage(senco, chloe.id, "decision_to_assess_on", date(2026, 11, 21))
        school.assessments.record_stage(senco, chloe.id, "draft_issued_on", date(2026, 11, 23))
        [chloe] = school.assessments.list_assessments(senco)
        assert chloe.comments_by == date(2026, 12, 8)
        [item] = [i for i in school.due.due(senco, None) if i.kind == "assessment"]
        assert item.detail == ("Chloe Nowak's EHC needs assessment: parents' comments on the draft due 8 Dec 2026 "
                               "(draft issued 23 Nov 2026)")

    def test_a_new_assessment_and_one_the_la_stops(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        new = sqlite_school.assessments.start(senco, DEV, date(2026, 11, 16))
        with pytest.raises(Refused, match="in progress"):
            sqlite_school.assessments.start(senco, DEV, date(2026, 11, 20))
        [item] = [i for i in sqlite_school.due.due(senco, None) if i.kind == "assessment" and i.subject == DEV]
        assert item.due == date(2026, 12, 28)
        with pytest.raises(InvalidInput, match="reason"):
            sqlite_school.assessments.stop(senco, new, date(2026, 11, 23), "")
        sqlite_school.assessments.stop(senco, new, date(2026, 11, 23), "LA decided not to assess")
        assert not [i for i in sqlite_school.due.due(senco, None) if i.kind == "assessment" and i.subject == DEV]
        stopped = next(a for a in sqlite_school.assessments.list_assessments(senco) if a.id == new)
        assert stopped.state == "stopped 23 Nov 2026" and stopped.stopped_reason == "LA decided not to assess"
        assert len(sqlite_school.assessments.list_assessments(senco, in_progress_only=True)) == 1

    def test_the_office_and_teachers_do_not_manage_assessments(self, sqlite_school, actor):
        for username in ("sbrown", "ttaylor"):
            with pytest.raises(NotAllowed):
                sqlite_school.assessments.list_assessments(actor(sqlite_school, username))
