"""The safeguarding checks register and the visits log PDFs."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime

from fairfields_desktop.reports import registers
from fairfields_desktop.reports.template import Printing


def row_of(text: str, first: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(first))


class TestChecksRegister:
    def render(self, tmp_path, read_pdf, data, printing) -> str:
        out = tmp_path / "checks.pdf"
        registers.render_checks(data, out, printing)
        return read_pdf(out)

    def test_status_in_words_with_the_findings(self, tmp_path, read_pdf, checks_of, printing):
        text = self.render(tmp_path, read_pdf, checks_of(4), printing)
        assert "Safeguarding checks register (single central record), 23 Nov 2026" in text
        assert re.search(r"Łukasz\s+Independent\s+Nowak Physio\s+school check 2023-10-02,.*BLOCKED\s+• insurance "
                         r"expired on 1 Nov 2026", text)
        assert "WARNING" in row_of(text, "Siobhán Ó") and "VALID" in row_of(text, "Oğuz Yılmaz")
        assert "• Social Work England register last checked" in text
        blocks = " ".join(read_pdf(tmp_path / "checks.pdf", layout=False).split())
        assert "Zoë Ćwiek-Hart" in blocks
        assert "expires 31 Dec 2026" in blocks and "none recorded" in blocks
        assert text.index("BLOCKED") < text.index("WARNING") < text.index("VALID")  # the order the DTO gives

    def test_a_long_register_flows_onto_page_2(self, tmp_path, read_pdf, checks_of, printing):
        data = checks_of(30)
        text = self.render(tmp_path, read_pdf, data, printing)
        assert "Page 2 of" in text
        assert all(f"Therapist {i:02d}" in text for i in range(26))
        assert len(re.findall(r"^\s*Name\s+Kind\s+Organisation", text, re.M)) >= 2  # the header repeats

    def test_no_professionals(self, tmp_path, read_pdf, checks_of, printing):
        text = self.render(tmp_path, read_pdf, dataclasses.replace(checks_of(1), lines=()), printing)
        assert "No active professionals are recorded." in text


class TestVisitsLog:
    def render(self, tmp_path, read_pdf, data, printing) -> str:
        out = tmp_path / "visits.pdf"
        registers.render_visits(data, out, printing)
        return read_pdf(out)

    def test_visitors_and_pupils_off_site(self, tmp_path, read_pdf, visits_data, printing):
        text = self.render(tmp_path, read_pdf, visits_data, printing)
        assert "Visits log, 16 Nov 2026 to 27 Nov 2026" in text
        assert re.search(r"23 Nov 2026 09:20\s+10:30\s+Oğuz Yılmaz\s+Statutory\s+therapy\s+Therapy Room 1\s+Zoë Ćwiek",
                         text)
        assert re.search(r"24 Nov 2026 13:00\s+not signed out\s+Siobhán Ó Briain\s+Statutory\s+meeting\s+Meeting Room",
                         text)
        off = text.split("Pupils off site")[1]
        assert re.search(r"20 Nov 2026\s+Zoë Ćwiek\s+Łukasz Nowak\s+13:20\s+15:05\s+Marta Ćwiek", off)
        assert re.search(r"27 Nov 2026\s+Dev Sharma\s+Peter Quinn\s+13:20\s+not back\s+—", off)

    def test_empty_tables_say_none(self, tmp_path, read_pdf, visits_data, printing):
        text = self.render(tmp_path, read_pdf, dataclasses.replace(visits_data, visits=(), off_site=()), printing)
        visitors, off = text.split("Pupils off site")
        assert re.search(r"^\s*none\s*$", visitors, re.M) and re.search(r"^\s*none\s*$", off, re.M)


class TestWithTheServices:
    def test_the_checks_register(self, sqlite_school, actor, tmp_path, read_pdf):
        data = sqlite_school.reports.checks_register(actor(sqlite_school, "sbrown"))
        out = tmp_path / "checks.pdf"
        registers.render_checks(data, out, Printing(data.school, "sbrown", datetime(2026, 11, 23, 9, 0)))
        text = read_pdf(out)
        assert "Safeguarding checks register (single central record), 23 Nov 2026" in text
        for name, words in (("Omar Haddad", "WARNING"), ("Peter Quinn", "WARNING"), ("Grace Lee", "VALID"),
                            ("Karen Walsh", "VALID"), ("Rachel Green", "VALID")):
            assert words in row_of(text, name), name
        blocks = " ".join(read_pdf(out, layout=False).split())
        assert "• DBS school check 2 Oct 2023 past the school's 3-year re-check policy (re-check was due 2 Oct 2026)" \
            in blocks

    def test_the_visits_log(self, sqlite_school, actor, tmp_path, read_pdf):
        office, head = actor(sqlite_school, "sbrown"), actor(sqlite_school, "hcarter")
        rachel = next(p for p in sqlite_school.professionals.list_professionals(office) if p.ext_id == "nhs-slt-1")
        amara = next(p.id for p in sqlite_school.pupils.list_pupils(office) if p.first_name == "Amara")
        visit = sqlite_school.professionals.sign_in_visitor(office, rachel.id, identity_checked=True,
                                                            purpose="therapy", pupil_ids=[amara],
                                                            space="Therapy Room 1", at=datetime(2026, 11, 23, 9, 20))
        sqlite_school.professionals.sign_out_visitor(office, visit.id, at=datetime(2026, 11, 23, 10, 30))
        sqlite_school.requests.decide(head, "r-003", "approve")
        sqlite_school.requests.log_off_site(office, "r-003", datetime(2027, 1, 8, 13, 20), taken_by="Dad")
        data = sqlite_school.reports.visits_log(office, date(2026, 11, 1), date(2027, 1, 31))
        out = tmp_path / "visits.pdf"
        registers.render_visits(data, out, Printing(data.school, "sbrown", datetime(2026, 11, 23, 9, 0)))
        text = read_pdf(out)
        assert "Visits log, 1 Nov 2026 to 31 Jan 2027" in text
        assert re.search(r"23 Nov 2026 09:20\s+10:30\s+Rachel Green\s+Statutory\s+therapy\s+Therapy Room 1\s+"
                         r"Amara Osei", text)
        assert re.search(r"8 Jan 2027\s+Dev Sharma\s+Peter Quinn\s+13:20\s+not back\s+Dad", text)
