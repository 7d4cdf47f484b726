"""One truth, live on every screen and every PC (issue #15): a change made on one PC, or by the command line
beside an open window, shows on the others' dashboard, counts and screens within seconds, without F5."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from fairfields_desktop.services.bookings import BookingDraft
from fairfields_desktop.ui.main_window import MainWindow
from fairfields_desktop.ui.models.base import ITEM_ROLE

ROOT = Path(__file__).resolve().parents[2]
LATER = date(2026, 11, 26)  # a Thursday: Tuesday's sessions are there to mark
PG_BUDGET_MS = 2000
SQLITE_BUDGET_MS = 3000
EXPIRED = {"id": "ind-salt-9", "name": "Nina Expired", "discipline": "speech_and_language_therapy",
           "kind": "independent", "organisation": "Nina SLT", "email": "nina@example.co.uk", "phone": "07700 900111",
           "checks": {"dbs": {"type": "school_check", "date": "2026-10-02", "given_by": None,
                              "certificate": "001512887341", "barred_list": True, "update_service": False},
                      "registration": {"body": "HCPC", "number": "SL77811", "checked_on": "2026-11-02"},
                      "insurance_expires": "2026-11-01"}}


def open_window(qtbot, services, actor, username: str, screen: str = "dashboard") -> MainWindow:  # noqa: ANN001
    window = MainWindow(services, actor(services, username))
    qtbot.addWidget(window)
    window.show()
    window.show_screen(screen)
    return window


def nav(window: MainWindow, key: str) -> str:
    keys = list(window.screens)
    return window.nav.item(keys.index(key)).text()


def section(window: MainWindow, start: str) -> list[str]:
    dashboard = window.screens["dashboard"].dashboard
    [found] = [s for s in dashboard.sections if s.title.startswith(start)]
    return [i.text for i in found.items]


def rows(table) -> list:  # noqa: ANN001
    model = table.model()
    return [model.index(r, 0).data(ITEM_ROLE) for r in range(model.rowCount())]


@pytest.mark.postgres
class TestTwoPcsOnPostgres:
    def test_each_change_reaches_the_other_pc_and_survives_a_lost_listener(self, qtbot, pg_url, open_school,
                                                                         example_doc, actor, pg_admin_engine):
        one = open_school(pg_url, LATER)  # PC one: where the changes are made
        one.dataset.load(example_doc)
        two = open_school(pg_url, LATER)  # PC two: its windows stay open
        office = open_window(qtbot, two, actor, "sbrown", "professionals")
        head = open_window(qtbot, two, actor, "hcarter")
        senco = open_window(qtbot, two, actor, "mokafor", "ehcp")
        listener = two.db.watch()
        assert listener.connected.wait(5)
        office_one = open_window(qtbot, one, actor, "sbrown")

        # the office adds a professional whose insurance has expired
        assert nav(office, "professionals") == "Professionals (2)"
        one.professionals.save(actor(one, "sbrown"), dict(EXPIRED))
        qtbot.waitUntil(lambda: nav(office, "professionals") == "Professionals (3)", timeout=PG_BUDGET_MS)
        assert "Nina Expired: blocked: insurance expired on 1 Nov 2026" in section(office, "Safeguarding checks")
        assert "Nina Expired" in [p.name for p in rows(office.screens["professionals"].table)]  # the open screen
        assert office.live_label.text().startswith("Brought up to date: a change by Sarah Brown at ")

        # the headteacher decides a request on PC one
        before = nav(head, "requests")
        one.requests.decide(actor(one, "hcarter"), "r-001", "approve", reason="all rules met")
        qtbot.waitUntil(lambda: nav(head, "requests") != before, timeout=PG_BUDGET_MS)
        assert nav(head, "requests") == _expected_nav(two, actor, "hcarter", "requests", "Requests")

        # the SENCO marks advice received and a session delivered
        senco_one = actor(one, "mokafor")
        assert section(senco, "Advice overdue") != []
        advice_table = senco.screens["ehcp"].advice_table
        assert len(rows(advice_table)) == 1
        [advice] = one.advice.list_advice(senco_one)
        one.advice.mark_received(senco_one, advice.id, LATER)
        qtbot.waitUntil(lambda: section(senco, "Advice overdue") == [] and rows(advice_table) == [],
                        timeout=PG_BUDGET_MS)
        senco.show_screen("dashboard")  # the chart is a tab of the dashboard, drawn when first looked at
        senco.screens["dashboard"].show_chart()
        qtbot.waitUntil(lambda: senco.screens["dashboard"].chart is not None)
        assert " 0 delivered" in senco.screens["dashboard"].chart.summary_text()
        item = one.sessions.to_mark(senco_one)[0]
        one.sessions.mark(senco_one, item.occurrence_id, True)
        qtbot.waitUntil(lambda: " 1 delivered" in senco.screens["dashboard"].chart.summary_text(),
                        timeout=PG_BUDGET_MS)
        senco.show_screen("ehcp")  # hidden meanwhile: read again as it is shown
        assert item.occurrence_id not in [s.occurrence_id for s in rows(senco.screens["ehcp"].sessions_table)]

        # the other way: a booking made on PC two reaches PC one's dashboard
        two.bookings.book(actor(two, "sbrown"), BookingDraft(space="Meeting Room", start=datetime(2026, 11, 26, 14, 0),
                                                           end=datetime(2026, 11, 26, 14, 30),
                                                           professional="nhs-slt-1", title="parents' meeting"))
        qtbot.waitUntil(lambda: any("Meeting Room" in t for t in section(office_one, "Today's bookings")),
                        timeout=PG_BUDGET_MS)

        # the server drops the listener's connection: it connects again, and changes still arrive
        old = listener.backend_pid
        with pg_admin_engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": old})
        qtbot.waitUntil(lambda: listener.reconnects == 1 and listener.connected.is_set(), timeout=10_000)
        assert listener.backend_pid != old
        one.requests.decide(actor(one, "hcarter"), "r-003", "decline", reason="not this term")
        qtbot.waitUntil(lambda: nav(head, "requests") == _expected_nav(two, actor, "hcarter", "requests",
                                                                       "Requests"), timeout=PG_BUDGET_MS)


def _expected_nav(services, actor, username: str, key: str, title: str) -> str:  # noqa: ANN001
    count = services.dashboard.for_actor(actor(services, username)).counts.get(key, 0)
    return f"{title} ({count})" if count else title


class TestCommandLineBesideAWindow:
    def test_a_booking_from_the_command_line_shows_in_the_open_window(self, qtbot, sqlite_school, sqlite_url,
                                                                     actor):
        office = open_window(qtbot, sqlite_school, actor, "sbrown", "spaces")
        sqlite_school.db.watch()
        assert section(office, "Today's bookings") == []
        canvas = office.screens["spaces"].canvas
        blocks_before = len(canvas.blocks())
        env = {**os.environ, "FAIRFIELDS_PASSWORD": "demo-office-2026", "FAIRFIELDS_DB_KEY": sqlite_school.db.key,
               "FAIRFIELDS_HASH_COST": "test", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
               "PYTHONPATH": str(ROOT)}
        result = subprocess.run([sys.executable, "-m", "fairfields_desktop", "--db", sqlite_url, "--as", "sbrown",
                                 "--today", "2026-11-23", "book", "Meeting Room", "2026-11-23T14:30", "15:10",
                                 "--for", "nhs-slt-1", "--purpose", "parents' meeting"],
                                env=env, capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
        assert result.returncode == 0, result.stderr
        qtbot.waitUntil(lambda: any("Meeting Room" in t for t in section(office, "Today's bookings")),
                        timeout=SQLITE_BUDGET_MS)
        assert len(canvas.blocks()) == blocks_before + 1  # the timetable in view, too


class TestOpenForm:
    def test_a_form_says_at_once_that_another_pc_changed_its_record(self, qtbot, sqlite_school, sqlite_url,
                                                                    open_school, actor, monkeypatch):
        from PySide6.QtWidgets import QDialog, QLabel

        from fairfields_desktop.ui.views.professionals_view import ProfessionalDialog

        office = open_window(qtbot, sqlite_school, actor, "sbrown", "professionals")
        screen = office.screens["professionals"]
        karen = next(p for p in rows(screen.table) if p.ext_id == "ind-ot-1")
        screen.select_professional(karen.id)
        other = open_school(sqlite_url)  # another PC (its own connections, as another process would have)
        other_office = actor(other, "sbrown")
        seen: list[str] = []

        def fake_exec(dialog: ProfessionalDialog) -> int:
            banner = dialog.findChild(QLabel, "changedElsewhere")
            assert banner is not None and banner.isHidden()
            values = other.professionals.values(other_office, karen.id)
            values["phone"] = "07700 900555"
            other.professionals.save(other_office, values, karen.id, values.pop("version"))
            qtbot.waitUntil(lambda: not banner.isHidden(), timeout=SQLITE_BUDGET_MS)
            seen.append(banner.text())
            return QDialog.DialogCode.Rejected

        monkeypatch.setattr(ProfessionalDialog, "exec", fake_exec)
        monkeypatch.setattr(ProfessionalDialog, "isVisible", lambda self: True)  # exec is stood in for
        screen.on_edit_clicked()
        [text_] = seen
        assert text_.startswith("Karen Walsh was changed by Sarah Brown at ")
        assert text_.endswith("— reload to see it (saving now would be refused)")


class TestWhatRefreshes:
    def test_only_screens_showing_the_kind_refresh_and_hidden_ones_when_shown(self, qtbot, sqlite_school, actor):
        window = open_window(qtbot, sqlite_school, actor, "sbrown")
        office = actor(sqlite_school, "sbrown")
        nhs = next(p for p in sqlite_school.professionals.list_professionals(office) if p.ext_id == "nhs-slt-1")
        sqlite_school.professionals.sign_in_visitor(office, nhs.id, identity_checked=True, purpose="therapy",
                                                    pupil_ids=[], space="Therapy Room 1",
                                                    at=datetime(2026, 11, 23, 9, 5))
        qtbot.waitUntil(lambda: "professionals" in window.stale)
        assert window.stale == {"professionals"}  # a visit: the professionals' screen, and the dashboard now
        assert any("Rachel Green" in t for t in section(window, "Visitors on site"))  # the dashboard, at once
        screen = window.screens["professionals"]
        assert rows(screen.visits_table) == []  # hidden: refreshed when shown
        window.show_screen("professionals")
        assert window.stale == set() and len(rows(screen.visits_table)) == 1

    def test_selection_and_sort_are_kept(self, qtbot, sqlite_school, open_school, sqlite_url, actor):
        from PySide6.QtCore import Qt

        window = open_window(qtbot, sqlite_school, actor, "hcarter", "pupils")
        screen = window.screens["pupils"]
        screen.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        chosen = rows(screen.table)[2]
        screen.select_pupil(chosen.id)
        order = [p.id for p in rows(screen.table)]
        other = open_school(sqlite_url)  # another PC renames the first pupil of the list
        head = actor(other, "hcarter")
        first = rows(screen.table)[0]
        values = other.pupils.pupil_values(head, first.id)
        values["first_name"] = values["first_name"] + "-Jo"
        other.pupils.save_pupil(head, values, first.id, values.pop("version", None))
        qtbot.waitUntil(lambda: rows(screen.table)[0] != first, timeout=SQLITE_BUDGET_MS)
        assert screen.current_pupil_id() == chosen.id
        assert [p.id for p in rows(screen.table)] == order
        header = screen.table.horizontalHeader()
        assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (1, Qt.SortOrder.DescendingOrder)

    def test_f5_reloads_the_screen_in_view(self, qtbot, sqlite_school, actor):
        from PySide6.QtCore import Qt

        window = open_window(qtbot, sqlite_school, actor, "sbrown", "professionals")
        window.hub.close()  # nothing announced: only F5 can show it
        sqlite_school.db.stop_watching()
        with sqlite_school.db.engine.begin() as conn:
            conn.execute(text("UPDATE professionals SET name = 'Rachel Grey' WHERE ext_id = 'nhs-slt-1'"))
        screen = window.screens["professionals"]
        assert "Rachel Grey" not in [p.name for p in rows(screen.table)]
        qtbot.keyClick(window, Qt.Key.Key_F5)
        assert "Rachel Grey" in [p.name for p in rows(screen.table)]

    def test_advice_asked_for_shows_in_the_advice_tab_at_once(self, qtbot, sqlite_school, actor):
        window = open_window(qtbot, sqlite_school, actor, "mokafor", "ehcp")
        advice_table = window.screens["ehcp"].advice_table
        before = len(rows(advice_table))
        senco = actor(sqlite_school, "mokafor")
        review = sqlite_school.reviews.schedule(senco, "X319700119023", date(2026, 12, 3))
        sqlite_school.reviews.request_advice(senco, review.id, ["music-1", "nhs-physio-1"])
        qtbot.waitUntil(lambda: len(rows(advice_table)) == before + 2)


@pytest.mark.postgres
class TestOpenDetailPane:
    def test_the_record_in_view_says_who_changed_it(self, qtbot, pg_url, open_school, example_doc, actor):
        one = open_school(pg_url)
        one.dataset.load(example_doc)
        two = open_school(pg_url)
        office = open_window(qtbot, two, actor, "sbrown", "professionals")
        assert two.db.watch().connected.wait(5)
        screen = office.screens["professionals"]
        karen = next(p for p in rows(screen.table) if p.ext_id == "ind-ot-1")
        screen.select_professional(karen.id)
        other_office = actor(one, "sbrown")
        values = one.professionals.values(other_office, karen.id)
        values["phone"] = "07700 900555"
        one.professionals.save(other_office, values, karen.id, values.pop("version"))
        qtbot.waitUntil(lambda: office.changed_banner.isVisible(), timeout=PG_BUDGET_MS)
        assert office.changed_banner.text().startswith("Karen Walsh's record was changed by Sarah Brown at ")
        assert screen.current_professional_id() == karen.id
        assert next(p for p in rows(screen.table) if p.id == karen.id).phone == "07700 900555"
        office.show_screen("dashboard")
        assert not office.changed_banner.isVisible()


class TestChangeHub:
    def test_changes_from_another_thread_arrive_on_the_ui_thread_merged(self, qtbot, sqlite_school):
        import threading

        from PySide6.QtCore import QCoreApplication, QThread

        from fairfields_desktop.store.models import ProfessionalRow
        from fairfields_desktop.ui.change_hub import ChangeHub

        hub = ChangeHub(sqlite_school.db, watch=False)
        heard: list[tuple[object, bool]] = []
        hub.changed.connect(lambda c: heard.append((c, QThread.currentThread() is
                                                    QCoreApplication.instance().thread())))

        def write_twice() -> None:  # a worker thread saving two records
            for ident in (1, 2):
                with sqlite_school.db.session() as session:
                    session.get(ProfessionalRow, ident).phone = "07700 900000"

        worker = threading.Thread(target=write_twice)
        worker.start()
        worker.join()
        with qtbot.waitSignal(hub.changed, timeout=2000):
            pass
        [(changes, on_ui_thread)] = heard
        assert on_ui_thread and changes.ids("professionals") == {"1", "2"}
        hub.close()
        with sqlite_school.db.session() as session:  # closed: nothing more
            session.get(ProfessionalRow, 1).phone = "07700 900001"
        qtbot.wait(50)
        assert len(heard) == 1
