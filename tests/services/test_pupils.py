"""The pupil register: what each role sees, validation at each field, leaving, consent, conflicts."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed, StaleRecord
from fairfields_desktop.store.models import AttendanceRow, AuditRow


def pupil_id(services, actor, upn: str) -> int:
    return next(p.id for p in services.pupils.list_pupils(actor) if p.upn == upn)


NEW = {
    "upn": "T319700122013", "first_name": "Zoë", "last_name": "Ødegaard", "date_of_birth": "2016-10-04",
    "year_group": 5, "class": "Willow", "attendance_percent": 96.0, "attendance_as_of": "2026-11-20",
    "ehcp": {"issued": "2024-01-10", "last_review": "2025-12-01", "personal_budget": None},
    "areas_of_need": ["cognition_and_learning"], "looked_after": None,
    "contacts": [{"name": "Ingrid Ødegaard", "relationship": "mother", "parental_responsibility": True,
                  "phone": "07700 900999", "email": None}],
}


class TestWhoSeesWhat:
    def test_the_senco_sees_every_pupil_with_needs_and_consent(self, school, actor):
        senco = actor(school, "mokafor")
        pupils = school.pupils.list_pupils(senco)
        assert len(pupils) == 4
        amara = school.pupils.get_pupil(senco, pupil_id(school, senco, "Z319700118114"))
        assert amara.areas_of_need == ("communication_and_interaction", "sensory_and_physical")
        assert [c.share_with for c in amara.consents] == ["ind-ot-1"]
        assert amara.hidden == ()

    def test_the_office_sees_contacts_but_not_needs_or_consent(self, school, actor):
        office = actor(school, "sbrown")
        amara = school.pupils.get_pupil(office, pupil_id(school, office, "Z319700118114"))
        assert amara.contacts[0].name == "Abena Osei"
        assert amara.areas_of_need is None and amara.consents is None and amara.ehcp_issued is None
        assert amara.summary.review_due is None
        assert "consent records" in amara.hidden and "areas of need" in amara.hidden

    def test_a_teacher_sees_only_their_own_class(self, school, actor):
        teacher = actor(school, "ttaylor")  # Oak
        assert {p.class_name for p in school.pupils.list_pupils(teacher)} == {"Oak"}
        head = actor(school, "hcarter")
        dev = pupil_id(school, head, "X319700121005")  # Willow
        with pytest.raises(NotAllowed, match="own class"):
            school.pupils.get_pupil(teacher, dev)

    def test_the_team_around_the_child_lists_every_professional_with_their_kind(self, school, actor):
        head = actor(school, "hcarter")
        ben = school.pupils.get_pupil(head, pupil_id(school, head, "X319700119023"))
        team = {t.professional_id: (t.kind, t.involvement) for t in ben.team}
        assert team["nhs-physio-1"] == ("statutory", "key worker")
        assert team["music-1"] == ("commissioned", "sessions")
        assert team["ind-physio-1"] == ("independent", "independent therapy")

    def test_the_summary_flags_attendance_below_the_threshold_and_the_review_due(self, school, actor):
        senco = actor(school, "mokafor")
        by_upn = {p.upn: p for p in school.pupils.list_pupils(senco)}
        assert by_upn["X319700119023"].below_threshold  # 91.5 < 95.0
        assert not by_upn["X319700121005"].below_threshold  # exactly 95.0
        assert by_upn["X319700119023"].review_due == date(2026, 11, 9)
        assert by_upn["X319700119023"].review_due_this_term  # overdue counts


class TestAddAndEdit:
    def test_the_senco_adds_a_pupil_and_it_is_audited(self, school, actor):
        senco = actor(school, "mokafor")
        saved = school.pupils.save_pupil(senco, dict(NEW))
        assert saved.name == "Zoë Ødegaard" and saved.class_name == "Willow"
        detail = school.pupils.get_pupil(senco, saved.id)
        assert detail.contacts[0].parental_responsibility and detail.attendance_history == ((96.0, date(2026, 11, 20)),)
        with school.db.read_session() as session:
            entry = session.scalar(select(AuditRow).where(AuditRow.entity == "pupil"))
        assert entry.action == "create" and entry.username == "mokafor" and entry.after["upn"] == NEW["upn"]

    def test_every_bad_field_is_named_and_nothing_is_saved(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        bad = dict(NEW, upn="A319700122013", year_group=9, **{"class": "Elm"})
        with pytest.raises(InvalidInput) as caught:
            sqlite_school.pupils.save_pupil(senco, bad)
        fields = {p.where: p.message for p in caught.value.problems}
        assert set(fields) == {"upn", "year_group", "class"}
        assert "check letter" in fields["upn"] and "Year 5" in fields["year_group"]
        assert len(sqlite_school.pupils.list_pupils(senco)) == 4

    def test_a_temporary_upn_is_accepted(self, sqlite_school, actor):
        saved = sqlite_school.pupils.save_pupil(actor(sqlite_school, "sbrown"),
                                                {**NEW, "upn": "J31970012604T", "ehcp": None, "areas_of_need": []})
        assert saved.temporary_upn

    def test_a_duplicate_upn_is_refused_naming_the_other_pupil(self, sqlite_school, actor):
        with pytest.raises(InvalidInput, match="Amara Osei"):
            sqlite_school.pupils.save_pupil(actor(sqlite_school, "mokafor"), {**NEW, "upn": "Z319700118114"})

    def test_the_office_edits_contacts_but_may_not_change_needs(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        ident = pupil_id(sqlite_school, office, "X319700119023")
        values = sqlite_school.pupils.pupil_values(office, ident)
        version = values.pop("version")
        values["contacts"][0]["phone"] = "07700 900111"
        changed = {k: v for k, v in values.items() if k not in ("ehcp", "areas_of_need")}
        sqlite_school.pupils.save_pupil(office, changed, ident, version)
        senco = actor(sqlite_school, "mokafor")
        assert sqlite_school.pupils.get_pupil(senco, ident).contacts[0].phone == "07700 900111"
        values["areas_of_need"] = ["cognition_and_learning"]
        with pytest.raises(NotAllowed, match="SENCO"):
            sqlite_school.pupils.save_pupil(office, values, ident)

    def test_a_new_attendance_figure_keeps_the_history(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        ident = pupil_id(sqlite_school, senco, "X319700119023")
        values = sqlite_school.pupils.pupil_values(senco, ident)
        values.update(attendance_percent=93.0, attendance_as_of="2026-11-23")
        sqlite_school.pupils.save_pupil(senco, values, ident)
        history = sqlite_school.pupils.get_pupil(senco, ident).attendance_history
        assert history == ((93.0, date(2026, 11, 23)), (91.5, date(2026, 11, 20)))

    def test_a_second_editor_with_an_old_version_is_told_who_changed_it(self, sqlite_school, actor):
        senco, office = actor(sqlite_school, "mokafor"), actor(sqlite_school, "sbrown")
        ident = pupil_id(sqlite_school, senco, "X319700117077")
        first = sqlite_school.pupils.pupil_values(senco, ident)
        second = sqlite_school.pupils.pupil_values(office, ident)
        sqlite_school.pupils.save_pupil(senco, {**first, "last_name": "Nowak-Mills"}, ident, first["version"])
        with pytest.raises(StaleRecord, match="by mokafor"):
            values = {k: v for k, v in second.items() if k not in ("ehcp", "areas_of_need")}
            sqlite_school.pupils.save_pupil(office, values | {"first_name": "Chlo"}, ident, second["version"])
        assert sqlite_school.pupils.get_pupil(senco, ident).summary.first_name == "Chloe"


class TestLeavingAndConsent:
    def test_a_pupil_who_leaves_is_kept_and_hidden_from_the_roll(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        ident = pupil_id(sqlite_school, office, "X319700121005")
        sqlite_school.pupils.mark_left(office, ident, date(2026, 11, 20))
        assert ident not in {p.id for p in sqlite_school.pupils.list_pupils(office)}
        kept = {p.id: p for p in sqlite_school.pupils.list_pupils(office, include_left=True)}
        assert kept[ident].left_on == date(2026, 11, 20)
        with sqlite_school.db.read_session() as session:
            assert session.scalar(select(AttendanceRow.id).where(AttendanceRow.pupil_id == ident)) is not None

    def test_withdrawn_consent_stays_visible_as_withdrawn(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        ident = pupil_id(sqlite_school, senco, "Z319700118114")
        [consent] = sqlite_school.pupils.get_pupil(senco, ident).consents
        sqlite_school.pupils.withdraw_consent(senco, consent.id, date(2026, 11, 23))
        [after] = sqlite_school.pupils.get_pupil(senco, ident).consents
        assert after.withdrawn and after.withdrawn_on == date(2026, 11, 23) and after.what == "progress notes"

    def test_the_office_may_not_record_consent(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        with pytest.raises(NotAllowed):
            sqlite_school.pupils.add_consent(office, pupil_id(sqlite_school, office, "Z319700118114"),
                                             organisation="CAMHS", sections=["advice"], given_by_kind="parent",
                                             given_by="Abena Osei", given_on=date(2026, 11, 23))


class TestKeyWorkerAndTeam:
    def test_the_key_worker_can_be_a_member_of_staff_or_a_professional(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        ident = pupil_id(sqlite_school, office, "X319700121005")
        values = sqlite_school.pupils.pupil_values(office, ident)
        assert values["key_worker"] == {"staff": "lwhite"}
        values.pop("version")
        sqlite_school.pupils.save_pupil(office, values | {"key_worker": {"professional": "music-1"}}, ident)
        assert sqlite_school.pupils.get_pupil(office, ident).key_worker == "Grace Lee (music therapy)"
        with pytest.raises(InvalidInput, match="not a professional"):
            sqlite_school.pupils.save_pupil(office, values | {"key_worker": {"professional": "nobody"}}, ident)

    def test_the_senco_adds_a_professional_to_the_team(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        ident = pupil_id(sqlite_school, senco, "X319700121005")
        sqlite_school.pupils.add_team_member(senco, ident, "nhs-slt-1", "assessment")
        team = {t.professional_id: t.involvement for t in sqlite_school.pupils.get_pupil(senco, ident).team}
        assert team["nhs-slt-1"] == "assessment"
        with pytest.raises(NotAllowed):
            sqlite_school.pupils.add_team_member(actor(sqlite_school, "sbrown"), ident, "music-1")


class TestBudgetDiscussion:
    def test_the_discussion_before_a_personal_budget_is_recorded_and_shown(self, sqlite_school, actor):
        head = actor(sqlite_school, "hcarter")
        ident = pupil_id(sqlite_school, head, "X319700121005")
        sqlite_school.pupils.record_budget_discussion(head, ident, date(2026, 11, 16), ehcp_officer="Sam Reid",
                                                      capacity_agreed=True, already_provided=False,
                                                      notes="Sensory Room free on Wednesdays")
        [discussion] = sqlite_school.pupils.get_pupil(head, ident).budget_discussions
        assert discussion == (date(2026, 11, 16), "Sam Reid", True, False, "Sensory Room free on Wednesdays")
        assert sqlite_school.pupils.get_pupil(actor(sqlite_school, "sbrown"), ident).budget_discussions is None
        with pytest.raises(NotAllowed):
            sqlite_school.pupils.record_budget_discussion(actor(sqlite_school, "sbrown"), ident, date(2026, 11, 16),
                                                          ehcp_officer=None, capacity_agreed=True,
                                                          already_provided=False)
