"""The authorisations register PDF: each request with its rules, its history and overrides, then delegations."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime

from fairfields_desktop.reports import authorisations
from fairfields_desktop.reports.template import Printing


def render(tmp_path, read_pdf, data, printing) -> str:
    out = tmp_path / "register.pdf"
    authorisations.render(data, out, printing)
    return read_pdf(out)


def flat(text: str) -> str:
    return " ".join(text.split())


class TestRegister:
    def test_each_entry_with_its_facts(self, tmp_path, read_pdf, register_data, printing):
        text = render(tmp_path, read_pdf, register_data, printing)
        assert "Authorisations register, 1 Sep 2026 to 31 Aug 2027" in text
        assert "r-014: Zoë Ćwiek with Łukasz Nowak (suspended)" in text
        assert "r-015: Oğuz Yılmaz Jr with Siobhán Ó Briain (declined)" in text
        assert re.search(r"Willow\s+in school\s+6 Jan 2027 to 24 Mar 2027, Wednesdays 13:30–14:15, Therapy Room 1\s+"
                         r"not an extension", text)
        assert re.search(r"Willow\s+off site\s+8 Jan 2027 to 19 Mar 2027, Fridays 13:30–15:00\s+r-009", text)
        assert text.index("r-014:") < text.index("r-015:") < text.index("Delegations")

    def test_rules_met_and_not_met(self, tmp_path, read_pdf, register_data, printing):
        text = render(tmp_path, read_pdf, register_data, printing)
        assert len(re.findall(r"Attendance\s+NOT MET\s+attendance 93\.4% on 20 Nov 2026 is below the school's 95\.0%",
                              text)) == 2
        assert re.search(r"Maximum weeks\s+met\s+10 school weeks", text)
        assert re.search(r"Safeguarding checks\s+met\s+Siobhán Ó Briain is clear on all 10 session dates", text)

    def test_history_shows_acting_heads_suspensions_review_meetings_and_reinstatements(
            self, tmp_path, read_pdf, register_data, printing):
        text = render(tmp_path, read_pdf, register_data, printing)
        assert re.search(r"18 Nov 2026 14:05\s+jking, on behalf of hcarter\s+approved\s+attendance rising since "
                         r"September", text)
        assert re.search(r"20 Jan 2027 09:00\s+hcarter\s+suspended\s+sessions clash with the phonics group", text)
        assert re.search(r"27 Jan 2027 15:30\s+mokafor\s+review meeting\s+move to Wednesday afternoons", text)
        assert re.search(r"28 Jan 2027 08:45\s+hcarter\s+reinstated\s+agreed at the review", text)
        assert re.search(r"20 Nov 2026 11:00\s+hcarter\s+declined\s+attendance", text)
        assert text.count("on behalf of") == 1

    def test_overrides_with_reasons_and_the_delegations(self, tmp_path, read_pdf, register_data, printing):
        text = render(tmp_path, read_pdf, register_data, printing)
        assert re.search(r"Attendance\s+attendance rising since September\s+jking\s+18 Nov 2026 14:05", text)
        assert text.count("Overrides") == 1  # r-015 has none
        assert re.search(r"jking\s+16 Nov 2026\s+20 Nov 2026\s+hcarter", text.split("Delegations")[1])

    def test_no_entries_and_no_delegations_say_so(self, tmp_path, read_pdf, register_data, printing):
        text = render(tmp_path, read_pdf, dataclasses.replace(register_data, entries=(), delegations=()), printing)
        assert "No independent-therapy requests have sessions in this period." in text
        assert "No one acted for the headteacher in this period." in text

    def test_a_long_register_flows_onto_more_pages(self, tmp_path, read_pdf, register_data, register_of, printing):
        entries = tuple(register_of(f"r-{i:03d}") for i in range(1, 13))
        text = render(tmp_path, read_pdf, dataclasses.replace(register_data, entries=entries), printing)
        assert "Page 2 of" in text
        assert all(f"r-{i:03d}: Zoë Ćwiek with Łukasz Nowak" in text for i in range(1, 13))


class TestWithTheServices:
    def test_the_example_school_year_with_a_suspension(self, sqlite_school, actor, tmp_path, read_pdf):
        head, senco = actor(sqlite_school, "hcarter"), actor(sqlite_school, "mokafor")
        sqlite_school.requests.decide(head, "r-001", "approve", reason="all rules met")
        sqlite_school.requests.decide(head, "r-001", "suspend", reason="missing phonics group")
        sqlite_school.requests.decide(senco, "r-001", "review-meeting", on=date(2026, 11, 23),
                                      attendees="Abena Osei, Karen Walsh, Tom Taylor", reason="resume in January")
        sqlite_school.requests.decide(head, "r-002", "decline", reason="attendance")
        data = sqlite_school.reports.authorisations(head, date(2026, 9, 1), date(2027, 8, 31))
        text = render(tmp_path, read_pdf, data, Printing(data.school, "hcarter", datetime(2026, 11, 23, 9, 0)))
        assert "r-001: Amara Osei with Karen Walsh" in text
        assert "r-002: Ben Hughes with Peter Quinn (declined)" in text
        assert "r-003: Dev Sharma with Peter Quinn" in text
        assert re.search(r"hcarter\s+approved\s+all rules met", text)
        assert re.search(r"hcarter\s+suspended\s+missing phonics group", text)
        assert re.search(r"mokafor\s+review meeting\s+resume in January", text)
        assert re.search(r"Attendance\s+NOT MET\s+attendance 91\.5% on 20 Nov 2026", text)
        assert "No one acted for the headteacher in this period." in text
        assert "Amara Osei" in flat(text) and "Z319700118114" not in text


class TestVerdictsAtTheDecision:
    def test_a_rule_met_at_approval_and_not_today_shows_both(self, sqlite_school, actor, tmp_path, read_pdf):
        head = actor(sqlite_school, "hcarter")
        sqlite_school.requests.decide(head, "r-001", "approve", reason="all rules met")
        sqlite_school.requests.decide(head, "r-002", "approve", overrides={"ATTENDANCE": "rising since September"})
        csv = ("UPN,Legal Surname,Legal Forename,DOB,Year,Reg Group,Attendance %\n"
               "Z319700118114,Osei,Amara,11/03/2014,Year 8,Oak,88.1\n")
        sqlite_school.mis.apply(actor(sqlite_school, "sbrown"), csv, date(2026, 11, 27))
        data = sqlite_school.reports.authorisations(head, date(2026, 9, 1), date(2027, 8, 31))
        [amara] = [e for e in data.entries if e.ref == "r-001"]
        [attendance] = [v for v in amara.verdicts if v[0] == "ATTENDANCE"]
        assert attendance[1] is True and "97.2%" in attendance[2]
        assert attendance[4] == "now NOT MET: attendance 88.1% on 27 Nov 2026 is below the school's 95.0%"
        assert [r for r in amara.rules if r[0] == "ATTENDANCE"][0][1] is False  # today's, kept beside
        text = flat(render(tmp_path, read_pdf, data, Printing(data.school, "hcarter", datetime(2026, 11, 27, 9, 0))))
        assert "Rules at the decision (approved on 23 Nov 2026)" in text
        assert re.search(r"Attendance met attendance 97\.2% on 20 Nov 2026 meets the school's 95\.0% now NOT MET: "
                         r"attendance 88\.1% on 27 Nov 2026", text)
        # an override is shown with the verdict it overrode; the rule that is the same today shows a dash
        ben = text[text.index("r-002:"):text.index("r-003:")]
        assert re.search(r"Attendance NOT MET attendance 91\.5% on 20 Nov 2026 is below the school's 95\.0% "
                         r"Overridden: \S* ?rising since September", ben)
        assert "now" not in ben  # nothing differs today: no second verdict
        assert "Outside the school day: not recorded" in text

    def test_a_decision_from_before_shows_todays_rules_and_says_so(self, open_school, tmp_path, example_doc, actor,
                                                                  read_pdf):
        example_doc["requests"][2]["status"] = "approved"
        example_doc["requests"][2]["history"] = [{"at": "2026-09-01T09:00:00", "by": "hcarter",
                                                  "action": "approved"}]
        example_doc["requests"][2]["outside_school_day"] = "the clinic is closed after school"
        services = open_school(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        services.dataset.load(example_doc)
        head = actor(services, "hcarter")
        data = services.reports.authorisations(head, date(2026, 9, 1), date(2027, 8, 31))
        [dev] = [e for e in data.entries if e.ref == "r-003"]
        assert dev.verdicts == () and dev.decision == "approved on 1 Sep 2026"
        text = flat(render(tmp_path, read_pdf, data, Printing(data.school, "hcarter", datetime(2026, 11, 27, 9, 0))))
        assert "Rules today (verdicts at the time not recorded; approved on 1 Sep 2026)" in text
        assert "Outside the school day: the clinic is closed after school" in text
