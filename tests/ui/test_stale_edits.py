"""A record saved on another PC while this one had its form open: the save says who and when, and offers
to reload the record as saved (nothing of the other person's change is overwritten)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from fairfields_desktop.ui.forms import FormDialog
from fairfields_desktop.ui.views.people_view import RELOADED, SpacesTab, StaffTab
from fairfields_desktop.ui.views.request_dialogs import RequestDialog
from fairfields_desktop.ui.views.settings_view import SettingsScreen


class Boxes:
    """Stands in for the person at the "changed by someone else" message box: reads it, clicks a button."""

    def __init__(self, monkeypatch, answer: str = "Reload") -> None:  # noqa: ANN001
        self.texts: list[str] = []
        self.answer = answer
        monkeypatch.setattr(QMessageBox, "exec", lambda box: self.answer_box(box))

    def answer_box(self, box: QMessageBox) -> int:
        self.texts.append(box.text())
        assert box.objectName() == "staleRecord"
        [button] = [b for b in box.buttons() if b.text().replace("&", "") == self.answer]
        button.click()
        return 0


def other_pc(open_school, sqlite_url, actor, username: str = "admin"):  # noqa: ANN001, ANN201
    services = open_school(sqlite_url)
    return services, actor(services, username)


class TestStaffForm:
    def test_the_message_names_who_changed_it_and_reload_shows_their_change(self, qtbot, sqlite_school, sqlite_url,
                                                                          open_school, actor, monkeypatch):
        admin = actor(sqlite_school, "admin")
        tab = StaffTab(sqlite_school, admin)
        qtbot.addWidget(tab)
        member = next(s for s in sqlite_school.people.list_staff(admin) if s.ext_id == "dking")
        other, other_admin = other_pc(open_school, sqlite_url, actor)
        boxes = Boxes(monkeypatch)
        shown: list[dict] = []

        def fake_exec(dialog: FormDialog) -> int:
            fields = dialog.fields
            shown.append({"role": fields["role"].text(), "message": dialog.message.text()})
            if len(shown) == 1:  # meanwhile, on the other PC, the role is changed and saved
                other.people.save_staff(other_admin, {"id": "dking", "name": member.name, "role": "Deputy head",
                                                      "class": member.class_name}, member.id, member.version)
                fields["name"].setText("Dan King")
                return QDialog.DialogCode.Accepted
            if len(shown) == 2:  # reloaded: their role is shown; make the change again
                fields["name"].setText("Dan King")
                return QDialog.DialogCode.Accepted
            return QDialog.DialogCode.Rejected

        monkeypatch.setattr(FormDialog, "exec", fake_exec)
        tab.edit(member)
        [text] = boxes.texts
        assert text.startswith(f"Not saved. {member.name}'s record was changed by admin at ")
        assert "since you opened it: reload it, then make your change again" in text
        assert shown[1] == {"role": "Deputy head", "message": RELOADED}
        now = next(s for s in sqlite_school.people.list_staff(admin) if s.ext_id == "dking")
        assert (now.name, now.role) == ("Dan King", "Deputy head")  # both changes kept
        assert tab.message.text() == "Dan King saved."

    def test_keeping_the_form_saves_nothing(self, qtbot, sqlite_school, sqlite_url, open_school, actor, monkeypatch):
        admin = actor(sqlite_school, "admin")
        tab = SpacesTab(sqlite_school, admin)
        qtbot.addWidget(tab)
        room = next(s for s in sqlite_school.people.list_spaces(admin) if s.name == "Meeting Room")
        other, other_admin = other_pc(open_school, sqlite_url, actor)
        boxes = Boxes(monkeypatch, answer="Keep my form")
        messages: list[str] = []

        def fake_exec(dialog: FormDialog) -> int:
            messages.append(dialog.message.text())
            if len(messages) == 1:
                other.people.save_space(other_admin, {"name": room.name, "kind": room.kind, "capacity": 14,
                                                      "features": room.features, "bookable": room.bookable},
                                        room.id, room.version)
                dialog.fields["capacity"].setValue(3)
                return QDialog.DialogCode.Accepted
            return QDialog.DialogCode.Rejected

        monkeypatch.setattr(FormDialog, "exec", fake_exec)
        tab.edit(room)
        assert len(boxes.texts) == 1 and messages[1] == boxes.texts[0]
        assert next(s for s in sqlite_school.people.list_spaces(admin) if s.id == room.id).capacity == 14


class TestSettingsScreen:
    def test_settings_saved_elsewhere_are_reloaded(self, qtbot, sqlite_school, sqlite_url, open_school, actor,
                                                  monkeypatch):
        screen = SettingsScreen(sqlite_school, actor(sqlite_school, "admin"))
        qtbot.addWidget(screen)
        other, other_admin = other_pc(open_school, sqlite_url, actor)
        values = other.school.settings_values(with_version=True)
        other.school.update_settings(other_admin, {**values, "school_name": "Fairfields Special School"},
                                     values["version"])
        boxes = Boxes(monkeypatch)
        screen.threshold.setValue(93.0)
        qtbot.mouseClick(screen.save_settings_button, Qt.MouseButton.LeftButton)
        assert boxes.texts[0].startswith("Not saved. The school's settings were changed by admin at ")
        assert screen.settings_message.text() == RELOADED
        assert screen.school_name.text() == "Fairfields Special School"  # their change, shown
        assert sqlite_school.school.settings().attendance_threshold_percent == 95.0  # ours was not saved
        screen.threshold.setValue(93.0)  # made again, it is saved, and a second save is not stale
        qtbot.mouseClick(screen.save_settings_button, Qt.MouseButton.LeftButton)
        screen.idle_lock.setValue(15)
        qtbot.mouseClick(screen.save_settings_button, Qt.MouseButton.LeftButton)
        assert screen.settings_message.text() == "Settings saved. Ctrl+Z undoes it." and len(boxes.texts) == 1
        saved = sqlite_school.school.settings()
        assert (saved.school_name, saved.attendance_threshold_percent, saved.idle_lock_minutes) == (
            "Fairfields Special School", 93.0, 15)

    def test_terms_saved_elsewhere_are_not_overwritten(self, qtbot, sqlite_school, sqlite_url, open_school, actor,
                                                      monkeypatch):
        screen = SettingsScreen(sqlite_school, actor(sqlite_school, "admin"))
        qtbot.addWidget(screen)
        other, other_admin = other_pc(open_school, sqlite_url, actor)
        terms = other.school.terms_values()
        terms[2]["name"] = "Summer term 2027"
        other.school.save_terms(other_admin, terms, other.school.terms_values())
        boxes = Boxes(monkeypatch, answer="Keep my form")
        model = screen.terms_model
        assert model.setData(model.index(0, model.NAME), "Autumn term 2026", Qt.ItemDataRole.EditRole)
        qtbot.mouseClick(screen.save_terms_button, Qt.MouseButton.LeftButton)
        assert boxes.texts[0].startswith("Not saved. The terms were changed by admin at ")
        assert screen.terms_message.text() == boxes.texts[0]
        assert [t["name"] for t in sqlite_school.school.terms_values()][2] == "Summer term 2027"


class TestRequestForm:
    def test_a_request_saved_elsewhere_is_reloaded_before_saving(self, qtbot, sqlite_school, sqlite_url,
                                                                 open_school, actor, monkeypatch):
        head = actor(sqlite_school, "hcarter")
        dialog = RequestDialog(sqlite_school, head, sqlite_school.requests.get(head, "r-001"))
        qtbot.addWidget(dialog)
        other, other_head = other_pc(open_school, sqlite_url, actor, "hcarter")
        other.requests.save_draft(other_head, {**other.requests.values(other_head, "r-001"), "end_time": "11:30"},
                                  "r-001")
        boxes = Boxes(monkeypatch)
        accepted: list[bool] = []
        dialog.accepted.connect(lambda: accepted.append(True))
        dialog.extension_reason.setText("typed before the reload")
        dialog.submit_button.click()
        assert boxes.texts[0].startswith("Not saved. Request r-001 was changed by hcarter at ")
        assert not accepted  # nothing was sent to be saved
        assert dialog.message.text() == RELOADED
        assert dialog.end.time().toString("HH:mm") == "11:30"  # their change, shown
        assert dialog.extension_reason.text() == ""
        assert dialog.values()["version"] == sqlite_school.requests.values(head, "r-001")["version"]
        dialog.submit_button.click()  # made again from the reloaded form: accepted, no second message
        assert accepted == [True] and len(boxes.texts) == 1
