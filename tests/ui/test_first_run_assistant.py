"""The first-run assistant: an empty database becomes a new school, a loaded dataset or the demo."""

from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from fairfields_desktop.config import LocalSettings
from fairfields_desktop.ui.first_run import ADMIN_PAGE, SCHOOL_PAGE, WHERE_PAGE, FirstRunAssistant
from fairfields_desktop.ui.launch import AppController

TODAY = date(2026, 11, 23)
BAD_PG = "postgresql+psycopg://postgres@127.0.0.1:1/x?connect_timeout=2"


@pytest.fixture
def controller(qtbot, sqlite_url):  # noqa: ANN001, ANN201
    made = []

    def start() -> AppController:
        app = AppController(sqlite_url, TODAY, demo=False)
        qtbot.addWidget(app.dialog)
        app.start()
        qtbot.waitUntil(lambda: app.assistant is not None and app.assistant.isVisible(), timeout=30_000)
        made.append(app)
        return app

    yield start
    for app in made:
        if app.assistant is not None:
            app.assistant.reject()
        if app.window is not None:
            app.window._signing_out = True
            app.window.close()
        app.shutdown()


@pytest.fixture
def assistant(qtbot, open_school, sqlite_url):  # noqa: ANN001, ANN201
    services = open_school(sqlite_url)
    wizard = FirstRunAssistant(services=services, today=TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def finish(wizard: FirstRunAssistant) -> None:
    wizard.button(QWizard.WizardButton.FinishButton).click()


def fill_new_school(wizard: FirstRunAssistant, password: str = "oak tree admin 2026") -> None:
    wizard.start_page.new_school.setChecked(True)
    wizard.next()
    assert wizard.currentId() == WHERE_PAGE
    wizard.next()
    assert wizard.currentId() == SCHOOL_PAGE
    wizard.school_page.school_name.setText("Oak Tree School")
    wizard.next()
    assert wizard.currentId() == ADMIN_PAGE
    page = wizard.admin_page
    page.username.setText("jsmith")
    page.name.setText("Jo Smith")
    page.password.setText(password)
    page.repeated.setText(password)


def test_an_empty_database_opens_the_assistant_and_a_new_school_signs_its_admin_in(controller, qtbot):
    app = controller()
    wizard = app.assistant
    school = wizard.school_page
    assert [name.text() for name, _, _ in school.term_rows] == ["Autumn 2026", "Spring 2027", "Summer 2027"]
    fill_new_school(wizard)
    finish(wizard)
    qtbot.waitUntil(lambda: app.assistant is None, timeout=10_000)
    assert "Oak Tree School" in app.dialog.school_label.text()
    assert app.dialog.username.text() == "jsmith"
    assert "sign in as jsmith" in app.dialog.message.text()
    terms = app.services.school.terms_values() if hasattr(app.services.school, "terms_values") else None
    if terms is not None:
        assert [t["name"] for t in terms] == ["Autumn 2026", "Spring 2027", "Summer 2027"]
    qtbot.keyClicks(app.dialog.password, "oak tree admin 2026")
    qtbot.keyClick(app.dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app.window is not None, timeout=10_000)
    assert app.window.user_label.text().startswith("Signed in as Jo Smith")


def test_the_school_page_names_what_is_wrong(assistant):
    assistant.next()
    assistant.next()
    assistant.school_page.school_name.setText("")
    rows = assistant.school_page.term_rows
    rows[0][2].setDate(rows[0][1].date().addDays(-1))
    assistant.next()
    assert assistant.currentId() == SCHOOL_PAGE
    text = assistant.school_page.message.text()
    assert "School name" in text and "Autumn term, last day" in text


def test_the_admin_page_checks_the_password_rule(assistant):
    fill_new_school(assistant, password="short")
    finish(assistant)
    assert assistant.outcome is None
    assert "Password: use at least 10 characters" in assistant.admin_page.message.text()
    assert assistant.services.dataset.is_empty()


def test_loading_a_dataset(assistant, tmp_path, example_doc):
    path = tmp_path / "school.json"
    path.write_text(json.dumps(example_doc), encoding="utf-8")
    assistant.start_page.load_dataset.setChecked(True)
    assistant.start_page.file.setText(str(path))
    assistant.next()
    assert assistant.currentId() == WHERE_PAGE
    finish(assistant)
    assert assistant.outcome == "load"
    assert not assistant.services.dataset.is_empty()
    assert assistant.services.school.settings().school_name == "Fairfields School"


def test_a_broken_dataset_is_refused_with_its_problems(assistant, tmp_path, example_doc):
    example_doc["settings"]["attendance_threshold_percent"] = 150
    path = tmp_path / "school.json"
    path.write_text(json.dumps(example_doc), encoding="utf-8")
    assistant.start_page.load_dataset.setChecked(True)
    assistant.start_page.file.setText(str(path))
    assistant.next()
    assert assistant.currentId() != WHERE_PAGE
    assert "settings.attendance_threshold_percent" in assistant.start_page.message.text()


def test_the_demo_school_through_the_controller(controller, qtbot):
    app = controller()
    app.assistant.start_page.demo.setChecked(True)
    app.assistant.next()
    finish(app.assistant)
    qtbot.waitUntil(lambda: app.assistant is None, timeout=10_000)
    assert "Fairfields School" in app.dialog.school_label.text()
    assert "demo" in app.dialog.message.text()


def test_cancelling_leaves_the_empty_state(controller, qtbot):
    app = controller()
    app.assistant.reject()
    qtbot.waitUntil(lambda: app.assistant is None, timeout=10_000)
    assert "no school yet" in app.dialog.message.text()
    assert app.dialog.demo_button.isVisible()


def test_a_postgresql_server_that_does_not_answer_is_said_plainly(assistant):
    assistant.next()
    page = assistant.where_page
    page.postgres.setChecked(True)
    page.url.setText(BAD_PG)
    page.test_button.click()
    assert "cannot reach the PostgreSQL server" in page.message.text()
    assistant.next()
    assert assistant.currentId() == WHERE_PAGE  # not on without a working server
    assert LocalSettings.load().database_url is None


def test_postgresql_new_school(assistant, pg_url):  # noqa: ANN001
    assistant.next()
    page = assistant.where_page
    page.postgres.setChecked(True)
    page.url.setText(pg_url)
    page.test_button.click()
    assert "may create the app's tables" in page.message.text()
    assistant.back()
    fill_new_school(assistant)
    finish(assistant)
    try:
        assert assistant.outcome == "new", assistant.admin_page.message.text()
        assert not assistant.services.db.is_sqlite
        assert LocalSettings.load().database_url is not None
        assert "This PC now opens" in assistant.notice
    finally:
        assistant.services.close()


def test_the_assistant_keeps_painting_while_the_school_is_created(assistant, qtbot, monkeypatch):
    """Creating the school runs off the UI thread: timers fire meanwhile, a busy bar says what is
    happening, and the assistant takes no second click until it is done."""
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog

    real_load = type(assistant.services.dataset).load
    monkeypatch.setattr(type(assistant.services.dataset), "load",
                        lambda self, doc, actor=None: (time.sleep(1.0), real_load(self, doc, actor))[1])
    seen = []

    def look() -> None:
        bars = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]
        seen.append((assistant.isEnabled(), [b.labelText() for b in bars]))

    ticks = QTimer()
    ticks.timeout.connect(look)
    ticks.start(100)
    fill_new_school(assistant)
    finish(assistant)
    ticks.stop()
    assert assistant.outcome == "new", assistant.admin_page.message.text()
    assert len(seen) >= 5  # the UI thread ran ten times a second while the school was made
    assert all(not enabled for enabled, _ in seen[:5])
    assert any("Creating the school's database…" in bars for _, bars in seen)
    assert assistant.isEnabled()


def test_a_second_pc_joins_the_school_on_the_server(assistant, pg_url, open_school, example_doc):  # noqa: ANN001
    """Another PC set the school up on PostgreSQL: this PC's assistant joins it, writing nothing there."""
    server = open_school(pg_url)
    server.dataset.load(example_doc)
    before = server.dataset.dump(server.auth.sign_in("admin", "demo-admin-2026"))
    assistant.start_page.join.setChecked(True)
    assistant.next()
    page = assistant.where_page
    assert page.postgres.isChecked() and not page.this_pc.isEnabled()
    page.url.setText(pg_url)
    finish(assistant)
    try:
        assert assistant.outcome == "join", page.message.text()
        assert not assistant.services.db.is_sqlite
        assert LocalSettings.load().database_url is not None
        assert assistant.notice.startswith(f"This PC now opens {example_doc['settings']['school_name']}")
        assert assistant.services.auth.sign_in("hcarter", "demo-head-2026").username == "hcarter"
        after = server.dataset.dump(server.auth.sign_in("admin", "demo-admin-2026"))
        # nothing written there but the audit entry of the first dump (the dump carries the audit trail)
        assert [e["action"] for e in after["audit_events"][len(before["audit_events"]):]] == ["dump"]
        assert {**after, "audit_events": before["audit_events"]} == before
    finally:
        assistant.services.close()


def test_joining_a_server_with_no_school_says_what_to_choose(assistant, pg_url):  # noqa: ANN001
    assistant.start_page.join.setChecked(True)
    assistant.next()
    page = assistant.where_page
    page.url.setText(pg_url)
    finish(assistant)
    assert assistant.outcome is None
    assert "holds no school yet: choose 'Set up a new school'" in page.message.text()
    assert assistant.currentId() == WHERE_PAGE
    assert LocalSettings.load().database_url is None


def test_a_new_school_on_a_server_that_holds_one_points_to_join(assistant, pg_url, open_school,  # noqa: ANN001
                                                                example_doc):
    open_school(pg_url).dataset.load(example_doc)
    assistant.start_page.demo.setChecked(True)
    assistant.next()
    page = assistant.where_page
    page.postgres.setChecked(True)
    page.url.setText(pg_url)
    finish(assistant)
    assert assistant.outcome is None
    assert "already holds a school: nothing was loaded" in page.message.text()
    assert "choose 'Join the school's shared PostgreSQL server'" in page.message.text()
    assert LocalSettings.load().database_url is None
