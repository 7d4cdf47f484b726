"""A day per role (issue #15): the real main window, on the demo school, driven as each person would drive it;
after every step, what each affected screen and count now shows, with no F5 (the change hub brings it).
A step per role comes from another PC (a second set of services on the same database)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QListWidget, QTableView

from fairfields_desktop.services.bookings import BookingDraft
from fairfields_desktop.services.context import Clock
from fairfields_desktop.ui.main_window import MainWindow
from fairfields_desktop.ui.models.base import ITEM_ROLE
from fairfields_desktop.ui.views import ehcp_view
from fairfields_desktop.ui.views.booking_dialog import BookingDialog
from fairfields_desktop.ui.views.professionals_view import ProfessionalDialog, SignInVisitorDialog
from fairfields_desktop.ui.views.request_dialogs import ActingHeadDialog, DecisionDialog
from fairfields_desktop.ui.views.timetable_view import render_block

MONDAY = date(2026, 11, 23)
THURSDAY = date(2026, 11, 26)  # Tuesday's and Wednesday's sessions are there to mark
BUDGET_MS = 3000  # another PC's change in the open window (SQLite)
PG_BUDGET_MS = 2000  # PostgreSQL: its notifications
BEN = "X319700119023"


# --- what the person sees ------------------------------------------------------------------------------------
def nav(window: MainWindow, key: str) -> str:
    return window.nav.item(list(window.screens).index(key)).text()


def section(window: MainWindow, start: str) -> list[str]:
    """A dashboard section's lines, as the screen shows them (the lists built from the dashboard read)."""
    dashboard = window.screens["dashboard"].dashboard
    [found] = [s for s in dashboard.sections if s.title.startswith(start)]
    return [i.text for i in found.items]


def shown_section(window: MainWindow, start: str) -> list[str]:
    """The lines of a section in the dashboard's widgets (built when the dashboard is in view)."""
    lists = window.screens["dashboard"].lists
    titles = [t for t in lists if t.startswith(start)]
    if not titles:
        return []
    items = lists[titles[0]]
    return [items.item(i).text() for i in range(items.count())]


def status(requests) -> str:  # noqa: ANN001
    """The status the requests screen's detail pane shows for the chosen request."""
    return requests.summary.text().split("Status: <b>")[1].split("</b>")[0]


def rows(table) -> list:  # noqa: ANN001
    model = table.model()
    return [model.index(r, 0).data(ITEM_ROLE) for r in range(model.rowCount())]


def texts(table) -> list[str]:  # noqa: ANN001
    model = table.model()
    columns = model.columnCount(QModelIndex())
    return [" | ".join(str(model.index(r, c).data() or "") for c in range(columns)) for r in range(model.rowCount())]


def open_window(qtbot, services, actor, username: str) -> MainWindow:  # noqa: ANN001
    window = MainWindow(services, actor(services, username))
    qtbot.addWidget(window)
    with qtbot.waitActive(window):  # Ctrl+Z goes to the active window
        window.show()
        window.activateWindow()
    return window


def answer(monkeypatch, dialog_class: type, fill: Callable[[QDialog], None]) -> list[str]:  # noqa: ANN001
    """The person at ``dialog_class``: fills it once and accepts; a form shown again (refused) is cancelled,
    its message kept in the list returned (the test asserts it stays empty)."""
    refused: list[str] = []
    calls = {"n": 0}

    def fake_exec(dialog: QDialog) -> int:
        calls["n"] += 1
        if calls["n"] > 1:
            refused.append(dialog.message.text())
            return QDialog.DialogCode.Rejected
        fill(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(dialog_class, "exec", fake_exec)
    return refused


def activate(window: MainWindow, section_start: str, contains: str) -> None:
    """Enter on the dashboard line ``contains`` (what a double-click does)."""
    lists = window.screens["dashboard"].lists
    [title] = [t for t in lists if t.startswith(section_start)]
    items: QListWidget = lists[title]
    row = next(i for i in range(items.count()) if contains in items.item(i).text())
    items.setCurrentRow(row)
    items.itemActivated.emit(items.item(row))


def press_undo(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    if QApplication.activeWindow() is not window:
        with qtbot.waitActive(window):
            window.activateWindow()
    window.nav.setFocus()  # not a text field (it has its own Ctrl+Z)
    qtbot.keyClick(window.nav, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


@pytest.fixture(autouse=True)
def _the_morning(monkeypatch):  # noqa: ANN001, ANN202
    """Each day starts at 08:30, whatever the hour the suite runs: what is to mark, on site or this afternoon
    depends on the time of day."""
    monkeypatch.setattr(Clock, "now", lambda self: datetime.combine(self.today(), time(8, 30)))


@pytest.fixture
def demo(open_school, sqlite_url):  # noqa: ANN001, ANN201
    def make(today: date = MONDAY):  # noqa: ANN202
        services = open_school(sqlite_url, today)
        services.dataset.load_demo()
        return services, sqlite_url

    return make


# --- the office -------------------------------------------------------------------------------------------------
NINA = "Nina Expired"


def office_day(qtbot, monkeypatch, services, url, open_school, actor, budget: int = BUDGET_MS) -> None:  # noqa: ANN001
    window = open_window(qtbot, services, actor, "sbrown")
    dashboard = window.screens["dashboard"]

    # 08:30 the dashboard: today's bookings and visitors, the checks, the counts
    bookings = shown_section(window, "Today's bookings")
    assert len(bookings) == 5 and bookings[0] == "09:15–10:00 Therapy Room 1: Omar Haddad with Kai Thompson"
    assert section(window, "Visitors on site") == []
    assert len(shown_section(window, "Safeguarding checks")) == 7
    assert len(shown_section(window, "Professionals due in this week")) == 3
    assert nav(window, "professionals") == "Professionals (10)"  # 7 checks, 3 of them due in this week
    assert nav(window, "spaces") == "Spaces & bookings (5)"

    # 09:05 Omar Haddad arrives: Professionals → Visitors → Sign a visitor in
    window.show_screen("professionals")
    professionals = window.screens["professionals"]
    professionals.tabs.setCurrentIndex(1)

    def sign_in(dialog: SignInVisitorDialog) -> None:
        omar = next(p for p in services.professionals.list_professionals(window.actor) if p.name == "Omar Haddad")
        dialog.professional.setCurrentIndex(dialog.professional.findData(omar.id))
        dialog.identity.setChecked(True)
        dialog.identity_note.setText("NHS badge")
        dialog.space.setCurrentIndex(dialog.space.findData("Therapy Room 1"))

    refused = answer(monkeypatch, SignInVisitorDialog, sign_in)
    professionals.sign_in_button.click()
    assert refused == []
    assert [v.professional_name for v in rows(professionals.visits_table)] == ["Omar Haddad"]
    assert professionals.on_site_label.text() == "1 visitor(s) on site"
    assert professionals.visit_message.text().startswith("Omar Haddad signed in at ")
    qtbot.waitUntil(lambda: any("Omar Haddad" in t for t in section(window, "Visitors on site")))
    assert nav(window, "professionals") == "Professionals (11)"  # the visitor on site, counted too

    # 09:20 a room for the NHS speech therapist this afternoon: Spaces & bookings → New booking
    window.show_screen("spaces")
    spaces = window.screens["spaces"]
    spaces.set_day(MONDAY)

    def book(dialog: BookingDialog) -> None:
        dialog.space.setCurrentIndex(dialog.space.findText("Meeting Room"))
        dialog.set_when(MONDAY, time(14, 15), time(15, 0))
        dialog.choose_professional("nhs-slt-1")
        dialog.title_field.setText("parents' meeting")
        dialog.ok_button.click()
        assert dialog.booked, dialog.message.text() + dialog.plan_summary.text()

    def fake_book_exec(dialog: BookingDialog) -> int:
        book(dialog)
        return dialog.result()

    monkeypatch.setattr(BookingDialog, "exec", fake_book_exec)
    spaces.new_button.click()
    [new] = [b for b in spaces.canvas.blocks() if b.professional == "Rachel Green" and b.space == "Meeting Room"]
    assert spaces.message.text().startswith(f"Booked {new.booking_ref}: Meeting Room, 14:15–15:00")
    qtbot.waitUntil(lambda: nav(window, "spaces") == "Spaces & bookings (6)")
    assert "14:15–15:00 Meeting Room: Rachel Green" in section(window, "Today's bookings")

    # 09:40 a new independent therapist, whose insurance has expired: Professionals → Add
    window.show_screen("professionals")
    professionals.tabs.setCurrentIndex(0)

    def add(dialog: ProfessionalDialog) -> None:
        dialog.name.setText(NINA)
        dialog.kind.setCurrentIndex(dialog.kind.findData("independent"))
        dialog.discipline.setCurrentText("Speech and language therapy")  # in words, from the list
        dialog.dbs_type.setCurrentIndex(dialog.dbs_type.findData("school_check"))
        dialog.dbs_date.setDate(date(2026, 10, 2))
        dialog.dbs_certificate.setText("001512887341")
        dialog.dbs_barred.setChecked(True)
        dialog.reg_body.setCurrentText("HCPC")
        dialog.reg_number.setText("SL77811")
        dialog.reg_checked.setDate(date(2026, 11, 2))
        dialog.has_insurance.setChecked(True)
        dialog.insurance.setDate(date(2026, 11, 1))
        assert "insurance expired" in dialog.status.text()  # the form says so before it is saved

    refused = answer(monkeypatch, ProfessionalDialog, add)
    professionals.add_button.click()
    assert refused == []
    assert professionals.message.text() == f"{NINA} added."
    assert NINA in [p.name for p in rows(professionals.table)]
    assert professionals.current_professional_id() == next(p.id for p in rows(professionals.table) if p.name == NINA)
    qtbot.waitUntil(lambda: nav(window, "professionals") == "Professionals (12)")
    assert f"{NINA}: blocked: insurance expired on 1 Nov 2026" in section(window, "Safeguarding checks")

    # 09:45 the booking was a mistake: Ctrl+Z on Spaces & bookings
    window.show_screen("spaces")
    press_undo(qtbot, window)
    assert spaces.message.text() == f"Undone: booking of {new.booking_ref}."
    assert [b for b in spaces.canvas.blocks() if b.booking_ref == new.booking_ref] == []
    qtbot.waitUntil(lambda: nav(window, "spaces") == "Spaces & bookings (5)")
    assert not any("Meeting Room" in t for t in section(window, "Today's bookings"))
    assert nav(window, "professionals") == "Professionals (12)"  # only the booking undone
    window.show_screen("dashboard")
    assert len(shown_section(window, "Today's bookings")) == 5
    assert any(NINA in t for t in shown_section(window, "Safeguarding checks"))
    assert dashboard.tabs.tabText(0) == f"What needs your attention ({dashboard.dashboard.total})"

    # 10:00 reception, on another PC, signs Omar Haddad out: the open Visitors tab follows
    window.show_screen("professionals")
    professionals.tabs.setCurrentIndex(1)
    other = open_school(url, MONDAY)
    reception = actor(other, "sbrown")
    [visit] = other.professionals.on_site_now(reception)
    other.professionals.sign_out_visitor(reception, visit.id)
    qtbot.waitUntil(lambda: rows(professionals.visits_table) == [], timeout=budget)
    assert professionals.on_site_label.text() == "0 visitor(s) on site"
    assert section(window, "Visitors on site") == []
    assert nav(window, "professionals") == "Professionals (11)"
    assert window.live_label.text().startswith("Brought up to date: a change by Sarah Brown")


class TestOffice:
    def test_the_office_morning(self, qtbot, monkeypatch, demo, open_school, actor):
        services, url = demo()
        office_day(qtbot, monkeypatch, services, url, open_school, actor)

    @pytest.mark.postgres
    def test_the_office_morning_on_postgresql(self, qtbot, monkeypatch, pg_url, open_school, actor):
        services = open_school(pg_url, MONDAY)
        services.dataset.load_demo()
        assert services.db.watch().connected.wait(5)
        office_day(qtbot, monkeypatch, services, pg_url, open_school, actor, PG_BUDGET_MS)


# --- the headteacher --------------------------------------------------------------------------------------------
class TestHeadteacher:
    def test_the_heads_morning(self, qtbot, monkeypatch, demo, open_school, actor):
        services, url = demo()
        window = open_window(qtbot, services, actor, "hcarter")
        requests = window.screens["requests"]
        awaiting = shown_section(window, "Requests awaiting your decision")
        assert [t.split(":")[0] for t in awaiting] == ["r-001", "r-002", "r-003", "r-011", "r-005"]
        assert len(shown_section(window, "Suspensions awaiting")) == 1
        assert nav(window, "requests") == "Requests (6)"

        # r-002 from the dashboard: fails ATTENDANCE; approved over it with a reason
        activate(window, "Requests awaiting your decision", "r-002")
        assert window.current_screen_key() == "requests" and requests.selected().ref == "r-002"
        assert "r-002: Ben Hughes (Oak) with Peter Quinn" in requests.summary.text()
        assert status(requests) == "awaiting decision"
        history_before = len(rows(requests.history_table))

        def override(dialog: DecisionDialog) -> None:
            overrides = [k for k in dialog.fields if k != "reason"]
            assert overrides, "r-002 fails a rule: its override reason is asked for"
            for key in overrides:
                dialog.fields[key].setText("attendance is low because of hospital stays; therapy keeps him in school")

        refused = answer(monkeypatch, DecisionDialog, override)
        requests.buttons["approve"].click()
        assert refused == []
        assert requests.message.text().startswith("r-002 approved")
        assert requests.selected().ref == "r-002" and status(requests).startswith("approved")
        assert len(rows(requests.history_table)) == history_before + 1
        assert len(rows(requests.overrides_table)) == 1
        qtbot.waitUntil(lambda: len(section(window, "Requests awaiting your decision")) == 4)
        assert [t.split(":")[0] for t in section(window, "Requests awaiting your decision")] == [
            "r-001", "r-003", "r-011", "r-005"]
        [override_line] = section(window, "Overrides this term")
        assert override_line.startswith("r-002")
        assert nav(window, "requests") == "Requests (6)"  # 4 awaiting, 1 suspension, 1 override to look back on

        # r-005 declined, with a reason for the family
        requests.select_request("r-005")
        monkeypatch.undo()
        refused = answer(monkeypatch, DecisionDialog,
                         lambda d: d.fields["reason"].setText("the therapist has no space this term"))
        requests.buttons["decline"].click()
        assert refused == [] and requests.message.text() == "r-005 declined."
        assert status(requests) == "declined" and requests.selected().ref == "r-005"
        assert "the therapist has no space this term" in texts(requests.history_table)[-1]
        qtbot.waitUntil(lambda: len(section(window, "Requests awaiting your decision")) == 3)
        assert [t.split(":")[0] for t in section(window, "Requests awaiting your decision")] == [
            "r-001", "r-003", "r-011"]
        assert nav(window, "requests") == "Requests (5)"

        # r-002, just approved, suspended: the suspensions section follows
        requests.select_request("r-002")
        monkeypatch.undo()
        refused = answer(monkeypatch, DecisionDialog,
                         lambda d: d.fields["reason"].setText("the family asked for a pause"))
        requests.buttons["suspend"].click()
        assert refused == [] and requests.message.text().startswith("r-002 suspended")
        assert status(requests).startswith("suspended")
        qtbot.waitUntil(lambda: len(section(window, "Suspensions awaiting")) == 2)
        assert any(t.startswith("r-002: Ben Hughes") for t in section(window, "Suspensions awaiting"))
        assert nav(window, "requests") == "Requests (6)"  # the suspension waits for its review meeting

        # the head is out on Wednesday and Thursday: the SENCO is acting head
        monkeypatch.undo()

        def acting(dialog: ActingHeadDialog) -> None:
            dialog.user.setCurrentText("mokafor")
            dialog.starts.setDate(MONDAY)
            dialog.ends.setDate(MONDAY + timedelta(days=4))

        refused = answer(monkeypatch, ActingHeadDialog, acting)
        requests.acting_button.click()
        assert refused == [] and requests.message.text() == "mokafor is acting head from 23 Nov 2026 to 27 Nov 2026."

        # the acting head, on her own PC, declines r-011, open on the head's screen: the pane and counts follow
        requests.select_request("r-011")
        assert status(requests) == "awaiting decision"
        history_before = len(rows(requests.history_table))
        other = open_school(url, MONDAY)
        other.requests.decide(actor(other, "mokafor"), "r-011", "decline", reason="the family withdrew the request")
        qtbot.waitUntil(lambda: nav(window, "requests") == "Requests (5)", timeout=BUDGET_MS)
        assert [t.split(":")[0] for t in section(window, "Requests awaiting your decision")] == ["r-001", "r-003"]
        assert requests.selected().ref == "r-011" and status(requests) == "declined"  # the open detail pane
        assert len(rows(requests.history_table)) == history_before + 1
        window.show_screen("dashboard")
        assert [t.split(":")[0] for t in shown_section(window, "Requests awaiting your decision")] == ["r-001", "r-003"]


# --- the SENCO --------------------------------------------------------------------------------------------------
class TestSenco:
    def test_the_sencos_morning(self, qtbot, monkeypatch, demo, open_school, actor):
        services, url = demo()
        window = open_window(qtbot, services, actor, "mokafor")
        ehcp = window.screens["ehcp"]
        reviews = ehcp.panels["reviews"]
        dashboard = window.screens["dashboard"]
        assert len(shown_section(window, "Annual reviews overdue")) == 10
        assert len(shown_section(window, "Advice overdue")) == 3
        assert nav(window, "ehcp") == "EHCP & reviews (15)"

        # Ben Hughes's overdue review, from the dashboard: the meeting set for 3 December
        activate(window, "Annual reviews overdue", "Ben Hughes")
        assert window.current_screen_key() == "ehcp" and ehcp.tabs.currentWidget() is reviews
        assert reviews.pupil.currentData() == BEN
        monkeypatch.setattr(reviews, "ask_meeting", lambda *_a: (date(2026, 12, 3), time(10, 0), "Meeting Room"))
        reviews.schedule_button.click()
        assert reviews.message.text().startswith("Review meeting for Ben Hughes set for 3 Dec 2026")
        assert "3 Dec 2026" in reviews.meeting.text()  # the detail pane
        qtbot.waitUntil(lambda: nav(window, "ehcp") == "EHCP & reviews (17)")
        [ben] = [t for t in section(window, "Annual reviews overdue") if "Ben Hughes" in t]
        assert "meeting set for 3 Dec 2026: invitations and advice by 19 Nov 2026" in ben
        assert section(window, "Review paperwork") == [
            "OVERDUE: Ben Hughes's review meeting on 3 Dec 2026: advice and reports circulated to the invitees by "
            "19 Nov 2026",
            "OVERDUE: Ben Hughes's review meeting on 3 Dec 2026: invitations sent by 19 Nov 2026",
            "Ethan Marsh's review meeting on 19 Oct 2026: comments on the proposed amendments by 28 Nov 2026"]

        # the invitations go out today: the paperwork section follows
        reviews.invitations_button.click()
        qtbot.waitUntil(lambda: nav(window, "ehcp") == "EHCP & reviews (16)")
        assert not any("invitations sent" in t for t in section(window, "Review paperwork"))
        assert len(section(window, "Review paperwork")) == 2

        # Rachel Green's advice for Chloe Nowak came this morning: from the dashboard, Received today
        window.show_screen("dashboard")
        activate(window, "Advice overdue", "Chloe Nowak")
        assert ehcp.advice_table.currentIndex().data(ITEM_ROLE).pupil == "Chloe Nowak"
        advice_before = len(rows(ehcp.advice_table))
        ehcp.received_button.click()
        assert ehcp.advice_message.text() == "Advice from Rachel Green for Chloe Nowak received."
        assert len(rows(ehcp.advice_table)) == advice_before - 1
        qtbot.waitUntil(lambda: len(section(window, "Advice overdue")) == 2)
        assert not any("Chloe Nowak" in t for t in section(window, "Advice overdue"))
        assert nav(window, "ehcp") == "EHCP & reviews (15)"

        # the session to mark: delivered, with a note; the chart (its own tab) follows
        window.show_screen("dashboard")
        dashboard.show_chart()
        qtbot.waitUntil(lambda: dashboard.chart is not None)
        delivered_before = dashboard.chart.summary_text()
        ehcp_index = ehcp.tabs.indexOf(ehcp.sessions_table.parentWidget())
        window.show_screen("ehcp")
        ehcp.tabs.setCurrentIndex(ehcp_index)
        [session] = rows(ehcp.sessions_table)
        ehcp.sessions_table.selectRow(0)
        monkeypatch.setattr(ehcp_view.QInputDialog, "getText", lambda *_a, **_k: ("went well", True))
        monkeypatch.setattr(ehcp_view.QInputDialog, "getItem", lambda _p, _t, _l, labels, *_a: (labels[0], True))
        ehcp.delivered_button.click()
        assert ehcp.sessions_message.text().startswith(f"Recorded: {session.professional}")
        assert rows(ehcp.sessions_table) == []
        window.show_screen("dashboard")
        assert dashboard.tabs.currentWidget() is dashboard.chart_page
        qtbot.waitUntil(lambda: dashboard.chart.summary_text() != delivered_before)
        assert _delivered(dashboard.chart.summary_text()) == _delivered(delivered_before) + 1
        assert dashboard.chart.summary_text().endswith("statutory 1 of 4.")

        # on her laptop (another PC) she records Andrew Collins's advice as received: "Advice overdue" follows
        dashboard.tabs.setCurrentIndex(0)
        other = open_school(url, MONDAY)
        senco_two = actor(other, "mokafor")
        collins = next(a for a in other.advice.list_advice(senco_two) if a.professional == "Andrew Collins")
        other.advice.mark_received(senco_two, collins.id, MONDAY)
        qtbot.waitUntil(lambda: len(shown_section(window, "Advice overdue")) == 1, timeout=BUDGET_MS)
        assert shown_section(window, "Advice overdue")[0].startswith("OVERDUE: advice from Daniel Frost")
        assert nav(window, "ehcp") == "EHCP & reviews (14)"
        window.show_screen("ehcp")
        assert "Andrew Collins" not in [a.professional for a in rows(ehcp.advice_table)]


def _delivered(summary: str) -> int:
    """The chart's "…, N delivered." figure."""
    return int(summary.split(" delivered.")[0].rsplit(" ", 1)[1])


# --- the class teacher ------------------------------------------------------------------------------------------
def teacher_day(qtbot, monkeypatch, services, url, open_school, actor) -> tuple[list[str], set[str]]:  # noqa: ANN001
    """Tom Taylor's Thursday morning; returns what he saw, and the names of the other classes' pupils."""
    head = actor(services, "hcarter")
    everyone = services.pupils.list_pupils(head)
    others = {p.name for p in everyone if p.class_name != "Oak"} | {
        f"{p.last_name}, {p.first_name}" for p in everyone if p.class_name != "Oak"}
    oak = {p.name for p in everyone if p.class_name == "Oak"}
    assert others and len(oak) > 3
    window = open_window(qtbot, services, actor, "ttaylor")
    ehcp = window.screens["ehcp"]
    seen: list[str] = []

    def look() -> None:
        """Everything the window shows now, kept to check that no other class's pupil is named."""
        seen.extend(_everything_shown(window))

    # 08:30 the dashboard: Oak's week, the sessions to mark, his pupils' reviews
    week = shown_section(window, "This week's sessions for Oak")
    assert len(week) == 6 and week[0] == "Tue 09:30–10:15 Therapy Room 1: Rachel Green with Amara Osei"
    to_mark = shown_section(window, "Sessions to mark")
    assert len(to_mark) == 4 and to_mark[0] == "Tue 24 Nov 09:30 Rachel Green (Therapy Room 1) with Amara Osei"
    assert [nav(window, k) for k in ("pupils", "spaces", "ehcp")] == [
        "Pupils (3)", "Spaces & bookings (6)", "EHCP & reviews (4)"]
    look()

    # the class list: Oak's pupils only
    window.show_screen("pupils")
    pupils = window.screens["pupils"]
    assert {p.name for p in rows(pupils.table)} == oak
    assert {p.class_name for p in rows(pupils.table)} == {"Oak"}
    look()

    # the dashboard's "Sessions to mark" link: the EHCP screen's sessions tab; Tuesday's first session delivered
    window.show_screen("dashboard")
    links = window.screens["dashboard"].links
    links[next(t for t in links if t.startswith("Sessions to mark"))].click()
    assert window.current_screen_key() == "ehcp"
    assert ehcp.tabs.currentWidget().isAncestorOf(ehcp.sessions_table)
    assert len(rows(ehcp.sessions_table)) == 4
    look()
    ehcp.sessions_table.selectRow(0)
    chosen = ehcp.sessions_table.currentIndex().data(ITEM_ROLE)
    assert chosen.professional == "Rachel Green" and chosen.pupils == ("Amara Osei",)
    monkeypatch.setattr(ehcp_view.QInputDialog, "getText", lambda *_a, **_k: ("", True))
    ehcp.delivered_button.click()
    assert ehcp.sessions_message.text() == "Recorded: Rachel Green, Tue 24 Nov 09:30 — delivered."
    assert chosen.occurrence_id not in [s.occurrence_id for s in rows(ehcp.sessions_table)]
    assert len(rows(ehcp.sessions_table)) == 3
    qtbot.waitUntil(lambda: len(section(window, "Sessions to mark")) == 3)
    assert nav(window, "ehcp") == "EHCP & reviews (3)"
    assert not any(t.startswith("Tue 24 Nov 09:30") for t in section(window, "Sessions to mark"))
    ehcp.tabs.setCurrentWidget(ehcp.tabs.widget(0))  # what is due: his pupils' reviews only
    due = texts(ehcp.due_table)
    assert due and all(any(n in t for n in oak) for t in due)
    look()

    # the office, on another PC, books Rachel Green with Amara this afternoon: his week follows
    other = open_school(url, THURSDAY)
    amara = next(p for p in rows(pupils.table) if p.name == "Amara Osei")
    other.bookings.book(actor(other, "sbrown"), BookingDraft(
        space="Therapy Room 2", start=datetime(2026, 11, 26, 14, 15), end=datetime(2026, 11, 26, 15, 0),
        professional="nhs-slt-1", pupils=(amara.upn,), title="speech and language therapy"))
    window.show_screen("dashboard")
    qtbot.waitUntil(lambda: len(shown_section(window, "This week's sessions for Oak")) == 7, timeout=BUDGET_MS)
    assert "Thu 14:15–15:00 Therapy Room 2: Rachel Green with Amara Osei" in shown_section(
        window, "This week's sessions for Oak")
    assert nav(window, "spaces") == "Spaces & bookings (7)"
    look()

    # and the other screens he opens that day
    for key in ("spaces", "professionals", "requests", "reports"):
        window.show_screen(key)
        look()
    return seen, others


class TestTeacher:
    def test_the_teachers_morning(self, qtbot, monkeypatch, demo, open_school, actor):
        services, url = demo(THURSDAY)
        teacher_day(qtbot, monkeypatch, services, url, open_school, actor)

    def test_the_teacher_never_sees_another_classs_pupil_named(self, qtbot, monkeypatch, demo, open_school, actor):
        services, url = demo(THURSDAY)
        seen, others = teacher_day(qtbot, monkeypatch, services, url, open_school, actor)
        leaked = sorted({n for n in others if any(n in t for t in seen)})
        assert leaked == [], f"the teacher saw other classes' pupils: {leaked}"


def _everything_shown(window: MainWindow) -> list[str]:
    """The texts of the visible labels, list lines and table cells of the window."""
    found: list[str] = []
    for label in window.findChildren(QLabel):
        if label.isVisible():
            found.append(label.text())
    for widget in window.findChildren(QListWidget):
        if widget.isVisible():
            found.extend(widget.item(i).text() for i in range(widget.count()))
    for view in window.findChildren(QTableView):
        if view.isVisible() and view.model() is not None:
            found.extend(texts(view))
    for edit in window.findChildren(QLineEdit):
        if edit.isVisible():
            found.append(edit.text())
    spaces = window.screens["spaces"]
    if spaces.isVisible():  # the timetable is drawn: its blocks, with what their side pane would say
        found.extend(render_block(b) for b in spaces.canvas.blocks())
    return found
