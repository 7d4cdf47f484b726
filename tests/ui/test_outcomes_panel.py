"""Outcomes and targets of a pupil's EHCP, and the class team's strategies for daily practice, with qtbot."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from fairfields_desktop.services.context import Actor
from fairfields_desktop.ui.views.outcomes_panel import (
    OutcomeDialog,
    OutcomesPanel,
    StrategiesPanel,
    TargetDialog,
)

BEN = "X319700119023"  # Oak
DEV = "X319700121005"  # Willow
WILLOW_TEACHER = Actor("lwhite", frozenset({"teacher"}), "lwhite", "Lucy White", "Willow")


@pytest.fixture
def senco(sqlite_school, actor):  # noqa: ANN001, ANN201
    return actor(sqlite_school, "mokafor")


def make_panel(qtbot, services, who, upn: str = BEN) -> OutcomesPanel:  # noqa: ANN001
    panel = OutcomesPanel(services, who)
    qtbot.addWidget(panel)
    panel.resize(1200, 700)
    panel.show_pupil(upn)
    return panel


def tree_lines(panel: OutcomesPanel) -> list[str]:
    """The tree as the eye reads it: areas, then their outcomes indented, then targets further in."""
    lines = []

    def walk(item, depth: int) -> None:  # noqa: ANN001
        lines.append("  " * depth + item.text(0) + (f" | {item.text(1)}" if item.text(1) else ""))
        for i in range(item.childCount()):
            walk(item.child(i), depth + 1)

    for i in range(panel.tree.topLevelItemCount()):
        walk(panel.tree.topLevelItem(i), 0)
    return lines


def find_item(panel: OutcomesPanel, text: str):  # noqa: ANN201
    def walk(item):  # noqa: ANN001, ANN202
        if text in item.text(0):
            return item
        for i in range(item.childCount()):
            found = walk(item.child(i))
            if found is not None:
                return found
        return None

    for i in range(panel.tree.topLevelItemCount()):
        found = walk(panel.tree.topLevelItem(i))
        if found is not None:
            return found
    raise AssertionError(f"{text!r} is not in the tree: {tree_lines(panel)}")


def add_outcome_and_target(services, who) -> tuple[int, int]:  # noqa: ANN001
    outcome = services.outcomes.add_outcome(who, BEN, "sensory_and_physical",
                                            "Ben moves safely around school with his walking frame")
    target = services.outcomes.add_target(who, outcome, "Walks 20 metres with the frame twice a day",
                                          professional="nhs-physio-1", programme="Daily walking programme",
                                          strategy="Use the frame for every move to the hall")
    return outcome, target


def test_adding_an_outcome_and_a_target_with_its_strategy_shows_them_under_the_area(qtbot, sqlite_school, senco,
                                                                                    monkeypatch):
    panel = make_panel(qtbot, sqlite_school, senco)
    assert panel.pupil.currentData() == BEN and tree_lines(panel) == []
    assert "No outcomes are recorded" in panel.detail.toPlainText()

    def fill_outcome(dialog: OutcomeDialog) -> int:
        dialog.area.setCurrentIndex(dialog.area.findText("Sensory and/or physical"))
        dialog.text.setPlainText("Ben moves safely around school with his walking frame")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(OutcomeDialog, "exec", fill_outcome)
    panel.add_outcome_button.click()
    assert panel.message.text() == "Outcome added under Sensory and/or physical."

    def fill_target(dialog: TargetDialog) -> int:
        dialog.text.setPlainText("Walks 20 metres with the frame twice a day")
        dialog.professional.setCurrentIndex(dialog.professional.findData("nhs-physio-1"))
        dialog.programme.setText("Daily walking programme")
        dialog.strategy.setPlainText("Use the frame for every move to the hall")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TargetDialog, "exec", fill_target)
    panel.add_target_button.click()  # the new outcome is the one chosen
    assert panel.message.text() == "Target added with its strategy for the class team."
    assert tree_lines(panel) == [
        "Sensory and/or physical (1 outcome)",
        "  Ben moves safely around school with his walking frame",
        "    Target: Walks 20 metres with the frame twice a day | Omar Haddad",
    ]
    detail = panel.detail.toPlainText()  # the new target is chosen and described
    assert "Strategy for the class team" in detail and "Use the frame for every move to the hall" in detail
    assert "Daily walking programme" in detail and "Omar Haddad" in detail


def test_the_class_team_sees_the_strategy_and_another_class_does_not(qtbot, sqlite_school, senco, actor):
    add_outcome_and_target(sqlite_school, senco)
    oak = StrategiesPanel(sqlite_school, actor(sqlite_school, "ttaylor"))
    qtbot.addWidget(oak)
    assert oak.proxy.rowCount() == 1
    assert [oak.proxy.index(0, c).data() for c in (0, 2, 3, 4, 5)] == [
        "Ben Hughes", "Sensory and/or physical", "Walks 20 metres with the frame twice a day",
        "Use the frame for every move to the hall", "Omar Haddad"]
    assert oak.message.text() == "1 current strategy for Oak."
    opened = []
    oak.open_requested.connect(lambda screen, key: opened.append((screen, key)))
    oak.table.doubleClicked.emit(oak.proxy.index(0, 3))
    assert opened == [("pupils", BEN)]
    oak.search.setText("hydrotherapy")
    assert oak.proxy.rowCount() == 0 and oak.message.text() == "0 of 1 strategies match the search."
    oak.search.setText("FRAME hall")
    assert oak.proxy.rowCount() == 1

    willow = StrategiesPanel(sqlite_school, WILLOW_TEACHER)
    qtbot.addWidget(willow)
    assert willow.proxy.rowCount() == 0 and "No current strategies for Willow" in willow.message.text()

    head = StrategiesPanel(sqlite_school, actor(sqlite_school, "hcarter"))
    qtbot.addWidget(head)
    assert head.class_choice.currentText() == "All classes" and head.proxy.rowCount() == 1
    head.class_choice.setCurrentIndex(head.class_choice.findData("Willow"))
    assert head.proxy.rowCount() == 0


def test_marking_an_outcome_achieved_hides_it_unless_show_ended(qtbot, sqlite_school, senco, monkeypatch):
    add_outcome_and_target(sqlite_school, senco)
    panel = make_panel(qtbot, sqlite_school, senco)
    panel.tree.setCurrentItem(find_item(panel, "Ben moves safely"))
    assert panel.achieved_button.isEnabled()
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _parent, _title, text, *a: asked.append(text) or QMessageBox.StandardButton.Yes)
    panel.achieved_button.click()
    assert "Its current target ends with it." in asked[0]
    assert tree_lines(panel) == []
    assert panel.message.text() == "Outcome marked achieved: it is hidden until you tick Show ended."
    assert "This pupil's 1 outcome has ended: tick Show ended" in panel.detail.toPlainText()

    panel.show_ended.setChecked(True)
    assert tree_lines(panel) == [
        "Sensory and/or physical (1 outcome)",
        "  Ben moves safely around school with his walking frame",
        "    Target: Walks 20 metres with the frame twice a day | Omar Haddad",
    ]
    outcome = find_item(panel, "Ben moves safely")
    assert outcome.text(3) == "achieved"
    panel.tree.setCurrentItem(outcome)
    assert "achieved on 23 Nov 2026" in panel.detail.toPlainText()
    assert not panel.edit_button.isEnabled() and not panel.add_target_button.isEnabled()  # kept, not changed


def test_ending_only_a_target_no_longer_pursued_keeps_its_outcome(qtbot, sqlite_school, senco, monkeypatch):
    add_outcome_and_target(sqlite_school, senco)
    panel = make_panel(qtbot, sqlite_school, senco)
    panel.tree.setCurrentItem(find_item(panel, "Target: Walks"))
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    panel.ceased_button.click()
    assert tree_lines(panel) == ["Sensory and/or physical (1 outcome)",
                                 "  Ben moves safely around school with his walking frame"]
    assert panel.message.text().startswith("Target marked no longer pursued")


def test_an_outcome_without_words_is_refused_naming_the_field_and_nothing_is_added(qtbot, sqlite_school, senco,
                                                                                   monkeypatch):
    panel = make_panel(qtbot, sqlite_school, senco)
    messages = []

    def fake_exec(dialog: OutcomeDialog) -> int:
        messages.append(dialog.message.text())
        if len(messages) > 1:  # the person reads the message, then cancels
            return QDialog.DialogCode.Rejected
        dialog.text.setPlainText("   ")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(OutcomeDialog, "exec", fake_exec)
    panel.add_outcome_button.click()
    assert messages == ["", "Not saved. Outcome: write the outcome"]
    assert tree_lines(panel) == [] and sqlite_school.outcomes.for_pupil(senco, BEN) == []


def test_an_edit_from_an_old_copy_is_refused_and_the_outcomes_are_read_again(qtbot, sqlite_school, senco, actor,
                                                                         monkeypatch):
    outcome, _target = add_outcome_and_target(sqlite_school, senco)
    panel = make_panel(qtbot, sqlite_school, senco)
    panel.tree.setCurrentItem(find_item(panel, "Ben moves safely"))
    assert panel.edit_button.text() == "&Edit outcome…"
    sqlite_school.outcomes.edit_outcome(actor(sqlite_school, "hcarter"), outcome, "sensory_and_physical",
                                        "Ben moves around school with his frame and one adult")

    def fake_exec(dialog: OutcomeDialog) -> int:
        dialog.text.setPlainText("Ben moves safely everywhere")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(OutcomeDialog, "exec", fake_exec)
    panel.edit_button.click()
    assert panel.message.text().startswith("Not saved: this outcome was changed by hcarter at ")
    assert "  Ben moves around school with his frame and one adult" in tree_lines(panel)  # read again


def test_the_teacher_reads_outcomes_and_progress_notes_but_cannot_change_them(qtbot, sqlite_school, senco, actor,
                                                                             monkeypatch):
    amara_outcome = sqlite_school.outcomes.add_outcome(senco, "Z319700118114", "communication_and_interaction",
                                                       "Amara makes choices with her AAC device")
    target = sqlite_school.outcomes.add_target(senco, amara_outcome, "Chooses at snack with the device",
                                               professional="nhs-slt-1", strategy="Offer two choices on the device")
    monkeypatch.setattr(sqlite_school.clock, "today", lambda: date(2026, 11, 24))
    monkeypatch.setattr(sqlite_school.clock, "now", lambda: datetime(2026, 11, 24, 12, 0))
    teacher = actor(sqlite_school, "ttaylor")
    [session] = sqlite_school.sessions.to_mark(teacher, since=date(2026, 11, 24))
    sqlite_school.sessions.mark(teacher, session.occurrence_id, True, note="Chose twice unprompted", target_id=target)

    panel = make_panel(qtbot, sqlite_school, teacher, "Z319700118114")
    panel.show()
    assert [panel.pupil.itemText(i) for i in range(panel.pupil.count())] == [
        "Ben Hughes (Oak)", "Chloe Nowak (Oak)", "Amara Osei (Oak)"]  # their class's pupils with a plan
    for button in (panel.add_outcome_button, panel.edit_button, panel.add_target_button, panel.achieved_button,
                   panel.ceased_button):
        assert not button.isVisible()
    panel.tree.setCurrentItem(find_item(panel, "Target: Chooses at snack"))
    detail = panel.detail.toPlainText()
    assert "Offer two choices on the device" in detail
    assert "24 Nov 2026" in detail and "delivered" in detail and "Chose twice unprompted" in detail
    panel.show_pupil(DEV)  # Willow's pupil: not theirs
    assert panel.pupil.currentData() == "Z319700118114" and "no pupil with an EHCP" in panel.message.text()
    opened = []
    panel.open_requested.connect(lambda screen, key: opened.append((screen, key)))
    panel.open_pupil_button.click()
    assert opened == [("pupils", "Z319700118114")]
