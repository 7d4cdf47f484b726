"""EHCP & reviews: what is due, and marking past sessions as delivered or not."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtWidgets import QInputDialog

from fairfields_desktop.services.context import Clock
from fairfields_desktop.ui.models.base import ITEM_ROLE
from fairfields_desktop.ui.views.ehcp_view import EhcpScreen


def test_what_is_due_lists_the_overdue_review_first_in_words(qtbot, sqlite_school, actor):
    screen = EhcpScreen(sqlite_school, actor(sqlite_school, "mokafor"))
    qtbot.addWidget(screen)
    details = [screen.due_model.row(i).detail for i in range(screen.due_model.rowCount())]
    assert "annual review of Ben Hughes due by 9 Nov 2026 (last review 10 Nov 2025)" in details
    proxy = screen.due_table.model()
    states = {proxy.index(r, 3).data(): proxy.index(r, 1).data() for r in range(proxy.rowCount())}
    assert states["annual review of Ben Hughes due by 9 Nov 2026 (last review 10 Nov 2025)"] == "OVERDUE"
    opened = []
    screen.open_requested.connect(lambda s, k: opened.append((s, k)))
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 3).data(ITEM_ROLE).subject == "X319700119023")
    screen.on_due_activated(proxy.index(row, 0))
    assert opened == [("pupils", "X319700119023")]


def test_marking_a_past_session_not_delivered_with_its_reason(qtbot, sqlite_school, actor, monkeypatch):
    clock = Clock(date(2026, 12, 2))
    clock.now = lambda: datetime(2026, 12, 2, 16, 0)  # type: ignore[method-assign]
    sqlite_school.sessions.clock = sqlite_school.bookings.clock = sqlite_school.due.clock = clock
    screen = EhcpScreen(sqlite_school, actor(sqlite_school, "ttaylor"))
    qtbot.addWidget(screen)
    assert screen.sessions_model.rowCount() == 3
    screen.sessions_table.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("pupil absent", True))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", True))
    screen.not_delivered_button.click()
    assert screen.sessions_message.text().endswith("not delivered (pupil absent).")
    assert screen.sessions_model.rowCount() == 2


def test_chasing_late_advice_and_marking_it_received(qtbot, sqlite_school, actor, monkeypatch):
    screen = EhcpScreen(sqlite_school, actor(sqlite_school, "mokafor"))
    qtbot.addWidget(screen)
    proxy = screen.advice_table.model()
    assert proxy.index(0, 1).data() == "OVERDUE" and proxy.index(0, 2).data() == "Chloe Nowak"
    screen.advice_table.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("phone", True))
    screen.chase_button.click()
    assert proxy.index(0, 5).data() == "23 Nov (phone, mokafor)"
    screen.advice_table.selectRow(0)
    screen.received_button.click()
    assert proxy.rowCount() == 0 and "received" in screen.advice_message.text()


def test_a_progress_note_is_recorded_against_a_target(qtbot, sqlite_school, actor, monkeypatch):
    senco = actor(sqlite_school, "mokafor")
    outcome = sqlite_school.outcomes.add_outcome(senco, "Z319700118114", "communication_and_interaction",
                                                 "Amara makes choices with her AAC device")
    sqlite_school.outcomes.add_target(senco, outcome, "Requests a break using two symbols", professional="nhs-slt-1")
    clock = Clock(date(2026, 11, 24))
    clock.now = lambda: datetime(2026, 11, 24, 12, 0)  # type: ignore[method-assign]
    sqlite_school.sessions.clock = sqlite_school.bookings.clock = sqlite_school.due.clock = clock
    screen = EhcpScreen(sqlite_school, senco)
    qtbot.addWidget(screen)
    row = next(r for r in range(screen.sessions_model.rowCount())
               if screen.sessions_model.row(r).professional == "Rachel Green")
    screen.sessions_table.selectRow(row)
    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Used two symbols unprompted", True))
    monkeypatch.setattr(QInputDialog, "getItem", lambda _w, _t, _l, labels, *a, **k: (
        asked.append(labels) or labels[1], True))
    screen.delivered_button.click()
    assert asked == [["(not against a target)", "Amara Osei: Requests a break using two symbols"]]
    [progress] = sqlite_school.outcomes.for_pupil(senco, "Z319700118114")[0].targets[0].progress
    assert (progress.on, progress.note) == (date(2026, 11, 24), "Used two symbols unprompted")



def test_every_kind_of_due_item_is_named_in_words():
    """The "What" column never shows a raw kind such as review_paperwork."""
    from fairfields_desktop.domain.deadlines import KINDS
    from fairfields_desktop.ui.views.ehcp_view import KIND_WORDS

    assert set(KINDS) <= set(KIND_WORDS), set(KINDS) - set(KIND_WORDS)
