"""Subject access: everything held about one pupil as JSON and as a PDF, other pupils never named, the
export audited; the `export-pupil` command; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import select

from fairfields_desktop.cli.main import run
from fairfields_desktop.domain.errors import NotAllowed
from fairfields_desktop.reports.subject_access import save
from fairfields_desktop.store.models import AuditRow, BookingOccurrenceRow, BookingRow

BEN, DEV = "X319700119023", "X319700121005"
#: Ben shares the music therapy group (b-002) with Dev: Dev must never be named in Ben's export
DEV_WORDS = ("Dev", "Sharma", DEV, "Anjali")
AFTER_THE_GROUP = date(2026, 11, 26)  # b-002 met on Wednesday 25 November


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is not installed (poppler-utils is needed by the report tests)")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def later(school, open_school, db_url):
    """The example school, the day after the music therapy group met, with records about Ben and Dev."""
    return open_school(db_url, today=AFTER_THE_GROUP)


def fill_records(services, actor) -> dict:
    head, senco, office = actor(services, "hcarter"), actor(services, "mokafor"), actor(services, "sbrown")
    ben, dev = services.pupils.id_of(head, BEN), services.pupils.id_of(head, DEV)
    outcome = services.outcomes.add_outcome(senco, BEN, "communication_and_interaction",
                                            "Ben takes part in group music making")
    target = services.outcomes.add_target(senco, outcome, "waits for his turn on the drum", professional="music-1")
    dev_outcome = services.outcomes.add_outcome(senco, DEV, "social_emotional_and_mental_health",
                                                "Dev joins in with others")
    services.outcomes.add_target(senco, dev_outcome, "stays with the group for ten minutes")
    with services.db.read_session() as session:
        occurrence = session.scalar(select(BookingOccurrenceRow.id).join(BookingRow)
                                    .where(BookingRow.ext_id == "b-002"))
    services.sessions.mark(senco, occurrence, True, target_id=target,
                           note="Ben waited while Dev Sharma played, then took his turn")
    pro = next(p for p in services.professionals.list_professionals(office) if p.ext_id == "music-1")
    services.professionals.sign_in_visitor(office, pro.id, identity_checked=True, purpose="observation",
                                           pupil_ids=[ben, dev], space="Sensory Room")
    services.pupils.add_consent(senco, ben, professional="music-1", sections=["outcomes"], given_by_kind="parent",
                                given_by="Claire Hughes", given_on=date(2026, 11, 2))
    services.pupils.record_budget_discussion(head, ben, date(2026, 11, 20), ehcp_officer="Sam Ellis",
                                             capacity_agreed=True, already_provided=False, notes="physio budget")
    services.requests.decide(head, "r-002", "decline", reason="attendance below the policy's level")
    services.reviews.schedule(senco, BEN, date(2027, 1, 12), meeting_at=time(10, 0), place="Meeting Room")
    return {"ben": ben, "dev": dev, "occurrence": occurrence}


class TestTheExport:
    def test_everything_about_ben_and_nothing_naming_dev(self, later, actor):
        ids = fill_records(later, actor)
        head = actor(later, "hcarter")
        export = later.subject_access.export(head, ids["ben"])
        data = export.data
        assert data["pupil"]["upn"] == BEN and data["pupil"]["first_name"] == "Ben"
        assert [c["name"] for c in data["contacts"]] == ["Mark Hughes", "Claire Hughes"]
        assert [c["share_with"] for c in data["consents"]][-1] == "music-1"
        assert data["attendance"]["current"]["percent"] == 91.5 and data["attendance"]["history"]
        assert data["ehcp"]["personal_budget"]["reference"] == "PB-3190-0533"
        assert data["areas_of_need"] == ["sensory_and_physical"]
        assert {t["professional"] for t in data["team"]["involved"]} >= {"nhs-physio-1", "music-1"}
        group = data["sessions"][0]
        assert group["booking"] == "b-002" and group["with_others"] == "with 1 other pupil"
        record = group["dates"][0]["record"]
        assert record["note"] == "Ben waited while [another pupil] played, then took his turn"
        assert record["target"] == "waits for his turn on the drum"
        request = data["requests"][0]
        assert request["ref"] == "r-002" and request["history"][-1]["action"] == "declined"
        assert data["annual_reviews"][0]["meeting_on"] == "2027-01-12"
        assert "Mark Hughes" in [i["name"] for i in data["annual_reviews"][0]["invitees"]]
        target = data["outcomes"][0]["targets"][0]
        assert target["progress_notes"][0]["note"] == "Ben waited while [another pupil] played, then took his turn"
        assert data["budget_discussions"][0]["notes"] == "physio budget"
        assert data["visits"][0]["with_others"] == "with 1 other pupil"
        assert {(e["record"], e["action"]) for e in data["audit"]} >= {
            ("consent", "create"), ("outcome", "add"), ("target", "add"), ("budget_discussion", "create"),
            ("request", "decline"), ("annual_review", "schedule"), ("session", "mark"), ("visit", "sign_in")}
        text = export.to_json()
        assert json.loads(text)["format"] == "fairfields-subject-access/1"
        for word in DEV_WORDS:
            assert word not in text, word

    def test_a_note_against_another_pupils_target_is_left_out(self, later, actor):
        ids = fill_records(later, actor)
        dev = later.subject_access.export(actor(later, "hcarter"), ids["dev"]).data
        record = dev["sessions"][0]["dates"][0]["record"]
        assert record["note"] is None and record["note_left_out"] is True
        assert "Ben" not in json.dumps(dev) and "Hughes" not in json.dumps(dev)

    def test_the_export_is_audited_without_personal_data(self, later, actor):
        ids = fill_records(later, actor)
        later.subject_access.export(actor(later, "mokafor"), ids["ben"])
        with later.db.read_session() as session:
            entry = session.scalars(select(AuditRow).order_by(AuditRow.id.desc())).first()
        assert (entry.username, entry.action, entry.entity, entry.entity_id) == (
            "mokafor", "subject_access", "pupil", str(ids["ben"]))
        assert entry.note == f"subject access export of pupil {ids['ben']}"
        assert entry.before is None and entry.after is None

    def test_the_office_teachers_and_the_administrator_may_not_export(self, later, actor):
        ben = later.pupils.id_of(actor(later, "hcarter"), BEN)
        for username in ("sbrown", "ttaylor", "admin"):
            with pytest.raises(NotAllowed, match="pupils.subject_access"):
                later.subject_access.export(actor(later, username), ben)

    def test_the_json_and_the_pdf_are_written_and_the_pdf_names_no_other_pupil(self, later, actor, out):
        ids = fill_records(later, actor)
        json_path, pdf_path = save(later, actor(later, "hcarter"), ids["ben"], out)
        assert json_path == out / f"subject-access-{ids['ben']}.json"
        assert pdf_path == out / f"subject-access-{ids['ben']}.pdf"
        assert json.loads(json_path.read_text(encoding="utf-8"))["pupil"]["last_name"] == "Hughes"
        text = pdf_text(pdf_path)
        assert "Subject access: Ben Hughes" in text and BEN in text
        assert "with 1 other pupil" in text and "Mark Hughes" in text
        for word in DEV_WORDS + ("Amara", "Chloe", "Osei", "Nowak"):
            assert word not in text, word
        assert sorted(p.name for p in out.iterdir()) == [json_path.name, pdf_path.name]  # no .part left


class TestTheCommand:
    def invoke(self, monkeypatch, *args: str, password: str) -> tuple[int, str]:
        monkeypatch.setenv("FAIRFIELDS_PASSWORD", password)
        err = io.StringIO()
        code = run(list(args), stdout=io.StringIO(), stderr=err)
        return code, err.getvalue()

    def test_export_pupil_writes_both_files(self, school, db_url, monkeypatch, out, actor):
        ben = school.pupils.id_of(actor(school, "hcarter"), BEN)
        code, err = self.invoke(monkeypatch, "--db", db_url, "--as", "mokafor", "export-pupil", BEN, "--out",
                                str(out), password="demo-senco-2026")
        assert code == 0, err
        assert sorted(p.name for p in out.iterdir()) == [f"subject-access-{ben}.json", f"subject-access-{ben}.pdf"]
        assert f"subject access export of pupil {ben}" in err and "Hughes" not in err

    def test_the_office_is_refused_with_exit_5(self, sqlite_school, sqlite_url, monkeypatch, out):
        code, err = self.invoke(monkeypatch, "--db", sqlite_url, "--as", "sbrown", "export-pupil", BEN, "--out",
                                str(out), password="demo-office-2026")
        assert code == 5 and "pupils.subject_access" in err
        assert list(out.iterdir()) == []

    def test_the_administrator_is_refused_with_exit_5(self, sqlite_school, sqlite_url, monkeypatch, out):
        """Everything held about a pupil, health data included, is for the headteacher and the SENCO."""
        code, err = self.invoke(monkeypatch, "--db", sqlite_url, "--as", "admin", "export-pupil", BEN, "--out",
                                str(out), password="demo-admin-2026")
        assert code == 5 and "pupils.subject_access" in err
        assert list(out.iterdir()) == []

    def test_an_unknown_upn_or_folder_exits_4(self, sqlite_school, sqlite_url, monkeypatch, tmp_path):
        code, err = self.invoke(monkeypatch, "--db", sqlite_url, "--as", "hcarter", "export-pupil", "X000000000000",
                                "--out", str(tmp_path), password="demo-head-2026")
        assert code == 4 and "no pupil with UPN" in err
        code, err = self.invoke(monkeypatch, "--db", sqlite_url, "--as", "hcarter", "export-pupil", BEN,
                                "--out", str(tmp_path / "nowhere"), password="demo-head-2026")
        assert code == 4 and "does not exist" in err
