"""Writes off the UI thread, database trouble said as what it is, and one undo history per screen (issue #15).

Driven through the real main window and screens, on real services: another PC is a second connection (or a
second set of services) on the same SQLite file.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from fairfields_desktop.services.bookings import BookingService
from fairfields_desktop.services.people import PeopleService
from fairfields_desktop.store.database import DatabaseUnavailable, _connect_file
from fairfields_desktop.ui import operations
from fairfields_desktop.ui.forms import FormDialog
from fairfields_desktop.ui.main_window import MainWindow
from fairfields_desktop.ui.shortcuts import keys_text, screen_actions
from fairfields_desktop.ui.views.booking_dialog import BookingDialog, MoveDialog
from fairfields_desktop.ui.views.outcomes_panel import OutcomeDialog, TargetDialog
from fairfields_desktop.ui.views.import_dialog import ImportDialog
from fairfields_desktop.ui.views.pupils_view import ConsentDialog
from fairfields_desktop.ui.views.request_dialogs import DecisionDialog
from fairfields_desktop.ui.workers import activity

DAY = date(2026, 12, 1)
BEN = "X319700119023"


@pytest.fixture
def window_for(qtbot, sqlite_school, actor):
    def make(username: str = "sbrown") -> MainWindow:
        window = MainWindow(sqlite_school, actor(sqlite_school, username))
        qtbot.addWidget(window)
        with qtbot.waitActive(window):  # Ctrl+Z goes to the active window
            window.show()
            window.activateWindow()
        return window

    return make


def blocks(screen, ref: str) -> list:
    return [b for b in screen.canvas.blocks() if b.booking_ref == ref]


def menu_labels(window: MainWindow) -> list[str]:
    return [e.label for e in screen_actions(window.stack.currentWidget())]


def undo_entry(window: MainWindow):
    """The Actions menu's line for Ctrl+Z on the screen shown."""
    undo = keys_text(QKeySequence.StandardKey.Undo)
    return next(e for e in screen_actions(window.stack.currentWidget()) if e.keys == undo)


def redo_entry(window: MainWindow):
    redo = keys_text(QKeySequence(QKeySequence.StandardKey.Redo))
    return next(e for e in screen_actions(window.stack.currentWidget()) if e.keys == redo)


def press_undo(qtbot, window: MainWindow) -> None:
    if QApplication.activeWindow() is not window:  # a busy indicator shown meanwhile (a slow PC) took it
        with qtbot.waitActive(window):
            window.activateWindow()
    window.nav.setFocus()  # not a text field (it has its own Ctrl+Z)
    qtbot.keyClick(window.nav, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def fill_booking(dialog: BookingDialog) -> None:
    dialog.space.setCurrentIndex(dialog.space.findText("Sensory Room"))
    dialog.set_when(DAY, time(11, 0), time(11, 45))
    dialog.choose_professional("nhs-physio-1")  # statutory: an independent one with a pupil needs a request
    dialog.choose_pupils(["X319700117077"])
    dialog.title_field.setText("Physio: sensory diet")


class HeldLock:
    """Another PC holds SQLite's write lock (a second connection to the file, with its key, in BEGIN
    IMMEDIATE) until the busy indicator has been shown and a timer has ticked three times meanwhile."""

    def __init__(self, services, screen) -> None:  # noqa: ANN001
        self.screen = screen
        self.conn = _connect_file(services.db.sqlite_path, services.db.key)
        self.busy: list[str] = []
        self.ticks_while_busy = 0
        self.disabled = 0
        self.timer = QTimer()
        self.timer.timeout.connect(self.on_tick)

    def __enter__(self) -> HeldLock:
        self.conn.execute("BEGIN IMMEDIATE")
        activity.busy_shown.connect(self.busy.append)
        self.timer.start(20)
        return self

    def on_tick(self) -> None:
        if self.busy and self.conn.in_transaction:
            self.ticks_while_busy += 1
            self.disabled += not self.screen.isEnabled()
            if self.ticks_while_busy >= 3:
                self.conn.commit()  # the other PC finishes

    def __exit__(self, *_exc) -> None:  # noqa: ANN002
        self.timer.stop()
        activity.busy_shown.disconnect(self.busy.append)
        if self.conn.in_transaction:
            self.conn.rollback()
        self.conn.close()


class Answer:
    """The person at the message about trouble: records what it said and clicks a button (once it waits)."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.texts: list[str] = []
        self.buttons: list[list[str]] = []
        operations.events.trouble_shown.connect(self.on_shown)

    def on_shown(self, box: QMessageBox) -> None:
        self.texts.append(box.text())
        box.setProperty("answered", True)
        labels = [b.text().replace("&", "") for b in box.buttons()]
        self.buttons.append(labels)
        wanted = self.answers.pop(0)
        button = box.buttons()[labels.index(wanted)]
        QTimer.singleShot(0, button.click)  # clicked from inside the box's own wait

    def close(self) -> None:
        operations.events.trouble_shown.disconnect(self.on_shown)


@pytest.fixture(autouse=True)
def unexpected_boxes():  # noqa: ANN201
    """A message about trouble that no test answers is closed (and listed) instead of waiting forever."""
    shown: list[str] = []

    def close_if_unanswered(box: QMessageBox) -> None:
        def close() -> None:
            if box.isVisible() and not box.property("answered"):
                shown.append(box.text())
                box.reject()

        QTimer.singleShot(0, close)

    operations.events.trouble_shown.connect(close_if_unanswered)
    yield shown
    operations.events.trouble_shown.disconnect(close_if_unanswered)
    assert shown == [], "a message about trouble was shown and not expected"


@pytest.fixture
def answer():
    made: list[Answer] = []

    def make(*answers: str) -> Answer:
        made.append(Answer(*answers))
        return made[-1]

    yield make
    for a in made:
        a.close()


class TestWritesOffTheUiThread:
    def test_a_booking_waits_for_another_pcs_lock_while_the_window_goes_on(self, window_for, sqlite_school,
                                                                          monkeypatch, qtbot):
        window = window_for()
        window.show_screen("spaces")
        screen = window.screens["spaces"]
        screen.set_day(DAY)

        def fake_exec(dialog: BookingDialog) -> int:
            fill_booking(dialog)
            dialog.ok_button.click()
            return dialog.result()

        monkeypatch.setattr(BookingDialog, "exec", fake_exec)
        with HeldLock(sqlite_school, screen) as lock:
            screen.new_button.click()
        assert lock.busy == ["Booking…"]  # the busy indicator appeared (after 0.4 s)
        assert lock.ticks_while_busy >= 3 and lock.disabled == lock.ticks_while_busy  # events went on
        (new,) = [b for b in screen.canvas.blocks() if b.professional == "Omar Haddad"]
        assert screen.message.text().startswith(f"Booked {new.booking_ref}: Sensory Room, 11:00–11:45")
        assert screen.isEnabled()

    def test_a_decision_waits_for_another_pcs_lock_too(self, window_for, sqlite_school, monkeypatch):
        window = window_for("hcarter")
        window.show_screen("requests")
        screen = window.screens["requests"]
        screen.select_request("r-003")

        def fake_exec(dialog: DecisionDialog) -> int:
            dialog.fields["reason"].setText("the family withdrew the request")
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(DecisionDialog, "exec", fake_exec)
        with HeldLock(sqlite_school, screen) as lock:
            screen.buttons["decline"].click()
        assert lock.busy == ["Saving…"] and lock.ticks_while_busy >= 3
        assert screen.message.text() == "r-003 declined."

    def test_a_full_disk_is_said_with_try_again_which_books_the_second_time(self, window_for, monkeypatch,
                                                                           answer):
        window = window_for()
        window.show_screen("spaces")
        screen = window.screens["spaces"]
        screen.set_day(DAY)
        real_book = BookingService.book
        calls = []

        def book(self, *args, **kwargs):
            calls.append(1)
            if len(calls) == 1:
                raise DatabaseUnavailable("the disk holding the database is full (database or disk is full): "
                                          "nothing was changed; free some space (or ask the IT technician), "
                                          "then try again")
            return real_book(self, *args, **kwargs)

        monkeypatch.setattr(BookingService, "book", book)
        person = answer("Try again")

        def fake_exec(dialog: BookingDialog) -> int:
            fill_booking(dialog)
            dialog.ok_button.click()
            return dialog.result()

        monkeypatch.setattr(BookingDialog, "exec", fake_exec)
        screen.new_button.click()
        assert person.texts == [("Not booked. The disk holding the database is full (database or disk is full): "
                                 "nothing was changed; free some space (or ask the IT technician), then try again.")]
        assert person.buttons == [["Try again", "Keep my form"]]
        assert len(calls) == 2
        (new,) = [b for b in screen.canvas.blocks() if b.professional == "Omar Haddad"]
        assert new.title == "Physio: sensory diet"  # what was typed, booked the second time

    def test_a_form_left_open_keeps_what_was_typed_and_saves_when_tried_again(self, window_for, monkeypatch,
                                                                             answer, sqlite_school):
        window = window_for("admin")
        window.show_screen("settings")
        tab = window.screens["settings"].staff_tab
        member = next(s for s in sqlite_school.people.list_staff(tab.actor) if s.ext_id == "dking")
        real_save = PeopleService.save_staff
        failures = [DatabaseUnavailable("the connection to the database was lost (server closed the connection): "
                                        "nothing was changed; check the network and that the database server is "
                                        "running, then try again")]

        def save_staff(self, *args, **kwargs):
            if failures:
                raise failures.pop()
            return real_save(self, *args, **kwargs)

        monkeypatch.setattr(PeopleService, "save_staff", save_staff)
        person = answer("Keep my form", "Try again")
        seen: list[tuple[str, str]] = []

        def fake_exec(dialog: FormDialog) -> int:
            seen.append((dialog.fields["name"].text(), dialog.message.text()))
            if len(seen) == 1:
                dialog.fields["name"].setText("Daniel King")
                return QDialog.DialogCode.Accepted
            if len(seen) == 2:  # opened again: what was typed is still there; save again, the fault returns
                failures.append(DatabaseUnavailable("the disk holding the database is full: nothing was changed; "
                                                    "free some space, then try again"))
                return QDialog.DialogCode.Accepted
            return QDialog.DialogCode.Rejected

        monkeypatch.setattr(FormDialog, "exec", fake_exec)
        tab.edit(member)
        assert seen[1][0] == "Daniel King"
        assert seen[1][1].startswith("Not saved: the connection to the database was lost")
        assert len(seen) == 2 and len(person.texts) == 2  # the second time, Try again saved it
        assert tab.message.text() == "Daniel King saved."
        assert any(s.name == "Daniel King" for s in sqlite_school.people.list_staff(tab.actor))

    def test_a_bug_is_logged_and_said_once_as_a_fault_and_the_form_stays(self, window_for, monkeypatch, answer,
                                                                        caplog):
        window = window_for()
        window.show_screen("spaces")
        screen = window.screens["spaces"]
        screen.set_day(DAY)

        def book(self, *args, **kwargs):
            raise KeyError("space_id")

        monkeypatch.setattr(BookingService, "book", book)
        person = answer("Close")
        messages = []

        def fake_exec(dialog: BookingDialog) -> int:
            fill_booking(dialog)
            dialog.ok_button.click()
            messages.append(dialog.message.text())
            return dialog.result()

        monkeypatch.setattr(BookingDialog, "exec", fake_exec)
        with caplog.at_level("ERROR"):
            screen.new_button.click()
        assert len(person.texts) == 1 and "a fault in Fairfields Desktop stopped it (KeyError" in person.texts[0]
        assert messages == ["Not booked: a fault in the app stopped it; it was logged"]
        assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)


    def test_an_mis_import_refused_by_a_busy_database_is_tried_again(self, qtbot, sqlite_school, actor,
                                                                      monkeypatch, answer):
        from pathlib import Path

        from PySide6.QtCore import QDate

        from fairfields_desktop.services.mis_import import MisImportService
        from fairfields_desktop.store.database import DatabaseBusy

        dialog = ImportDialog(sqlite_school, actor(sqlite_school, "sbrown"))
        qtbot.addWidget(dialog)
        dialog.as_of.setDate(QDate(2026, 11, 27))
        dialog.load_file(str(Path(__file__).parents[2] / "resources" / "sample-mis-export.csv"))
        real_apply = MisImportService.apply
        calls = []

        def apply(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            calls.append(1)
            if len(calls) == 1:
                raise DatabaseBusy("the database is busy with another PC's change and did not free up in time: "
                                   "nothing was changed; try again in a moment")
            return real_apply(self, *args, **kwargs)

        monkeypatch.setattr(MisImportService, "apply", apply)
        person = answer("Try again")
        with qtbot.waitSignal(dialog.imported, timeout=20_000):
            dialog.import_button.click()
        assert person.texts == ["Nothing was imported. The database is busy with another PC's change and did not "
                                "free up in time: nothing was changed; try again in a moment."]
        assert len(calls) == 2 and dialog.summary.text().startswith("Imported: 1 added, 4 updated")


def move_b001(qtbot, screen, monkeypatch) -> None:
    screen.set_day(DAY)
    (block,) = blocks(screen, "b-001")
    screen.canvas.select_block(block.occurrence_id)

    def fake_exec(dialog: MoveDialog) -> int:
        dialog.set_values(DAY, time(11, 0), "Sensory Room")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(MoveDialog, "exec", fake_exec)
    screen.move_button.click()
    assert blocks(screen, "b-001")[0].space == "Sensory Room"


class TestUndoPerScreen:
    def test_undo_on_one_screen_leaves_another_screens_change_and_the_menu_names_it(
            self, window_for, monkeypatch, qtbot, sqlite_school):
        window = window_for("admin")
        window.show_screen("spaces")
        spaces = window.screens["spaces"]
        move_b001(qtbot, spaces, monkeypatch)
        assert "Undo move of b-001" in menu_labels(window)
        window.show_screen("settings")  # then a change on another screen
        tab = window.screens["settings"].staff_tab
        member = next(s for s in sqlite_school.people.list_staff(tab.actor) if s.ext_id == "dking")

        def fake_exec(dialog: FormDialog) -> int:
            dialog.fields["role"].setText("Deputy head")
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(FormDialog, "exec", fake_exec)
        tab.edit(member)
        assert "Undo edit of " + member.name in menu_labels(window)
        press_undo(qtbot, window)  # on Settings: its own change, not the move
        assert next(s for s in sqlite_school.people.list_staff(tab.actor) if s.ext_id == "dking").role == member.role
        assert tab.message.text() == f"Undone: edit of {member.name}."
        assert blocks(spaces, "b-001")[0].space == "Sensory Room"
        window.show_screen("spaces")
        assert undo_entry(window).label == "Undo move of b-001"
        press_undo(qtbot, window)
        (back,) = blocks(spaces, "b-001")
        assert (back.space, back.start) == ("Therapy Room 1", datetime(2026, 12, 1, 9, 30))
        assert spaces.message.text() == "Undone: move of b-001."
        assert undo_entry(window).label == "Undo" and not undo_entry(window).enabled

    def test_a_booking_just_made_is_what_ctrl_z_undoes(self, window_for, monkeypatch, qtbot):
        window = window_for()
        window.show_screen("spaces")
        screen = window.screens["spaces"]
        move_b001(qtbot, screen, monkeypatch)

        def fake_exec(dialog: BookingDialog) -> int:
            fill_booking(dialog)
            dialog.space.setCurrentIndex(dialog.space.findText("Meeting Room"))
            dialog.ok_button.click()
            return dialog.result()

        monkeypatch.setattr(BookingDialog, "exec", fake_exec)
        screen.new_button.click()
        (new,) = [b for b in screen.canvas.blocks() if b.professional == "Omar Haddad"]
        assert undo_entry(window).label == f"Undo booking of {new.booking_ref}"
        press_undo(qtbot, window)
        assert not [b for b in screen.canvas.blocks() if b.professional == "Omar Haddad"]  # cancelled
        assert blocks(screen, "b-001")[0].space == "Sensory Room"  # the earlier move stays
        assert screen.message.text() == f"Undone: booking of {new.booking_ref}."
        assert undo_entry(window).label == "Undo move of b-001"

    def test_an_undo_of_a_booking_moved_on_another_pc_since_is_said_not_skipped(
            self, window_for, monkeypatch, qtbot, open_school, sqlite_url, actor):
        window = window_for()
        window.show_screen("spaces")
        screen = window.screens["spaces"]
        move_b001(qtbot, screen, monkeypatch)
        other = open_school(sqlite_url)  # another PC on the same database moves it again
        occurrence = blocks(screen, "b-001")[0].occurrence_id
        other.bookings.move(actor(other, "hcarter"), occurrence, datetime(2026, 12, 1, 13, 0),
                            datetime(2026, 12, 1, 13, 45))
        press_undo(qtbot, window)
        text = screen.message.text()
        assert text.startswith("Cannot undo move of b-001: this session of booking b-001 was changed by hcarter at ")
        assert text.endswith("It is no longer on the undo list; what is saved now is shown.")
        (where,) = blocks(screen, "b-001")
        assert (where.space, where.start) == ("Sensory Room", datetime(2026, 12, 1, 13, 0))  # theirs, kept
        assert undo_entry(window).label == "Undo" and screen.undo_stack.count() == 0

    def test_an_undo_of_a_member_of_staff_changed_on_another_pc_is_refused(self, window_for, monkeypatch,
                                                                          sqlite_school, open_school, sqlite_url,
                                                                          actor):
        window = window_for("admin")
        window.show_screen("settings")
        tab = window.screens["settings"].staff_tab
        member = next(s for s in sqlite_school.people.list_staff(tab.actor) if s.ext_id == "dking")
        monkeypatch.setattr(FormDialog, "exec", lambda d: (d.fields["role"].setText("Deputy head"),
                                                           QDialog.DialogCode.Accepted)[1])
        tab.edit(member)
        other = open_school(sqlite_url)
        now = next(s for s in other.people.list_staff(actor(other, "admin")) if s.ext_id == "dking")
        other.people.save_staff(actor(other, "admin"), {"id": "dking", "name": "Dan King", "role": now.role,
                                                        "class": now.class_name}, now.id, now.version)
        undo_via_menu(window)
        assert tab.message.text().startswith(f"Cannot undo edit of {member.name}: ")
        assert "changed by admin at " in tab.message.text() and "since you opened it" in tab.message.text()
        now = next(s for s in sqlite_school.people.list_staff(tab.actor) if s.ext_id == "dking")
        assert (now.name, now.role) == ("Dan King", "Deputy head")  # theirs and ours, both kept

    def test_two_edits_of_one_record_are_undone_one_after_the_other(self, window_for, monkeypatch, sqlite_school):
        window = window_for("admin")
        window.show_screen("settings")
        tab = window.screens["settings"].staff_tab
        people, admin = sqlite_school.people, tab.actor
        roles = iter(["Deputy head", "Head of sixth form"])
        monkeypatch.setattr(FormDialog, "exec", lambda d: (d.fields["role"].setText(next(roles)),
                                                           QDialog.DialogCode.Accepted)[1])
        member = next(s for s in people.list_staff(admin) if s.ext_id == "dking")
        tab.edit(member)
        tab.edit(next(s for s in people.list_staff(admin) if s.ext_id == "dking"))

        def role() -> str:
            return next(s for s in people.list_staff(admin) if s.ext_id == "dking").role

        assert role() == "Head of sixth form"
        undo_via_menu(window)
        assert role() == "Deputy head"
        undo_via_menu(window)  # the version it left was changed by the undo just made here: still undone
        assert role() == member.role and tab.message.text() == f"Undone: edit of {member.name}."


def undo_via_menu(window: MainWindow) -> None:
    entry = undo_entry(window)
    assert entry.enabled
    entry.trigger()


def redo_via_menu(window: MainWindow) -> None:
    entry = redo_entry(window)
    assert entry.enabled
    entry.trigger()



def _ben_review_scheduled(window_for, monkeypatch):  # noqa: ANN001, ANN202
    """The SENCO's window on the EHCP screen's reviews, Ben's meeting set for 14 December."""
    window = window_for("mokafor")
    window.show_screen("ehcp")
    screen = window.screens["ehcp"]
    panel = screen.panels["reviews"]
    screen.tabs.setCurrentWidget(panel)
    panel.show_pupil(BEN)
    monkeypatch.setattr(panel, "ask_meeting", lambda *a: (date(2026, 12, 14), None, None))
    panel.schedule_button.click()
    return window, panel

class TestNewUndo:
    """Do, undo, redo through the real screen (its Actions menu entries) for the screens that had none."""

    def test_staff_classes_and_spaces(self, window_for, monkeypatch, sqlite_school):
        window = window_for("admin")
        window.show_screen("settings")
        settings = window.screens["settings"]
        people, admin = sqlite_school.people, settings.actor
        edits = {"Member of staff": ("role", "Deputy head"), "Class": ("name", "Oak Class"),
                 "Space": ("features", "hoist, mats")}

        def fake_exec(dialog: FormDialog) -> int:
            key, value = edits[dialog.windowTitle()]
            dialog.fields[key].setText(value)
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(FormDialog, "exec", fake_exec)
        member = next(s for s in people.list_staff(admin) if s.ext_id == "dking")
        settings.tabs.setCurrentWidget(settings.staff_tab)
        settings.staff_tab.edit(member)
        klass = next(c for c in people.list_classes(admin) if c.name == "Oak")
        settings.tabs.setCurrentWidget(settings.classes_tab)
        settings.classes_tab.edit(klass)
        room = next(s for s in people.list_spaces(admin) if s.name == "Sensory Room")
        settings.tabs.setCurrentWidget(settings.spaces_tab)
        settings.spaces_tab.edit(room)

        def state() -> tuple:
            return (next(s for s in people.list_staff(admin) if s.id == member.id).role,
                    next(c for c in people.list_classes(admin) if c.id == klass.id).name,
                    next(s for s in people.list_spaces(admin) if s.id == room.id).features)

        assert state() == ("Deputy head", "Oak Class", "hoist, mats")
        assert undo_entry(window).label == "Undo edit of Sensory Room"
        undo_via_menu(window)
        assert undo_entry(window).label == "Undo edit of class Oak Class"
        undo_via_menu(window)
        undo_via_menu(window)
        assert state() == (member.role, "Oak", room.features)
        assert redo_entry(window).label == f"Redo edit of {member.name}"
        redo_via_menu(window)
        redo_via_menu(window)
        redo_via_menu(window)
        assert state() == ("Deputy head", "Oak Class", "hoist, mats")

    def test_the_schools_settings(self, window_for, sqlite_school, qtbot):
        window = window_for("admin")
        window.show_screen("settings")
        screen = window.screens["settings"]
        screen.threshold.setValue(93.0)
        qtbot.mouseClick(screen.save_settings_button, Qt.MouseButton.LeftButton)
        assert sqlite_school.school.settings().attendance_threshold_percent == 93.0
        assert undo_entry(window).label == "Undo change of the school's settings"
        undo_via_menu(window)
        assert sqlite_school.school.settings().attendance_threshold_percent == 95.0
        assert screen.threshold.value() == 95.0 and screen.settings_message.text() == \
            "Undone: change of the school's settings."
        redo_via_menu(window)
        assert sqlite_school.school.settings().attendance_threshold_percent == 93.0

    def test_outcomes_and_targets(self, window_for, monkeypatch, sqlite_school):
        window = window_for("mokafor")
        window.show_screen("ehcp")
        screen = window.screens["ehcp"]
        panel = screen.panels["outcomes"]
        screen.tabs.setCurrentWidget(panel)
        senco = panel.actor
        outcome = sqlite_school.outcomes.add_outcome(senco, BEN, "sensory_and_physical", "Ben moves safely")
        target = sqlite_school.outcomes.add_target(senco, outcome, "Walks 20 metres twice a day",
                                                   professional="nhs-physio-1")
        panel.show_pupil(BEN)
        panel._load_outcomes()  # added above, as on another PC: read again

        def item(text: str):
            found = panel.tree.findItems(text, Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive, 0)
            return found[0]

        monkeypatch.setattr(OutcomeDialog, "exec", lambda d: (d.text.setPlainText("Ben moves safely everywhere"),
                                                              QDialog.DialogCode.Accepted)[1])
        monkeypatch.setattr(TargetDialog, "exec", lambda d: (d.text.setPlainText("Walks 30 metres twice a day"),
                                                             QDialog.DialogCode.Accepted)[1])
        panel.tree.setCurrentItem(item("Ben moves safely"))
        panel.edit_button.click()
        panel.tree.setCurrentItem(item("Walks 20 metres"))
        panel.edit_button.click()

        def texts() -> tuple[str, str]:
            (o,) = [o for o in sqlite_school.outcomes.for_pupil(senco, BEN) if o.id == outcome]
            return o.text, o.targets[0].text

        assert texts() == ("Ben moves safely everywhere", "Walks 30 metres twice a day")
        assert undo_entry(window).label == "Undo edit of the target"
        undo_via_menu(window)
        assert undo_entry(window).label == "Undo edit of the outcome"
        undo_via_menu(window)
        assert texts() == ("Ben moves safely", "Walks 20 metres twice a day")
        assert panel.message.text() == "Undone: edit of the outcome."
        redo_via_menu(window)
        redo_via_menu(window)
        assert texts() == ("Ben moves safely everywhere", "Walks 30 metres twice a day")
        assert target  # the target kept its id throughout

    def test_a_reviews_paperwork(self, window_for, monkeypatch, sqlite_school):
        window, panel = _ben_review_scheduled(window_for, monkeypatch)
        panel.texts["child_views"].setPlainText("Ben likes the pool.")
        panel.save_button.click()
        panel.texts["child_views"].setPlainText("Ben likes the pool and wants to walk further.")
        panel.save_button.click()

        def saved() -> str | None:
            return sqlite_school.reviews.get(panel.actor, panel.review.id).child_views

        assert saved() == "Ben likes the pool and wants to walk further."
        assert undo_entry(window).label == "Undo paperwork of Ben Hughes's review"
        undo_via_menu(window)
        assert saved() == "Ben likes the pool."
        assert panel.texts["child_views"].toPlainText() == "Ben likes the pool."
        redo_via_menu(window)
        assert saved() == "Ben likes the pool and wants to walk further."

    def test_a_review_meeting_moved(self, window_for, monkeypatch, sqlite_school):
        window, panel = _ben_review_scheduled(window_for, monkeypatch)
        monkeypatch.setattr(panel, "ask_meeting", lambda *a: (date(2026, 12, 16), time(10, 0), "Library"))
        panel.move_button.click()

        def meeting() -> tuple:
            review = sqlite_school.reviews.get(panel.actor, panel.review.id)
            return review.meeting_on, review.meeting_at, review.place

        assert meeting() == (date(2026, 12, 16), time(10, 0), "Library")
        assert undo_entry(window).label == "Undo move of Ben Hughes's review meeting"
        undo_via_menu(window)
        assert meeting() == (date(2026, 12, 14), None, None)
        redo_via_menu(window)
        assert meeting() == (date(2026, 12, 16), time(10, 0), "Library")

    def test_consent_recorded_and_withdrawn(self, window_for, monkeypatch, sqlite_school):
        window = window_for("mokafor")
        window.show_screen("pupils")
        screen = window.screens["pupils"]
        pupil_id = sqlite_school.pupils.id_of(screen.actor, BEN)
        screen.select_pupil(pupil_id)

        def consents() -> list[tuple[str, bool]]:
            detail = sqlite_school.pupils.get_pupil(screen.actor, pupil_id)
            return sorted((c.share_with, c.withdrawn) for c in detail.consents or ())

        before = consents()

        def fake_exec(dialog: ConsentDialog) -> int:
            dialog.to_organisation.setChecked(True)
            dialog.organisation.setText("Riverside Physio")
            dialog.sections["outcomes"].setChecked(True)
            dialog.given_by.setCurrentIndex(dialog.given_by.findText("Claire Hughes", Qt.MatchFlag.MatchStartsWith))
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(ConsentDialog, "exec", fake_exec)
        screen.consent_button.click()
        assert consents() == sorted([*before, ("Riverside Physio", False)])
        assert undo_entry(window).label == "Undo consent to share with Riverside Physio"
        undo_via_menu(window)
        assert consents() == before
        redo_via_menu(window)
        assert consents() == sorted([*before, ("Riverside Physio", False)])
        from PySide6.QtWidgets import QInputDialog

        monkeypatch.setattr(QInputDialog, "getItem", lambda _p, _t, _l, items, *_a: (
            next(i for i in items if "Riverside Physio" in i), True))
        screen.withdraw_button.click()
        assert ("Riverside Physio", True) in consents()
        assert undo_entry(window).label == "Undo withdrawal of consent to share with Riverside Physio"
        undo_via_menu(window)
        assert ("Riverside Physio", False) in consents()
        redo_via_menu(window)
        assert ("Riverside Physio", True) in consents()
