"""Sign-in protection as a person at the window meets it: the lock after wrong passwords, a temporary
password replaced before the window opens, the first administrator, the idle lock, changing one's own
password, and the administrator's Users tab."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QLabel, QLineEdit, QMessageBox, QTableView

from fairfields_desktop.services.auth import AccountLocked
from fairfields_desktop.ui.forms import FormDialog
from fairfields_desktop.ui.idle_lock import Curtain, UnlockDialog
from fairfields_desktop.ui.launch import AppController
from fairfields_desktop.ui.main_window import MainWindow
from fairfields_desktop.ui.sign_in import ChangePasswordDialog
from fairfields_desktop.ui.views.pupils_view import PupilDialog
from fairfields_desktop.ui.views.settings_view import SettingsScreen
from fairfields_desktop.ui.views.users_view import UsersTab

TODAY = date(2026, 11, 23)
CURTAIN = QColor("#1a3a5c")


# --- the sign-in dialog ------------------------------------------------------------------------------
@pytest.fixture
def controller(qtbot, sqlite_url):  # noqa: ANN001, ANN201
    made = []

    def start(demo: bool = True) -> AppController:
        app_controller = AppController(sqlite_url, TODAY, demo=demo)
        qtbot.addWidget(app_controller.dialog)
        app_controller.start()
        qtbot.waitUntil(lambda: app_controller.services is not None, timeout=30_000)
        made.append(app_controller)
        return app_controller

    yield start
    for app_controller in made:
        if app_controller.window is not None:
            app_controller.window._signing_out = True
            app_controller.window.close()
        app_controller.shutdown()


def attempt(qtbot, app, username: str, password: str) -> None:  # noqa: ANN001
    """Type a username and password afresh, press Enter, and wait for the answer."""
    app.dialog.username.clear()
    app.dialog.password.clear()
    qtbot.keyClicks(app.dialog.username, username)
    qtbot.keyClicks(app.dialog.password, password)
    qtbot.keyClick(app.dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app.window is not None or app.dialog.sign_in_button.isEnabled(), timeout=10_000)


def type_twice(qtbot, first: QLineEdit, second: QLineEdit, password: str, repeated: str | None = None) -> None:  # noqa: ANN001
    first.clear()
    second.clear()
    qtbot.keyClicks(first, password)
    qtbot.keyClicks(second, password if repeated is None else repeated)
    qtbot.keyClick(second, Qt.Key.Key_Return)


class TestSignInDialog:
    def test_five_wrong_passwords_say_plainly_until_when_the_account_waits(self, controller, qtbot):
        app = controller()
        for _ in range(4):
            attempt(qtbot, app, "hcarter", "wrong-password")
            assert "not right" in app.dialog.message.text()
        attempt(qtbot, app, "hcarter", "wrong-password")
        locked = app.dialog.message.text()
        assert re.fullmatch(r"This account is locked after 5 wrong passwords: try again at \d\d:\d\d, or ask an "
                            r"administrator to reset the password\.", locked)
        attempt(qtbot, app, "hcarter", "demo-head-2026")
        assert app.dialog.message.text() == locked and app.window is None

    def test_an_unknown_username_reads_the_same_as_a_real_one_even_when_locked(self, controller, qtbot):
        app = controller()
        answers = {}
        for username in ("hcarter", "stranger"):
            for _ in range(5):
                attempt(qtbot, app, username, "wrong-password")
            answers[username] = app.dialog.message.text()
        assert answers["hcarter"] == answers["stranger"]

    def test_a_reset_password_is_replaced_before_the_window_opens(self, controller, qtbot):
        app = controller()
        services = app.services
        admin = services.auth.sign_in("admin", "demo-admin-2026")
        ttaylor = next(u for u in services.users.list_users(admin) if u.username == "ttaylor")
        services.users.reset_password(admin, ttaylor.id, "temporary-pass")

        attempt(qtbot, app, "ttaylor", "temporary-pass")
        dialog = app.dialog
        qtbot.waitUntil(lambda: dialog.new_password.isVisible())
        assert app.window is None and not dialog.password.isVisible()
        assert "Welcome, Tom Taylor" in dialog.change_intro.text()

        type_twice(qtbot, dialog.new_password, dialog.repeat_password, "a new long password", "a new long passwort")
        assert dialog.message.text() == "The two new passwords differ: type the same one twice."
        type_twice(qtbot, dialog.new_password, dialog.repeat_password, "short")
        qtbot.waitUntil(lambda: dialog.sign_in_button.isEnabled())
        assert dialog.message.text().startswith("New password: use at least 10 characters (it has 5)")
        type_twice(qtbot, dialog.new_password, dialog.repeat_password, "temporary-pass")
        qtbot.waitUntil(lambda: dialog.sign_in_button.isEnabled())
        assert "different from the current one" in dialog.message.text()
        assert app.window is None

        type_twice(qtbot, dialog.new_password, dialog.repeat_password, "a new long password")
        qtbot.waitUntil(lambda: app.window is not None, timeout=10_000)
        assert app.window.user_label.text() == "Signed in as Tom Taylor — Class teacher"
        assert not services.auth.sign_in("ttaylor", "a new long password").must_change_password

    def test_back_from_the_new_password_returns_to_signing_in_and_changes_nothing(self, controller, qtbot):
        app = controller()
        services = app.services
        admin = services.auth.sign_in("admin", "demo-admin-2026")
        services.users.reset_password(admin, next(u.id for u in services.users.list_users(admin)
                                                   if u.username == "sbrown"), "temporary-pass")
        attempt(qtbot, app, "sbrown", "temporary-pass")
        qtbot.waitUntil(lambda: app.dialog.new_password.isVisible())
        qtbot.keyClick(app.dialog.new_password, Qt.Key.Key_Escape)
        assert app.dialog.isVisible() and app.dialog.password.isVisible() and app.dialog.password.text() == ""
        assert services.auth.sign_in("sbrown", "temporary-pass").must_change_password


class TestFirstAdministrator:
    @pytest.fixture
    def app(self, qtbot, sqlite_url, open_school, example_doc):  # noqa: ANN001, ANN201
        example_doc["users"] = []
        open_school(sqlite_url).dataset.load(example_doc)
        controller = AppController(sqlite_url, TODAY, demo=False)
        qtbot.addWidget(controller.dialog)
        controller.start()
        qtbot.waitUntil(lambda: controller.services is not None, timeout=30_000)
        yield controller
        if controller.window is not None:
            controller.window._signing_out = True
            controller.window.close()
        controller.shutdown()

    def test_a_school_without_users_asks_for_its_first_administrator_then_opens_the_window(self, app, qtbot):
        dialog = app.dialog
        assert dialog.admin_username.isVisible() and not dialog.username.isVisible()
        assert "This school has no users yet" in " ".join(label.text() for label in
                                                          dialog.first_admin_page.findChildren(QLabel))
        assert dialog.focusWidget() is dialog.admin_username
        qtbot.keyClicks(dialog.admin_username, "jsmith")
        qtbot.keyClicks(dialog.admin_name, "Jo Smith")
        type_twice(qtbot, dialog.admin_password, dialog.admin_repeat, "jsmith")
        qtbot.waitUntil(lambda: dialog.sign_in_button.isEnabled())
        assert "Password: use at least 10 characters" in dialog.message.text()
        assert "must not be the username" in dialog.message.text()
        type_twice(qtbot, dialog.admin_password, dialog.admin_repeat, "a long password", "a long pasword")
        assert "differ" in dialog.message.text()

        type_twice(qtbot, dialog.admin_password, dialog.admin_repeat, "a long password")
        qtbot.waitUntil(lambda: app.window is not None, timeout=10_000)
        assert app.window.user_label.text() == "Signed in as Jo Smith — Administrator"
        settings = app.window.screens["settings"]
        assert [settings.tabs.tabText(i) for i in range(settings.tabs.count())].count("Use&rs") == 1

    def test_the_empty_fields_are_asked_for_one_by_one(self, app, qtbot):
        qtbot.mouseClick(app.dialog.sign_in_button, Qt.MouseButton.LeftButton)
        assert app.dialog.message.text() == "Enter a username for yourself."
        assert app.dialog.focusWidget() is app.dialog.admin_username
        qtbot.keyClicks(app.dialog.admin_username, "jsmith")
        qtbot.keyClick(app.dialog.admin_username, Qt.Key.Key_Return)  # Enter moves on to the next field
        qtbot.mouseClick(app.dialog.sign_in_button, Qt.MouseButton.LeftButton)
        assert app.dialog.message.text() == "Enter your name."
        assert app.dialog.focusWidget() is app.dialog.admin_name
        assert app.window is None and app.services.users.has_users() is False


# --- the window ------------------------------------------------------------------------------------
@pytest.fixture
def window_for(qtbot, sqlite_school, actor):  # noqa: ANN001, ANN201
    def make(username: str) -> MainWindow:
        win = MainWindow(sqlite_school, actor(sqlite_school, username))
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        return win

    return make


def looks_covered(win: MainWindow) -> bool:
    """The window as it would be seen: the curtain's colour at the corners, the middle and the tables."""
    image = win.grab().toImage()
    w, h = image.width(), image.height()
    points = [QPoint(5, 5), QPoint(w - 5, h - 5), QPoint(w // 2, h // 2), QPoint(w // 4, h * 3 // 4),
              QPoint(100, 300)]
    return all(image.pixelColor(p) == CURTAIN for p in points)


class TestIdleLock:
    def test_the_idle_time_is_the_schools_setting_and_follows_its_change(self, window_for, qtbot):
        win = window_for("admin")
        assert win.idle_lock.timeout_ms == 10 * 60_000
        settings = win.screens["settings"]
        settings.idle_lock.setValue(3)
        qtbot.mouseClick(settings.save_settings_button, Qt.MouseButton.LeftButton)
        assert win.idle_lock.timeout_ms == 3 * 60_000

    def test_an_idle_window_is_covered_and_comes_back_as_it_was_with_the_right_password(self, window_for, qtbot):
        win = window_for("mokafor")
        win.show_screen("pupils")
        search = win.screens["pupils"].search
        qtbot.keyClicks(search, "Ben")
        assert not looks_covered(win)

        win.idle_lock.set_timeout_ms(150)
        qtbot.waitUntil(lambda: win.idle_lock.is_locked, timeout=5_000)
        dialog = win.idle_lock.dialog
        assert looks_covered(win)
        assert dialog.isVisible() and dialog.windowModality() == Qt.WindowModality.ApplicationModal
        assert "Michael Okafor (mokafor) was away" in dialog.intro.text()

        qtbot.keyClicks(dialog.password, "not my password")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert dialog.message.text() == "That is not the password of mokafor. Try again, or sign out."
        assert win.idle_lock.is_locked and dialog.password.text() == ""
        qtbot.keyClick(dialog.password, Qt.Key.Key_Escape)
        assert win.idle_lock.is_locked and dialog.isVisible()

        qtbot.keyClicks(dialog.password, "demo-senco-2026")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert not win.idle_lock.is_locked and not dialog.isVisible()
        assert not looks_covered(win)
        assert win.current_screen_key() == "pupils" and search.text() == "Ben"

    def test_keyboard_and_mouse_input_put_the_lock_off(self, window_for, qtbot):
        win = window_for("sbrown")
        win.show_screen("pupils")
        search = win.screens["pupils"].search
        win.idle_lock.set_timeout_ms(1_000)
        for number in range(10):  # 1.5 s in all, never more than 0.15 s without input
            if number % 2:
                qtbot.keyClick(search, Qt.Key.Key_A)
            else:
                qtbot.mouseClick(search, Qt.MouseButton.LeftButton)
            qtbot.wait(150)
        assert not win.idle_lock.is_locked
        qtbot.waitUntil(lambda: win.idle_lock.is_locked, timeout=5_000)

    def test_an_open_form_is_covered_too_and_keeps_what_was_typed(self, window_for, qtbot):
        win = window_for("mokafor")
        form = PupilDialog(win.services, win.actor, ["Oak"], parent=win)
        form.show()
        qtbot.keyClicks(form.first_name, "Zara")
        win.idle_lock.lock_now()
        curtain = form.findChild(Curtain)
        assert curtain is not None and curtain.isVisible() and curtain.geometry() == form.rect()
        qtbot.keyClicks(win.idle_lock.dialog.password, "demo-senco-2026")
        qtbot.keyClick(win.idle_lock.dialog.password, Qt.Key.Key_Return)
        assert form.isVisible() and form.first_name.text() == "Zara"
        assert not any(c.isVisible() for c in form.findChildren(Curtain))
        form.close()

    def test_five_wrong_passwords_at_the_lock_leave_only_signing_out(self, window_for, qtbot, sqlite_school):
        win = window_for("sbrown")
        form = PupilDialog(win.services, win.actor, ["Oak"], parent=win)
        form.show()
        win.idle_lock.lock_now()
        dialog = win.idle_lock.dialog
        for _ in range(5):
            qtbot.keyClicks(dialog.password, "not my password")
            qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
        assert "This account is locked after 5 wrong passwords: try again at" in dialog.message.text()
        assert not dialog.password.isVisible() and not dialog.unlock_button.isVisible()
        assert dialog.sign_out_button.isVisible()
        with pytest.raises(AccountLocked):
            sqlite_school.auth.sign_in("sbrown", "demo-office-2026")
        with qtbot.waitSignal(win.signed_out, timeout=2_000):
            qtbot.mouseClick(dialog.sign_out_button, Qt.MouseButton.LeftButton)
        assert not win.isVisible() and not form.isVisible() and not dialog.isVisible()

    def test_the_lock_asks_with_labelled_fields(self, window_for):
        win = window_for("hcarter")
        win.idle_lock.lock_now()
        dialog = win.idle_lock.dialog
        assert isinstance(dialog, UnlockDialog)
        assert [f.accessibleName() for f in dialog.findChildren(QLineEdit)] == ["Password"]
        assert dialog.unlock_button.text() == "&Unlock" and dialog.sign_out_button.text() == "Sign &out"


class TestChangingOwnPassword:
    def test_the_button_beside_sign_out_changes_the_password_after_the_current_one(self, window_for, qtbot,
                                                                                  sqlite_school, monkeypatch):
        win = window_for("sbrown")
        assert win.change_password_button.text() == "Change password…"
        seen = []

        def fill(dialog: ChangePasswordDialog) -> QDialog.DialogCode:
            seen.append(dialog.message.text())
            current = "not my password" if len(seen) == 1 else "demo-office-2026"
            dialog.current_password.setText(current)
            dialog.new_password.setText("my own new password")
            dialog.repeat_password.setText("my own new password")
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(ChangePasswordDialog, "exec", fill)
        qtbot.mouseClick(win.change_password_button, Qt.MouseButton.LeftButton)
        assert seen == ["", "Not changed: The current password is not right: the password was not changed."]
        assert win.statusBar().currentMessage() == "Your password was changed."
        assert sqlite_school.auth.sign_in("sbrown", "my own new password").username == "sbrown"

    def test_problems_are_named_by_field(self, window_for, qtbot, monkeypatch):
        win = window_for("sbrown")
        messages = []

        def fill(dialog: ChangePasswordDialog) -> QDialog.DialogCode:
            messages.append(dialog.message.text())
            if len(messages) > 1:
                return QDialog.DialogCode.Rejected
            dialog.current_password.setText("demo-office-2026")
            dialog.new_password.setText("short")
            dialog.repeat_password.setText("shorts")
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(ChangePasswordDialog, "exec", fill)
        qtbot.mouseClick(win.change_password_button, Qt.MouseButton.LeftButton)
        assert messages[1].startswith("Not changed. New password: use at least 10 characters (it has 5)")
        assert "Repeat new password: the two new passwords differ" in messages[1]
        assert "changed" not in win.statusBar().currentMessage()

    def test_the_change_dialog_labels_every_field(self, qtbot):
        dialog = ChangePasswordDialog("Sarah Brown (sbrown)")
        qtbot.addWidget(dialog)
        assert [f.accessibleName() for f in dialog.findChildren(QLineEdit)] == [
            "Current password", "New password", "Repeat new password"]


# --- Settings → Users ------------------------------------------------------------------------------
@pytest.fixture
def users_tab(qtbot, sqlite_school, actor):  # noqa: ANN001, ANN201
    tab = UsersTab(sqlite_school, actor(sqlite_school, "admin"))
    qtbot.addWidget(tab)
    tab.show()
    return tab


def cell(tab: UsersTab, username: str, header: str) -> str:
    headers = [tab.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.proxy.columnCount())]
    for row in range(tab.proxy.rowCount()):
        if tab.proxy.index(row, 0).data() == username:
            return tab.proxy.index(row, headers.index(header)).data()
    raise AssertionError(f"{username} is not listed")


def select(tab: UsersTab, username: str) -> None:
    tab.select_user(next(u.id for u in tab.model._rows if u.username == username))


class TestUsersTab:
    def test_only_an_administrator_has_the_users_tab(self, qtbot, sqlite_school, actor):
        for username, expected in (("admin", True), ("hcarter", False), ("ttaylor", False)):
            screen = SettingsScreen(sqlite_school, actor(sqlite_school, username))
            qtbot.addWidget(screen)
            tabs = [screen.tabs.tabText(i) for i in range(screen.tabs.count())]
            assert ("Use&rs" in tabs) is expected, username

    def test_the_list_shows_each_users_staff_member_roles_and_state(self, users_tab):
        assert users_tab.table.accessibleName() == "Users"
        assert cell(users_tab, "ttaylor", "Staff member") == "Tom Taylor"
        assert cell(users_tab, "ttaylor", "Roles") == "Class teacher"
        assert cell(users_tab, "admin", "Staff member") == "not a member of staff"
        assert cell(users_tab, "ttaylor", "Active") == "yes" and cell(users_tab, "ttaylor", "Locked until") == ""

    def test_a_new_user_gets_a_generated_password_shown_once(self, users_tab, sqlite_school, actor, monkeypatch):
        admin = actor(sqlite_school, "admin")
        sqlite_school.people.save_staff(admin, {"id": "jbloggs", "name": "Jo Bloggs", "role": "Teaching assistant",
                                                "class": None})

        def fill(dialog: FormDialog) -> QDialog.DialogCode:
            inputs = [w for kind in (QLineEdit, QComboBox, QCheckBox) for w in dialog.findChildren(kind)]
            assert inputs and all(w.accessibleName() for w in inputs)
            staff = dialog.fields["staff"]
            staff.setCurrentIndex(staff.findData("jbloggs"))  # the staff id becomes the username
            dialog.fields["roles"].boxes["teacher"].setChecked(True)
            return QDialog.DialogCode.Accepted

        shown = []
        monkeypatch.setattr(FormDialog, "exec", fill)
        monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
        users_tab.new_button.click()
        assert len(shown) == 1 and "shown only this once" in shown[0]
        password = re.search(r"font-size: 16pt'>([^<]+)<", shown[0]).group(1)
        assert sqlite_school.auth.sign_in("jbloggs", password).must_change_password
        assert cell(users_tab, "jbloggs", "Staff member") == "Jo Bloggs"
        assert cell(users_tab, "jbloggs", "Password") == "temporary: to change at next sign-in"
        assert users_tab.message.text().startswith("jbloggs can now sign in as Class teacher")
        assert password not in users_tab.message.text()

    def test_the_new_user_form_names_every_problem_and_keeps_what_was_typed(self, users_tab, monkeypatch):
        messages = []

        def fill(dialog: FormDialog) -> QDialog.DialogCode:
            messages.append(dialog.message.text())
            if len(messages) > 1:
                assert dialog.fields["username"].text() == "hcarter"
                return QDialog.DialogCode.Rejected
            dialog.fields["username"].setText("hcarter")
            dialog.fields["password"].setText("short")
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(FormDialog, "exec", fill)
        users_tab.new_button.click()
        assert "Username: 'hcarter' is already a user" in messages[1]
        assert "Roles: choose at least one role" in messages[1]
        assert "Temporary password: use at least 10 characters" in messages[1]

    def test_unlock_deactivate_and_reset(self, users_tab, sqlite_school, monkeypatch):
        for _ in range(5):
            with pytest.raises(Exception):  # noqa: B017, PT011 (any refusal)
                sqlite_school.auth.sign_in("sbrown", "not-the-password")
        users_tab.reload()
        assert re.fullmatch(r"\d\d:\d\d", cell(users_tab, "sbrown", "Locked until"))
        select(users_tab, "sbrown")
        assert users_tab.unlock_button.isEnabled()
        users_tab.unlock_button.click()
        assert users_tab.message.text() == "sbrown is unlocked: they can sign in again now."
        assert cell(users_tab, "sbrown", "Locked until") == ""
        assert sqlite_school.auth.sign_in("sbrown", "demo-office-2026").username == "sbrown"

        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        users_tab.active_button.click()
        assert cell(users_tab, "sbrown", "Active") == "no: deactivated"
        assert users_tab.active_button.text() == "React&ivate"
        users_tab.active_button.click()
        assert cell(users_tab, "sbrown", "Active") == "yes"

        def type_temporary(dialog: FormDialog) -> QDialog.DialogCode:
            dialog.fields["password"].setText("temporary-pass")
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(FormDialog, "exec", type_temporary)
        users_tab.reset_button.click()
        assert sqlite_school.auth.sign_in("sbrown", "temporary-pass").must_change_password
        assert cell(users_tab, "sbrown", "Password") == "temporary: to change at next sign-in"

    def test_roles_are_changed_from_check_boxes(self, users_tab, sqlite_school, monkeypatch):
        def tick(dialog: FormDialog) -> QDialog.DialogCode:
            dialog.fields["roles"].boxes["senco"].setChecked(True)
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(FormDialog, "exec", tick)
        select(users_tab, "ttaylor")
        users_tab.roles_button.click()
        assert cell(users_tab, "ttaylor", "Roles") == "SENCO, Class teacher"
        assert sqlite_school.auth.sign_in("ttaylor", "demo-teacher-2026").roles == frozenset({"senco", "teacher"})

    def test_an_administrator_cannot_deactivate_themselves(self, users_tab):
        select(users_tab, "admin")
        assert not users_tab.active_button.isEnabled()
        select(users_tab, "hcarter")
        assert users_tab.active_button.isEnabled() and not users_tab.unlock_button.isEnabled()

    def test_every_input_and_table_has_a_name(self, users_tab):
        assert all(t.accessibleName() for t in users_tab.findChildren(QTableView))
        texts = [b.text() for b in (users_tab.new_button, users_tab.roles_button, users_tab.active_button,
                                    users_tab.unlock_button, users_tab.reset_button)]
        assert all("&" in t for t in texts)
        assert len({t[t.index("&") + 1].lower() for t in texts}) == len(texts)  # no mnemonic twice

