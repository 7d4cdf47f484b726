"""Off-site therapy follows its authorisation: the day and times, the headteacher's exceptions, the marks back,
and who must be told when a suspension or an ending cancels sessions."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed, Refused
from fairfields_desktop.store.models import AuditRow, OffSiteSessionRow

FRIDAY = date(2027, 1, 8)  # r-003: off site, Fridays 13:30–15:00, 8 Jan to 19 Mar 2027
MONDAY = date(2027, 1, 11)


@pytest.fixture
def school(sqlite_school, actor, monkeypatch):
    sqlite_school.requests.decide(actor(sqlite_school, "hcarter"), "r-003", "approve")
    return sqlite_school


def today(services, monkeypatch, day: date) -> None:
    monkeypatch.setattr(services.clock, "today", lambda: day)


def stored(services, log_id: int) -> OffSiteSessionRow:
    with services.db.read_session() as session:
        row = session.get(OffSiteSessionRow, log_id)
        session.expunge(row)
        return row


class TestSigningOut:
    def test_on_an_authorised_friday_inside_the_times_it_is_recorded(self, school, actor, monkeypatch):
        today(school, monkeypatch, FRIDAY)
        office = actor(school, "sbrown")
        assert school.requests.off_site_problem(office, "r-003", datetime(2027, 1, 8, 13, 0)) is None
        log_id = school.requests.log_off_site(office, "r-003", datetime(2027, 1, 8, 13, 0), taken_by="Dad")
        assert [row[0] for row in school.requests.off_site_now(office)] == [log_id]
        row = stored(school, log_id)
        assert row.exception_reason is None and row.exception_by is None

    def test_on_a_monday_it_is_refused_naming_the_authorised_day_and_times(self, school, actor, monkeypatch):
        today(school, monkeypatch, MONDAY)
        office = actor(school, "sbrown")
        with pytest.raises(Refused, match="r-003 is authorised for Fridays 13:30–15:00; today is Monday 11 Jan 2027"):
            school.requests.log_off_site(office, "r-003", datetime(2027, 1, 11, 13, 30), taken_by="Dad")
        assert school.requests.off_site_now(office) == []

    @pytest.mark.parametrize(("hh", "mm"), [(12, 59), (15, 0), (16, 10)])
    def test_on_a_friday_outside_the_times_it_is_refused(self, school, actor, monkeypatch, hh, mm):
        today(school, monkeypatch, FRIDAY)
        with pytest.raises(Refused, match=f"may leave from 13:00 .* until 15:00, not at {hh}:{mm:02d}"):
            school.requests.log_off_site(actor(school, "sbrown"), "r-003", datetime(2027, 1, 8, hh, mm))

    def test_a_friday_in_half_term_is_refused_saying_why(self, school, actor, monkeypatch):
        today(school, monkeypatch, date(2027, 2, 19))
        with pytest.raises(Refused, match=r"today is Friday 19 Feb 2027 \(Half term\)"):
            school.requests.log_off_site(actor(school, "sbrown"), "r-003", datetime(2027, 2, 19, 13, 30))

    def test_the_headteacher_with_a_reason_records_an_exception(self, school, actor, monkeypatch):
        today(school, monkeypatch, MONDAY)
        head = actor(school, "hcarter")
        log_id = school.requests.log_off_site(head, "r-003", datetime(2027, 1, 11, 13, 30), taken_by="Mum",
                                              exception_reason="clinic moved the session this week")
        row = stored(school, log_id)
        assert (row.exception_reason, row.exception_by) == ("clinic moved the session this week", "hcarter")
        with school.db.read_session() as session:
            audit = session.scalars(select(AuditRow).where(AuditRow.action == "off_site")).all()[-1]
            assert audit.after["exception_reason"] == "clinic moved the session this week"
            assert "authorised for Fridays" in audit.after["exception"]

    def test_an_acting_head_with_a_reason_records_an_exception(self, school, actor, monkeypatch):
        today(school, monkeypatch, MONDAY)
        school.requests.delegate(actor(school, "hcarter"), "mokafor", MONDAY, date(2027, 1, 15))
        log_id = school.requests.log_off_site(actor(school, "mokafor"), "r-003", datetime(2027, 1, 11, 13, 30),
                                              exception_reason="clinic moved the session this week")
        assert stored(school, log_id).exception_by == "mokafor"

    @pytest.mark.parametrize("who", ["mokafor", "sbrown"])
    def test_anyone_else_giving_a_reason_is_not_allowed(self, school, actor, monkeypatch, who):
        today(school, monkeypatch, MONDAY)
        with pytest.raises(NotAllowed, match="only the headteacher, or an acting head"):
            school.requests.log_off_site(actor(school, who), "r-003", datetime(2027, 1, 11, 13, 30),
                                         exception_reason="the family asked")
        assert school.requests.off_site_now(actor(school, "sbrown")) == []

    def test_a_suspended_authorisation_is_refused_even_to_the_headteacher(self, school, actor, monkeypatch):
        head = actor(school, "hcarter")
        school.requests.decide(head, "r-003", "suspend", reason="concerns raised by the family")
        today(school, monkeypatch, FRIDAY)
        for reason in (None, "she asked"):
            with pytest.raises(Refused, match="r-003 is not an approved off-site authorisation"):
                school.requests.log_off_site(head, "r-003", datetime(2027, 1, 8, 13, 30), exception_reason=reason)


class TestKeptWhenTheSchoolMoves:
    def test_an_exception_is_dumped_with_its_reason_and_a_plain_session_without_the_keys(self, school, actor,
                                                                                         monkeypatch, open_school,
                                                                                         tmp_path):
        today(school, monkeypatch, FRIDAY)
        school.requests.log_off_site(actor(school, "sbrown"), "r-003", datetime(2027, 1, 8, 13, 20))
        school.requests.log_off_site(actor(school, "hcarter"), "r-003", datetime(2027, 1, 11, 13, 30),
                                     exception_reason="clinic moved the session this week")
        doc = school.dataset.dump(actor(school, "admin"))
        plain, exception = doc["off_site_sessions"]
        assert "exception_reason" not in plain and "exception_by" not in plain
        assert (exception["exception_reason"], exception["exception_by"]) == ("clinic moved the session this week",
                                                                              "hcarter")
        moved = open_school(f"sqlite:///{tmp_path / 'moved.sqlite3'}")
        moved.dataset.load(doc)
        with moved.db.read_session() as session:
            rows = session.scalars(select(OffSiteSessionRow).order_by(OffSiteSessionRow.id)).all()
            assert [(r.exception_reason, r.exception_by) for r in rows] == [
                (None, None), ("clinic moved the session this week", "hcarter")]


class TestBack:
    def out_at(self, school, actor, monkeypatch, hh: int, mm: int) -> int:
        today(school, monkeypatch, FRIDAY)
        return school.requests.log_off_site(actor(school, "sbrown"), "r-003", datetime(2027, 1, 8, hh, mm))

    def test_back_within_the_afternoon_the_register_mark_stands(self, school, actor, monkeypatch):
        log_id = self.out_at(school, actor, monkeypatch, 13, 20)
        suggestion = school.requests.suggest_back_mark(actor(school, "sbrown"), log_id, datetime(2027, 1, 8, 14, 50))
        assert suggestion.code == "\\" and suggestion.registered and suggestion.session == "afternoon"
        assert "the register mark stands (present" in suggestion.why
        assert "M" in suggestion.choices and suggestion.code != "B"

    def test_not_registered_the_afternoon_is_m(self, school, actor, monkeypatch):
        log_id = self.out_at(school, actor, monkeypatch, 13, 20)
        suggestion = school.requests.suggest_back_mark(actor(school, "sbrown"), log_id, datetime(2027, 1, 8, 15, 0),
                                                       registered=False)
        assert suggestion.code == "M"

    def test_the_chosen_mark_and_time_are_stored(self, school, actor, monkeypatch):
        log_id = self.out_at(school, actor, monkeypatch, 13, 20)
        school.requests.mark_back(actor(school, "sbrown"), log_id, datetime(2027, 1, 8, 14, 50), "M")
        row = stored(school, log_id)
        assert (row.time_back, row.attendance_mark) == (datetime(2027, 1, 8, 14, 50), "M")

    @pytest.mark.parametrize("mark", ["P", "", None, "present"])
    def test_a_mark_not_offered_is_refused_listing_the_codes(self, school, actor, monkeypatch, mark):
        log_id = self.out_at(school, actor, monkeypatch, 13, 20)
        with pytest.raises(InvalidInput) as caught:
            school.requests.mark_back(actor(school, "sbrown"), log_id, datetime(2027, 1, 8, 14, 50), mark)
        [problem] = caught.value.problems
        assert problem.where == "attendance mark"
        assert "/ or \\ (present)" in problem.message and "M (medical or dental appointment)" in problem.message
        assert "B (educated off site (supervised educational activity))" in problem.message
        assert "C (leave of absence" in problem.message
        assert stored(school, log_id).time_back is None


class TestWhoMustBeTold:
    """Suspending or ending an in-school authorisation cancels its sessions: the professional, the family and
    the class teacher are to be told, on the office's dashboard until each is marked told."""

    @pytest.mark.parametrize(("action", "why"), [("suspend", "suspended until a review meeting"),
                                                 ("end", "has ended")])
    def test_a_suspension_or_ending_leaves_notices_until_marked_told(self, sqlite_school, actor, action, why):
        head, office = actor(sqlite_school, "hcarter"), actor(sqlite_school, "sbrown")
        sqlite_school.requests.decide(head, "r-001", "approve")
        result = sqlite_school.requests.decide(head, "r-001", action, reason="private reason for the head")
        assert result.cancelled == 10
        notices = sqlite_school.bookings.notices(office, untold_only=True)
        assert {n.audience for n in notices} == {"professional", "parents", "class_teacher"}
        assert all("the 10 sessions from 1 Dec 2026 to 23 Feb 2027" in n.what and why in n.what for n in notices)
        assert not any("private reason" in n.what for n in notices)

        def told_items() -> list[str]:
            [section] = [s for s in sqlite_school.dashboard.for_actor(office).sections
                         if s.title == "People to tell about changed bookings"]
            return [item.text for item in section.items]

        assert len(told_items()) == len(notices)
        for notice in notices:
            sqlite_school.bookings.mark_told(office, notice.id)
        assert told_items() == []
        assert sqlite_school.bookings.notices(office, untold_only=True) == []

    def test_an_off_site_suspension_cancels_nothing_and_tells_nobody_here(self, sqlite_school, actor):
        head = actor(sqlite_school, "hcarter")
        sqlite_school.requests.decide(head, "r-003", "approve")
        sqlite_school.requests.decide(head, "r-003", "suspend", reason="concerns")
        assert sqlite_school.bookings.notices(actor(sqlite_school, "sbrown"), untold_only=True) == []
