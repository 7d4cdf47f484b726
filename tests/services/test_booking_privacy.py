"""What each role reads of a booking: a class teacher another class's pupils only as "a pupil of another
class"; a booking's title is public and names no pupil (refused when typed, flagged when found in old or
loaded data, mended by an administrator); its notes go only to the headteacher and the SENCo."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
import vobject
from sqlalchemy import select

from fairfields_desktop.domain.bookings import OTHER_CLASS_PUPIL, TITLE_TO_REVIEW
from fairfields_desktop.domain.errors import InvalidInput, NotAllowed
from fairfields_desktop.domain.names import names_found
from fairfields_desktop.services.bookings import BookingDraft
from fairfields_desktop.store.database import _connect_file
from fairfields_desktop.store.migrate import current_revision, head_revision
from fairfields_desktop.store.models import AuditRow, BookingRow

AMARA, BEN, DEV = "Z319700118114", "X319700119023", "X319700121005"  # Oak, Oak, Willow
WEEK = (date(2026, 11, 23), date(2026, 11, 27))
WEDNESDAY = date(2026, 11, 25)  # b-002: the music therapy group, Ben (Oak) with Dev (Willow)
FROZEN = Path(__file__).parent.parent / "data" / "schemas" / "0007-example.db"
KEY = "5f" * 32  # the tests' key (tests/conftest.py)


def meeting(title: str | None = "meeting", notes: str | None = None, **more) -> BookingDraft:
    return BookingDraft(space="Meeting Room", start=datetime(2026, 11, 30, 9, 0), end=datetime(2026, 11, 30, 9, 30),
                        staff=("ttaylor",), title=title, notes=notes, **more)


def group(blocks):
    return next(b for b in blocks if b.booking_ref == "b-002")


def flagged_school(open_school, sqlite_url, example_doc):
    """The example school with an old-style booking whose purpose names Dev Sharma (Willow)."""
    example_doc["bookings"].append({
        "id": "b-004", "space": "Meeting Room", "start": "2026-11-25T14:00", "end": "2026-11-25T14:30",
        "professional": None, "staff": ["sbrown"], "pupils": [], "purpose": "Annual review: Dev Sharma",
        "repeat_weekly_until": None, "status": "booked"})
    services = open_school(sqlite_url)
    services.dataset.load(example_doc)
    return services


class TestTheTeacherReadsOtherClassesUnnamed:
    def test_bookings_between_names_the_teachers_own_pupils_only(self, sqlite_school, actor):
        teacher, office = actor(sqlite_school, "ttaylor"), actor(sqlite_school, "sbrown")
        mine = sqlite_school.bookings.bookings_between(teacher, *WEEK)
        # every booking (the rooms' use is public), another class's pupil unnamed
        assert {b.booking_ref for b in mine} == {b.booking_ref for b in
                                                 sqlite_school.bookings.bookings_between(office, *WEEK)}
        assert group(mine).pupils == ("Ben Hughes", OTHER_CLASS_PUPIL)
        assert group(mine).who == "Grace Lee with Ben Hughes, a pupil of another class"
        assert "Dev" not in repr(mine) and "Sharma" not in repr(mine) and DEV not in repr(mine)
        assert group(sqlite_school.bookings.bookings_between(office, *WEEK)).pupils == ("Ben Hughes", "Dev Sharma")

    def test_the_day_view_the_class_week_and_a_booking_made_read_the_same(self, sqlite_school, actor):
        teacher = actor(sqlite_school, "ttaylor")
        day = sqlite_school.bookings.day_view(teacher, WEDNESDAY)
        week = sqlite_school.bookings.class_week(teacher, "Oak", WEDNESDAY)
        for blocks in (day.blocks, week.blocks):
            assert group(blocks).pupils == ("Ben Hughes", OTHER_CLASS_PUPIL)
            assert "Dev Sharma" not in repr(blocks)
        # a group booked by the office, as the office reads it back: both named
        made = sqlite_school.bookings.book(actor(sqlite_school, "sbrown"), BookingDraft(
            space="Sensory Room", start=datetime(2026, 11, 30, 10, 0), end=datetime(2026, 11, 30, 10, 30),
            professional="music-1", pupils=(AMARA, DEV), title="Music therapy pair"))
        assert made[0].pupils == ("Amara Osei", "Dev Sharma")
        [seen] = [b for b in sqlite_school.bookings.day_view(teacher, date(2026, 11, 30)).blocks
                  if b.booking_ref == made[0].booking_ref]
        assert seen.pupils == ("Amara Osei", OTHER_CLASS_PUPIL) and seen.title == "Music therapy pair"

    def test_the_sessions_a_teacher_marks_name_their_own_pupils_only(self, sqlite_url, example_doc, open_school,
                                                                     actor):
        open_school(sqlite_url).dataset.load(example_doc)
        later = open_school(sqlite_url, today=date(2026, 12, 1))
        sessions = later.sessions.to_mark(actor(later, "ttaylor"))
        music = next(s for s in sessions if s.professional == "Grace Lee")
        assert music.pupils == ("Ben Hughes", OTHER_CLASS_PUPIL) and music.title == "Music therapy group"
        assert "Dev Sharma" not in repr(sessions)
        senco = next(s for s in later.sessions.to_mark(actor(later, "mokafor")) if s.professional == "Grace Lee")
        assert senco.pupils == ("Ben Hughes", "Dev Sharma")

    def test_a_flagged_title_naming_another_classs_pupil_is_hidden_from_the_teacher(self, open_school, sqlite_url,
                                                                                    example_doc, actor):
        services = flagged_school(open_school, sqlite_url, example_doc)
        teacher, office = actor(services, "ttaylor"), actor(services, "sbrown")
        [mine] = [b for b in services.bookings.day_view(teacher, WEDNESDAY).blocks if b.booking_ref == "b-004"]
        assert mine.title == TITLE_TO_REVIEW and mine.title_needs_review
        [theirs] = [b for b in services.bookings.day_view(office, WEDNESDAY).blocks if b.booking_ref == "b-004"]
        assert theirs.title == "Annual review: Dev Sharma"  # the office may see every pupil's name

    def test_notices_of_a_group_name_no_family_of_another_class_to_the_teacher(self, sqlite_school, actor):
        office, teacher = actor(sqlite_school, "sbrown"), actor(sqlite_school, "ttaylor")
        # an independent session with pupils in the school day: the headteacher books it, with her reason
        [ot] = sqlite_school.bookings.book(actor(sqlite_school, "hcarter"), BookingDraft(
            space="Therapy Room 1", start=datetime(2026, 11, 24, 10, 15), end=datetime(2026, 11, 24, 11, 0),
            professional="ind-ot-1", pupils=(AMARA, DEV), title="OT pair",
            direct_reason="Parent-arranged OT pair, agreed while the request is considered"))
        told = sqlite_school.bookings.give_priority(office, ot.occurrence_id)
        assert any("Dev" in n.who or "Willow" in n.who for n in told)  # the office reads who to tell
        shown = sqlite_school.bookings.notices(teacher, ot.occurrence_id)
        assert len(shown) == len(told)
        assert not any("Dev" in n.who or "Willow" in n.who or "Sharma" in n.who for n in shown)
        assert all(n.contact is None for n in shown if n.audience != "professional")


class TestTitles:
    @pytest.mark.parametrize("title", ["Annual review: Amara Osei", "annual review AMARA OSEI",
                                       "Osei, Amara: review", "Amara Osei's review", "Amara  Osei"])
    def test_a_title_naming_a_pupil_is_refused_on_the_title(self, sqlite_school, actor, title):
        office = actor(sqlite_school, "sbrown")
        for call in (sqlite_school.bookings.plan, sqlite_school.bookings.book):
            with pytest.raises(InvalidInput) as caught:
                call(office, meeting(title))
            [problem] = caught.value.problems
            assert problem.where == "title"
            assert "Amara Osei" in problem.message and "choose the pupil from the register" in problem.message
        assert sqlite_school.bookings.title_problem(office, title) == problem.message

    def test_a_title_naming_nobody_is_booked(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        assert sqlite_school.bookings.title_problem(office, "Annual review (Amara's class)") is None
        [block] = sqlite_school.bookings.book(office, meeting("Annual review", pupils=(AMARA,)))
        assert block.title == "Annual review" and block.pupils == ("Amara Osei",)

    def test_accents_case_and_apostrophes_fold_as_the_pupil_search_does(self):
        names = [("Zoë", "Ødegaard"), ("Łukasz", "Kowalski"), ("Siobhán", "O'Brien"), ("Oğuz", "Yılmaz")]
        assert names_found("zoe odegaard SLT", names) == ["Zoë Ødegaard"]
        assert names_found("Annual review: LUKASZ kowalski", names) == ["Łukasz Kowalski"]
        assert names_found("Siobhan OBrien", names) == names_found("siobhán o’brien", names) == ["Siobhán O'Brien"]
        assert names_found("Oguz Yilmaz (Year 9)", names) == ["Oğuz Yılmaz"]
        assert names_found("Zoë's group; Ward round; Kowalski family", names) == []  # not a whole name

    def test_the_booking_form_is_told_which_name(self, sqlite_school, actor):
        message = sqlite_school.bookings.title_problem(actor(sqlite_school, "sbrown"), "Dev Sharma and Ben Hughes")
        assert message.startswith("the title names Ben Hughes and Dev Sharma:")


class TestNotes:
    def test_notes_reach_the_headteacher_and_the_senco_only(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        [made] = sqlite_school.bookings.book(senco, meeting("Parents' meeting", "father prefers a male therapist"))
        assert made.notes == "father prefers a male therapist"
        for user, sees in (("hcarter", True), ("mokafor", True), ("sbrown", False), ("ttaylor", False),
                           ("admin", False)):
            who = actor(sqlite_school, user)
            [block] = [b for b in sqlite_school.bookings.day_view(who, date(2026, 11, 30)).blocks
                       if b.booking_ref == made.booking_ref]
            assert block.title == "Parents' meeting"
            assert (block.notes == "father prefers a male therapist") is sees, user
            between = sqlite_school.bookings.bookings_between(who, date(2026, 11, 30), date(2026, 11, 30))
            assert ("male therapist" in repr(between)) is sees, user

    def test_who_may_not_read_notes_may_not_write_them(self, sqlite_school, actor):
        with pytest.raises(NotAllowed, match="bookings.view_notes"):
            sqlite_school.bookings.book(actor(sqlite_school, "sbrown"), meeting(notes="something private"))

    def test_the_audit_says_notes_were_written_not_what(self, sqlite_school, actor):
        [made] = sqlite_school.bookings.book(actor(sqlite_school, "hcarter"), meeting("Review", "a private matter"))
        with sqlite_school.db.read_session() as session:
            entry = session.scalars(select(AuditRow).where(AuditRow.entity_id == made.booking_ref)).one()
        assert entry.after["notes"] is True and "private" not in repr(entry.after)

    def test_notes_go_through_a_dump_and_a_load(self, sqlite_school, actor, open_school, tmp_path):
        sqlite_school.bookings.book(actor(sqlite_school, "mokafor"), meeting("Review", "a private matter"))
        doc = sqlite_school.dataset.dump(actor(sqlite_school, "admin"))
        [made] = [b for b in doc["bookings"] if b.get("notes")]
        assert made["notes"] == "a private matter" and made["purpose"] == "Review"
        target = open_school(f"sqlite:///{tmp_path / 'copy.db'}")
        target.dataset.load(doc)
        [block] = [b for b in target.bookings.day_view(actor(target, "hcarter"), date(2026, 11, 30)).blocks]
        assert block.notes == "a private matter"


class TestMendingTitles:
    def test_a_loaded_purpose_naming_a_pupil_is_flagged_and_mended_by_the_administrator(
            self, open_school, sqlite_url, example_doc, actor):
        services = flagged_school(open_school, sqlite_url, example_doc)
        admin = actor(services, "admin")
        [item] = services.bookings.titles_to_review(admin)
        assert (item.booking_ref, item.title, item.named, item.pupils) == (
            "b-004", "Annual review: Dev Sharma", ("Dev Sharma",), ())
        with pytest.raises(NotAllowed):
            services.bookings.titles_to_review(actor(services, "sbrown"))
        with pytest.raises(InvalidInput) as caught:  # still names him (another spelling)
            services.bookings.mend_title(admin, "b-004", "Annual review – dev SHARMA")
        assert caught.value.problems[0].where == "title"
        assert services.bookings.titles_to_review(admin) == [item]

        done = services.bookings.mend_title(admin, "b-004", "Annual review", add_pupils=[DEV])
        assert (done.title, done.pupils, done.named) == ("Annual review", ("Dev Sharma",), ())
        assert services.bookings.titles_to_review(admin) == []
        [seen] = [b for b in services.bookings.day_view(actor(services, "ttaylor"), WEDNESDAY).blocks
                  if b.booking_ref == "b-004"]
        assert (seen.title, seen.pupils, seen.title_needs_review) == ("Annual review", (OTHER_CLASS_PUPIL,), False)
        with services.db.read_session() as session:
            entry = session.scalars(select(AuditRow).where(AuditRow.action == "mend_title")).one()
        assert entry.after == {"title": "Annual review", "pupils_added": 1} and "Sharma" not in repr(entry.before)

    def test_migration_0009_flags_an_old_purpose_naming_a_pupil_and_rewrites_nothing(self, tmp_path, open_school,
                                                                                      actor):
        copy = tmp_path / FROZEN.name
        shutil.copy(FROZEN, copy)
        conn = _connect_file(copy, KEY)
        try:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0007"
            first, last = conn.execute("SELECT first_name, last_name FROM pupils ORDER BY id").fetchone()
            space = conn.execute("SELECT id FROM spaces ORDER BY id").fetchone()[0]
            for ref, purpose in (("b-old-1", f"Team around the child: {first.upper()} {last} (looked-after review)"),
                                 ("b-old-2", "Staff training: rescue medication")):
                conn.execute("INSERT INTO bookings (ext_id, space_id, starts_at, ends_at, purpose, status, version) "
                             "VALUES (?, ?, '2026-11-30 09:00:00.000000', '2026-11-30 09:30:00.000000', ?, "
                             "'booked', 1)", (ref, space, purpose))
        finally:
            conn.close()
        services = open_school(f"sqlite:///{copy}")
        assert current_revision(services.db) == head_revision()
        with services.db.read_session() as session:
            stored = {b.ext_id: (b.purpose, b.title_needs_review, b.notes) for b in session.scalars(
                select(BookingRow).where(BookingRow.ext_id.like("b-old-%")))}
        assert stored == {"b-old-1": (f"Team around the child: {first.upper()} {last} (looked-after review)", True,
                                      None),
                          "b-old-2": ("Staff training: rescue medication", False, None)}
        assert [t.booking_ref for t in services.bookings.titles_to_review(actor(services, "admin"))] == ["b-old-1"]


class TestCalendarExport:
    def test_a_teacher_exports_their_own_class_only(self, sqlite_school, actor):
        teacher = actor(sqlite_school, "ttaylor")
        for subject in ({"class_name": "Willow"}, {"space": "Sensory Room"}, {"professional": "music-1"}):
            with pytest.raises(NotAllowed, match="own class only"):
                sqlite_school.bookings.export_ics(teacher, *WEEK, **subject)

    def test_names_as_a_teacher_are_their_own_pupils_and_a_pupil_for_the_rest(self, sqlite_school, actor):
        data = sqlite_school.bookings.export_ics(actor(sqlite_school, "ttaylor"), *WEEK, class_name="Oak",
                                                 full_names=True).decode()
        events = list(vobject.readComponents(data))[0].vevent_list
        music = next(e for e in events if e.summary.value.startswith("Grace Lee"))
        assert music.summary.value == "Grace Lee: Music therapy group with Ben Hughes, a pupil"
        assert "Dev" not in data and "Sharma" not in data and DEV not in data and BEN not in data
