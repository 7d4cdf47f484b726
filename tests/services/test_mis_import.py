"""MIS import: preview, then all or nothing, with the attendance history kept and every change audited."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fairfields_desktop.domain.errors import Cancelled, InvalidInput, NotAllowed
from fairfields_desktop.store.models import AuditRow, PupilRow

SAMPLE = (Path(__file__).parents[2] / "resources" / "sample-mis-export.csv").read_text(encoding="utf-8")

ARBOR = """UPN,Last Name,First Name,Date of Birth,Year Group,Registration Group,Attendance (%)
X319700119023,Hughes,Ben,2015-07-29,Year 7,Willow,90.1
"""


class TestPreview:
    def test_the_sample_export_previews_one_new_pupil_and_four_attendance_updates(self, school, actor):
        plan = school.mis.preview(actor(school, "sbrown"), SAMPLE, date(2026, 11, 27))
        assert plan.ok
        assert [r.name for r in plan.added] == ["Ela Yılmaz"]
        assert sorted(u.line for u in plan.updated) == [2, 3, 4, 5]
        assert school.pupils.list_pupils(actor(school, "sbrown"))[0].attendance_as_of == date(2026, 11, 20)

    def test_a_teacher_may_not_import(self, sqlite_school, actor):
        with pytest.raises(NotAllowed):
            sqlite_school.mis.preview(actor(sqlite_school, "ttaylor"), SAMPLE)


class TestApply:
    def test_apply_adds_updates_and_keeps_the_attendance_history(self, school, actor):
        senco = actor(school, "mokafor")
        result = school.mis.apply(senco, SAMPLE, date(2026, 11, 27))
        assert (result.added, result.updated) == (1, 4)
        pupils = {p.upn: p for p in school.pupils.list_pupils(senco)}
        assert pupils["T319700122013"].class_name == "Willow"
        ben = school.pupils.get_pupil(senco, pupils["X319700119023"].id)
        assert ben.attendance_history == ((92.4, date(2026, 11, 27)), (91.5, date(2026, 11, 20)))
        with school.db.read_session() as session:
            notes = session.scalars(select(AuditRow.note).where(AuditRow.entity == "pupil")).all()
        assert len(notes) == 5 and all(n.startswith("MIS import line") for n in notes)

    def test_a_class_change_and_a_changed_upn_found_by_name_and_date_of_birth(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        sqlite_school.mis.apply(office, ARBOR, date(2026, 11, 27))
        moved = next(p for p in sqlite_school.pupils.list_pupils(office) if p.first_name == "Ben")
        assert moved.class_name == "Willow" and moved.attendance_percent == 90.1
        changed = "UPN,Surname,Forename,DOB\nT319700122013,Hughes,Ben,29/07/2015\n"
        plan = sqlite_school.mis.preview(office, changed)
        [update] = plan.updated
        assert update.matched_by == "name and date of birth"
        assert [(c.field, c.old, c.new) for c in update.changes] == [("upn", "X319700119023", "T319700122013")]

    def test_any_refused_row_means_nothing_is_imported(self, school, actor):
        office = actor(school, "sbrown")
        bad = SAMPLE + "A319700118999,Nobody,Nemo,01/01/2015,Year 6,Elm,90\n"
        with pytest.raises(InvalidInput) as caught:
            school.mis.apply(office, bad, date(2026, 11, 27))
        assert {p.where for p in caught.value.problems} == {"line 7"}
        with school.db.read_session() as session:
            assert session.scalar(select(func.count()).select_from(PupilRow)) == 4
            assert session.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.entity == "pupil")) == 0

    def test_cancelling_rolls_everything_back(self, sqlite_school, actor):
        stop = threading.Event()
        stop.set()
        with pytest.raises(Cancelled):
            sqlite_school.mis.apply(actor(sqlite_school, "sbrown"), SAMPLE, should_stop=stop.is_set)
        assert len(sqlite_school.pupils.list_pupils(actor(sqlite_school, "sbrown"))) == 4
