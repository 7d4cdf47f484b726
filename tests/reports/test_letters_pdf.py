"""The decision letter to the family: plain words, the right names, never a UPN."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

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


# --- a letter for every event, from the services ------------------------------------------------------------
ADDRESS = "Fairfields Lane\nHeadingley\nLeeds LS6 2AB"
TELEPHONE = "0113 496 0000"


class TestEveryEventHasItsLetter:
    @pytest.fixture
    def story(self, sqlite_school, actor):
        from datetime import date

        from fairfields_desktop.services.bookings import BookingDraft
        from fairfields_desktop.services.context import Clock

        s = sqlite_school
        admin, head, senco = actor(s, "admin"), actor(s, "hcarter"), actor(s, "mokafor")
        office = actor(s, "sbrown")
        s.school.update_settings(admin, {"address": ADDRESS, "telephone": TELEPHONE})
        s.requests.delegate(head, "mokafor", date(2026, 11, 23), date(2026, 11, 27))
        s.requests.decide(senco, "r-001", "approve")  # the acting head, for the headteacher
        s.requests.decide(head, "r-002", "decline", reason="we could not find a room")
        s.requests.decide(head, "r-003", "approve")
        s.requests.decide(head, "r-003", "extend", until=date(2027, 5, 14), reason="rehabilitation after surgery")

        def clock(day: date) -> None:
            s.clock = s.requests.clock = s.bookings.clock = Clock(day)

        clock(date(2026, 12, 2))
        s.requests.decide(head, "r-001", "suspend", reason="the sessions clash with the phonics group")
        s.requests.decide(senco, "r-001", "review-meeting", on=date(2026, 12, 2),
                          attendees="Abena Osei (mother), Karen Walsh (OT), Tom Taylor", reason="resume in January")
        s.bookings.book(office, BookingDraft("Therapy Room 1", datetime(2027, 1, 5, 10, 30),
                                             datetime(2027, 1, 5, 11, 0), professional="nhs-slt-1"))
        s.requests.decide(head, "r-001", "reinstate", reason="agreed at the review")
        plan = s.bookings.plan(office, BookingDraft("Therapy Room 1", datetime(2027, 1, 12, 10, 30),
                                                    datetime(2027, 1, 12, 11, 0), professional="nhs-slt-1"))
        [clash] = s.bookings.displaceable(plan, "statutory")
        s.bookings.give_priority(office, clash.occurrence_id, move_to=("Sensory Room", datetime(2027, 1, 12, 13, 30)))
        clock(date(2027, 2, 1))
        s.requests.decide(head, "r-001", "end", reason="the therapy goals were met early", on=date(2027, 2, 1))
        return s, head

    def letter(self, story, tmp_path, read_pdf, ref: str, action: str, *, keep: bool = False) -> tuple[str, object]:
        from fairfields_desktop.reports.make import make

        s, head = story
        event = next(e for e in reversed(s.reports.letter_events(head, ref)) if e.action == action)
        out = tmp_path / f"{ref}-{action.replace(' ', '-')}.pdf"
        made = make(s, head, "letter", out, ref=ref, event_id=event.id, keep=keep)
        text = " ".join(read_pdf(out).split())
        for needed in ("Fairfields School", "Fairfields Lane", "Headingley", "Leeds LS6 2AB", f"Telephone {TELEPHONE}"):
            assert needed in text, needed
        assert not UPN_LIKE.search(text) and "Z319700118114" not in text
        shots = __import__("os").environ.get("FAIRFIELDS_SCREENSHOTS")
        if shots:  # one PNG per kind of letter, to look at as a parent would
            import subprocess

            subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(out),
                            str(Path(shots) / out.stem)], check=True)
        return text, made

    def test_the_approval_is_signed_by_the_acting_head_for_the_headteacher(self, story, tmp_path, read_pdf):
        text, _ = self.letter(story, tmp_path, read_pdf, "r-001", "approved")
        assert "on 23 Nov 2026 the school agreed to Amara Osei's sessions with Karen Walsh" in text
        assert "Yours sincerely, Michael Okafor Acting headteacher, for the headteacher (Helen Carter)" in text
        assert "Dear Abena Osei," in text

    def test_the_suspension_chosen_after_the_reinstatement_still_reads_as_the_suspension(self, story, tmp_path,
                                                                                          read_pdf):
        text, _ = self.letter(story, tmp_path, read_pdf, "r-001", "suspended")
        assert "on 2 Dec 2026 the school suspended Amara Osei's sessions with Karen Walsh" in text
        assert "The reason is: • The sessions clash with the phonics group" in text
        assert "The 9 sessions booked from that day will not take place for now." in text
        assert "review meeting with you and the professionals involved" in text
        assert "restart from" not in text
        assert "Yours sincerely, Helen Carter Headteacher Fairfields School" in text

    def test_the_review_meeting_gives_its_date_and_what_it_agreed(self, story, tmp_path, read_pdf):
        text, _ = self.letter(story, tmp_path, read_pdf, "r-001", "review meeting")
        assert "On 2 Dec 2026 a review meeting was held about Amara Osei's sessions with Karen Walsh" in text
        assert "The meeting agreed: • Resume in January" in text
        assert "Yours sincerely, Michael Okafor SENCO" in text

    def test_the_reinstatement_says_the_sessions_restart_and_which_could_not_be_rebooked(self, story, tmp_path,
                                                                                         read_pdf):
        text, _ = self.letter(story, tmp_path, read_pdf, "r-001", "reinstated")
        assert "on 2 Dec 2026, after the review meeting, the school agreed that Amara Osei's sessions" in text
        assert ("The sessions restart from 8 Dec 2026 (Tuesdays 10:30–11:15 in Therapy Room 1) and run until "
                "23 Feb 2027.") in text
        assert "These sessions could not be booked again: • 5 Jan 2027: the room is in use at that time" in text
        assert "Rachel Green" not in text  # who holds the room is not the family's business
        assert "suspended" not in text and "arrange it" not in text

    def test_the_session_moved_for_a_statutory_service(self, story, tmp_path, read_pdf):
        text, _ = self.letter(story, tmp_path, read_pdf, "r-001", "session moved")
        assert ("The session on 12 Jan 2027 at 10:30 in Therapy Room 1 has moved to 13:30 the same day, in Sensory "
                "Room, because the room was needed at that time for a therapy service that the school must "
                "provide") in text
        assert "Yours sincerely, Sarah Brown Office manager" in text

    def test_the_end_says_it_ended_and_no_more_sessions(self, story, tmp_path, read_pdf):
        text, _ = self.letter(story, tmp_path, read_pdf, "r-001", "ended")
        assert "Amara Osei's sessions with Karen Walsh in the school day ended on 1 Feb 2027" in text
        assert "The reason is: • The therapy goals were met early" in text
        assert "There will be no more sessions with Karen Walsh in the school day" in text
        assert "pleased" not in text and "will run" not in text

    def test_the_extension_gives_the_new_end_date(self, story, tmp_path, read_pdf):
        text, _ = self.letter(story, tmp_path, read_pdf, "r-003", "extended")
        assert "the school agreed to extend Dev Sharma's sessions with Peter Quinn" in text
        assert "The sessions will now continue until 14 May 2027: Fridays" in text
        assert "• Rehabilitation after surgery" in text

    def test_the_decline_gives_the_reasons(self, story, tmp_path, read_pdf):
        text, _ = self.letter(story, tmp_path, read_pdf, "r-002", "declined")
        assert "The headteacher was not able to agree to the sessions because:" in text
        assert "In the headteacher's words: we could not find a room" in text

    def test_a_declined_letter_gives_the_verdicts_kept_with_the_decision(self, story, tmp_path, read_pdf):
        from sqlalchemy import update

        from fairfields_desktop.store.models import RequestEventRow

        s, head = story
        [declined] = [e for e in s.reports.letter_events(head, "r-002") if e.action == "declined"]
        verdicts = [{"rule": "ATTENDANCE", "ok": True, "detail": "98.0%", "figure": 98.0},
                    {"rule": "CHECKS", "ok": False, "detail": "DBS missing", "figure": None}]
        with s.db.session() as session:
            session.execute(update(RequestEventRow).where(RequestEventRow.id == declined.id)
                            .values(details={"on_behalf_of": None, "verdicts": verdicts}))
        text, _ = self.letter(story, tmp_path, read_pdf, "r-002", "declined")
        assert "• The therapist's safeguarding checks are not complete" in text
        assert "Attendance is below" not in text  # today's evaluation fails it; at the decision it passed

    def test_a_letter_printed_is_kept_with_its_event(self, story, tmp_path, read_pdf):
        s, head = story
        self.letter(story, tmp_path, read_pdf, "r-001", "suspended", keep=True)
        [sent] = s.reports.letters_sent(head, "r-001")
        assert sent.words == "Letter sent to the family on 1 Feb 2027 (suspended)"
        assert "the school suspended Amara Osei's sessions" in sent.body and sent.to == "Abena Osei"
        [suspended] = [e for e in s.reports.letter_events(head, "r-001") if e.action == "suspended"]
        assert suspended.id == sent.event_id and suspended.sent == (sent.printed_at,)
        assert "letter sent 1 Feb 2027" in suspended.words
