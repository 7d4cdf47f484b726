"""What each role receives from the services: the office and the administrator never receive a pupil's needs,
plan, outcomes, notes or consent in any form (the edit view included); a class teacher never receives another
class's pupil. Every check searches what came back for marker values put in first, and proves the marker is
there for a role that may see it (so a check cannot pass by finding nothing at all)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import pytest

from fairfields_desktop.cli.main import run
from fairfields_desktop.domain.errors import NotAllowed

AMARA = "Z319700118114"  # Oak
BEN = "X319700119023"  # Oak
DEV = "X319700121005"  # Willow

#: put into Amara's record by the SENCO; none may reach the office or the administrator
BUDGET_REF = "PB-MARKER-7781"
BUDGET_NOTE = "MARKER budget talk with the EHCP officer"
OUTCOME = "MARKER outcome: asks for a drink with a symbol"
TARGET = "MARKER target: hands over the drink symbol"
STRATEGY = "MARKER strategy: hold the cup out of reach"
CHILD_VIEWS = "MARKER child views: likes the trampoline"
#: already in the example school: Amara's areas of need, plan dates and consent
AREA = "communication_and_interaction"
ISSUED = ("2021-02-15", "2021, 2, 15", "15 Feb 2021")
LAST_REVIEW = ("2025-12-03", "2025, 12, 3", "3 Dec 2025")
CONSENT = "progress notes"
HIDDEN = (BUDGET_REF, BUDGET_NOTE, OUTCOME, TARGET, STRATEGY, CHILD_VIEWS, AREA, CONSENT, *ISSUED, *LAST_REVIEW)


def _text(value: object) -> str:
    """Everything a returned value holds, as text (dataclasses, dicts, lists, dates by their repr)."""
    return repr(value)


def _leaks(value: object, markers: tuple[str, ...] = HIDDEN) -> list[str]:
    text = _text(value)
    return [m for m in markers if m in text]


@pytest.fixture
def marked(sqlite_school, actor):
    """The example school with every marker in Amara's record: budget, discussion, outcome, review views."""
    s = sqlite_school
    senco, head = actor(s, "mokafor"), actor(s, "hcarter")
    amara = s.pupils.id_of(senco, AMARA)
    values = s.pupils.pupil_values(senco, amara)
    values["ehcp"]["personal_budget"]["reference"] = BUDGET_REF
    s.pupils.save_pupil(senco, values, amara, values.pop("version"))
    s.pupils.record_budget_discussion(head, amara, date(2026, 11, 20), ehcp_officer="J Reed", capacity_agreed=True,
                                      already_provided=False, notes=BUDGET_NOTE)
    outcome = s.outcomes.add_outcome(senco, AMARA, AREA, OUTCOME)
    s.outcomes.add_target(senco, outcome, TARGET, strategy=STRATEGY)
    review = s.reviews.schedule(senco, AMARA, date(2026, 12, 8))
    s.reviews.save_paperwork(senco, review.id, child_views=CHILD_VIEWS)
    # Dev (Willow) has a meeting, an outcome and a strategy too: what a teacher of Oak must not receive
    s.reviews.schedule(senco, DEV, date(2026, 12, 9))
    dev_outcome = s.outcomes.add_outcome(senco, DEV, AREA, "Dev's outcome")
    s.outcomes.add_target(senco, dev_outcome, "Dev's target", strategy="Dev's strategy")
    return s


class TestTheEditView:
    def test_the_senco_edit_view_holds_the_plan_and_the_areas(self, marked, actor):
        senco = actor(marked, "mokafor")
        view = marked.pupils.edit_view(senco, marked.pupils.id_of(senco, AMARA))
        assert view.edits_needs
        assert view.values["ehcp"]["personal_budget"]["reference"] == BUDGET_REF
        assert view.values["ehcp"]["issued"] == ISSUED[0] and AREA in view.values["areas_of_need"]
        assert view.version >= 1 and "version" not in view.values

    @pytest.mark.parametrize("username", ["sbrown", "admin"])
    def test_the_office_and_the_administrator_receive_no_plan_and_no_areas(self, marked, actor, username):
        who = actor(marked, username)
        amara = marked.pupils.id_of(who, AMARA)
        view = marked.pupils.edit_view(who, amara)
        assert not view.edits_needs
        assert "ehcp" not in view.values and "areas_of_need" not in view.values
        assert view.values["first_name"] == "Amara" and view.values["contacts"][0]["name"] == "Abena Osei"
        assert _leaks(view) == []
        assert _leaks(marked.pupils.pupil_values(who, amara)) == []

    def test_an_office_save_keeps_the_plan_and_the_areas_as_they_were(self, marked, actor):
        office, senco = actor(marked, "sbrown"), actor(marked, "mokafor")
        amara = marked.pupils.id_of(office, AMARA)
        before = marked.pupils.edit_view(senco, amara).values
        view = marked.pupils.edit_view(office, amara)
        changed = {**view.values, "contacts": [{**view.values["contacts"][0], "phone": "07700 900123"}]}
        saved = marked.pupils.save_pupil(office, changed, amara, view.version)
        assert _leaks(saved) == []
        after = marked.pupils.edit_view(senco, amara).values
        assert after["contacts"][0]["phone"] == "07700 900123"
        assert (after["ehcp"], after["areas_of_need"]) == (before["ehcp"], before["areas_of_need"])
        assert after["ehcp"]["personal_budget"]["reference"] == BUDGET_REF

    def test_an_office_change_to_the_needs_or_the_plan_is_refused(self, marked, actor):
        office, senco = actor(marked, "sbrown"), actor(marked, "mokafor")
        amara = marked.pupils.id_of(office, AMARA)
        view = marked.pupils.edit_view(office, amara)
        stored = marked.pupils.edit_view(senco, amara).values
        attempts = [{"areas_of_need": ["cognition_and_learning"]}, {"ehcp": None},
                    # sending back what is stored is refused too: the answer must not confirm a guess
                    {"areas_of_need": stored["areas_of_need"]}, {"ehcp": stored["ehcp"]}]
        for extra in attempts:
            with pytest.raises(NotAllowed, match="SENCO or the headteacher"):
                marked.pupils.save_pupil(office, {**view.values, **extra}, amara, view.version)
        assert marked.pupils.edit_view(senco, amara).values["areas_of_need"] == stored["areas_of_need"]

    def test_the_office_adds_a_pupil_with_no_plan_and_may_not_give_one(self, marked, actor):
        office = actor(marked, "sbrown")
        new = {"upn": "T319700122013", "first_name": "Zoë", "last_name": "Ødegaard", "date_of_birth": "2016-10-04",
               "year_group": 5, "class": "Willow", "contacts": []}
        with pytest.raises(NotAllowed):
            marked.pupils.save_pupil(office, {**new, "areas_of_need": ["cognition_and_learning"]})
        saved = marked.pupils.save_pupil(office, new)
        assert not saved.has_ehcp
        assert marked.pupils.edit_view(actor(marked, "mokafor"), saved.id).values["areas_of_need"] == []


class TestTheOfficeAndTheAdministrator:
    @pytest.mark.parametrize("username", ["sbrown", "admin"])
    def test_the_register_the_detail_and_what_is_due_hold_no_needs(self, marked, actor, username):
        who = actor(marked, username)
        amara = marked.pupils.id_of(who, AMARA)
        assert _leaks(marked.pupils.list_pupils(who, include_left=True)) == []
        detail = marked.pupils.get_pupil(who, amara)
        assert detail.summary.name == "Amara Osei"
        assert _leaks(detail) == []
        due = marked.due.due(who)
        review = next(i for i in due if i.kind == "annual_review" and i.subject == AMARA)
        assert "annual review of Amara Osei due by" in review.detail and review.due is not None
        assert _leaks(due) == [] and "last review" not in review.detail and "plan issued" not in review.detail
        assert _leaks(marked.dashboard.for_actor(who)) == []
        assert _leaks(marked.pupils.mark_left(who, amara, None)) == []

    def test_the_senco_receives_every_marker_the_office_does_not(self, marked, actor):
        """The markers are really there: the same calls give them to the SENCO."""
        senco = actor(marked, "mokafor")
        amara = marked.pupils.id_of(senco, AMARA)
        detail = marked.pupils.get_pupil(senco, amara)
        assert {BUDGET_REF, BUDGET_NOTE, AREA, CONSENT, ISSUED[1]} <= set(_leaks(detail))
        review = next(i for i in marked.due.due(senco) if i.kind == "annual_review" and i.subject == AMARA)
        assert "last review 3 Dec 2025" in review.detail
        assert OUTCOME in _text(marked.outcomes.for_pupil(senco, AMARA))
        assert CHILD_VIEWS in _text(marked.reviews.for_pupil(senco, AMARA))

    @pytest.mark.parametrize("username", ["sbrown", "admin"])
    def test_outcomes_reviews_advice_and_assessments_are_refused(self, marked, actor, username):
        who = actor(marked, username)
        for call in (lambda: marked.outcomes.for_pupil(who, AMARA), lambda: marked.outcomes.class_strategies(who),
                     lambda: marked.reviews.for_pupil(who, AMARA),
                     lambda: marked.reviews.list_reviews(who, date(2026, 1, 1), date(2027, 12, 31)),
                     lambda: marked.advice.list_advice(who), lambda: marked.assessments.list_assessments(who),
                     lambda: marked.subject_access.export(who, marked.pupils.id_of(who, AMARA))):
            with pytest.raises(NotAllowed):
                call()

    def test_the_office_marking_a_session_is_not_given_the_targets(self, marked, actor):
        office, senco = actor(marked, "sbrown"), actor(marked, "mokafor")
        occurrence = _a_session_with(marked, (AMARA,))
        assert TARGET in _text(marked.outcomes.targets_for_session(senco, occurrence))
        with pytest.raises(NotAllowed, match="outcomes.view"):
            marked.outcomes.targets_for_session(office, occurrence)


class TestTheAuditTrail:
    def test_the_administrator_reads_who_did_what_but_no_needs_notes_or_consent(self, marked, actor):
        admin, head = actor(marked, "admin"), actor(marked, "hcarter")
        entries = marked.audit.search(admin)
        assert {"pupil", "budget_discussion", "outcome", "target", "annual_review"} <= {e.entity for e in entries}
        assert _leaks(entries) == []
        update = next(e for e in entries if e.entity == "pupil" and e.action == "update")
        assert update.after["ehcp"] == "not shown for your role" and "not shown for your role" in update.changes
        assert "Amara Osei" in update.record and update.username == "mokafor"
        # a search for a marker finds nothing for the administrator, and it for the headteacher
        assert marked.audit.search(admin, text=BUDGET_REF) == []
        assert marked.audit.search(admin, text=OUTCOME[:20]) == []
        assert marked.audit.search(head, text=BUDGET_REF)
        assert {BUDGET_REF, AREA, CHILD_VIEWS} <= set(_leaks(marked.audit.search(head)))


#: the dashboard's sections made from bookings and sessions (their services are the bookings' part of issue 16)
BOOKING_SECTIONS = ("This week's sessions for Oak", "Sessions to mark as delivered or not")


def _names_of_willow(value: object) -> list[str]:
    text = _text(value)
    return [m for m in ("Dev", "Sharma", DEV) if m in text]


class TestTheClassTeacher:
    """Tom Taylor teaches Oak: Dev Sharma (Willow) must come back from no service he may use."""

    def test_no_service_returns_another_class_s_pupil(self, marked, actor):
        teacher, head = actor(marked, "ttaylor"), actor(marked, "hcarter")
        first, last = date(2026, 9, 1), date(2027, 8, 31)
        calls = {
            "pupils.list_pupils": lambda a: marked.pupils.list_pupils(a, include_left=True),
            "due.due": lambda a: marked.due.due(a),
            "reviews.list_reviews": lambda a: marked.reviews.list_reviews(a, first, last, include_cancelled=True),
            "reviews.month": lambda a: marked.reviews.month(a, 2026, 12, marked.due.due(a)),
            "outcomes.class_strategies": lambda a: marked.outcomes.class_strategies(a),
            "dashboard.for_actor": lambda a: [(s.title, s.items) for s in marked.dashboard.for_actor(a).sections
                                              if s.title not in BOOKING_SECTIONS],
        }
        for surface, call in calls.items():
            assert _names_of_willow(call(teacher)) == [], surface
        # the headteacher's answers hold Dev: each call could have leaked him
        for surface, call in calls.items():
            if surface != "dashboard.for_actor":
                assert _names_of_willow(call(head)), surface
        own = marked.pupils.list_pupils(teacher)
        assert {p.class_name for p in own} == {"Oak"} and {p.upn for p in own} >= {AMARA, BEN}

    def test_the_dashboard_s_sessions_name_no_pupil_of_another_class(self, marked, actor):
        """The music group holds Ben (Oak) and Dev (Willow): the teacher's week names Ben only."""
        teacher = actor(marked, "ttaylor")
        sections = [(s.title, s.items) for s in marked.dashboard.for_actor(teacher).sections
                    if s.title in BOOKING_SECTIONS]
        assert "Ben Hughes" in _text(sections)
        assert _names_of_willow(sections) == []

    def test_a_teacher_is_refused_another_class_s_pupil_one_by_one(self, marked, actor):
        teacher, head = actor(marked, "ttaylor"), actor(marked, "hcarter")
        dev = marked.pupils.id_of(head, DEV)
        for call in (lambda: marked.pupils.get_pupil(teacher, dev), lambda: marked.reviews.for_pupil(teacher, DEV),
                     lambda: marked.outcomes.for_pupil(teacher, DEV),
                     lambda: marked.outcomes.class_strategies(teacher, "Willow")):
            with pytest.raises(NotAllowed, match="own class"):
                call()

    def test_a_teacher_sees_their_own_pupils_needs_but_no_consent(self, marked, actor):
        teacher = actor(marked, "ttaylor")
        detail = marked.pupils.get_pupil(teacher, marked.pupils.id_of(teacher, AMARA))
        assert AREA in detail.areas_of_need and detail.consents is None

    def test_a_session_s_targets_are_those_of_the_teacher_s_class_only(self, marked, actor):
        """The music group holds Ben (Oak) and Dev (Willow): the teacher's list of targets names Ben's only."""
        teacher, senco = actor(marked, "ttaylor"), actor(marked, "mokafor")
        ben_outcome = marked.outcomes.add_outcome(senco, BEN, "sensory_and_physical", "Ben's outcome")
        marked.outcomes.add_target(senco, ben_outcome, "Ben's target")
        occurrence = _a_session_with(marked, (BEN, DEV))
        assert [text for _id, text in marked.outcomes.targets_for_session(senco, occurrence)] == [
            "Ben Hughes: Ben's target", "Dev Sharma: Dev's target"]
        assert [text for _id, text in marked.outcomes.targets_for_session(teacher, occurrence)] == [
            "Ben Hughes: Ben's target"]


def _a_session_with(services, upns: tuple[str, ...]) -> int:
    """An occurrence of a booked session whose pupils include every UPN given (None when there is none)."""
    from sqlalchemy import select

    from fairfields_desktop.store.models import BookingOccurrenceRow, BookingPupilRow, PupilRow

    with services.db.read_session() as session:
        ids = set(session.scalars(select(PupilRow.id).where(PupilRow.upn.in_(upns))))
        rows = session.execute(select(BookingOccurrenceRow.id, BookingOccurrenceRow.booking_id)).all()
        members: dict[int, set[int]] = {}
        for booking_id, pupil_id in session.execute(select(BookingPupilRow.booking_id, BookingPupilRow.pupil_id)):
            members.setdefault(booking_id, set()).add(pupil_id)
        return next(occ for occ, booking in rows if ids <= members.get(booking, set()))


class TestTheCommandLine:
    def test_the_administrator_s_subject_access_export_exits_5(self, sqlite_school, sqlite_url, monkeypatch,
                                                                tmp_path):
        monkeypatch.setenv("FAIRFIELDS_PASSWORD", "demo-admin-2026")
        err = io.StringIO()
        out = tmp_path / "export"
        out.mkdir()
        code = run(["--db", sqlite_url, "--as", "admin", "export-pupil", AMARA, "--out", str(out)],
                   stdout=io.StringIO(), stderr=err)
        assert code == 5 and "pupils.subject_access" in err.getvalue()
        assert list(out.iterdir()) == []


@dataclass(frozen=True)
class _Box:
    inner: dict = field(default_factory=dict)


def test_a_marker_deep_in_a_returned_value_is_found():
    assert _leaks(_Box({"x": [_Box({"y": BUDGET_REF})]})) == [BUDGET_REF]
