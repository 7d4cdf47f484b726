"""The dashboard per role: what needs attention today, each item opening its record."""

from __future__ import annotations

from datetime import date

import pytest

from fairfields_desktop.ui.main_window import MainWindow
from fairfields_desktop.ui.models.base import ITEM_ROLE


@pytest.fixture
def window_for(qtbot, sqlite_school, actor):  # noqa: ANN001, ANN201
    def make(username: str) -> MainWindow:
        win = MainWindow(sqlite_school, actor(sqlite_school, username))
        qtbot.addWidget(win)
        win.show()
        return win

    return make


def section_texts(window: MainWindow, title_start: str) -> list[str]:
    dashboard = window.screens["dashboard"].dashboard
    [section] = [s for s in dashboard.sections if s.title.startswith(title_start)]
    return [i.text for i in section.items]


class TestByRole:
    def test_the_headteacher_sees_the_requests_awaiting_a_decision(self, window_for):
        window = window_for("hcarter")
        texts = section_texts(window, "Requests awaiting")
        assert "r-002: Ben Hughes with Peter Quinn — fails ATTENDANCE" in texts and len(texts) == 3
        assert window.nav.item(3).text() == "Requests (3)"

    def test_the_senco_sees_reviews_and_advice_overdue(self, window_for):
        window = window_for("mokafor")
        assert any(t.startswith("OVERDUE: annual review of Ben Hughes due by 9 Nov 2026") for t in
                   section_texts(window, "Annual reviews"))
        assert section_texts(window, "Advice overdue") == [
            "OVERDUE: advice from Rachel Green for Chloe Nowak's needs assessment, due 16 Nov 2026"]

    def test_the_office_sees_checks_and_todays_bookings(self, window_for):
        window = window_for("sbrown")
        checks = section_texts(window, "Safeguarding checks")
        assert any(t.startswith("Peter Quinn: warning") for t in checks)
        assert any(t.startswith("Omar Haddad: warning") for t in checks)
        assert section_texts(window, "Today's bookings") == []  # Monday 23 Nov: nothing booked

    def test_a_teacher_sees_their_class_week(self, window_for):
        window = window_for("ttaylor")
        sessions = section_texts(window, "This week's sessions for Oak")
        assert any("Hydrotherapy Pool" in s for s in sessions) and any("Therapy Room 1" in s for s in sessions)


class TestOpeningRecords:
    def test_an_overdue_advice_item_opens_the_advice_request(self, window_for):
        window = window_for("mokafor")
        dashboard = window.screens["dashboard"]
        items = dashboard.lists["Advice overdue"]
        dashboard.on_item_activated(items.item(0))
        ehcp = window.screens["ehcp"]
        assert window.current_screen_key() == "ehcp"
        assert ehcp.tabs.tabText(ehcp.tabs.currentIndex()) == "&Advice requests"
        assert ehcp.advice_table.currentIndex().data(ITEM_ROLE).pupil == "Chloe Nowak"

    def test_an_overdue_review_opens_the_pupils_review(self, window_for):
        window = window_for("mokafor")
        dashboard = window.screens["dashboard"]
        items = dashboard.lists["Annual reviews overdue or due within 6 weeks"]
        row = next(i for i in range(items.count()) if "Ben Hughes" in items.item(i).text())
        dashboard.on_item_activated(items.item(row))
        panel = window.screens["ehcp"].panels["reviews"]
        assert window.screens["ehcp"].tabs.currentWidget() is panel
        assert panel.pupil.currentData() == "X319700119023"

    def test_the_senco_sees_review_paperwork_due(self, qtbot, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        sqlite_school.reviews.schedule(senco, "X319700119023", date(2026, 12, 3))
        window = MainWindow(sqlite_school, senco)
        qtbot.addWidget(window)
        assert section_texts(window, "Review paperwork") == [
            "OVERDUE: Ben Hughes's review meeting on 3 Dec 2026: advice and reports circulated to the invitees by "
            "19 Nov 2026",
            "OVERDUE: Ben Hughes's review meeting on 3 Dec 2026: invitations sent by 19 Nov 2026"]

    def test_the_chart_of_sessions_comes_under_the_sections(self, qtbot, window_for):
        window = window_for("sbrown")
        qtbot.waitUntil(lambda: window.screens["dashboard"].chart is not None)
        chart = window.screens["dashboard"].chart
        assert chart.isVisible()
        assert "planned" in chart.summary.text()

    def test_an_item_opens_the_request(self, window_for):
        window = window_for("hcarter")
        dashboard = window.screens["dashboard"]
        items = dashboard.lists["Requests awaiting your decision"]
        dashboard.on_item_activated(items.item(1))
        assert window.current_screen_key() == "requests"
        assert window.screens["requests"].selected().ref == "r-002"


def test_a_long_queue_lists_the_soonest_and_counts_the_rest(qtbot, sqlite_school, actor, monkeypatch):
    from fairfields_desktop.services import dashboard

    monkeypatch.setattr(dashboard, "SECTION_LIMIT", 2)
    window = MainWindow(sqlite_school, actor(sqlite_school, "hcarter"))
    qtbot.addWidget(window)
    [section] = [s for s in window.screens["dashboard"].dashboard.sections if s.title.startswith("Requests awaiting")]
    assert [i.key for i in section.items] == ["r-001", "r-002"] and section.more == 1 and section.count == 3
    assert window.nav.item(3).text() == "Requests (3)"
    box = window.screens["dashboard"].lists["Requests awaiting your decision"].parentWidget()
    assert box.title() == "Requests awaiting your decision (3)"
