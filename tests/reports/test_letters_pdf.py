"""The decision letter to the family: plain words, the right names, never a UPN."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from fairfields_desktop.reports import letters
from fairfields_desktop.reports.template import Printing

#: a UPN-like token: a letter, eleven digits and a digit or letter (13 characters)
UPN_LIKE = re.compile(r"\b[A-Z]\d{11}[0-9A-Z]\b")


def render(tmp_path, read_pdf, data, printing, name: str = "letter.pdf") -> str:
    out = tmp_path / name
    letters.render(data, out, printing)
    return " ".join(read_pdf(out).split())


class TestLetter:
    @pytest.mark.parametrize("decision", ["approved", "declined", "suspended"])
    def test_addressed_to_the_family_about_the_pupil_and_signed(self, tmp_path, read_pdf, letter_of, printing,
                                                                decision):
        reason = "attendance is below the level the school's policy asks for"
        text = render(tmp_path, read_pdf, letter_of(decision, reasons=(reason,)), printing)
        assert "Fairfields School" in text and "23 Nov 2026" in text
        assert "Dear Marta Ćwiek and Łukasz Ćwiek," in text
        assert "About Zoë Ćwiek's sessions with Siobhán Ó Briain (occupational therapy)" in text
        assert "Yours sincerely, Helen Carter" in text
        assert not UPN_LIKE.search(text)

    def test_approved_gives_the_period_and_the_sessions(self, tmp_path, read_pdf, letter_of, printing):
        text = render(tmp_path, read_pdf, letter_of("approved"), printing)
        assert "on 18 Nov 2026 the school agreed to Zoë Ćwiek's sessions with Siobhán Ó Briain" in text
        assert ("The sessions will run from 6 Jan 2027 to 24 Mar 2027: Wednesdays 13:30–14:15 in Therapy Room 1, "
                "10 sessions.") in text
        assert "not able to agree" not in text

    def test_declined_lists_the_reasons_in_plain_words(self, tmp_path, read_pdf, letter_of, printing):
        data = letter_of("declined", reasons=("attendance is below the level the school's policy asks for",
                                              "the therapist's safeguarding checks are not complete"))
        text = render(tmp_path, read_pdf, data, printing)
        assert ("The headteacher was not able to agree to the sessions because: • Attendance is below the level the "
                "school's policy asks for • The therapist's safeguarding checks are not complete") in text
        assert "ATTENDANCE" not in text and "CHECKS" not in text

    def test_suspended_gives_the_reason_and_offers_a_review_meeting(self, tmp_path, read_pdf, letter_of, printing):
        reason = "the sessions clash with the phonics group"
        text = render(tmp_path, read_pdf, letter_of("suspended", reasons=(reason,)), printing)
        assert "on 18 Nov 2026 the school suspended Zoë Ćwiek's sessions with Siobhán Ó Briain" in text
        assert "The reason is: • The sessions clash with the phonics group" in text
        assert "review meeting with you and the professionals involved" in text
        assert "Please contact the school office to arrange it." in text

    def test_a_young_person_is_written_to_directly(self, tmp_path, read_pdf, letter_of, printing):
        text = render(tmp_path, read_pdf, letter_of("approved", to=("Oğuz Yılmaz",), pupil="Oğuz Yılmaz"), printing)
        assert "Dear Oğuz Yılmaz," in text and "About Oğuz Yılmaz's sessions" in text


class TestWithTheServices:
    def test_never_a_upn_though_the_pack_holds_one(self, sqlite_school, actor, tmp_path, read_pdf):
        head = actor(sqlite_school, "hcarter")
        upn = sqlite_school.reports.review_pack(actor(sqlite_school, "mokafor"), "Z319700118114").upn
        assert upn == "Z319700118114"
        sqlite_school.requests.decide(head, "r-001", "approve", reason="all rules met")
        data = sqlite_school.reports.decision_letter(head, "r-001")
        printing = Printing(data.school, "hcarter", datetime(2026, 11, 23, 9, 0))
        text = render(tmp_path, read_pdf, data, printing)
        assert upn not in text and not UPN_LIKE.search(text)
        assert "About Amara Osei's sessions with Karen Walsh (occupational therapy)" in text
        assert "1 Dec 2026 to 23 Feb 2027: Tuesdays 10:30–11:15 in Therapy Room 1, 10 sessions" in text
        assert f"Dear {' and '.join(data.to)}," in text and data.to

    def test_a_declined_request_from_the_services(self, sqlite_school, actor, tmp_path, read_pdf):
        head = actor(sqlite_school, "hcarter")
        sqlite_school.requests.decide(head, "r-002", "decline", reason="attendance")
        data = sqlite_school.reports.decision_letter(head, "r-002")
        text = render(tmp_path, read_pdf, data, Printing(data.school, "hcarter", datetime(2026, 11, 23, 9, 0)))
        assert "Ben Hughes" in text and "Peter Quinn" in text
        assert "The headteacher was not able to agree to the sessions because: • Attendance is below the level" in text
        assert not UPN_LIKE.search(text)
