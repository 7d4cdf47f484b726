"""Bad files through the command line: `load` of broken datasets and `import-mis` of broken CSV exports.

Each generated file must end in exit 4 with a message (or exit 0 when it was good after all), never
exit 1 (a bug, with a traceback in the log), and a refused file leaves the database exactly as it was:
nothing half-saved. On SQLite and PostgreSQL. The inputs come from the generator of
tests/domain/test_bad_input.py (seeded by hypothesis); the number tried is printed.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, reject, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from fairfields_desktop.cli.main import run
from fairfields_desktop.store.models import AttendanceRow, AuditRow, Base, PupilRow

_spec = importlib.util.spec_from_file_location("bad_input_generator",
                                               Path(__file__).parent.parent / "domain" / "test_bad_input.py")
generator = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generator)
Junk, shown = generator.Junk, generator.shown

SOAK = bool(os.environ.get("FAIRFIELDS_SOAK"))
DATASETS = 150 if SOAK else 25  # per database
EXPORTS = 100 if SOAK else 15
EXAMPLE = generator.EXAMPLE
SAMPLE_MIS = (Path(__file__).parents[2] / "resources" / "sample-mis-export.csv").read_text(encoding="utf-8")


def cli(*args: str, password: str | None = None) -> tuple[int, str]:
    if password is None:
        os.environ.pop("FAIRFIELDS_PASSWORD", None)
    else:
        os.environ["FAIRFIELDS_PASSWORD"] = password
    out, err = io.StringIO(), io.StringIO()
    try:
        code = run(list(args), stdout=out, stderr=err)
    finally:
        os.environ.pop("FAIRFIELDS_PASSWORD", None)
    return code, err.getvalue()


def few(n: int):
    return settings(max_examples=n, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def snapshot(open_school, url: str) -> dict:
    """Every table's row count, and the pupils and their attendance as stored: what must not change."""
    services = open_school(url)
    try:
        with services.db.read_session() as session:
            counts = {t.name: session.execute(select(func.count()).select_from(t)).scalar()
                      for t in Base.metadata.sorted_tables}
            pupils = [tuple(r) for r in session.execute(select(
                PupilRow.id, PupilRow.upn, PupilRow.first_name, PupilRow.last_name, PupilRow.date_of_birth,
                PupilRow.year_group, PupilRow.class_id, PupilRow.attendance_percent, PupilRow.attendance_as_of,
                PupilRow.version).order_by(PupilRow.id))]
            attendance = session.execute(select(func.count()).select_from(AttendanceRow)).scalar()
            last_audit = session.scalar(select(func.max(AuditRow.id)))
        return {"counts": counts, "pupils": pupils, "attendance": attendance, "last_audit": last_audit}
    finally:
        services.close()


@pytest.fixture
def fresh_url(request, tmp_path, pg_url_factory):
    """``fresh_url()``: another empty database of the test's kind (after a load that succeeded)."""
    kind = request.node.callspec.params["db_url"]

    def make() -> str:
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / f'school-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return pg_url_factory()

    return make


@pytest.fixture
def pg_url_factory(request):
    """More PostgreSQL databases, each dropped afterwards (only asked for on PostgreSQL runs)."""
    made: list[str] = []

    def make() -> str:
        from sqlalchemy.engine import make_url

        engine = request.getfixturevalue("pg_admin_engine")
        name = f"fairfields_test_{uuid.uuid4().hex[:12]}"
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return make_url(str(engine.url)).set(database=name).render_as_string(hide_password=False)

    yield make
    if made:
        engine = request.getfixturevalue("pg_admin_engine")
        with engine.connect() as conn:
            for name in made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


#: what a database refuses even when the format allows it: too long for a column, a NUL, not Unicode
HOSTILE = ["x" * 14, "x" * 41, "x" * 61, "x" * 81, "x" * 121, "x" * 201, "x" * 301, "é" * 5000, "a\x00b",
           "\x00", "\ud800", "x\udfffy"]


def _broken_dataset(junk: Junk) -> object:
    """The example school with something wrong: often one thing only, of the kind a database refuses
    (a text too long for its column, a NUL, an unpaired surrogate, a name listed twice), so that nothing
    else stops it first; else a few random changes."""
    roll = junk.rng.random()
    if roll < 0.55:
        doc = json.loads(generator.EXAMPLE_TEXT)
        leaves = []

        def walk(node: object) -> None:
            for key, value in (node.items() if isinstance(node, dict) else enumerate(node)):
                if isinstance(value, (dict, list)):
                    walk(value)
                elif isinstance(value, str) and key != "format":
                    leaves.append((node, key))

        walk(doc)
        node, key = junk.rng.choice(leaves)
        node[key] = junk.rng.choice(HOSTILE)
        return doc
    if roll < 0.7:
        doc = json.loads(generator.EXAMPLE_TEXT)
        lists = [b["staff"] for b in doc["bookings"] if b["staff"]] + [b["pupils"] for b in doc["bookings"]
                                                                        if b["pupils"]]
        lists += [u["roles"] for u in doc["users"]] + [p["areas_of_need"] for p in doc["pupils"]
                                                        if p.get("areas_of_need")]
        chosen = junk.rng.choice(lists)
        chosen.extend(chosen[:1] * junk.rng.randint(1, 30))
        return doc
    return junk.mutate(EXAMPLE)


class TestLoad:
    def test_broken_datasets_exit_4_and_load_nothing(self, db_url, fresh_url, open_school, tmp_path, capsys):
        tried, refused, loaded = [0], [0], [0]
        url = [db_url]
        empty = snapshot(open_school, db_url)
        assert sum(empty["counts"].values()) == empty["counts"].get("alembic_version", 0)

        @few(DATASETS)
        @given(generator.SEEDS)
        def check(seed: int) -> None:
            doc = _broken_dataset(Junk(seed))
            try:
                body = json.dumps(doc, indent=1)
            except ValueError:  # an integer too long for JSON: tested on its own below
                reject()
            note(shown(doc))
            path = tmp_path / "school.json"
            path.write_text(body, encoding="utf-8")
            tried[0] += 1
            code, err = cli("--db", url[0], "load", str(path))
            assert code in (0, 4), f"exit {code}: {err}"
            assert "Traceback" not in err and "unexpected failure" not in err, err
            if code == 4:
                refused[0] += 1
                assert err.startswith("fairfields: ") and len(err.splitlines()) >= 1
                assert snapshot(open_school, url[0]) == empty, "a refused dataset left something behind"
            else:
                loaded[0] += 1
                assert snapshot(open_school, url[0])["counts"]["pupils"] == len(doc["pupils"])
                url[0] = fresh_url()  # the next one goes into an empty database
                empty.update(snapshot(open_school, url[0]))

        check()
        with capsys.disabled():
            print(f"\nbad input (command line, load): {tried[0]} generated datasets, {refused[0]} exit 4 with "
                  f"nothing loaded, {loaded[0]} valid and loaded (exit 0), 0 failures")

    @pytest.mark.parametrize("body", [
        '{"format": "fairfields-school/1", "staff": [{"id": ' + "9" * 5000 + "}]}",  # over 4300 digits
        "[" * 100_000 + "]" * 100_000,  # nested deeper than Python's recursion limit
    ], ids=["integer-of-5000-digits", "nested-100000-deep"])
    def test_json_python_cannot_read_exits_4(self, sqlite_url, open_school, tmp_path, body):
        path = tmp_path / "school.json"
        path.write_text(body, encoding="utf-8")
        code, err = cli("--db", sqlite_url, "load", str(path))
        assert code == 4, f"exit {code}: {err}"


class TestImportMis:
    def test_broken_exports_exit_4_and_change_nothing(self, db_url, open_school, example_doc, tmp_path, capsys):
        school = open_school(db_url)
        school.dataset.load(example_doc)
        school.close()
        tried, refused, imported = [0], [0], [0]
        before = [snapshot(open_school, db_url)]

        @few(EXPORTS)
        @given(generator.SEEDS, st.booleans())
        def check(seed: int, from_sample: bool) -> None:
            junk = Junk(seed)
            if from_sample:  # the good sample export with a cell or two made wrong
                rows = [line.split(",") for line in SAMPLE_MIS.splitlines()]
                for _ in range(junk.rng.randint(1, 3)):
                    row = junk.rng.choice(rows[1:])
                    row[junk.rng.randrange(len(row))] = junk.rng.choice(generator.MIS_CELLS)
                body = "\n".join(",".join(r) for r in rows) + "\n"
            else:
                body = generator._mis_text(junk)
            note(shown(body))
            path = tmp_path / "export.csv"
            path.write_text(body, encoding="utf-8", errors="surrogatepass")
            tried[0] += 1
            code, err = cli("--db", db_url, "--as", "sbrown", "import-mis", str(path), "--as-of", "2026-11-27",
                            password="demo-office-2026")
            assert code in (0, 4), f"exit {code}: {err}"
            assert "Traceback" not in err and "unexpected failure" not in err, err
            after = snapshot(open_school, db_url)
            if code == 4:
                refused[0] += 1
                assert err.startswith("fairfields: ")
                assert after == before[0], "a refused export changed the database"
            else:
                imported[0] += 1
                before[0] = after

        check()
        with capsys.disabled():
            print(f"\nbad input (command line, import-mis): {tried[0]} generated exports, {refused[0]} exit 4 with "
                  f"nothing changed, {imported[0]} good and imported (exit 0), 0 failures")
