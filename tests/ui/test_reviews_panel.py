from datetime import date

from fairfields_desktop.ui.views.reviews_panel import ReviewsPanel

BEN = "X319700119023"


def test_smoke(qtbot, sqlite_school, actor, monkeypatch):
    panel = ReviewsPanel(sqlite_school, actor(sqlite_school, "mokafor"))
    qtbot.addWidget(panel)
    panel.show_pupil(BEN)
    print([panel.pupil.itemText(i) for i in range(panel.pupil.count())])
    print(panel.summary.text(), panel.meeting.text(), panel.message.text())
    monkeypatch.setattr(panel, "ask_meeting", lambda *a: (date(2026, 12, 14), None, "Library"))
    panel.schedule_button.click()
    print(panel.message.text(), panel.meeting.text(), panel.flags.text())
    m = panel.steps_model
    print([[m.index(r, c).data() for c in range(4)] for r in range(m.rowCount())])
    m = panel.invitees_model
    print([[m.index(r, c).data() for c in range(2)] for r in range(m.rowCount())])
    print([(p.ext_id, p.name) for p in sqlite_school.professionals.list_professionals(actor(sqlite_school, "mokafor"))])
