"""EHC needs assessments: the state and next deadline of each, recording stages, starting and stopping one."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog

from fairfields_desktop.ui.views.assessments_panel import AssessmentsPanel

BEN = "X319700119023"
CHLOE = "X319700117077"


def rows(panel: AssessmentsPanel) -> list[list[str]]:
    model = panel.model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def stages(panel: AssessmentsPanel) -> list[list[str]]:
    model = panel.stages_model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_chloes_assessment_waits_for_the_decision_to_issue(qtbot, sqlite_school, actor):
    panel = AssessmentsPanel(sqlite_school, actor(sqlite_school, "mokafor"))
    qtbot.addWidget(panel)
    assert rows(panel) == [["Chloe Nowak", "Oak", "28 Sep 2026", "waiting for the decision to issue (due 18 Jan 2027)",
                            "18 Jan 2027 (decision to issue)"]]
    assert not panel.show_finished.isChecked()
    assert stages(panel) == [
        ["Decision to assess", "9 Nov 2026", "2 Oct 2026", "done"],
        ["Decision to issue", "18 Jan 2027", "—", "to do"],
        ["Draft plan issued", "no deadline of its own", "—", "to do"],
        ["Final plan issued", "15 Feb 2027", "—", "to do"],
    ]
    assert "Chloe Nowak's assessment" in panel.stages_title.text()
    opened = []
    panel.open_requested.connect(lambda screen, key: opened.append((screen, key)))
    panel.on_activated(panel.model.index(0, 0))
    assert opened == [("pupils", CHLOE)]


def test_recording_the_decision_to_issue_and_the_draft_moves_the_state_on(qtbot, sqlite_school, actor, monkeypatch):
    panel = AssessmentsPanel(sqlite_school, actor(sqlite_school, "mokafor"))
    qtbot.addWidget(panel)
    monkeypatch.setattr(panel, "ask_stage", lambda a: ("decision_to_issue_on", date(2026, 11, 20)))
    panel.stage_button.click()
    assert panel.message.text() == "Chloe Nowak: decision to issue on 20 Nov 2026 recorded."
    assert rows(panel)[0][3:] == ["waiting for the draft plan", "15 Feb 2027 (final plan)"]
    assert stages(panel)[1] == ["Decision to issue", "18 Jan 2027", "20 Nov 2026", "done"]
    monkeypatch.setattr(panel, "ask_stage", lambda a: ("draft_issued_on", date(2026, 11, 23)))
    panel.stage_button.click()
    assert rows(panel)[0][4] == "8 Dec 2026 (parents' comments on the draft)"
    assert panel.stages_note.text() == "The parents have until 8 Dec 2026 to comment on the draft plan."


def test_a_stage_before_the_request_is_refused_in_words_and_nothing_changes(qtbot, sqlite_school, actor,
                                                                          monkeypatch):
    senco = actor(sqlite_school, "mokafor")
    panel = AssessmentsPanel(sqlite_school, senco)
    qtbot.addWidget(panel)
    before = sqlite_school.assessments.list_assessments(senco)
    monkeypatch.setattr(panel, "ask_stage", lambda a: ("decision_to_issue_on", date(2026, 9, 1)))
    panel.stage_button.click()
    assert panel.message.text() == ("Not recorded: Decision to issue: the decision to issue comes after the request "
                                    "and earlier stages (2 Oct 2026)")
    assert sqlite_school.assessments.list_assessments(senco) == before
    assert rows(panel)[0][3] == "waiting for the decision to issue (due 18 Jan 2027)"


def test_the_stage_dialog_offers_the_next_stage_on_today(qtbot, sqlite_school, actor, monkeypatch):
    panel = AssessmentsPanel(sqlite_school, actor(sqlite_school, "mokafor"))
    qtbot.addWidget(panel)
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    assert panel.ask_stage(panel.selected()) == ("decision_to_issue_on", date(2026, 11, 23))
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    panel.stage_button.click()  # cancelled: nothing recorded, nothing said
    assert panel.message.text() == "" and stages(panel)[1][2] == "—"


def test_stopping_needs_a_reason_and_is_kept_with_it(qtbot, sqlite_school, actor, monkeypatch):
    panel = AssessmentsPanel(sqlite_school, actor(sqlite_school, "mokafor"))
    qtbot.addWidget(panel)
    monkeypatch.setattr(panel, "ask_stop", lambda a: (date(2026, 11, 20), "  "))
    panel.stop_button.click()
    assert panel.message.text() == "Not recorded: Reason: say what the LA decided (e.g. not to assess)"
    assert len(rows(panel)) == 1 and rows(panel)[0][3].startswith("waiting")
    monkeypatch.setattr(panel, "ask_stop", lambda a: (date(2026, 11, 20), "the LA decided not to issue a plan"))
    panel.stop_button.click()
    assert panel.message.text() == "Chloe Nowak's assessment recorded as stopped by the LA on 20 Nov 2026."
    assert rows(panel) == []  # finished ones are hidden unless asked for
    assert not panel.stage_button.isEnabled()
    panel.show_finished.setChecked(True)
    assert rows(panel)[0][3:] == ["stopped 20 Nov 2026", "—"]
    assert [s[3] for s in stages(panel)] == ["done", "not reached", "not reached", "not reached"]
    assert panel.stages_note.text() == "Stopped by the LA on 20 Nov 2026: the LA decided not to issue a plan"
    assert not panel.stage_button.isEnabled() and not panel.stop_button.isEnabled()


def test_a_new_assessment_and_a_second_one_refused(qtbot, sqlite_school, actor, monkeypatch):
    panel = AssessmentsPanel(sqlite_school, actor(sqlite_school, "mokafor"))
    qtbot.addWidget(panel)
    monkeypatch.setattr(panel, "ask_new_assessment", lambda: (BEN, date(2026, 11, 2)))
    panel.new_button.click()
    assert panel.message.text() == "Needs assessment requested 2 Nov 2026 recorded."
    assert panel.selected().pupil_name == "Ben Hughes"
    assert rows(panel)[1] == ["Ben Hughes", "Oak", "2 Nov 2026", "waiting for the decision to assess (due 14 Dec 2026)",
                              "14 Dec 2026 (decision to assess)"]
    monkeypatch.setattr(panel, "ask_new_assessment", lambda: (CHLOE, date(2026, 11, 2)))
    panel.new_button.click()
    assert panel.message.text() == "Not recorded: Chloe Nowak has an assessment in progress since 28 Sep 2026"
    assert len(rows(panel)) == 2


def test_the_new_assessment_dialog_lists_the_pupils(qtbot, sqlite_school, actor, monkeypatch):
    panel = AssessmentsPanel(sqlite_school, actor(sqlite_school, "mokafor"))
    qtbot.addWidget(panel)
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    upn, requested_on = panel.ask_new_assessment()
    assert upn in {p.upn for p in sqlite_school.pupils.list_pupils(actor(sqlite_school, "mokafor"))}
    assert requested_on == date(2026, 11, 23)


def test_a_teacher_is_told_assessments_are_not_theirs(qtbot, sqlite_school, actor):
    panel = AssessmentsPanel(sqlite_school, actor(sqlite_school, "ttaylor"))
    qtbot.addWidget(panel)
    assert rows(panel) == []
    assert "SENCO" in panel.message.text()
    assert not panel.new_button.isEnabled() and not panel.stage_button.isEnabled()
