"""A request's life on the service: every action from every status, the fields each needs, the verdicts a
decision keeps, the reinstatement's checks and the policy's first instance."""

from __future__ import annotations

import copy
from datetime import date, datetime

import pytest

from fairfields_desktop.domain.errors import InvalidInput, Refused
from fairfields_desktop.services.context import Clock

#: which actions each stored status allows (the policy, written out here: not read from the code)
ALLOWED = {
    "draft": {"approve", "decline"},
    "submitted": {"approve", "decline"},
    "approved": {"extend", "suspend", "end"},
    "declined": set(),
    "suspended": {"extend", "review-meeting", "reinstate", "end"},
    "ended": {"extend"},
}
ACTIONS = ("approve", "decline", "extend", "suspend", "review-meeting", "reinstate", "end")
#: r-003 (Dev Sharma with Peter Quinn, off site): every rule met
KWARGS = {
    "approve": {},
    "decline": {"reason": "the family withdrew"},
    "extend": {"until": date(2027, 5, 14), "reason": "rehabilitation after surgery"},
    "suspend": {"reason": "missing phonics"},
    "review-meeting": {"on": date(2026, 11, 23), "attendees": "Anjali Sharma, Peter Quinn", "reason": "resume"},
    "reinstate": {"reason": "agreed at the review"},
    "end": {"reason": "therapy finished"},
}


def doc_with_status(example_doc: dict, status: str) -> dict:
    """The example school with r-003 in ``status`` (suspended on 20 Nov 2026 when suspended)."""
    doc = copy.deepcopy(example_doc)
    request = next(r for r in doc["requests"] if r["id"] == "r-003")
    request["status"] = status
    if status == "suspended":
        request["history"] = [{"at": "2026-11-16T09:00:00", "by": "hcarter", "action": "approved"},
                              {"at": "2026-11-20T09:00:00", "by": "hcarter", "action": "suspended",
                               "reason": "missing phonics"}]
    return doc


@pytest.fixture
def school_in(open_school, sqlite_url, example_doc):
    def make(status: str):
        services = open_school(sqlite_url)
        services.dataset.load(doc_with_status(example_doc, status))
        return services
    return make


class TestEveryActionFromEveryStatus:
    @pytest.mark.parametrize("action", ACTIONS)
    @pytest.mark.parametrize("status", list(ALLOWED))
    def test_allowed_actions_succeed_and_the_others_are_refused(self, school_in, actor, status, action):
        services = school_in(status)
        head = actor(services, "hcarter")
        if action == "reinstate" and status == "suspended":
            services.requests.decide(head, "r-003", "review-meeting", **KWARGS["review-meeting"])
        if action in ALLOWED[status]:
            result = services.requests.decide(head, "r-003", action, **KWARGS[action])
            assert result.request.history[-1].by == "hcarter"
        else:
            with pytest.raises(Refused, match=f"r-003 is {status}: it cannot be") as refused:
                services.requests.decide(head, "r-003", action, **KWARGS[action])
            assert refused.value.exit_code == 3
            assert services.requests.get(head, "r-003").status == status


class TestFieldsEachActionNeeds:
    @pytest.mark.parametrize("action, status", [("decline", "submitted"), ("suspend", "approved"),
                                                ("end", "approved"), ("end", "suspended")])
    def test_decline_suspend_and_end_need_a_reason(self, school_in, actor, action, status):
        services = school_in(status)
        head = actor(services, "hcarter")
        for blank in (None, "   "):
            with pytest.raises(InvalidInput) as caught:
                services.requests.decide(head, "r-003", action, reason=blank)
            assert [p.where for p in caught.value.problems] == ["reason"] and caught.value.exit_code == 4
        assert services.requests.get(head, "r-003").status == status

    def test_teacher_only_is_not_a_review_meeting(self, school_in, actor):
        services = school_in("suspended")
        senco = actor(services, "mokafor")
        with pytest.raises(InvalidInput) as caught:
            services.requests.decide(senco, "r-003", "review-meeting", on=date(2026, 11, 23), attendees="Teacher only")
        [problem] = caught.value.problems
        assert problem.where == "attendees" and "Teacher only: not known to the app" in problem.message
        assert "Anjali Sharma" in problem.message and "Peter Quinn" in problem.message  # who it knows
        assert services.requests.get(senco, "r-003").history[-1].action == "suspended"

    def test_a_meeting_needs_a_parent_and_a_professional_and_staff_are_not_the_professional(self, school_in, actor):
        services = school_in("suspended")
        senco = actor(services, "mokafor")
        for attendees, missing in (("Anjali Sharma, Tom Taylor", "a professional"),
                                   ("Peter Quinn, Tom Taylor", "parents or carers"),
                                   ("", "name who attended")):
            with pytest.raises(InvalidInput, match=missing):
                services.requests.decide(senco, "r-003", "review-meeting", on=date(2026, 11, 23),
                                         attendees=attendees)

    def test_a_parent_and_a_professional_as_typed_are_recorded_as_given(self, school_in, actor):
        services = school_in("suspended")
        senco = actor(services, "mokafor")
        result = services.requests.decide(senco, "r-003", "review-meeting", on=date(2026, 11, 23),
                                          attendees="  anjali sharma , PETER QUINN, Tom Taylor", reason="resume")
        assert result.request.history[-1].details["attendees"] == "  anjali sharma , PETER QUINN, Tom Taylor"

    def test_saying_why_a_parent_could_not_come_lets_the_meeting_stand(self, school_in, actor):
        services = school_in("suspended")
        senco = actor(services, "mokafor")
        result = services.requests.decide(senco, "r-003", "review-meeting", on=date(2026, 11, 23),
                                          attendees="Peter Quinn, Tom Taylor",
                                          absent_reason="mother in hospital; agreed by phone")
        assert result.request.history[-1].details["absent_reason"] == "mother in hospital; agreed by phone"

    def test_a_meeting_in_the_future_or_before_the_suspension_is_refused(self, school_in, actor):
        services = school_in("suspended")
        senco = actor(services, "mokafor")
        for on in (date(2026, 11, 19), date(2026, 11, 24)):
            with pytest.raises(InvalidInput) as caught:
                services.requests.decide(senco, "r-003", "review-meeting", on=on,
                                         attendees="Anjali Sharma, Peter Quinn")
            assert [p.where for p in caught.value.problems] == ["on"]


def import_attendance(services, actor, percent: float) -> None:
    csv = ("UPN,Legal Surname,Legal Forename,DOB,Year,Reg Group,Attendance %\n"
           f"Z319700118114,Osei,Amara,11/03/2014,Year 8,Oak,{percent}\n")
    services.mis.apply(actor(services, "sbrown"), csv, date(2026, 11, 27))


class TestVerdictsAtTheDecision:
    def test_an_approval_keeps_every_rule_as_it_stood_and_today_is_shown_beside_it(self, school, actor):
        head = actor(school, "hcarter")
        school.requests.decide(head, "r-001", "approve")
        import_attendance(school, actor, 88.1)
        view = school.requests.get(head, "r-001")
        assert view.decision == "approved"
        then = {v.rule: v for v in view.verdicts_then}
        assert list(then) == [r.rule for r in view.results]
        assert then["ATTENDANCE"].ok and then["ATTENDANCE"].figure == 97.2
        now = {r.rule: r for r in view.results}
        assert not now["ATTENDANCE"].ok and "88.1%" in now["ATTENDANCE"].detail
        [approved] = [h for h in view.history if h.action == "approved"]
        assert approved.verdicts == view.verdicts_then

    def test_decline_and_reinstate_keep_their_verdicts_too(self, sqlite_school, actor):
        head, senco = actor(sqlite_school, "hcarter"), actor(sqlite_school, "mokafor")
        declined = sqlite_school.requests.decide(head, "r-002", "decline", reason="attendance")
        assert not {v.rule: v for v in declined.request.verdicts_then}["ATTENDANCE"].ok
        sqlite_school.requests.decide(head, "r-001", "approve")
        sqlite_school.requests.decide(head, "r-001", "suspend", reason="missing phonics")
        sqlite_school.requests.decide(senco, "r-001", "review-meeting", attendees="Abena Osei, Karen Walsh")
        view = sqlite_school.requests.decide(head, "r-001", "reinstate").request
        assert view.decision == "reinstated"
        suspended = {v.rule: v for v in view.verdicts_then}["NOT_SUSPENDED"]
        assert suspended.ok and suspended.detail.startswith("reinstated on 23 Nov 2026")

    def test_an_extension_keeps_the_verdicts_of_its_approval(self, sqlite_school, actor):
        head = actor(sqlite_school, "hcarter")
        sqlite_school.requests.decide(head, "r-003", "approve")
        new = sqlite_school.requests.decide(head, "r-003", "extend", until=date(2027, 5, 14),
                                            reason="rehabilitation after surgery").request
        assert new.decision == "approved" and {v.rule for v in new.verdicts_then} >= {"EXTENSION", "CHECKS"}

    def test_a_decision_from_before_keeps_no_verdicts(self, sqlite_school, actor, example_doc, open_school,
                                                      tmp_path):
        doc = doc_with_status(example_doc, "approved")
        doc["requests"][2]["history"] = [{"at": "2026-09-01T09:00:00", "by": "hcarter", "action": "approved"}]
        services = open_school(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        services.dataset.load(doc)
        view = services.requests.get(actor(services, "hcarter"), "r-003")
        assert view.decision == "approved" and view.verdicts_then is None and view.results


class TestReinstatementRechecks:
    def test_sessions_after_the_professionals_insurance_lapsed_are_not_rebooked_and_say_why(
            self, sqlite_school, actor):
        head, senco = actor(sqlite_school, "hcarter"), actor(sqlite_school, "mokafor")
        sqlite_school.requests.decide(head, "r-001", "approve")
        later = Clock(date(2026, 12, 2))
        sqlite_school.requests.clock = sqlite_school.bookings.clock = later
        sqlite_school.requests.decide(head, "r-001", "suspend", reason="missing phonics group")
        [karen] = [p for p in sqlite_school.professionals.list_professionals(head) if p.ext_id == "ind-ot-1"]
        values = sqlite_school.professionals.values(head, karen.id)
        values["checks"]["insurance_expires"] = "2027-01-10"
        sqlite_school.professionals.save(head, values, karen.id)
        sqlite_school.requests.decide(senco, "r-001", "review-meeting", attendees="Abena Osei, Karen Walsh")
        result = sqlite_school.requests.decide(head, "r-001", "reinstate", reason="agreed at the review")
        assert result.booked == 3  # 8 and 15 Dec, 5 Jan 2027: insured until 10 Jan
        assert len(result.not_rebooked) == 6
        assert result.not_rebooked[0] == ("12 Jan 2027: Karen Walsh's checks do not hold on the day "
                                          "(insurance expired on 10 Jan 2027)")
        assert result.request.history[-1].details["not_rebooked"] == list(result.not_rebooked)


class TestOutsideTheSchoolDay:
    VALUES = {"pupil": "X319700121005", "professional": "ind-ot-1", "setting": "off_site",
              "first_session": "2027-01-06", "last_session": "2027-02-24", "start_time": "13:30",
              "end_time": "14:15"}

    def test_submitting_without_it_is_refused_naming_the_field(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        with pytest.raises(InvalidInput) as caught:
            sqlite_school.requests.save_draft(senco, dict(self.VALUES), submit=True)
        assert [p.where for p in caught.value.problems] == ["outside_school_day"]
        draft = sqlite_school.requests.save_draft(senco, dict(self.VALUES))  # a draft may wait for it
        assert draft.status == "draft" and draft.outside_school_day is None
        with pytest.raises(InvalidInput, match="outside the school day"):
            sqlite_school.requests.save_draft(senco, dict(self.VALUES), draft.ref, submit=True)

    def test_it_is_kept_shown_and_carried_by_the_dataset(self, sqlite_school, actor):
        senco, admin = actor(sqlite_school, "mokafor"), actor(sqlite_school, "admin")
        why = "after school she is too tired to take part; weekends are with her father"
        view = sqlite_school.requests.save_draft(senco, dict(self.VALUES, outside_school_day=why), submit=True)
        assert view.status == "submitted" and view.outside_school_day == why
        assert sqlite_school.requests.values(senco, view.ref)["outside_school_day"] == why
        dump = sqlite_school.dataset.dump(admin)
        assert next(r for r in dump["requests"] if r["id"] == view.ref)["outside_school_day"] == why
        assert "outside_school_day" not in next(r for r in dump["requests"] if r["id"] == "r-001")


def test_the_not_rebooked_sessions_start_from_the_cancelled_occurrences(sqlite_school, actor):
    """Reinstating re-uses the cancelled occurrences: no new booking is made."""
    head, senco = actor(sqlite_school, "hcarter"), actor(sqlite_school, "mokafor")
    sqlite_school.requests.decide(head, "r-001", "approve")
    before = sqlite_school.bookings.bookings_between(head, date(2026, 9, 1), date(2027, 7, 31),
                                                     space="Therapy Room 1")
    sqlite_school.requests.decide(head, "r-001", "suspend", reason="x")
    sqlite_school.requests.decide(senco, "r-001", "review-meeting", attendees="Abena Osei, Karen Walsh")
    sqlite_school.requests.decide(head, "r-001", "reinstate")
    after = sqlite_school.bookings.bookings_between(head, date(2026, 9, 1), date(2027, 7, 31), space="Therapy Room 1")
    assert {(b.booking_id, b.start) for b in after} == {(b.booking_id, b.start) for b in before
                                                         if b.start >= datetime(2026, 11, 23)}
