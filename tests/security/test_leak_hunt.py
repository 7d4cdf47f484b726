"""The leak hunt (issue #16): the marker school opened as every role, and every surface read and searched.

Surfaces: every screen, tab and inner tab of the real main window, every row of every list or table chosen in
turn (so each detail pane shows), every dialog its buttons open (edit forms included) with each row chosen;
every report the role may print, rendered to PDF and read back with pdftotext; every calendar export (.ics,
with and without names) of every space, class and professional; the command line's JSON outputs; and the
subject-access export and the dump (the whole database, for the administrator alone).

A marker found outside the role's scope (SCOPE below) is a leak, named by role, surface and marker. All leaks
are collected and listed in one failure. ``test_the_hunt_is_not_blind`` proves the hunt reads what it should.

To extend it: add a marker record to ``marker_school.py`` (a category of SCOPE, an owner), a surface to
``_reports``/``_exports``/``_command_line`` below, or a dialog opener's text to ``surfaces.OPENERS``. The
window walk needs nothing: it reads every widget, every model and every dialog a button opens.
"""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from marker_school import (
    CONSENT_ORGANISATION,
    LAST_MONDAY,
    MARKERS,
    NO_ONE_INVITED,
    OAK_UPN,
    OTHER_CONSENT,
    OTHER_UPN,
    OUTSIDER,
    PUBLIC_TITLE,
    TODAY,
    Marker,
    add_through_services,
    marker_document,
)
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QWidget
from surfaces import MAX_ROWS, Reader, dialog_openers, widget_texts

from fairfields_desktop.domain.errors import FairfieldsError

# the walk of every screen, tab and inner tab is the accessibility walk's, in tests/ui
sys.path.insert(0, str(Path(__file__).parent.parent / "ui"))
from ui_walk import screens_and_tabs

DATA = Path(__file__).parent.parent / "data"
TEST_DB_KEY = "5f" * 32  # as tests/conftest.py: every test database is encrypted with it
USERS = {"headteacher": ("hcarter", "demo-head-2026"), "senco": ("mokafor", "demo-senco-2026"),
         "office": ("sbrown", "demo-office-2026"), "teacher": ("ttaylor", "demo-teacher-2026"),
         "admin": ("admin", "demo-admin-2026")}

# --- the scope: what each role may see -----------------------------------------------------------------------
#: the kinds of private fact a marker stands for
EVERYTHING = frozenset({"name", "initials", "upn", "contacts", "attendance", "looked_after", "needs", "ehcp",
                        "outcomes", "notes", "advice", "review", "consent"})
#: the roll: who a pupil is, how to reach their family, their attendance (and bookings with their names)
ROLL = frozenset({"name", "initials", "upn", "contacts", "attendance", "looked_after"})
#: role → owner of the fact → the categories that role may see. "oak": the Oak class teacher's own pupil;
#: "other": a pupil of another class; "any": not about one pupil (the areas of need's labels, ticked boxes)
SCOPE: dict[str, dict[str, frozenset[str]]] = {
    "headteacher": {"oak": EVERYTHING, "other": EVERYTHING, "any": EVERYTHING},
    "senco": {"oak": EVERYTHING, "other": EVERYTHING, "any": EVERYTHING},
    # never needs, EHCP details, outcomes and targets, notes, advice, review papers or consent
    "office": {"oak": ROLL, "other": ROLL, "any": ROLL},
    "admin": {"oak": ROLL, "other": ROLL, "any": ROLL},
    # their own class fully but consent (pupils.view_consent); another class's pupil: nothing that identifies
    # them, nor anything about them
    "teacher": {"oak": EVERYTHING - {"consent"}, "other": frozenset(), "any": frozenset({"needs"})},
}
#: the one surface that holds a whole record by its nature: the contract's `dump` ("writes the whole database",
#: for the administrator, to move a school or keep a copy). Its findings are checked by
#: ``test_only_the_administrator_s_dump_holds_the_whole_record``; the subject-access export (`export-pupil`) is an
#: ordinary surface (the headteacher and the SENCO only)
WHOLE_RECORD = ("cli dump",)
OWNER_WORDS = {"oak": "the Oak pupil", "other": "a pupil of another class", "any": "pupils' needs"}
#: the title of the booking of both marker pupils names no one: every role that may see the booking may read it
#: (searched for to prove the hunt reaches each role's bookings, never a leak)
PUBLIC = Marker("public", "any", PUBLIC_TITLE)


@dataclass
class Hunt:
    leaks: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (role, surface, finding) → kind
    seen: dict[Marker, set[tuple[str, str]]] = field(default_factory=dict)  # marker → (role, surface)
    surfaces: dict[str, int] = field(default_factory=dict)  # role → surfaces read
    dialogs: dict[str, int] = field(default_factory=dict)  # role → dialogs opened
    seconds: dict[str, float] = field(default_factory=dict)  # role → time its hunt took

    def record(self, role: str, surface: str, text: str) -> None:
        self.surfaces[role] = self.surfaces.get(role, 0) + 1
        if not text:
            return
        folded = text.casefold()
        for marker in (*MARKERS, PUBLIC):
            if not marker.found_in(text, folded):
                continue
            self.seen.setdefault(marker, set()).add((role, surface))
            if marker is not PUBLIC and marker.category not in SCOPE[role][marker.owner]:
                finding = f"{marker.category} of {OWNER_WORDS[marker.owner]}: {marker}"
                self.leaks[(role, surface, finding)] = marker.category

    def false_statement(self, role: str, surface: str, statement: str) -> None:
        self.leaks[(role, surface, f"false statement: {statement!r}")] = "false statement"

    def listing(self, whole_record: bool) -> list[str]:
        """One line per role and thing leaked, with the surfaces it was found on (the rows of one list as one)."""
        where: dict[tuple[str, str], set[str]] = {}
        for role, surface, finding in self.leaks:
            if surface.startswith(WHOLE_RECORD) == whole_record:
                where.setdefault((role, finding), set()).add(re.sub(r" row \d+", " (a row)", surface))
        lines = []
        for (role, finding), surfaces in sorted(where.items()):
            lines.append(f"{role}: {finding}\n      on " + "\n       , ".join(sorted(surfaces)))
        return lines


# --- the window ---------------------------------------------------------------------------------------------
def _views(page: QWidget) -> list[QAbstractItemView]:
    return [v for v in page.findChildren(QAbstractItemView) if not isinstance(v, QHeaderView)
            and v.isVisibleTo(page) and v.model() is not None and v.selectionModel() is not None]


def _view_name(view: QAbstractItemView) -> str:
    return view.accessibleName() or view.objectName() or type(view).__name__


#: what names a marker record in a row of a list: a marker pupil's name or UPN, or the public title
SUBJECTS = tuple(m for m in MARKERS if m.category in ("name", "upn")) + (PUBLIC,)


def _about_a_marker(model, row: int) -> bool:
    try:
        columns = model.columnCount()
    except TypeError:
        columns = 1
    text = " ".join(str(model.index(row, c).data() or "") for c in range(columns))
    return any(m.found_in(text, text.casefold()) for m in SUBJECTS)


def _open_dialogs(page: QWidget, reader: Reader, where: str) -> None:
    for button in dialog_openers(page):
        if not button.isVisibleTo(page) or not button.isEnabled():  # an earlier click may have changed the page
            continue
        reader.where = f"{where} › {button.text().replace('&', '')}"
        button.click()
        QApplication.processEvents()


def _walk_window(services, actor, role: str, hunt: Hunt) -> None:
    from fairfields_desktop.ui.main_window import MainWindow

    window = MainWindow(services, actor)
    window.resize(1400, 900)
    window.show()
    shown: dict[str, QWidget] = {}
    reader = Reader(lambda surface, text: hunt.record(role, surface, text))
    done: set[int] = set()  # views whose rows were chosen in turn (once each: tabs within tabs show them again)
    try:
        with reader.patched():
            for where in screens_and_tabs(window, prepare=lambda page: shown.update(page=page)):
                page = shown["page"]
                hunt.record(role, where, widget_texts(window))
                # a row chosen, or a booking: what the page then shows besides what it showed already
                before = set(widget_texts(page).splitlines())

                def shows(surface: str, before: set[str] = before, page: QWidget = page) -> None:
                    hunt.record(role, surface, "\n".join(line for line in widget_texts(page).splitlines()
                                                          if line not in before))
                for view in _views(page):
                    if id(view) in done:
                        continue
                    done.add(id(view))
                    model = view.model()
                    for row in range(min(model.rowCount(), MAX_ROWS)):
                        if not view.isVisibleTo(page):
                            break
                        index = model.index(row, 0)
                        view.selectionModel().setCurrentIndex(
                            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                            | QItemSelectionModel.SelectionFlag.Rows)
                        QApplication.processEvents()
                        chosen = f"{where} › {_view_name(view)} row {row + 1}"
                        shows(chosen)
                        if row == 0 or _about_a_marker(model, row):  # each dialog for each marker record
                            _open_dialogs(page, reader, chosen)
                for canvas in [w for w in page.findChildren(QWidget) if hasattr(w, "select_block")]:
                    if id(canvas) in done or not canvas.isVisibleTo(page):
                        continue
                    done.add(id(canvas))
                    for block in canvas.blocks():
                        canvas.select_block(block.occurrence_id)
                        QApplication.processEvents()
                        chosen = f"{where} › booking {block.booking_ref} on {block.start:%a %d %b}"
                        shows(chosen)
                        _open_dialogs(page, reader, chosen)
                _open_dialogs(page, reader, where)
    finally:
        hunt.dialogs[role] = reader.opened
        window.close()
        window.deleteLater()
        QApplication.processEvents()


# --- reports, exports, the command line --------------------------------------------------------------------
def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is not installed (poppler-utils is needed by the leak hunt)")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _reports(services, actor, role: str, hunt: Hunt, folder: Path) -> None:
    from fairfields_desktop.reports.make import make

    asked: list[tuple[str, str, dict]] = []
    # each pupil's pack for the invitees, for an outsider, and for the one their consent names
    for upn, who, consented in ((OAK_UPN, "Oak pupil", CONSENT_ORGANISATION),
                                (OTHER_UPN, "other class's pupil", OTHER_CONSENT)):
        asked += [("review-pack", f"review pack of the {who}, for the invitees", {"upn": upn}),
                  ("review-pack", f"review pack of the {who}, for {OUTSIDER} (consent-limited)",
                   {"upn": upn, "recipient": OUTSIDER}),
                  ("review-pack", f"review pack of the {who}, for {consented} (consent-limited)",
                   {"upn": upn, "recipient": consented})]
    asked += [("timetable", "timetable, this week", {"week": TODAY}),
              ("timetable", "timetable, last week", {"week": LAST_MONDAY}),
              ("authorisations", "authorisations register", {}),
              ("letter", "letter about r-101", {"ref": "r-101"}), ("letter", "letter about r-102", {"ref": "r-102"}),
              ("checks", "checks register", {}),
              ("visits", "visits log", {"first": LAST_MONDAY, "last": TODAY})]
    for number, (key, label, options) in enumerate(asked):
        out = folder / f"{role}-{number}.pdf"
        try:
            make(services, actor, key, out, **options)
        except FairfieldsError:
            continue  # not this role's report, or nothing to print: nothing shown
        text = pdf_text(out)
        hunt.record(role, f"report {label}", text)
        if key == "review-pack" and NO_ONE_INVITED.casefold() in " ".join(text.split()).casefold():
            # both marker pupils' reviews have people invited: a pack that says no one was is false
            hunt.false_statement(role, f"report {label}", NO_ONE_INVITED)


def _ics_text(data: bytes) -> str:
    text = data.decode("utf-8").replace("\r\n", "\n")
    return text.replace("\n ", "").replace("\n\t", "").replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")


def _exports(services, actor, role: str, hunt: Hunt) -> None:
    """Every calendar export the export dialog offers the role, without and with names where it offers them."""
    from fairfields_desktop.ui.views.export_dialog import CalendarExportDialog, _qdate

    dialog = CalendarExportDialog(services, actor, "day", "Therapy Room 1", actor.class_name or "", TODAY)
    try:
        dialog.first.setDate(_qdate(LAST_MONDAY))
        dialog.last.setDate(_qdate(TODAY + timedelta(days=28)))
        names = [False] + ([True] if dialog.full_names.isEnabled() and not dialog.full_names.isHidden() else [])
        for index in range(dialog.subject.count()):
            dialog.subject.setCurrentIndex(index)
            for full in names:
                dialog.full_names.setChecked(full)
                try:
                    data = dialog.export()
                except FairfieldsError:
                    continue
                label = dialog.subject.itemText(index) + (", with names" if full else "")
                hunt.record(role, f"export calendar (.ics) {label}", _ics_text(data))
    finally:
        dialog.deleteLater()


def _command_line(url: str, role: str, hunt: Hunt, folder: Path, mp: pytest.MonkeyPatch) -> None:
    from fairfields_desktop.cli.main import run

    username, password = USERS[role]
    mp.setenv("FAIRFIELDS_PASSWORD", password)

    def cli(label: str, *args: str) -> int:
        out, err = io.StringIO(), io.StringIO()
        code = run(["--db", url, "--as", username, "--today", TODAY.isoformat(), *args], stdout=out, stderr=err)
        hunt.record(role, f"cli {label}", out.getvalue())
        hunt.record(role, f"cli {label} (messages)", err.getvalue())
        return code

    cli("due --json", "due", "--within", "60", "--json")
    cli("requests check --json", "requests", "check", "--json")
    # a booking that clashes with the one of both marker pupils: refused, with the clash in the JSON
    cli("book --json (a clash)", "book", "Therapy Room 1", f"{TODAY.isoformat()}T13:00", "13:45",
        "--for", "nhs-physio-1", "--pupil", OAK_UPN, "--purpose", "Hunt clash", "--json")
    cli("dump", "dump")
    for upn, who in ((OAK_UPN, "Oak pupil"), (OTHER_UPN, "other class's pupil")):
        target = folder / f"{role}-{upn}"
        target.mkdir()
        if cli(f"export-pupil of the {who}", "export-pupil", upn, "--out", str(target)) == 0:
            for written in sorted(target.iterdir()):
                text = pdf_text(written) if written.suffix == ".pdf" else written.read_text(encoding="utf-8")
                hunt.record(role, f"cli export-pupil of the {who}: {written.suffix}", text)


# --- the hunt, once for the module ---------------------------------------------------------------------------
class _MemoryKeyring:
    def __init__(self) -> None:
        from keyring.backend import KeyringBackend

        class Backend(KeyringBackend):
            priority = 1
            store: dict = {}

            def get_password(self, service, username):
                return self.store.get((service, username))

            def set_password(self, service, username, password):
                self.store[(service, username)] = password

            def delete_password(self, service, username):
                self.store.pop((service, username), None)

        self.backend = Backend()


@pytest.fixture(scope="module")
def hunt(qapp, tmp_path_factory) -> Hunt:
    import keyring

    from fairfields_desktop.app import open_services

    found = Hunt()
    folder = tmp_path_factory.mktemp("leak-hunt")
    url = f"sqlite:///{folder / 'school.sqlite3'}"
    previous = keyring.get_keyring()
    keyring.set_keyring(_MemoryKeyring().backend)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAIRFIELDS_HOME", str(folder / "home"))
        mp.setenv("FAIRFIELDS_DB_KEY", TEST_DB_KEY)
        for name in ("FAIRFIELDS_DB", "FAIRFIELDS_PASSWORD", "FAIRFIELDS_TODAY"):
            mp.delenv(name, raising=False)
        services = open_services(url, today=TODAY)
        try:
            doc = json.loads((DATA / "example-school.json").read_text(encoding="utf-8"))
            services.dataset.load(marker_document(copy.deepcopy(doc)))
            head = services.auth.sign_in(*USERS["headteacher"])
            add_through_services(services, head)
            for role, (username, password) in USERS.items():
                actor = services.auth.sign_in(username, password)
                started = time.perf_counter()
                _walk_window(services, actor, role, found)
                _reports(services, actor, role, found, folder)
                _exports(services, actor, role, found)
                _command_line(url, role, found, folder, mp)
                found.seconds[role] = time.perf_counter() - started
        finally:
            services.close()
            keyring.set_keyring(previous)
    return found


# --- the tests ------------------------------------------------------------------------------------------------
def test_the_hunt_is_not_blind(hunt):
    """The hunt reads what it should: the headteacher meets every marker somewhere, each role meets the public
    title of the booking of both marker pupils and the pupils it may know, and dialogs were opened."""
    unseen = [f"{m.category} of {OWNER_WORDS[m.owner]}: {m}" for m in MARKERS
              if not any(role == "headteacher" for role, _surface in hunt.seen.get(m, ()))]
    assert not unseen, "the headteacher's hunt never met:\n" + "\n".join(unseen)
    oak_name = next(m for m in MARKERS if m.text == "Quillon")  # the Oak pupil: every role may know them
    for role in USERS:
        met = {m for m, where in hunt.seen.items() if any(r == role for r, _s in where)}
        assert oak_name in met, f"{role} never met the Oak pupil's name"
        assert PUBLIC in met, f"{role} never met the public title of the marker pupils' booking"
        assert hunt.surfaces.get(role, 0) > 100, f"{role}: only {hunt.surfaces.get(role)} surfaces read"
        assert hunt.dialogs.get(role, 0) > 3, f"{role}: only {hunt.dialogs.get(role)} dialogs opened"


def test_every_surface_shows_each_role_only_what_it_may_see(hunt):
    leaks = hunt.listing(whole_record=False)
    assert not leaks, f"{len(leaks)} leak(s) found, as role: surface: what leaked\n" + "\n".join(leaks)


def test_only_the_administrator_s_dump_holds_the_whole_record(hunt):
    """The dump is the whole database (the contract): the administrator's holds every marker, and no other role
    gets one (exit 5, nothing written)."""
    in_dump = {m for m, where in hunt.seen.items() if ("admin", "cli dump") in where}
    facts = [m for m in MARKERS if m.category != "initials" and m.owner != "any"]  # not renderings or labels
    missing = [f"{m.category} of {OWNER_WORDS[m.owner]}: {m}" for m in facts if m not in in_dump]
    assert not missing, "the administrator's dump left out:\n" + "\n".join(missing)
    leaks = [line for line in hunt.listing(whole_record=True) if not line.startswith("admin:")]
    assert not leaks, f"{len(leaks)} leak(s) found, as role: surface: what leaked\n" + "\n".join(leaks)
