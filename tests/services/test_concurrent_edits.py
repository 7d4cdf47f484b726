"""Two people editing the same record on two PCs: the second save never overwrites the first.

Each test opens two sets of services on one database (two PCs, each with its own engine), both read
the record, the first saves, and the second's save is refused with StaleRecord naming who changed
it and when (from the audit trail), the first's change left intact. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import re
from datetime import date, datetime

import pytest

from fairfields_desktop.domain.errors import StaleRecord
from fairfields_desktop.services.bookings import BookingDraft

AMARA = "Z319700118114"
BEN = "X319700119023"
#: "by mokafor at 10:42 on 23 Nov 2026": who and when, as the audit trail has them
WHO_WHEN = r"by {} at \d\d:\d\d on 23 Nov 2026 since you opened"


@pytest.fixture
def pcs(school, open_school, db_url, actor):
    """Two PCs on one database holding the example school: ``pcs(user_a, user_b)`` → (a, actor_a, b, actor_b)."""

    def make(user_a: str, user_b: str):
        first, second = school, open_school(db_url)
        return first, actor(first, user_a), second, actor(second, user_b)

    return make


def refused(exc_info, username: str) -> str:
    text = str(exc_info.value)
    assert re.search(WHO_WHEN.format(username), text), text
    assert "reload" in text
    return text


class TestPeopleAndPlaces:
    def test_pupils(self, pcs):
        a, senco, b, office = pcs("mokafor", "sbrown")
        pupil_id = a.pupils.id_of(senco, BEN)
        seen_a = a.pupils.pupil_values(senco, pupil_id)
        seen_b = b.pupils.pupil_values(office, pupil_id)
        assert seen_a["version"] == seen_b["version"]
        a.pupils.save_pupil(senco, {**seen_a, "first_name": "Benjamin"}, pupil_id, seen_a["version"])
        with pytest.raises(StaleRecord) as caught:
            b.pupils.save_pupil(office, {**seen_b, "last_name": "Hughes-Smith"}, pupil_id, seen_b["version"])
        refused(caught, "mokafor")
        assert (b.pupils.pupil_values(office, pupil_id)["first_name"],
                b.pupils.pupil_values(office, pupil_id)["last_name"]) == ("Benjamin", "Hughes")
        with pytest.raises(StaleRecord, match="mokafor"):  # marking as left from the old copy too
            b.pupils.mark_left(office, pupil_id, date(2026, 11, 20), seen_b["version"])

    def test_professionals(self, pcs):
        a, head, b, senco = pcs("hcarter", "mokafor")
        pro = next(p for p in a.professionals.list_professionals(head) if p.ext_id == "music-1")
        seen_a, seen_b = a.professionals.values(head, pro.id), b.professionals.values(senco, pro.id)
        strip = lambda v: {k: x for k, x in v.items() if k != "version"}  # noqa: E731
        a.professionals.save(head, {**strip(seen_a), "phone": "01632 960001"}, pro.id, seen_a["version"])
        with pytest.raises(StaleRecord) as caught:
            b.professionals.save(senco, {**strip(seen_b), "phone": "01632 960002"}, pro.id, seen_b["version"])
        refused(caught, "hcarter")
        assert b.professionals.values(senco, pro.id)["phone"] == "01632 960001"

    def test_staff(self, pcs):
        a, admin_a, b, admin_b = pcs("admin", "admin")
        member = next(s for s in a.people.list_staff(admin_a) if s.ext_id == "dking")
        seen_b = next(s for s in b.people.list_staff(admin_b) if s.ext_id == "dking")
        assert member.version == seen_b.version
        a.people.save_staff(admin_a, {"id": "dking", "name": member.name, "role": "Deputy head",
                                      "class": member.class_name}, member.id, member.version)
        with pytest.raises(StaleRecord) as caught:
            b.people.save_staff(admin_b, {"id": "dking", "name": "Dan King", "role": seen_b.role,
                                          "class": seen_b.class_name}, seen_b.id, seen_b.version)
        assert refused(caught, "admin").startswith(f"{member.name}'s record was changed by admin")
        now = next(s for s in b.people.list_staff(admin_b) if s.ext_id == "dking")
        assert (now.name, now.role) == (member.name, "Deputy head") and now.version > member.version

    def test_staff_whose_id_was_changed(self, pcs):
        a, admin_a, b, admin_b = pcs("admin", "admin")
        member = next(s for s in a.people.list_staff(admin_a) if s.ext_id == "dking")
        a.people.save_staff(admin_a, {"id": "dking2", "name": member.name, "role": member.role,
                                      "class": member.class_name}, member.id, member.version)
        with pytest.raises(StaleRecord) as caught:
            b.people.save_staff(admin_b, {"id": "dking", "name": member.name, "role": "TA",
                                          "class": member.class_name}, member.id, member.version)
        refused(caught, "admin")
        assert [s.ext_id for s in b.people.list_staff(admin_b) if s.id == member.id] == ["dking2"]

    def test_classes(self, pcs):
        a, admin_a, b, admin_b = pcs("admin", "admin")
        oak = next(c for c in a.people.list_classes(admin_a) if c.name == "Oak")
        oak_b = next(c for c in b.people.list_classes(admin_b) if c.name == "Oak")
        a.people.save_class(admin_a, "Oak Class", oak.room, oak.id, oak)
        with pytest.raises(StaleRecord) as caught:
            b.people.save_class(admin_b, "Oak", None, oak_b.id, oak_b)
        assert refused(caught, "admin").startswith("Class Oak Class was changed by admin")
        now = next(c for c in b.people.list_classes(admin_b) if c.id == oak.id)
        assert (now.name, now.room) == ("Oak Class", oak.room)

    def test_spaces(self, pcs):
        a, admin_a, b, admin_b = pcs("admin", "admin")
        room = next(s for s in a.people.list_spaces(admin_a) if s.name == "Meeting Room")
        room_b = next(s for s in b.people.list_spaces(admin_b) if s.name == "Meeting Room")
        values = {"name": room.name, "kind": room.kind, "capacity": room.capacity, "features": room.features,
                  "bookable": room.bookable}
        a.people.save_space(admin_a, {**values, "capacity": 12}, room.id, room.version)
        with pytest.raises(StaleRecord) as caught:
            b.people.save_space(admin_b, {**values, "features": "Whiteboard"}, room_b.id, room_b.version)
        refused(caught, "admin")
        now = next(s for s in b.people.list_spaces(admin_b) if s.id == room.id)
        assert (now.capacity, now.features) == (12, room.features)


class TestSchool:
    def test_settings(self, pcs):
        a, admin_a, b, admin_b = pcs("admin", "admin")
        seen_a = a.school.settings_values(with_version=True)
        seen_b = b.school.settings_values(with_version=True)
        assert seen_a["version"] == seen_b["version"] is not None
        a.school.update_settings(admin_a, {**seen_a, "school_name": "Fairfields Special School"}, seen_a["version"])
        with pytest.raises(StaleRecord) as caught:
            b.school.update_settings(admin_b, {**seen_b, "attendance_threshold_percent": 91.0}, seen_b["version"])
        assert refused(caught, "admin").startswith("The school's settings were changed by admin")
        saved = b.school.settings()
        assert (saved.school_name, saved.attendance_threshold_percent) == ("Fairfields Special School", 95.0)
        fresh = b.school.settings_values(with_version=True)  # reloaded, the change goes through
        b.school.update_settings(admin_b, {**fresh, "attendance_threshold_percent": 91.0}, fresh["version"])
        assert a.school.settings().attendance_threshold_percent == 91.0

    def test_terms(self, pcs):
        a, admin_a, b, admin_b = pcs("admin", "admin")
        seen_a, seen_b = a.school.terms_values(), b.school.terms_values()
        mine = copy.deepcopy(seen_a)
        mine[0]["closures"].append({"from": "2026-12-07", "to": "2026-12-07", "why": "Polling station"})
        a.school.save_terms(admin_a, mine, seen_a)
        theirs = copy.deepcopy(seen_b)
        theirs[1]["name"] = "Spring term 2027"
        with pytest.raises(StaleRecord) as caught:
            b.school.save_terms(admin_b, theirs, seen_b)
        assert refused(caught, "admin").startswith("The terms were changed by admin")
        assert b.school.terms_values() == mine


class TestRequestsReviewsOutcomes:
    def test_request_drafts(self, pcs):
        a, head, b, office = pcs("hcarter", "sbrown")
        seen_a, seen_b = a.requests.values(head, "r-001"), b.requests.values(office, "r-001")
        assert seen_a["version"] == seen_b["version"]
        a.requests.save_draft(head, {**seen_a, "end_time": "11:30"}, "r-001")
        with pytest.raises(StaleRecord) as caught:
            b.requests.save_draft(office, {**seen_b, "start_time": "10:00"}, "r-001")
        assert refused(caught, "hcarter").startswith("Request r-001 was changed by hcarter")
        with pytest.raises(StaleRecord, match="hcarter"):  # the form's check before it saves says the same
            b.requests.check_version(office, "r-001", seen_b["version"])
        now = b.requests.values(office, "r-001")
        assert (now["start_time"], now["end_time"]) == (seen_a["start_time"], "11:30")

    def test_annual_reviews(self, pcs):
        a, senco, b, head = pcs("mokafor", "hcarter")
        review = a.reviews.schedule(senco, BEN, date(2026, 12, 14))
        seen_b = b.reviews.get(head, review.id)
        a.reviews.save_paperwork(senco, review.id, child_views="Ben likes swimming", version=review.version)
        with pytest.raises(StaleRecord) as caught:
            b.reviews.save_paperwork(head, review.id, parent_views="Fine", version=seen_b.version)
        refused(caught, "mokafor")
        with pytest.raises(StaleRecord, match="mokafor"):
            b.reviews.move(head, review.id, date(2026, 12, 16), version=seen_b.version)
        now = b.reviews.get(head, review.id)
        assert (now.child_views, now.parent_views, now.meeting_on) == ("Ben likes swimming", None, date(2026, 12, 14))

    def test_outcomes_and_targets(self, pcs):
        a, senco, b, head = pcs("mokafor", "hcarter")
        outcome = a.outcomes.add_outcome(senco, AMARA, "communication_and_interaction", "Makes choices")
        target = a.outcomes.add_target(senco, outcome, "Requests a break", professional="nhs-slt-1")
        [seen_a] = a.outcomes.for_pupil(senco, AMARA)
        [seen_b] = b.outcomes.for_pupil(head, AMARA)
        a.outcomes.edit_outcome(senco, outcome, seen_a.area, "Makes choices with AAC", version=seen_a.version)
        with pytest.raises(StaleRecord) as caught:
            b.outcomes.edit_outcome(head, outcome, seen_b.area, "Makes choices at lunch", version=seen_b.version)
        assert refused(caught, "mokafor").startswith("this outcome was changed by mokafor")
        a.outcomes.edit_target(senco, target, "Requests a break with two symbols", professional="nhs-slt-1",
                               version=seen_a.targets[0].version)
        with pytest.raises(StaleRecord) as caught:
            b.outcomes.edit_target(head, target, "Asks for a break", version=seen_b.targets[0].version)
        assert refused(caught, "mokafor").startswith("this target was changed by mokafor")
        [now] = b.outcomes.for_pupil(head, AMARA)
        assert (now.text, now.targets[0].text) == ("Makes choices with AAC", "Requests a break with two symbols")


class TestBookings:
    def test_moving_a_session_someone_else_moved(self, pcs):
        a, office, b, senco = pcs("sbrown", "mokafor")
        [block] = a.bookings.book(office, BookingDraft(space="Meeting Room", start=datetime(2026, 11, 24, 13, 0),
                                                       end=datetime(2026, 11, 24, 13, 30), staff=("sbrown",),
                                                       title="Annual review prep"))
        seen = (block.start, block.end, block.space)
        a.bookings.move(office, block.occurrence_id, datetime(2026, 11, 24, 14, 0), datetime(2026, 11, 24, 14, 30),
                        expected=seen)
        with pytest.raises(StaleRecord) as caught:
            b.bookings.move(senco, block.occurrence_id, datetime(2026, 11, 24, 9, 0), datetime(2026, 11, 24, 9, 30),
                            expected=seen)
        refused(caught, "sbrown")
        [now] = [x for x in b.bookings.day_view(senco, date(2026, 11, 24)).blocks
                 if x.occurrence_id == block.occurrence_id]
        assert (now.start.hour, now.end.hour) == (14, 14)


class TestChangesToWhatHangsFromARecord:
    """A change only to the rows hanging from a record (contacts, consents, targets, invitees, a request's
    sessions, a space's closures) still changes the record: a save from a copy opened before is refused,
    naming who changed it and when."""

    def test_pupil_contacts_only(self, pcs):
        a, senco, b, office = pcs("mokafor", "sbrown")
        pupil_id = a.pupils.id_of(senco, BEN)
        seen_a = a.pupils.pupil_values(senco, pupil_id)
        seen_b = b.pupils.pupil_values(office, pupil_id)
        mine = {k: v for k, v in seen_a.items() if k != "version"}
        mine["contacts"] = [*seen_a["contacts"], {"name": "Aunt May", "relationship": "Aunt",
                                                  "parental_responsibility": False, "phone": "01632 960009"}]
        saved = a.pupils.save_pupil(senco, mine, pupil_id, seen_a["version"])
        assert saved.version > seen_a["version"]
        theirs = {k: v for k, v in seen_b.items() if k != "version"}
        theirs["contacts"] = seen_b["contacts"][:1]
        with pytest.raises(StaleRecord) as caught:
            b.pupils.save_pupil(office, theirs, pupil_id, seen_b["version"])
        refused(caught, "mokafor")
        assert [c["name"] for c in b.pupils.pupil_values(office, pupil_id)["contacts"]] == \
            [c["name"] for c in mine["contacts"]]

    @pytest.mark.parametrize("change", ["consent", "withdrawal", "team", "budget"])
    def test_pupil_consents_team_and_budget(self, pcs, change):
        a, senco, b, office = pcs("mokafor", "sbrown")
        pupil_id = a.pupils.id_of(senco, BEN)
        consent = a.pupils.add_consent(senco, pupil_id, organisation="School nurse", sections=["health"],
                                       given_by_kind="parent", given_by="Mark Hughes", given_on=date(2026, 11, 2))
        seen_b = b.pupils.pupil_values(office, pupil_id)
        if change == "consent":
            a.pupils.add_consent(senco, pupil_id, organisation="Speech therapist", sections=["advice"],
                                 given_by_kind="parent", given_by="Claire Hughes", given_on=date(2026, 11, 20))
        elif change == "withdrawal":
            a.pupils.withdraw_consent(senco, consent.id, date(2026, 11, 20))
        elif change == "team":
            a.pupils.add_team_member(senco, pupil_id, "nhs-slt-1", "speech and language")
        else:
            a.pupils.record_budget_discussion(senco, pupil_id, date(2026, 11, 20), ehcp_officer="J. Patel",
                                              capacity_agreed=True, already_provided=False)
        with pytest.raises(StaleRecord) as caught:
            b.pupils.save_pupil(office, {**seen_b, "last_name": "Hughes-Smith"}, pupil_id, seen_b["version"])
        refused(caught, "mokafor")
        with pytest.raises(StaleRecord, match="mokafor"):
            b.pupils.mark_left(office, pupil_id, date(2026, 11, 20), seen_b["version"])
        assert b.pupils.pupil_values(office, pupil_id)["last_name"] == "Hughes"

    def test_outcome_targets_only(self, pcs):
        a, senco, b, head = pcs("mokafor", "hcarter")
        outcome = a.outcomes.add_outcome(senco, AMARA, "communication_and_interaction", "Makes choices")
        [seen_b] = b.outcomes.for_pupil(head, AMARA)
        target = a.outcomes.add_target(senco, outcome, "Requests a break", professional="nhs-slt-1")
        with pytest.raises(StaleRecord) as caught:
            b.outcomes.edit_outcome(head, outcome, seen_b.area, "Makes choices at lunch", version=seen_b.version)
        assert refused(caught, "mokafor").startswith("this outcome was changed by mokafor")
        [seen_b] = b.outcomes.for_pupil(head, AMARA)
        a.outcomes.end_target(senco, target, "achieved")
        with pytest.raises(StaleRecord, match="mokafor"):
            b.outcomes.add_target(head, outcome, "Asks for help", version=seen_b.version)
        [now] = b.outcomes.for_pupil(head, AMARA)
        assert (now.text, [t.status for t in now.targets]) == ("Makes choices", ["achieved"])

    @pytest.mark.parametrize("change", ["invitee", "circulation", "advice"])
    def test_review_invitees_circulations_and_advice_only(self, pcs, change):
        a, senco, b, head = pcs("mokafor", "hcarter")
        review = a.reviews.schedule(senco, BEN, date(2026, 11, 20))
        seen_b = b.reviews.get(head, review.id)
        if change == "invitee":
            a.reviews.add_invitee(senco, review.id, "other", "Dr Patel")
        elif change == "circulation":
            a.reviews.record_circulation(senco, review.id, "OT advice", "all invitees", date(2026, 11, 6))
        else:
            a.reviews.request_advice(senco, review.id, ["nhs-physio-1"])
        with pytest.raises(StaleRecord) as caught:
            b.reviews.save_paperwork(head, review.id, parent_views="Fine", version=seen_b.version)
        refused(caught, "mokafor")
        assert b.reviews.get(head, review.id).parent_views is None

    def test_request_off_site_sessions_only(self, pcs):
        from fairfields_desktop.domain.rules import RULE_IDS

        a, senco, b, head = pcs("mokafor", "hcarter")
        b.requests.decide(head, "r-003", "approve", overrides={rule: "agreed by the head" for rule in RULE_IDS})
        seen = b.requests.values(head, "r-003")["version"]
        a.requests.log_off_site(senco, "r-003", datetime(2027, 1, 8, 13, 30), taken_by="Mum")
        with pytest.raises(StaleRecord) as caught:
            b.requests.check_version(head, "r-003", seen)
        assert refused(caught, "mokafor").startswith("Request r-003 was changed by mokafor")
        with pytest.raises(StaleRecord, match="mokafor"):
            b.requests.decide(head, "r-003", "suspend", reason="attendance", expected_version=seen)
        assert b.requests.values(head, "r-003")["version"] > seen

    def test_space_closures_only(self, pcs):
        a, admin_a, b, admin_b = pcs("admin", "admin")
        room = next(s for s in b.people.list_spaces(admin_b) if s.name == "Meeting Room")
        a.bookings.set_out_of_use(admin_a, "Meeting Room", date(2026, 12, 1), date(2026, 12, 2), "new carpet")
        with pytest.raises(StaleRecord) as caught:
            b.people.save_space(admin_b, {"name": room.name, "kind": room.kind, "capacity": 12,
                                          "features": room.features, "bookable": room.bookable}, room.id, room.version)
        refused(caught, "admin")

    def test_booking_occurrence_cancelled(self, pcs):
        a, office, b, senco = pcs("sbrown", "mokafor")
        [block] = a.bookings.book(office, BookingDraft(space="Meeting Room", start=datetime(2026, 11, 24, 13, 0),
                                                       end=datetime(2026, 11, 24, 13, 30), staff=("sbrown",)))
        seen = (block.start, block.end, block.space)
        a.bookings.cancel(office, block.occurrence_id, "no longer needed")
        with pytest.raises(StaleRecord) as caught:
            b.bookings.move(senco, block.occurrence_id, datetime(2026, 11, 24, 9, 0), datetime(2026, 11, 24, 9, 30),
                            expected=seen)
        refused(caught, "sbrown")
