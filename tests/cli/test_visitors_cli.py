"""`fairfields visitors sign-in / sign-out / list` and `report fire-list`, as the contract's Additions give them:
the JSON shapes, the roles, a blocked professional refused (exit 3), and the printed fire list read back."""

from __future__ import annotations

import io
import json
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from fairfields_desktop.cli.main import run

DATA = Path(__file__).parent.parent / "data"
EXAMPLE = str(DATA / "example-school.json")
OFFICE = ("--as", "sbrown")
OFFICE_PASSWORD = "demo-office-2026"
FRIDAY = "2027-01-08"  # r-003: Dev Sharma off site with Peter Quinn, Fridays 13:30–15:00

#: one visitor of each kind, with the options the office gives for them
KINDS = {
    "parent": ("Abena Osei", ["--organisation", "Amara Osei's mother", "--id-checked"]),
    "contractor": ("Gary Fix", ["--organisation", "Acme Boilers", "--id-checked", "--regulated",
                                "--dbs-certificate", "001234567890", "--dbs-date", "2025-03-01", "--badge", "C3"]),
    "governor": ("Lord Brown", ["--organisation", "Chair of governors"]),
    "student": ("Sam Lee", ["--organisation", "City College", "--id-checked"]),
    "supply": ("Jo King", ["--organisation", "Teach Agency", "--id-checked", "--regulated", "--escorted"]),
    "other": ("Pat Smith", []),
}


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def cli(monkeypatch):
    def invoke(*args: str, password: str | None = OFFICE_PASSWORD) -> Result:
        monkeypatch.setenv("FAIRFIELDS_PASSWORD", password)
        out, err = io.StringIO(), io.StringIO()
        code = run(list(args), stdout=out, stderr=err)
        return Result(code, out.getvalue(), err.getvalue())

    return invoke


@pytest.fixture
def loaded(cli, sqlite_url):
    assert cli("--db", sqlite_url, "load", EXAMPLE).code == 0
    return sqlite_url


def sign_in(cli, db: str, kind: str, name: str, *extra: str, today: str = FRIDAY) -> Result:
    return cli("--db", db, *OFFICE, "--today", today, "visitors", "sign-in", "--name", name, "--kind", kind,
               "--visiting", "Mrs Patel", *extra, "--json")


def test_each_kind_signed_in_listed_and_signed_out_in_the_contract_shapes(cli, loaded):
    visits = {}
    for kind, (name, extra) in KINDS.items():
        result = sign_in(cli, loaded, kind, name, *extra)
        assert result.code == 0, result.err
        shape = json.loads(result.out)
        assert list(shape) == ["visit"] and isinstance(shape["visit"], int)
        visits[kind] = shape["visit"]
    pro = sign_in(cli, loaded, "professional", "Rachel Green", "--professional", "nhs-slt-1", "--id-checked")
    assert pro.code == 0, pro.err
    visits["professional"] = json.loads(pro.out)["visit"]

    listed = cli("--db", loaded, *OFFICE, "--today", FRIDAY, "visitors", "list", "--json")
    assert listed.code == 0, listed.err
    shape = json.loads(listed.out)
    assert set(shape) == {"on_site", "pupils_off_site"} and shape["pupils_off_site"] == []
    by_visit = {p["visit"]: p for p in shape["on_site"]}
    assert {kind: by_visit[v]["kind"] for kind, v in visits.items()} == {k: k for k in visits}
    assert by_visit[visits["professional"]]["name"] == "Rachel Green"
    assert by_visit[visits["parent"]]["name"] == "Abena Osei"
    for entry in shape["on_site"]:
        assert datetime.strptime(entry["since"], "%Y-%m-%dT%H:%M").date().isoformat() == FRIDAY

    out = cli("--db", loaded, *OFFICE, "--today", FRIDAY, "visitors", "sign-out", str(visits["parent"]))
    assert out.code == 0, out.err
    assert "Abena Osei signed out" in out.err
    again = json.loads(cli("--db", loaded, *OFFICE, "--today", FRIDAY, "visitors", "list", "--json").out)
    assert visits["parent"] not in [p["visit"] for p in again["on_site"]] and len(again["on_site"]) == 6
    assert cli("--db", loaded, *OFFICE, "--today", FRIDAY, "visitors", "sign-out", str(visits["parent"])).code == 4


def test_refusals_exit_with_the_contract_codes(cli, loaded, open_school):
    # a contractor in regulated activity with neither a DBS seen nor an escort: invalid input, named
    bare = sign_in(cli, loaded, "contractor", "Gary Fix", "--id-checked", "--regulated")
    assert bare.code == 4 and "escorted" in bare.err
    assert json.loads(bare.out)["problems"][0]["field"] == "dbs_certificate"
    # a professional whose insurance has lapsed: refused by the checks
    services = open_school(loaded)
    office = services.auth.sign_in("sbrown", OFFICE_PASSWORD)
    karen = next(p for p in services.professionals.list_professionals(office) if p.ext_id == "ind-ot-1")
    values = services.professionals.values(office, karen.id)
    values["checks"]["insurance_expires"] = "2026-11-01"
    services.professionals.save(office, values, karen.id)
    blocked = sign_in(cli, loaded, "professional", "Karen", "--professional", "ind-ot-1", "--id-checked")
    assert blocked.code == 3, blocked.err
    assert "insurance expired" in json.loads(blocked.out)["refused"]
    assert sign_in(cli, loaded, "professional", "X", "--id-checked").code == 4  # no --professional
    with pytest.raises(SystemExit) as usage:  # not a kind: argparse's usage error
        sign_in(cli, loaded, "visitor", "X")
    assert usage.value.code == 2
    # a teacher may not sign visitors in nor list them
    teacher = cli("--db", loaded, "--as", "ttaylor", "visitors", "list", "--json", password="demo-teacher-2026")
    assert teacher.code == 5
    listed = json.loads(cli("--db", loaded, *OFFICE, "visitors", "list", "--json").out)
    assert listed["on_site"] == []


def test_the_fire_list_holds_a_visitor_of_each_kind_and_the_pupil_off_site(cli, loaded, open_school, tmp_path):
    services = open_school(loaded, today=datetime.fromisoformat(FRIDAY).date())
    services.requests.decide(services.auth.sign_in("hcarter", "demo-head-2026"), "r-003", "approve")
    office = services.auth.sign_in("sbrown", OFFICE_PASSWORD)
    services.requests.log_off_site(office, "r-003", datetime(2027, 1, 8, 13, 30), taken_by="Dad")
    for kind, (name, extra) in KINDS.items():
        assert sign_in(cli, loaded, kind, name, *extra).code == 0
    assert sign_in(cli, loaded, "professional", "Rachel", "--professional", "nhs-slt-1", "--id-checked").code == 0

    listed = json.loads(cli("--db", loaded, *OFFICE, "--today", FRIDAY, "visitors", "list", "--json").out)
    [dev] = listed["pupils_off_site"]
    assert set(dev) >= {"pupil", "since"} and dev["since"] == "2027-01-08T13:30"
    dev_upn = dev["pupil"]

    pdf = tmp_path / "fire.pdf"
    made = cli("--db", loaded, *OFFICE, "--today", FRIDAY, "report", "fire-list", "--out", str(pdf))
    assert made.code == 0, made.err
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())
    for kind_words, (name, _extra) in zip(("Parent or carer", "Contractor", "Governor", "Student", "Supply staff",
                                           "Other visitor"), KINDS.values(), strict=True):
        assert name in text and kind_words in text
    assert "Rachel Green" in text and "Statutory professional" in text
    assert "Dev Sharma" in text and dev_upn in text and "Off-site therapy with Peter Quinn" in text
    assert "DBS 001234567890 of 01 Mar 2025 seen" in text and "escorted" in text
    assert "Staff are not signed in and out in Fairfields" in text

    # --out checked first: a folder that does not exist, a name not ending in .pdf
    assert cli("--db", loaded, *OFFICE, "report", "fire-list", "--out", str(tmp_path / "no" / "f.pdf")).code == 4
    assert cli("--db", loaded, *OFFICE, "report", "fire-list", "--out", str(tmp_path / "f.txt")).code == 4
    teacher = cli("--db", loaded, "--as", "ttaylor", "report", "fire-list", "--out", str(pdf),
                  password="demo-teacher-2026")
    assert teacher.code == 5
