"""Signing in, moving between the screens, signing out — as a person at the window does it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from fairfields_desktop.ui.launch import AppController
from fairfields_desktop.ui.main_window import SCREENS, MainWindow
from fairfields_desktop.ui.views.placeholder import PlaceholderScreen


@pytest.fixture
def controller(qtbot, sqlite_url):  # noqa: ANN001, ANN201
    made = []

    def start(demo: bool = True) -> AppController:
        from datetime import date

        app_controller = AppController(sqlite_url, date(2026, 11, 23), demo=demo)
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


def type_credentials(qtbot, dialog, username: str, password: str) -> None:  # noqa: ANN001
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


class TestSignIn:
    def test_the_dialog_shows_the_school_once_the_database_is_open(self, controller):
        app = controller()
        assert "Fairfields School" in app.dialog.school_label.text()
        assert app.dialog.isVisible()

    def test_signing_in_opens_the_window_showing_who_and_their_role(self, controller, qtbot):
        app = controller()
        type_credentials(qtbot, app.dialog, "hcarter", "demo-head-2026")

        qtbot.waitUntil(lambda: app.window is not None and app.window.isVisible(), timeout=10_000)
        assert app.window.user_label.text() == "Signed in as Helen Carter — Headteacher"
        assert not app.dialog.isVisible()

    def test_a_wrong_password_and_an_unknown_user_read_the_same(self, controller, qtbot):
        app = controller()
        type_credentials(qtbot, app.dialog, "hcarter", "wrong-password")
        qtbot.waitUntil(lambda: "not right" in app.dialog.message.text(), timeout=10_000)
        wrong = app.dialog.message.text()
        assert app.dialog.password.text() == ""
        app.dialog.username.clear()
        type_credentials(qtbot, app.dialog, "stranger", "demo-head-2026")
        qtbot.waitUntil(lambda: app.dialog.sign_in_button.isEnabled(), timeout=10_000)
        assert app.dialog.message.text() == wrong
        assert app.window is None

    def test_signing_out_returns_to_the_sign_in_dialog_with_the_password_cleared(self, controller, qtbot):
        app = controller()
        type_credentials(qtbot, app.dialog, "sbrown", "demo-office-2026")
        qtbot.waitUntil(lambda: app.window is not None, timeout=10_000)
        qtbot.mouseClick(app.window.sign_out_button, Qt.MouseButton.LeftButton)
        assert app.dialog.isVisible() and app.window is None
        assert app.dialog.password.text() == "" and app.dialog.username.text() == "sbrown"

    def test_an_empty_database_offers_the_demo_school_once_the_assistant_is_cancelled(self, controller, qtbot):
        app = controller(demo=False)
        qtbot.waitUntil(lambda: app.assistant is not None)  # a new database opens the first-run assistant
        app.assistant.reject()
        qtbot.waitUntil(lambda: app.assistant is None)
        assert app.dialog.demo_button.isVisible()
        qtbot.mouseClick(app.dialog.demo_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Fairfields School" in app.dialog.school_label.text(), timeout=30_000)
        type_credentials(qtbot, app.dialog, "admin", "demo-admin-2026")
        qtbot.waitUntil(lambda: app.window is not None, timeout=10_000)

    def test_typing_before_the_database_is_open_signs_in_when_it_is(self, qtbot, sqlite_url):
        from datetime import date

        app = AppController(sqlite_url, date(2026, 11, 23), demo=True)
        qtbot.addWidget(app.dialog)
        app.start()
        type_credentials(qtbot, app.dialog, "mokafor", "demo-senco-2026")
        qtbot.waitUntil(lambda: app.window is not None, timeout=30_000)
        assert "SENCO" in app.window.user_label.text()
        app.window._signing_out = True
        app.window.close()
        app.shutdown()


class TestMainWindow:
    @pytest.fixture
    def window(self, qtbot, sqlite_school, actor):  # noqa: ANN001, ANN201
        win = MainWindow(sqlite_school, actor(sqlite_school, "ttaylor"))
        qtbot.addWidget(win)
        win.show()
        return win

    def test_every_screen_is_reachable_and_says_what_it_holds(self, window, qtbot):
        titles = [window.nav.item(i).text().split(" (")[0] for i in range(window.nav.count())]
        assert titles == ["Dashboard", "Pupils", "Professionals", "Requests", "Spaces & bookings",
                          "EHCP & reviews", "Reports", "Settings"]
        for number, info in enumerate(SCREENS, start=1):
            qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
            assert window.current_screen_key() == info.key
            screen = window.stack.currentWidget()
            assert screen.isVisible()
            title = screen.findChild(QLabel, "screenTitle")
            assert title is not None and title.text() == info.title
            if isinstance(screen, PlaceholderScreen):
                assert len(screen.description) > 60

    def test_the_dashboard_greets_the_person_and_says_if_today_is_a_school_day(self, window):
        text = " ".join(label.text() for label in window.screens["dashboard"].findChildren(type(window.user_label)))
        assert "Welcome, Tom Taylor" in text and "Monday 23 November 2026" in text and "A school day." in text
