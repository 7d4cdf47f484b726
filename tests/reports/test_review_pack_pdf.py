"""The review pack PDF: the pupil's figures come back from pdftotext as a reader would check them."""

from __future__ import annotations

import dataclasses
import io
import re
import uuid
from datetime import date, datetime

from fairfields_desktop.reports import review_pack
from fairfields_desktop.reports.template import Printing
from fairfields_desktop.services.sessions import ProvisionLine

SECTIONS = ("Invited to the review", "Views of the child and of the parents", "Team around the child",
            "Provision delivered", "Independent-therapy authorisations", "Advice and reports", "Attendance",
            "Outcomes and progress", "Personal budget and direct payments", "Preparing for adulthood",
            "Proposed amendments", "Meeting agenda")


def headings(text: str) -> list[str]:
    """The section headings present, in the order they appear (a heading is a line of its own)."""
    found = [line.strip() for line in text.splitlines()]
    return [line for line in found if line in SECTIONS]


def row_of(text: str, first: str) -> str:
    """The line of a table row, found by its first cell."""
    return next(line for line in text.splitlines() if line.strip().startswith(first))


def flat(text: str) -> str:
    return " ".join(text.split())


def render(tmp_path, read_pdf, pack, printing, name: str = "pack.pdf") -> str:
    out = tmp_path / name
    review_pack.render(pack, out, printing)
    return read_pdf(out)


class TestWholePack:
    def test_every_section_in_order_for_the_invitees(self, tmp_path, read_pdf, pack_of, printing):
        text = render(tmp_path, read_pdf, pack_of(), printing)
        assert headings(text) == list(SECTIONS)
        assert "EHCP annual review pack" in text and "Prepared for: the review's invitees" in text
        assert "Some information has been left out" not in text

    def test_the_cover_names_the_pupil_and_her_dates(self, tmp_path, read_pdf, pack_of, printing):
        text = render(tmp_path, read_pdf, pack_of(), printing)
        cover = text.split("Prepared for:")[0]
        for label, value in (("Pupil", "Zoë Ćwiek"), ("Class", "Willow"), ("Year group", "Year 9"),
                             ("Date of birth", "4 Oct 2012"), ("EHCP issued", "12 Jun 2019"),
                             ("Last review", "10 Dec 2025"), ("Review meeting", "14 Dec 2026 at 10:00, Meeting Room"),
                             ("Next review due", "9 Dec 2026"), ("Looked after", "yes: Leeds City Council"),
                             ("Social worker", "Siobhán Ó Briain"), ("Key worker", "Jaya Patel (Teaching assistant)")):
            assert re.search(rf"^\s*{re.escape(label)}\s+{re.escape(value)}\s*$", cover, re.M), label
        assert "Communication and interaction" in cover and "Sensory and/or physical" in cover

    def test_names_with_accents_print_as_they_are_spelt(self, tmp_path, read_pdf, pack_of, printing):
        text = render(tmp_path, read_pdf, pack_of(), printing)
        for name in ("Zoë Ćwiek", "Siobhán Ó Briain", "Łukasz Nowak", "Oğuz Yılmaz", "Marta Ćwiek"):
            assert name in text, name

    def test_the_team_around_the_child(self, tmp_path, read_pdf, pack_of, printing):
        text = render(tmp_path, read_pdf, pack_of(), printing)
        team = text.split("Team around the child")[1].split("Provision delivered")[0]
        oguz = row_of(team, "Oğuz Yılmaz")
        assert all(word in oguz for word in ("Statutory", "speech and", "NHS", "o.yilmaz@example.nhs.uk",
                                             "sessions; advice"))
        lukasz = row_of(team, "Łukasz Nowak")
        assert all(word in lukasz for word in ("Independent", "physiotherapy", "Nowak Physio", "07700 900123"))

    def test_provision_figures_per_service(self, tmp_path, read_pdf, pack_of, printing):
        text = render(tmp_path, read_pdf, pack_of(), printing)
        provision = text.split("Provision delivered")[1].split("Independent-therapy authorisations")[0]
        assert "Sessions since the last review (or the EHCP, when there has been none): 10 Dec 2025 to 23 Nov 2026." \
            in flat(provision)
        assert re.search(r"Oğuz Yılmaz\s+Statutory\s+12\s+9\s+2 pupil absent, 1 cancelled\s+0", provision)
        assert "by the school" in provision
        assert re.search(r"Grace Lee\s+School-\s+30\s+27\s+1 pupil absent\s+2", provision)

    def test_a_group_session_counts_the_other_pupils_and_never_names_them(self, tmp_path, read_pdf, pack_of,
                                                                          printing):
        others = ("Bartholomew Quigley", "Ffion Llewellyn")
        group = ProvisionLine("Grace Lee", "commissioned", "music therapy", planned=10, delivered=9,
                              not_delivered={"pupil absent": 1}, not_marked=0, largest_group=2)
        text = render(tmp_path, read_pdf, pack_of(provision=(group,)), printing)
        assert "Grace Lee: in group sessions Zoë Ćwiek was with 2 other pupils at most." in text
        for name in others + tuple(n.split()[0] for n in others):
            assert name not in text
        solo = render(tmp_path, read_pdf, pack_of(provision=(dataclasses.replace(group, largest_group=0),)), printing,
                      "solo.pdf")
        assert "other pupil" not in solo

    def test_authorisations_show_rules_decisions_and_overrides(self, tmp_path, read_pdf, pack_of, printing):
        text = render(tmp_path, read_pdf, pack_of(), printing)
        part = text.split("Independent-therapy authorisations")[1].split("Advice and reports")[0]
        assert "r-014: Łukasz Nowak" in part
        assert "6 Jan 2027 to 24 Mar 2027, Wednesdays 13:30–14:15" in part and "approved (not started)" in part
        assert re.search(r"Attendance\s+NOT MET\s+attendance 93\.4% on 20 Nov 2026 is below", part)
        assert re.search(r"Maximum weeks\s+met\s+10 school weeks", part)
        assert re.search(r"18 Nov 2026 14:05\s+hcarter\s+approved\s+attendance rising since September", part)
        assert re.search(r"Attendance\s+attendance rising since September\s+hcarter\s+18 Nov 2026 14:05", part)

    def test_advice_and_reports(self, tmp_path, read_pdf, pack_of, printing):
        text = render(tmp_path, read_pdf, pack_of(), printing)
        assert re.search(r"Oğuz Yılmaz\s+annual review\s+12 Oct 2026\s+9 Nov 2026\s+12 Nov 2026\s+received 3 days late",
                         text)
        assert re.search(r"Siobhán Ó Briain\s+annual review\s+12 Oct 2026\s+16 Nov 2026\s+not yet\s+OVERDUE by 7 days",
                         text)

    def test_attendance_against_the_threshold_with_its_history_and_chart(self, tmp_path, read_pdf, pack_of,
                                                                         printing):
        text = render(tmp_path, read_pdf, pack_of(), printing)
        part = text.split("\nAttendance\n")[1].split("Outcomes and progress")[0]
        assert "Attendance is 93.4% (20 Nov 2026), below the school's threshold of 95.0%." in part
        for when, figure in (("20 Nov 2026", "93.4%"), ("6 Nov 2026", "93.0%"), ("16 Oct 2026", "92.8%"),
                             ("2 Oct 2026", "92.5%"), ("18 Sep 2026", "91.0%")):
            assert re.search(rf"^\s*{when}\s+{re.escape(figure)}\s*$", part, re.M), when
        assert "threshold 95.0%" in part  # the chart's key
        assert "one figure recorded" not in part.lower()

    def test_one_attendance_figure_is_still_charted(self, tmp_path, read_pdf, pack_of, printing):
        text = render(tmp_path, read_pdf, pack_of(attendance=((date(2026, 11, 20), 97.2),)), printing)
        assert "Attendance is 97.2% (20 Nov 2026), at or above the school's threshold of 95.0%." in text
        assert "One figure recorded." in text

    def test_outcomes_with_targets_and_the_latest_progress_notes(self, tmp_path, read_pdf, pack_of, printing):
        text = render(tmp_path, read_pdf, pack_of(), printing)
        part = flat(text.split("Outcomes and progress")[1].split("Personal budget and direct payments")[0])
        assert "Communication and interaction Outcome: Zoë will ask for help using her talker (current" in part
        assert "Sensory and/or physical Outcome: Zoë will walk between lessons with a frame" in part
        assert "AAC" in part and "3 notes; the latest:" in part
        assert "17 Nov 2026, Oğuz Yılmaz: Three" in part and "(session not delivered)" in part
        assert "no notes yet" in part
        assert "Asked for help twice" not in part  # only the latest two of three are quoted

    def test_the_personal_budget(self, tmp_path, read_pdf, pack_of, printing):
        text = render(tmp_path, read_pdf, pack_of(), printing)
        assert re.search(r"Reference\s+PB-5521-0077", text)
        assert re.search(r"Annual amount\s+£3,600\s*$", text, re.M)
        assert "Direct payments used for physiotherapy; family content to continue." in text

    def test_the_agenda_is_numbered(self, tmp_path, read_pdf, pack_of, printing):
        text = render(tmp_path, read_pdf, pack_of(), printing)
        agenda = text.split("Meeting agenda")[1]
        assert re.search(r"^\s*1\.\s+Welcome and introductions; the purpose of the review", agenda, re.M)
        assert re.search(r"^\s*6\.\s+Preparing for adulthood \(from Year 9\)", agenda, re.M)
        assert re.search(r"^\s*9\.\s+Date of the next review", agenda, re.M)

    def test_writes_to_a_binary_file_with_metadata(self, pack_of, printing, tmp_path, read_pdf):
        buffer = io.BytesIO()
        review_pack.render(pack_of(), buffer, printing)
        data = buffer.getvalue()
        assert data.startswith(b"%PDF")
        (tmp_path / "buffer.pdf").write_bytes(data)
        assert "Zoë Ćwiek" in read_pdf(tmp_path / "buffer.pdf")
        assert b"EHCP annual review" in data  # the subject (metadata are not compressed)


class TestPreparingForAdulthood:
    def test_a_year_9_pack_has_the_four_areas(self, tmp_path, read_pdf, pack_of, printing):
        text = render(tmp_path, read_pdf, pack_of(), printing)
        part = flat(text.split("Preparing for adulthood")[1])
        for area in ("Employment and further education", "Independent living", "Good health"):
            assert area in part
        assert "Notes from the discussion" in part

    def test_a_year_8_pack_never_mentions_adulthood(self, tmp_path, read_pdf, pack_of, year8_of, printing):
        text = render(tmp_path, read_pdf, year8_of(pack_of()), printing)
        assert "adulthood" not in text.lower()
        assert "Independent living" not in text
        assert re.search(r"^\s*6\.\s+Whether the plan still meets", text.split("Meeting agenda")[1], re.M)


class TestPackForSomeoneElse:
    LEFT_OUT = (("who is invited to the review", "no consent in force for Łukasz Nowak (Nowak Physio) on 23 Nov 2026"),
                ("the views of the child and the parents", "consent withdrawn on 20 Nov 2026"),
                ("the team around the child (and any social worker)", "consent ended on 1 Nov 2026"),
                ("attendance", "consent to be reviewed (recorded in words before consent named sections)"),
                ("the personal budget and direct payments",
                 "no consent in force for Łukasz Nowak (Nowak Physio) on 23 Nov 2026"),
                ("proposed amendments", "shared only with consent to provision and sessions, outcomes and "
                 "progress and health details; health details: no consent in force"))

    def partial(self, pack_of, **changes):
        return pack_of(**{**dict(
            whole=False, audience="Łukasz Nowak (Nowak Physio)", left_out=self.LEFT_OUT, shared_on=date(2026, 11, 23),
            invitees_left_out=True, invitees=(), child_views=None, parent_views=None, views_included=False, team=None,
            looked_after=None, attendance=None, budget=None, amendments=None, amendments_included=False), **changes})

    def test_the_notice_says_what_was_left_out_and_why(self, tmp_path, read_pdf, pack_of, printing):
        text = flat(render(tmp_path, read_pdf, self.partial(pack_of), printing))
        assert "Prepared for: Łukasz Nowak (Nowak Physio)" in text
        assert ("Some information has been left out: only what a consent in force on 23 Nov 2026 allows is shared "
                "with Łukasz Nowak (Nowak Physio). What was left out, and why:") in text
        for what, why in self.LEFT_OUT:
            assert flat(f"Left out: {what} — {why}") in text, what

    def test_the_invitees_left_out_are_said_to_be_left_out_never_none(self, tmp_path, read_pdf, pack_of, printing):
        text = flat(render(tmp_path, read_pdf, self.partial(pack_of), printing))
        assert "No one has been invited" not in text
        assert "The list of those invited is left out of this copy: consent in force does not allow it to be " \
               "shared (see above)." in text
        shown = flat(render(tmp_path, read_pdf, self.partial(pack_of, invitees_left_out=False,
                                                             invitees=(("Parent", "Marta Ćwiek"),)),
                            printing, "shown.pdf"))
        assert "Marta Ćwiek" in shown and "left out of this copy" not in shown

    def test_the_left_out_sections_are_missing(self, tmp_path, read_pdf, pack_of, printing):
        text = render(tmp_path, read_pdf, self.partial(pack_of), printing)
        assert headings(text) == ["Invited to the review", "Provision delivered",
                                  "Independent-therapy authorisations", "Advice and reports",
                                  "Outcomes and progress", "Preparing for adulthood", "Meeting agenda"]
        for gone in ("I like swimming", "o.yilmaz@example.nhs.uk", "93.0%", "PB-5521-0077", "section F",
                     "Solid line: attendance", "Leeds City Council"):
            assert gone not in text

    def test_an_empty_but_included_section_says_so(self, tmp_path, read_pdf, pack_of, printing):
        text = render(tmp_path, read_pdf, pack_of(child_views=None, parent_views=None, outcomes=(), advice=(),
                                                  provision=(), attendance=(), invitees=()), printing)
        assert text.count("not yet recorded") >= 2
        for words in ("No outcomes are recorded.", "No advice or reports have been requested.",
                      "No sessions with a service are recorded in this period.",
                      "No attendance figures are recorded.", "No one has been invited yet."):
            assert words in text


AMARA = "Z319700118114"


def pack_text(services, actor, recipient, tmp_path, read_pdf) -> str:
    data = services.reports.review_pack(actor, AMARA, recipient)
    out = tmp_path / f"pack-{uuid.uuid4().hex}.pdf"
    review_pack.render(data, out, Printing(data.school, "mokafor", datetime(2026, 11, 23, 9, 0)))
    return read_pdf(out)


class TestWithTheServices:
    def test_amara_for_the_invitees(self, sqlite_school, actor, tmp_path, read_pdf):
        data = sqlite_school.reports.review_pack(actor(sqlite_school, "mokafor"), "Z319700118114")
        printing = Printing(data.school, "mokafor", datetime(2026, 11, 23, 9, 0))
        text = render(tmp_path, read_pdf, data, printing)
        assert "Amara Osei" in text and "Year 8" in text and "11 Mar 2014" in text
        assert "Rachel Green" in text and "Karen Walsh" in text
        assert re.search(r"Annual amount\s+£3,600", text)
        assert "Attendance is 97.2% (20 Nov 2026), at or above the school's threshold of 95.0%." in text
        assert "One figure recorded." in text
        assert "adulthood" not in text.lower()  # Year 8
        assert "Printed 23 Nov 2026 09:00 by mokafor" in text

    def test_a_consent_recorded_in_words_shares_nothing_until_reviewed(self, sqlite_school, actor, tmp_path,
                                                                      read_pdf):
        # Amara's consent to Karen Walsh is the family's words ("progress notes"): to be reviewed
        senco = actor(sqlite_school, "mokafor")
        text = pack_text(sqlite_school, senco, "ind-ot-1", tmp_path, read_pdf)
        assert "Prepared for: Karen Walsh (Walsh Paediatric OT)" in text
        assert headings(text) == ["Invited to the review", "Meeting agenda"]
        assert "Left out: outcomes and progress — consent to be reviewed (recorded in words before consent " \
               "named sections)." in flat(text)
        assert "97.2%" not in text and "Communication and interaction" not in text

    def test_for_karen_walsh_only_the_sections_consent_names(self, sqlite_school, actor, tmp_path, read_pdf):
        senco = actor(sqlite_school, "mokafor")
        amara = sqlite_school.pupils.id_of(senco, AMARA)
        [words] = sqlite_school.pupils.get_pupil(senco, amara).consents
        sqlite_school.pupils.review_consent(senco, words.id, professional="ind-ot-1", sections=["outcomes"],
                                            given_by_kind="parent", given_by="Abena Osei", given_on=date(2026, 9, 10))
        sqlite_school.pupils.add_consent(senco, amara, organisation="Walsh Paediatric OT", sections=["health"],
                                         given_by_kind="parent", given_by="Abena Osei", given_on=date(2026, 11, 2))
        text = pack_text(sqlite_school, senco, "ind-ot-1", tmp_path, read_pdf)
        assert headings(text) == ["Invited to the review", "Outcomes and progress", "Meeting agenda"]
        assert "Communication and interaction" in text  # health details: to her organisation
        assert "Left out: attendance — no consent in force for Karen Walsh (Walsh Paediatric OT) on 23 Nov 2026." \
            in flat(text)
        assert "97.2%" not in text and "Solid line" not in text and "PB-3190-0412" not in text
        assert "Team around the child" not in headings(text)

    def test_an_expired_consent_shares_nothing_after_its_last_day(self, sqlite_school, actor, tmp_path, read_pdf):
        senco = actor(sqlite_school, "mokafor")
        amara = sqlite_school.pupils.id_of(senco, AMARA)
        sqlite_school.pupils.add_consent(senco, amara, professional="nhs-slt-1", sections=["attendance", "advice"],
                                         given_by_kind="parent", given_by="Abena Osei", given_on=date(2026, 9, 1),
                                         until=date(2026, 11, 20))
        text = flat(pack_text(sqlite_school, senco, "nhs-slt-1", tmp_path, read_pdf))
        assert "Left out: attendance — consent ended on 20 Nov 2026." in text
        assert "Left out: advice and reports — consent ended on 20 Nov 2026." in text
        assert "97.2%" not in text

    def test_a_withdrawn_consent_shares_nothing_from_the_day_of_withdrawal(self, sqlite_school, actor, tmp_path,
                                                                         read_pdf):
        senco = actor(sqlite_school, "mokafor")
        amara = sqlite_school.pupils.id_of(senco, AMARA)
        given = sqlite_school.pupils.add_consent(senco, amara, professional="nhs-slt-1",
                                                 sections=["attendance", "health"], given_by_kind="parent",
                                                 given_by="Abena Osei", given_on=date(2026, 9, 1))
        before = pack_text(sqlite_school, senco, "nhs-slt-1", tmp_path, read_pdf)
        assert "Attendance is 97.2%" in flat(before) and "Communication and interaction" in before
        sqlite_school.pupils.withdraw_consent(senco, given.id, date(2026, 11, 23))
        after = flat(pack_text(sqlite_school, senco, "nhs-slt-1", tmp_path, read_pdf))
        assert "Left out: health details (areas of need) — consent withdrawn on 23 Nov 2026." in after
        assert "Left out: attendance — consent withdrawn on 23 Nov 2026." in after
        assert "97.2%" not in after and "Communication and interaction" not in after

    def test_the_invitees_are_never_said_to_be_none_when_they_are_left_out(self, sqlite_school, actor, tmp_path,
                                                                          read_pdf):
        senco = actor(sqlite_school, "mokafor")
        amara = sqlite_school.pupils.id_of(senco, AMARA)
        review = sqlite_school.reviews.schedule(senco, AMARA, date(2026, 12, 14))
        invited = [i.name for i in review.current_invitees]
        assert invited
        text = flat(pack_text(sqlite_school, senco, "Leeds Autism Outreach", tmp_path, read_pdf))
        assert "No one has been invited" not in text
        assert "The list of those invited is left out of this copy" in text
        assert "Left out: who is invited to the review — no consent in force for Leeds Autism Outreach on " \
               "23 Nov 2026." in text
        assert "Abena Osei" in invited and "Abena Osei" not in text  # (the key worker is on the cover)
        sqlite_school.pupils.add_consent(senco, amara, organisation="Leeds Autism Outreach", sections=["team"],
                                         given_by_kind="parent", given_by="Abena Osei", given_on=date(2026, 11, 23))
        shown = flat(pack_text(sqlite_school, senco, "Leeds Autism Outreach", tmp_path, read_pdf))
        assert all(name in shown for name in invited) and "left out of this copy" not in shown

    def test_invitees_get_the_whole_pack_whatever_consent_says(self, sqlite_school, actor, tmp_path, read_pdf):
        senco = actor(sqlite_school, "mokafor")
        review = sqlite_school.reviews.schedule(senco, AMARA, date(2026, 12, 14))
        pro = next(i.professional for i in review.current_invitees if i.professional)
        text = pack_text(sqlite_school, senco, pro, tmp_path, read_pdf)
        assert "Prepared for: the review's invitees" in text and "Left out" not in text
        assert "Attendance" in headings(text) and "Team around the child" in headings(text)

    def test_chloe_in_year_9_is_prepared_for_adulthood(self, sqlite_school, actor, tmp_path, read_pdf):
        data = sqlite_school.reports.review_pack(actor(sqlite_school, "mokafor"), "X319700117077")
        text = render(tmp_path, read_pdf, data, Printing(data.school, "mokafor", datetime(2026, 11, 23, 9, 0)))
        assert "Chloe Nowak" in text and "Preparing for adulthood" in headings(text)

    def test_a_group_session_never_names_the_other_pupil(self, open_school, sqlite_url, example_doc, actor,
                                                         tmp_path, read_pdf):
        services = open_school(sqlite_url, today=date(2026, 12, 3))  # after Wednesday's music group
        services.dataset.load(example_doc)
        data = services.reports.review_pack(actor(services, "mokafor"), "X319700119023")
        text = render(tmp_path, read_pdf, data, Printing(data.school, "mokafor", datetime(2026, 12, 3, 9, 0)))
        assert "Ben Hughes" in text
        assert "with 1 other pupil" in text
        assert "Dev Sharma" not in text and "Sharma" not in text
