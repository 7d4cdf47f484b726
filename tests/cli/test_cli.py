"""The `fairfields` command, as scripts and the IT technician use it: options, output, exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fairfields_desktop.cli.main import run

DATA = Path(__file__).parent.parent / "data"
EXAMPLE = str(DATA / "example-school.json")


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def cli(monkeypatch):
    def invoke(*args: str, password: str | None = None) -> Result:
        if password is None:
            monkeypatch.delenv("FAIRFIELDS_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("FAIRFIELDS_PASSWORD", password)
        out, err = io.StringIO(), io.StringIO()
        code = run(list(args), stdout=out, stderr=err)
        return Result(code, out.getvalue(), err.getvalue())

    return invoke


@pytest.fixture
def loaded(cli, db_url):
    assert cli("--db", db_url, "load", EXAMPLE).code == 0
    return db_url


class TestLoadAndDump:
    def test_load_then_dump_as_admin(self, cli, loaded):
        result = cli("--db", loaded, "--as", "admin", "dump", password="demo-admin-2026")
        assert result.code == 0, result.err
        doc = json.loads(result.out)
        assert doc["format"] == "fairfields-school/1"
        assert [p["upn"] for p in doc["pupils"]][:2] == ["Z319700118114", "X319700119023"]

    def test_dump_to_a_file(self, cli, loaded, tmp_path):
        out = tmp_path / "school.json"
        result = cli("--db", loaded, "--as", "admin", "dump", "--out", str(out), password="demo-admin-2026")
        assert result.code == 0 and result.out == ""
        assert json.loads(out.read_text(encoding="utf-8"))["settings"]["school_name"] == "Fairfields School"

    def test_an_invalid_dataset_exits_4_listing_each_problem_with_its_path(self, cli, sqlite_url, tmp_path,
                                                                          example_doc):
        example_doc["pupils"][0]["date_of_birth"] = "11/03/2014"
        example_doc["spaces"][0]["capacity"] = -1
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps(example_doc), encoding="utf-8")
        result = cli("--db", sqlite_url, "load", str(bad))
        assert result.code == 4
        lines = result.err.splitlines()
        assert any(line.startswith("pupils[0].date_of_birth: ") and "YYYY-MM-DD" in line for line in lines)
        assert any(line.startswith("spaces[0].capacity: ") for line in lines)
        assert cli("--db", sqlite_url, "load", EXAMPLE).code == 0  # nothing was half-loaded before

    def test_a_dump_with_bad_database_rows_exits_4_listing_each_and_loads_nothing(self, cli, loaded, tmp_path,
                                                                                   sqlite_url):
        dump = json.loads(cli("--db", loaded, "--as", "admin", "dump", password="demo-admin-2026").out)
        dump["audit_events"][0]["at"] = "yesterday"
        dump["booking_occurrences"][0]["booking_id"] = 99
        dump["pupils"][1]["row"] = {"id": 1}
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps(dump), encoding="utf-8")
        empty = sqlite_url.replace("school.sqlite3", "empty.sqlite3")
        result = cli("--db", empty, "load", str(bad))
        assert result.code == 4
        lines = result.err.splitlines()
        assert any(line.startswith("audit_events[0].at: 'yesterday' is not a date-time") for line in lines)
        assert any(line.startswith("booking_occurrences[0].booking_id: 99 is not the id of a row of bookings")
                   for line in lines)
        assert any(line.startswith("pupils[1].row.id: the id 1 is also that of pupils[0]") for line in lines)
        dump["audit_events"][0]["at"] = "2026-11-23T09:00:00"
        dump["booking_occurrences"][0]["booking_id"] = 1
        del dump["pupils"][1]["row"]
        bad.write_text(json.dumps(dump), encoding="utf-8")
        assert cli("--db", empty, "load", str(bad)).code == 0  # nothing was half-loaded before

    def test_a_file_that_is_not_json_exits_4_with_its_line(self, cli, sqlite_url, tmp_path):
        bad = tmp_path / "bad.json"
        bad.write_text('{\n  "format": "fairfields-school/1",\n  oops\n}', encoding="utf-8")
        result = cli("--db", sqlite_url, "load", str(bad))
        assert result.code == 4 and "line 3" in result.err

    def test_a_missing_file_exits_4(self, cli, sqlite_url):
        assert cli("--db", sqlite_url, "load", "/no/such/file.json").code == 4

    def test_load_into_a_database_holding_a_school_exits_5(self, cli, loaded):
        result = cli("--db", loaded, "load", EXAMPLE)
        assert result.code == 5 and "empty database" in result.err


class TestWhoMayRunWhat:
    def test_dump_needs_the_acting_user(self, cli, loaded):
        result = cli("--db", loaded, "dump")
        assert result.code == 5 and "--as" in result.err

    @pytest.mark.parametrize("username,password", [("hcarter", "demo-head-2026"), ("sbrown", "demo-office-2026")])
    def test_dump_by_anyone_but_an_admin_exits_5(self, cli, loaded, username, password):
        result = cli("--db", loaded, "--as", username, "dump", password=password)
        assert result.code == 5 and result.out == ""

    def test_a_wrong_password_exits_5_without_saying_which_part_was_wrong(self, cli, loaded):
        wrong = cli("--db", loaded, "--as", "admin", "dump", password="nope")
        unknown = cli("--db", loaded, "--as", "nobody", "dump", password="demo-admin-2026")
        assert wrong.code == unknown.code == 5
        assert wrong.err == unknown.err

    def test_init_on_an_empty_database_needs_nobody(self, cli, sqlite_url):
        result = cli("--db", sqlite_url, "init")
        assert result.code == 0 and "ready" in result.err

    def test_init_on_a_school_needs_an_admin(self, cli, loaded):
        assert cli("--db", loaded, "--as", "hcarter", "init", password="demo-head-2026").code == 5
        assert cli("--db", loaded, "--as", "admin", "init", password="demo-admin-2026").code == 0

    def test_init_demo_fills_an_empty_database_with_the_demo_users(self, cli, sqlite_url):
        result = cli("--db", sqlite_url, "init", "--demo")
        assert result.code == 0 and "40 pupils" in result.err
        dump = cli("--db", sqlite_url, "--as", "admin", "dump", password="demo-admin-2026")
        assert {u["username"] for u in json.loads(dump.out)["users"]} == {
            "hcarter", "mokafor", "sbrown", "ttaylor", "admin"}
        again = cli("--db", sqlite_url, "--as", "admin", "init", "--demo", password="demo-admin-2026")
        assert again.code == 5


class TestUsage:
    def test_an_unknown_command_exits_2(self, cli, capsys):
        with pytest.raises(SystemExit) as exited:
            cli("frobnicate")
        assert exited.value.code == 2

    def test_a_bad_today_exits_2_naming_the_format(self, cli, capsys):
        with pytest.raises(SystemExit) as exited:
            cli("--today", "23/11/2026", "dump")
        assert exited.value.code == 2
        assert "YYYY-MM-DD" in capsys.readouterr().err

    def test_a_url_with_a_password_is_refused(self, cli):
        result = cli("--db", "postgresql://postgres:pw@127.0.0.1/postgres", "db", "info")
        assert result.code != 0 and "db remember" in result.err

    def test_db_remember_stores_the_password_in_the_keyring(self, cli, monkeypatch, memory_keyring):
        monkeypatch.setenv("PGPASSWORD", "from-env")
        result = cli("db", "remember", "postgresql://office@server/school")
        assert result.code == 0
        assert "from-env" in memory_keyring.store.values()

    def test_db_info_names_the_database(self, cli, sqlite_url):
        from fairfields_desktop.store.migrate import head_revision

        result = cli("--db", sqlite_url, "db", "info")
        assert result.code == 0 and "SQLite" in result.err and f"schema {head_revision()}" in result.err


class TestEntryPoint:
    def test_the_installed_command_runs_end_to_end(self, tmp_path):
        env = {**os.environ, "FAIRFIELDS_HOME": str(tmp_path), "FAIRFIELDS_PASSWORD": "demo-admin-2026"}
        fairfields = Path(sys.executable).with_name("fairfields")
        url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
        version = subprocess.run([str(fairfields), "--version"], capture_output=True, text=True, env=env)
        assert version.returncode == 0 and version.stdout.startswith("fairfields ")
        load = subprocess.run([str(fairfields), "--db", url, "load", EXAMPLE], capture_output=True, text=True,
                              env=env)
        assert load.returncode == 0, load.stderr
        dump = subprocess.run([str(fairfields), "--db", url, "--as", "admin", "dump"], capture_output=True,
                              text=True, env=env)
        assert dump.returncode == 0 and json.loads(dump.stdout)["pupils"][0]["first_name"] == "Amara"


SAMPLE_MIS = str(Path(__file__).parents[2] / "resources" / "sample-mis-export.csv")


class TestImportMis:
    def test_import_reports_each_row_by_line_and_exits_0(self, cli, loaded):
        result = cli("--db", loaded, "--as", "sbrown", "--today", "2026-11-27", "import-mis", SAMPLE_MIS,
                     password="demo-office-2026")
        assert result.code == 0, result.err
        assert "line 6: add Ela Yılmaz (T319700122013), Willow" in result.err
        assert "line 3: update Ben Hughes: attendance 92.4% on 2026-11-27" in result.err
        assert "1 added, 4 updated" in result.err

    def test_refused_rows_exit_4_with_line_numbers_and_nothing_changes(self, cli, loaded, tmp_path):
        bad = tmp_path / "bad.csv"
        bad.write_text("UPN,Surname,Forename,DOB,Year,Class\nX319700119023,Hughes,Ben,31/02/2015,7,Oak\n"
                       "Z319700118114,Osei,Amara,11/03/2014,8,Elm\n", encoding="utf-8")
        result = cli("--db", loaded, "--as", "admin", "import-mis", str(bad), "--as-of", "2026-11-27",
                     password="demo-admin-2026")
        assert result.code == 4
        assert any(line.startswith("line 2: ") for line in result.err.splitlines())
        assert any(line.startswith("line 3: ") and "Elm" in line for line in result.err.splitlines())
        dump = json.loads(cli("--db", loaded, "--as", "admin", "dump", password="demo-admin-2026").out)
        assert dump["pupils"][0]["attendance"]["as_of"] == "2026-11-20"

    def test_a_teacher_may_not_import(self, cli, loaded):
        result = cli("--db", loaded, "--as", "ttaylor", "import-mis", SAMPLE_MIS, password="demo-teacher-2026")
        assert result.code == 5


class TestIndependentTherapyInTheSchoolDay:
    """Karen Walsh (independent) with a pupil, weekly: only through a request, or the head with --reason."""

    OT = ("book", "Therapy Room 1", "2026-12-02T10:30", "11:15", "--for", "ind-ot-1", "--weekly-until", "2026-12-16")

    def test_the_office_is_refused_and_told_the_way(self, cli, loaded):
        result = cli("--db", loaded, "--as", "sbrown", *self.OT, "--pupil", "Z319700118114",
                     password="demo-office-2026")
        assert result.code == 3
        assert "works with a pupil in the school day only under the headteacher's authorisation" in result.err
        assert "Start a request for the headteacher" in result.err
        dump = json.loads(cli("--db", loaded, "--as", "admin", "dump", password="demo-admin-2026").out)
        assert [b["professional"] for b in dump["bookings"]].count("ind-ot-1") == 0

    def test_a_meeting_without_pupils_is_booked(self, cli, loaded):
        result = cli("--db", loaded, "--as", "sbrown", *self.OT, "--purpose", "OT: advice to Oak staff",
                     password="demo-office-2026")
        assert result.code == 0, result.err

    def test_the_head_with_a_reason_books_it_and_the_dump_keeps_the_reason(self, cli, loaded):
        assert cli("--db", loaded, "--as", "hcarter", *self.OT, "--pupil", "Z319700118114",
                   password="demo-head-2026").code == 3  # no reason: refused
        result = cli("--db", loaded, "--as", "hcarter", *self.OT, "--pupil", "Z319700118114", "--reason",
                     "Parent-arranged OT agreed at the annual review", password="demo-head-2026")
        assert result.code == 0, result.err
        dump = json.loads(cli("--db", loaded, "--as", "admin", "dump", password="demo-admin-2026").out)
        [booked] = [b for b in dump["bookings"] if b["professional"] == "ind-ot-1"]
        assert booked["direct_reason"] == "Parent-arranged OT agreed at the annual review"

    def test_a_senco_giving_a_reason_exits_5(self, cli, loaded):
        result = cli("--db", loaded, "--as", "mokafor", *self.OT, "--pupil", "Z319700118114", "--reason", "agreed",
                     password="demo-senco-2026")
        assert result.code == 5 and "only the headteacher" in result.err


class TestLoadBooksApprovedRequests:
    def test_a_clash_is_listed_on_stderr_and_the_load_goes_on(self, cli, sqlite_url, tmp_path, example_doc):
        request = example_doc["requests"][0]
        request["status"] = "approved"
        example_doc["bookings"].append({
            "id": "b-004", "space": "Therapy Room 1", "start": "2026-12-08T10:15", "end": "2026-12-08T11:00",
            "professional": "nhs-slt-1", "staff": [], "pupils": [], "purpose": "SLT: staff training",
            "repeat_weekly_until": None, "status": "booked"})
        path = tmp_path / "school.json"
        path.write_text(json.dumps(example_doc), encoding="utf-8")
        result = cli("--db", sqlite_url, "load", str(path))
        assert result.code == 0, result.err
        assert "9 request sessions booked" in result.err
        assert "1 session(s) of approved requests could not be booked" in result.err
        assert "  r-001 on Tue 8 Dec 2026 10:30–11:15: not booked: Therapy Room 1 is held by Rachel Green" in result.err


class TestBook:
    def test_a_weekly_booking_lists_every_date_it_booked(self, cli, loaded):
        result = cli("--db", loaded, "--as", "sbrown", "book", "Therapy Room 1", "2026-12-01T10:15",
                     "2026-12-01T10:45", "--for", "nhs-physio-1", "--pupil", "Z319700118114", "--weekly-until",
                     "2026-12-18", "--json", password="demo-office-2026")
        assert result.code == 0, result.err
        bookings = json.loads(result.out)["bookings"]
        assert [(b["start"], b["end"]) for b in bookings] == [
            ("2026-12-01T10:15", "2026-12-01T10:45"), ("2026-12-08T10:15", "2026-12-08T10:45"),
            ("2026-12-15T10:15", "2026-12-15T10:45")]
        assert len({b["id"] for b in bookings}) == 1

    def test_an_overlap_exits_3_with_the_clashing_bookings_as_json(self, cli, loaded):
        result = cli("--db", loaded, "--as", "sbrown", "book", "Therapy Room 1", "2026-12-01T10:00",
                     "2026-12-01T10:30", "--for", "ind-ot-1", "--json", password="demo-office-2026")
        assert result.code == 3
        assert json.loads(result.out) == {"conflicts": [{
            "booking": "b-001", "space": "Therapy Room 1", "start": "2026-12-01T09:30",
            "end": "2026-12-01T10:15", "for": "Rachel Green (SLT: AAC programme)"}]}

    def test_school_use_with_staff(self, cli, loaded):
        result = cli("--db", loaded, "--as", "hcarter", "book", "Meeting Room", "2026-11-25T14:30", "15:10",
                     "--staff", "ttaylor", "--staff", "lwhite", "--purpose", "Phase meeting",
                     password="demo-head-2026")
        assert result.code == 0 and "booked b-004: Meeting Room, 1 date(s)" in result.err

    def test_a_teacher_may_not_book(self, cli, loaded):
        result = cli("--db", loaded, "--as", "ttaylor", "book", "Meeting Room", "2026-11-25T14:30", "15:10",
                     "--staff", "ttaylor", password="demo-teacher-2026")
        assert result.code == 5

    def test_for_and_staff_are_exclusive(self, cli, loaded):
        with pytest.raises(SystemExit) as exited:
            cli("--db", loaded, "book", "Meeting Room", "2026-11-25T14:30", "15:10")
        assert exited.value.code == 2


class TestRequests:
    def test_check_json_on_the_example_school(self, cli, loaded):
        result = cli("--db", loaded, "--as", "mokafor", "--today", "2026-11-23", "requests", "check", "--json",
                     password="demo-senco-2026")
        assert result.code == 0, result.err
        verdicts = {r["request"]: r for r in json.loads(result.out)}
        assert verdicts["r-001"]["eligible"] is True and verdicts["r-003"]["eligible"] is True
        assert verdicts["r-002"]["eligible"] is False
        assert [x["rule"] for x in verdicts["r-002"]["rules"] if not x["ok"]] == ["ATTENDANCE"]
        assert [x["rule"] for x in verdicts["r-002"]["rules"]] == [
            "ATTENDANCE", "MAX_WEEKS", "EXTENSION", "EHCP_APPROVAL", "CLASSROOM_AGREEMENT", "SPACE", "CLASS_STAFF",
            "NOT_SUSPENDED", "CHECKS"]
        assert verdicts["r-002"]["pupil"] == "X319700119023" and verdicts["r-002"]["professional"] == "ind-physio-1"

    def test_decide_refusals_and_overrides_by_exit_code(self, cli, loaded):
        senco = cli("--db", loaded, "--as", "mokafor", "requests", "decide", "r-001", "approve",
                    password="demo-senco-2026")
        assert senco.code == 5
        plain = cli("--db", loaded, "--as", "hcarter", "--today", "2026-11-23", "requests", "decide", "r-002",
                    "approve", password="demo-head-2026")
        assert plain.code == 3 and "ATTENDANCE" in plain.err
        override = cli("--db", loaded, "--as", "hcarter", "--today", "2026-11-23", "requests", "decide", "r-002",
                       "approve", "--override", "ATTENDANCE", "--reason", "post-operative physiotherapy",
                       password="demo-head-2026")
        assert override.code == 0 and "r-002 is now approved" in override.err
        reinstate = cli("--db", loaded, "--as", "hcarter", "requests", "decide", "r-001", "reinstate",
                        password="demo-head-2026")
        assert reinstate.code == 3


class TestDue:
    def test_due_json_on_the_example_school(self, cli, loaded):
        result = cli("--db", loaded, "--as", "mokafor", "--today", "2026-11-23", "due", "--json",
                     password="demo-senco-2026")
        assert result.code == 0, result.err
        doc = json.loads(result.out)
        assert doc["today"] == "2026-11-23"
        items = {(i["kind"], i["subject"]): i for i in doc["items"]}
        assert items[("annual_review", "X319700119023")]["due"] == "2026-11-09"
        assert items[("annual_review", "X319700119023")]["overdue"] is True
        advice = items[("advice", "X319700117077")]
        assert advice["due"] == "2026-11-16" and advice["overdue"] and "Rachel Green" in advice["detail"]
        physio = items[("dbs", "ind-physio-1")]
        assert physio["overdue"] and "re-check policy" in physio["detail"]
        assert items[("registration", "nhs-physio-1")]["overdue"]
        assert "over a year" in items[("registration", "nhs-physio-1")]["detail"]

    def test_a_teacher_sees_their_class_only(self, cli, loaded):
        result = cli("--db", loaded, "--as", "ttaylor", "--today", "2026-11-23", "due",
                     "--json", "--within", "365", password="demo-teacher-2026")
        subjects = {i["subject"] for i in json.loads(result.out)["items"]}
        assert "X319700121005" not in subjects  # Dev Sharma is in Willow
        assert "X319700119023" in subjects and not {"ind-physio-1", "nhs-physio-1"} & subjects


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


class TestReport:
    def test_a_review_pack_for_one_pupil(self, cli, loaded, tmp_path):
        out = tmp_path / "amara.pdf"
        result = cli("--db", loaded, "--as", "mokafor", "--today", "2026-11-23", "report", "review-pack",
                     "Z319700118114", "--out", str(out), password="demo-senco-2026")
        assert result.code == 0, result.err
        assert "Review pack: Amara Osei" in result.err
        text = pdf_text(out)
        assert "Amara Osei" in text and "Rachel Green" in text and "Printed 23 Nov 2026" in text
        assert not (tmp_path / "amara.pdf.part").exists()

    def test_the_week_s_timetable_and_the_authorisations_register(self, cli, loaded, tmp_path):
        week = tmp_path / "week.pdf"
        result = cli("--db", loaded, "--as", "sbrown", "--today", "2026-11-23", "report", "timetable",
                     "--week", "2026-11-25", "--out", str(week), password="demo-office-2026")
        assert result.code == 0, result.err
        text = pdf_text(week)
        assert "Oak class" in text and "Music therapy group" in text and "SLT: AAC programme" in text
        register = tmp_path / "register.pdf"
        result = cli("--db", loaded, "--as", "hcarter", "--today", "2026-11-23", "report", "authorisations",
                     "--out", str(register), password="demo-head-2026")
        assert result.code == 0, result.err
        text = pdf_text(register)
        assert "r-001" in text and "r-002" in text and "r-003" in text

    def test_the_timetable_leaves_out_spaces_with_nothing_booked_unless_all_are_asked_for(self, cli, loaded,
                                                                                          tmp_path):
        def week(*more: str) -> str:
            out = tmp_path / "week.pdf"
            result = cli("--db", loaded, "--as", "sbrown", "--today", "2026-11-23", "report", "timetable",
                         "--week", "2026-11-25", *more, "--out", str(out), password="demo-office-2026")
            assert result.code == 0, result.err
            return pdf_text(out)

        booked = week()
        rows = [line.split("  ")[0].strip() for line in booked.splitlines() if line.strip()]
        assert "Therapy Room 1" in rows and "Sensory Room" in rows
        assert "Oak Classroom" not in rows and "Willow Classroom" not in rows and "Meeting Room" not in rows
        assert "Not shown, nothing booked this week: Meeting Room, Oak Classroom, Willow Classroom." in \
            " ".join(booked.split())
        assert booked.index("Therapy Room 1") < booked.index("Sensory Room")  # the school's order
        every = week("--all-spaces")
        assert "Oak Classroom" in every and "Willow Classroom" in every and "Meeting Room" in every
        assert "Not shown" not in every

    def test_a_letter_about_the_event_chosen_is_written_and_kept(self, cli, loaded, tmp_path):
        def run(*args: str):
            return cli("--db", loaded, "--as", "hcarter", "--today", "2026-11-23", *args, password="demo-head-2026")

        assert run("requests", "decide", "r-002", "decline", "--reason", "no room free").code == 0
        out = tmp_path / "letter.pdf"
        unknown = run("report", "letter", "r-002", "--event", "9999", "--out", str(out))
        assert unknown.code == 4 and "has no event 9999" in unknown.err and not out.exists()
        result = run("report", "letter", "r-002", "--out", str(out))
        assert result.code == 0, result.err
        text = " ".join(pdf_text(out).split())
        assert "not able to agree" in text and "Yours sincerely, Helen Carter Headteacher" in text
        from fairfields_desktop.app import open_services

        services = open_services(loaded)
        try:
            head = services.auth.sign_in("hcarter", "demo-head-2026")
            [sent] = services.reports.letters_sent(head, "r-002")
            assert sent.kind == "declined" and "no room free" in sent.body
        finally:
            services.close()

    def test_a_teacher_exports_the_calendar_of_their_own_class_only(self, cli, loaded, tmp_path):
        out = tmp_path / "willow.ics"
        other = cli("--db", loaded, "--as", "ttaylor", "--today", "2026-11-23", "calendar", "export", "--class",
                    "Willow", "--out", str(out), password="demo-teacher-2026")
        assert other.code == 5 and "own class only (--class Oak)" in other.err and not out.exists()
        space = cli("--db", loaded, "--as", "ttaylor", "--today", "2026-11-23", "calendar", "export", "--space",
                    "Sensory Room", "--out", str(out), password="demo-teacher-2026")
        assert space.code == 5 and not out.exists()

    def test_names_in_a_teachers_calendar_are_their_own_pupils_only(self, cli, loaded, tmp_path):
        out = tmp_path / "oak.ics"
        result = cli("--db", loaded, "--as", "ttaylor", "--today", "2026-11-23", "calendar", "export", "--class",
                     "Oak", "--to", "2026-11-27", "--names", "--out", str(out), password="demo-teacher-2026")
        assert result.code == 0, result.err
        ics = out.read_text(encoding="utf-8").replace("\r\n ", "")  # unfolded
        assert "SUMMARY:Grace Lee: Music therapy group with Ben Hughes\\, a pupil" in ics
        assert "Dev" not in ics and "Sharma" not in ics and "X3197" not in ics and "Z3197" not in ics
        office = tmp_path / "office.ics"
        result = cli("--db", loaded, "--as", "sbrown", "--today", "2026-11-23", "calendar", "export", "--space",
                     "Sensory Room", "--to", "2026-11-27", "--out", str(office), password="demo-office-2026")
        assert result.code == 0, result.err
        assert "with B.H.\\, D.S." in office.read_text(encoding="utf-8")  # initials without --names

    def test_book_takes_a_title_and_notes_and_refuses_a_name_in_the_title(self, cli, loaded):
        named = cli("--db", loaded, "--as", "mokafor", "book", "Meeting Room", "2026-11-30T09:00", "09:30",
                    "--staff", "ttaylor", "--purpose", "Review for amara osei", password="demo-senco-2026")
        assert named.code == 4 and "title" in named.err and "Amara Osei" in named.err
        assert "choose the pupil from the register" in named.err
        done = cli("--db", loaded, "--as", "mokafor", "book", "Meeting Room", "2026-11-30T09:00", "09:30",
                   "--staff", "ttaylor", "--pupil", "Z319700118114", "--purpose", "Review",
                   "--notes", "mother asked for a quiet room", password="demo-senco-2026")
        assert done.code == 0, done.err
        office = cli("--db", loaded, "--as", "sbrown", "book", "Meeting Room", "2026-11-30T10:00", "10:30",
                     "--staff", "ttaylor", "--purpose", "Review", "--notes", "x", password="demo-office-2026")
        assert office.code == 5

    def test_who_may_print_and_bad_input(self, cli, loaded, tmp_path):
        out = tmp_path / "x.pdf"
        office = cli("--db", loaded, "--as", "sbrown", "report", "review-pack", "Z319700118114", "--out", str(out),
                     password="demo-office-2026")
        assert office.code == 5 and not out.exists()
        unknown = cli("--db", loaded, "--as", "mokafor", "report", "review-pack", "A000000000000", "--out", str(out),
                      password="demo-senco-2026")
        assert unknown.code == 4 and "A000000000000" in unknown.err and not out.exists()
        not_pdf = cli("--db", loaded, "--as", "mokafor", "report", "review-pack", "Z319700118114",
                      "--out", str(tmp_path / "x.txt"), password="demo-senco-2026")
        assert not_pdf.code == 4 and "--out" in not_pdf.err
        with pytest.raises(SystemExit) as exited:
            cli("--db", loaded, "--as", "sbrown", "report", "timetable", "--out", str(out), password="demo-office-2026")
        assert exited.value.code == 2


class TestTheWindow:
    """`gui` (and no command) starts the window the entry point hands over: the command line imports no Qt."""

    def test_gui_runs_the_window_it_is_given(self, sqlite_url):
        started = []

        def window(db, today, demo=False) -> int:
            started.append((db, today, demo))
            return 0

        assert run(["--db", sqlite_url, "--today", "2026-11-23", "gui", "--demo"], window=window) == 0
        assert run(["--db", sqlite_url], window=window) == 0
        assert [(db, str(today), demo) for db, today, demo in started] == [
            (sqlite_url, "2026-11-23", True), (sqlite_url, "None", False)]

    def test_without_a_window_gui_is_a_usage_error(self, sqlite_url):
        err = io.StringIO()
        assert run(["--db", sqlite_url, "gui"], stderr=err) == 2 and "entry point" in err.getvalue()

    def test_the_entry_point_hands_over_ui_launch(self):
        code = ("import sys, fairfields_desktop.cli.main, fairfields_desktop.__main__ as m; "
                "assert 'PySide6' not in sys.modules and 'fairfields_desktop.ui' not in sys.modules; "
                "print(m.run_window.__doc__.split(':')[0])")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
        assert done.stdout.strip() == "The `gui` command"
