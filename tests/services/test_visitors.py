"""Visitors of every kind: signed in and out with what each kind needs, regular visitors remembered, a blocked
professional refused, and the fire list holding everyone on site and the pupils off site."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed, Refused
from fairfields_desktop.domain.visitors import VisitorDraft
from fairfields_desktop.services.visitors import NO_STAFF_SIGN_IN

FRIDAY = date(2027, 1, 8)  # r-003: Dev Sharma off site with Peter Quinn, Fridays 13:30–15:00
AT = datetime(2026, 11, 23, 9, 30)

#: one visitor of each kind that is not a professional, with what the office records for them
VISITORS = {
    "parent": VisitorDraft(kind="parent", name="Abena Osei", visiting="Mrs Patel (Oak class)",
                           organisation="Amara Osei's mother", identity_checked=True, badge="V12"),
    "contractor": VisitorDraft(kind="contractor", name="Gary Fix", visiting="Site manager",
                               organisation="Acme Boilers", identity_checked=True, identity_note="driving licence",
                               badge="C3", regulated=True, dbs_certificate="001234567890",
                               dbs_date=date(2025, 3, 1)),
    "governor": VisitorDraft(kind="governor", name="Lord Brown", visiting="Headteacher",
                             organisation="Chair of governors", identity_checked=True, badge="G1"),
    "student": VisitorDraft(kind="student", name="Sam Lee", visiting="Oak class", organisation="City College",
                            identity_checked=True, badge="S7"),
    "supply": VisitorDraft(kind="supply", name="Jo King", visiting="Birch class", organisation="Teach Agency",
                           identity_checked=True, badge="T2", regulated=True, escorted=True),
    "other": VisitorDraft(kind="other", name="Pat Smith", visiting="Office", badge="V13"),
}


def pro(services, actor, ext_id: str):
    return next(p for p in services.professionals.list_professionals(actor) if p.ext_id == ext_id)


class TestEveryKind:
    def test_each_kind_is_signed_in_with_its_details_and_out_again(self, school, actor):
        office = actor(school, "sbrown")
        signed = {}
        for kind, draft in VISITORS.items():
            visit = school.visitors.sign_in(office, draft, at=AT)
            signed[kind] = visit
            assert (visit.name, visit.visitor_kind, visit.visiting, visit.badge) == (
                draft.name, kind, draft.visiting, draft.badge)
        rachel = pro(school, office, "nhs-slt-1")
        signed["professional"] = school.visitors.sign_in(office, VisitorDraft(
            kind="professional", professional="nhs-slt-1", identity_checked=True, purpose="therapy",
            visiting="Oak class", badge="P1"), at=AT)
        assert signed["professional"].professional_id == rachel.id and signed["professional"].name == "Rachel Green"
        assert signed["contractor"].dbs_words == "DBS 001234567890 of 01 Mar 2025 seen"
        assert signed["supply"].dbs_words == "escorted"
        assert signed["parent"].kind_words == "Parent or carer"
        on_site = school.visitors.on_site(office)
        assert sorted(v.name for v in on_site) == sorted([d.name for d in VISITORS.values()] + ["Rachel Green"])
        for visit in signed.values():
            out = school.visitors.sign_out(office, visit.id, at=datetime(2026, 11, 23, 11, 0))
            assert out.signed_out_at == datetime(2026, 11, 23, 11, 0)
        assert school.visitors.on_site(office) == []
        logged = school.professionals.visits(office, AT.date(), AT.date())
        assert {v.visitor_kind for v in logged} == {*VISITORS, "professional"}

    def test_a_contractor_in_regulated_activity_needs_a_dbs_seen_or_an_escort(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        bare = VisitorDraft(kind="contractor", name="Gary Fix", visiting="Site manager", identity_checked=True,
                            regulated=True)
        with pytest.raises(InvalidInput) as refused:
            sqlite_school.visitors.sign_in(office, bare, at=AT)
        assert [p.where for p in refused.value.problems] == ["dbs_certificate"]
        assert "escorted" in refused.value.problems[0].message
        with pytest.raises(InvalidInput, match="date printed on the DBS certificate"):
            sqlite_school.visitors.sign_in(office, VisitorDraft(**{**bare.__dict__, "dbs_certificate": "0012"}),
                                           at=AT)
        with pytest.raises(InvalidInput, match="identity"):
            sqlite_school.visitors.sign_in(office, VisitorDraft(**{**bare.__dict__, "escorted": True,
                                                                   "identity_checked": False}), at=AT)
        assert sqlite_school.visitors.on_site(office) == []
        # not in regulated activity (a van delivery at the gate): no DBS asked
        visit = sqlite_school.visitors.sign_in(office, VisitorDraft(kind="contractor", name="Dan Drop",
                                                                    visiting="Office"), at=AT)
        assert visit.dbs_words == "" and not visit.regulated

    def test_name_and_whom_they_visit_are_needed_and_one_name_is_on_site_once(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        with pytest.raises(InvalidInput) as refused:
            sqlite_school.visitors.sign_in(office, VisitorDraft(kind="parent", name=" ", visiting=""), at=AT)
        assert [p.where for p in refused.value.problems] == ["name", "visiting"]
        sqlite_school.visitors.sign_in(office, VISITORS["parent"], at=AT)
        with pytest.raises(InvalidInput, match="Abena Osei is already signed in .since 09:30."):
            sqlite_school.visitors.sign_in(office, VisitorDraft(kind="parent", name="abena  osei", visiting="x"),
                                           at=AT)

    def test_a_teacher_may_not_sign_visitors_in(self, sqlite_school, actor):
        with pytest.raises(NotAllowed):
            sqlite_school.visitors.sign_in(actor(sqlite_school, "ttaylor"), VISITORS["parent"], at=AT)


class TestProfessionals:
    def test_a_blocked_professional_is_refused_and_not_signed_in(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        karen = pro(sqlite_school, office, "ind-ot-1")
        values = sqlite_school.professionals.values(office, karen.id)
        values["checks"]["insurance_expires"] = "2026-11-01"
        sqlite_school.professionals.save(office, values, karen.id)
        with pytest.raises(Refused, match="insurance expired"):
            sqlite_school.visitors.sign_in(office, VisitorDraft(kind="professional", professional="ind-ot-1",
                                                                identity_checked=True, visiting="Oak class"))
        assert sqlite_school.visitors.on_site(office) == []

    def test_a_professional_is_named_by_the_register_and_checked_for_identity(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        with pytest.raises(InvalidInput, match="not a professional on the register"):
            sqlite_school.visitors.sign_in(office, VisitorDraft(kind="professional", professional="nobody-1",
                                                                identity_checked=True))
        with pytest.raises(InvalidInput, match="identity"):
            sqlite_school.visitors.sign_in(office, VisitorDraft(kind="professional", professional="nhs-slt-1"))


class TestRegularVisitors:
    def test_a_name_seen_before_offers_their_last_details(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        first = sqlite_school.visitors.sign_in(office, VISITORS["contractor"], at=AT)
        sqlite_school.visitors.sign_out(office, first.id, at=datetime(2026, 11, 23, 12, 0))
        again = VisitorDraft(**{**VISITORS["contractor"].__dict__, "visiting": "Caretaker", "badge": "C9"})
        sqlite_school.visitors.sign_in(office, again, at=datetime(2026, 11, 24, 8, 30))
        known = sqlite_school.visitors.known_visitor(office, "  gary   FIX ")
        assert known is not None and known.visits == 2
        assert (known.name, known.kind, known.organisation, known.visiting, known.badge) == (
            "Gary Fix", "contractor", "Acme Boilers", "Caretaker", "C9")
        assert (known.regulated, known.dbs_certificate, known.dbs_date) == (True, "001234567890", date(2025, 3, 1))
        assert sqlite_school.visitors.known_visitor(office, "Someone New") is None
        assert sqlite_school.visitors.regular_names(office) == ["Gary Fix"]


class TestFireList:
    def test_everyone_on_site_and_the_pupils_off_site(self, sqlite_school, actor, monkeypatch):
        sqlite_school.requests.decide(actor(sqlite_school, "hcarter"), "r-003", "approve")
        monkeypatch.setattr(sqlite_school.clock, "today", lambda: FRIDAY)
        office = actor(sqlite_school, "sbrown")
        sqlite_school.requests.log_off_site(office, "r-003", datetime(2027, 1, 8, 13, 30), taken_by="Dad")
        at = datetime(2027, 1, 8, 13, 40)
        for draft in VISITORS.values():
            sqlite_school.visitors.sign_in(office, draft, at=at)
        gone = sqlite_school.visitors.sign_in(office, VisitorDraft(kind="parent", name="Left Early",
                                                                   visiting="Office"), at=at)
        sqlite_school.visitors.sign_out(office, gone.id, at=datetime(2027, 1, 8, 13, 50))
        sqlite_school.visitors.sign_in(office, VisitorDraft(kind="professional", professional="nhs-slt-1",
                                                            identity_checked=True, purpose="meeting",
                                                            location="Reception"), at=at)
        data = sqlite_school.visitors.fire_list(office)
        assert sorted((p.name, p.kind) for p in data.on_site) == sorted(
            [(d.name, k) for k, d in VISITORS.items()] + [("Rachel Green", "professional")])
        assert "Left Early" not in [p.name for p in data.on_site]
        [dev] = data.pupils_off_site
        assert (dev.name, dev.since, dev.taken_by) == ("Dev Sharma", datetime(2027, 1, 8, 13, 30), "Dad")
        assert dev.where.startswith("Off-site therapy with Peter Quinn")
        assert data.staff_note == NO_STAFF_SIGN_IN
        # the screen's list and the printed one are the same figures
        assert sqlite_school.reports.fire_list(office).on_site == data.on_site
