"""Open forms on a changed record say so at once (issue #15): each form that edits an existing record, open on
the real window, shows "… was changed by Sarah Brown at 10:42 — reload to see it" as soon as another PC
saves that record, and stays quiet when another record of the same kind changes."""

from __future__ import annotations

import re
from datetime import date, datetime
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QDialog, QLabel, QWidget

from fairfields_desktop.ui.forms import FormDialog
from fairfields_desktop.ui.main_window import MainWindow
from fairfields_desktop.ui.views.people_view import space_values
from fairfields_desktop.ui.views.request_dialogs import RequestDialog

BUDGET_MS = 3000
BEN = "X319700119023"  # Oak, with an EHCP
PHYSICAL = "sensory_and_physical"
TAIL = " — reload to see it (saving now would be refused)"


def open_window(qtbot, services, actor, username: str, screen: str) -> MainWindow:  # noqa: ANN001
    window = MainWindow(services, actor(services, username))
    qtbot.addWidget(window)
    window.show()
    window.show_screen(screen)
    return window


def banner_of(widget: QWidget) -> QLabel:
    banner = widget.findChild(QLabel, "changedElsewhere")
    assert banner is not None
    return banner


def says(text: str, what: str, who: str) -> bool:
    return re.fullmatch(re.escape(f"{what} was changed by {who} at ") + r"\d\d:\d\d" + re.escape(TAIL), text) \
        is not None


def quiet_then_raised(qtbot, window: MainWindow, banner: QLabel, unrelated: Callable[[], object],  # noqa: ANN001
                      related: Callable[[], object]) -> str:
    """Another record of the same kind changes (the hub says so): no banner. Then the record itself: the
    banner, within the budget. Its words."""
    assert banner.isHidden()
    with qtbot.waitSignal(window.hub.changed, timeout=BUDGET_MS):
        unrelated()
    assert banner.isHidden(), banner.text()
    related()
    qtbot.waitUntil(lambda: not banner.isHidden(), timeout=BUDGET_MS)
    return banner.text()


class Forms:
    """Stands in for ``exec`` of the forms: shows the form (it is watched while visible), runs ``during``
    with it, then cancels."""

    def __init__(self, monkeypatch, cls: type = FormDialog) -> None:  # noqa: ANN001
        self.seen: list[str] = []
        self.during: Callable[[QDialog], str] | None = None

        def fake_exec(dialog: QDialog) -> int:
            dialog.show()
            assert self.during is not None
            self.seen.append(self.during(dialog))
            dialog.hide()
            return QDialog.DialogCode.Rejected

        monkeypatch.setattr(cls, "exec", fake_exec)


@pytest.fixture
def other(open_school, sqlite_url):  # noqa: ANN001, ANN201
    """Another PC on the same school (its own connections, as another process would have)."""
    return open_school(sqlite_url)


class TestSettingsRegisters:
    def test_a_class(self, qtbot, sqlite_school, other, actor, monkeypatch):
        window = open_window(qtbot, sqlite_school, actor, "admin", "settings")
        tab = window.screens["settings"].classes_tab
        admin = actor(other, "admin")
        first, second = other.people.list_classes(admin)[:2]
        forms = Forms(monkeypatch)
        forms.during = lambda dialog: quiet_then_raised(
            qtbot, window, banner_of(dialog),
            lambda: other.people.save_class(admin, second.name + " Class", second.room, second.id, second),
            lambda: other.people.save_class(admin, first.name + " Class", first.room, first.id, first))
        tab.edit(first)
        [text] = forms.seen
        assert says(text, f"Class {first.name}", "admin"), text

    def test_a_space(self, qtbot, sqlite_school, other, actor, monkeypatch):
        window = open_window(qtbot, sqlite_school, actor, "admin", "settings")
        tab = window.screens["settings"].spaces_tab
        admin = actor(other, "admin")
        spaces = other.people.list_spaces(admin)
        room = next(s for s in spaces if s.name == "Meeting Room")
        another = next(s for s in spaces if s.name != "Meeting Room")
        forms = Forms(monkeypatch)
        forms.during = lambda dialog: quiet_then_raised(
            qtbot, window, banner_of(dialog),
            lambda: other.people.save_space(admin, {**space_values(another), "features": "new blinds"},
                                            another.id, another.version),
            lambda: other.people.save_space(admin, {**space_values(room), "capacity": room.capacity + 1},
                                            room.id, room.version))
        tab.edit(room)
        [text] = forms.seen
        assert says(text, "Meeting Room", "admin"), text

    def test_a_users_roles(self, qtbot, sqlite_school, other, actor, monkeypatch):
        window = open_window(qtbot, sqlite_school, actor, "admin", "settings")
        tab = window.screens["settings"].users_tab
        admin = actor(other, "admin")
        users = other.users.list_users(admin)
        teacher = next(u for u in users if u.username == "ttaylor")
        office = next(u for u in users if u.username == "sbrown")
        tab.select_user(teacher.id)
        forms = Forms(monkeypatch)
        forms.during = lambda dialog: quiet_then_raised(
            qtbot, window, banner_of(dialog),
            lambda: other.users.set_roles(admin, office.id, [*office.roles, "teacher"], office.version),
            lambda: other.users.set_roles(admin, teacher.id, [*teacher.roles, "office"], teacher.version))
        tab.on_roles_clicked()
        [text] = forms.seen
        assert says(text, "ttaylor's account", "admin"), text


class TestSettingsInPlace:
    def test_the_schools_settings(self, qtbot, sqlite_school, other, actor):
        window = open_window(qtbot, sqlite_school, actor, "admin", "settings")
        screen = window.screens["settings"]
        admin = actor(other, "admin")
        banner = screen.settings_watch.banner
        terms = other.school.terms_values()
        renamed = [{**terms[0], "name": "Autumn term 2026"}, *terms[1:]]
        values = other.school.settings_values(with_version=True)
        text = quiet_then_raised(
            qtbot, window, banner, lambda: other.school.save_terms(admin, renamed, terms),
            lambda: other.school.update_settings(admin, {**values, "school_name": "Fairfields Special School"},
                                                 values["version"]))
        assert says(text, "The school's settings", "admin"), text
        assert banner.isVisible()
        screen.load_settings()  # reloaded: the banner goes, and the form shows their change
        assert banner.isHidden() and screen.school_name.text() == "Fairfields Special School"

    def test_the_terms(self, qtbot, sqlite_school, other, actor):
        window = open_window(qtbot, sqlite_school, actor, "admin", "settings")
        screen = window.screens["settings"]
        admin = actor(other, "admin")
        banner = screen.terms_watch.banner
        terms = other.school.terms_values()
        values = other.school.settings_values(with_version=True)
        text = quiet_then_raised(
            qtbot, window, banner,
            lambda: other.school.update_settings(admin, {**values, "idle_lock_minutes": 15}, values["version"]),
            lambda: other.school.save_terms(admin, [{**terms[0], "name": "Autumn term 2026"}, *terms[1:]], terms))
        assert says(text, "The terms and closures", "admin"), text

    def test_its_own_save_raises_no_banner(self, qtbot, sqlite_school, actor):
        window = open_window(qtbot, sqlite_school, actor, "admin", "settings")
        screen = window.screens["settings"]
        screen.idle_lock.setValue(15)
        with qtbot.waitSignal(window.hub.changed, timeout=BUDGET_MS):
            screen.save_settings_button.click()
        assert screen.settings_message.text() == "Settings saved. Ctrl+Z undoes it."
        assert screen.settings_watch.banner.isHidden()


@pytest.fixture
def plan(sqlite_school, actor):  # noqa: ANN001, ANN201
    """Ben's two outcomes, a target under each."""
    senco = actor(sqlite_school, "mokafor")
    outcomes = sqlite_school.outcomes
    walks = outcomes.add_outcome(senco, BEN, PHYSICAL, "Ben moves safely around school")
    talks = outcomes.add_outcome(senco, BEN, "communication_and_interaction", "Ben asks for what he needs")
    return {"walks": walks, "talks": talks,
            "walks_target": outcomes.add_target(senco, walks, "Walks to the hall with one adult"),
            "talks_target": outcomes.add_target(senco, talks, "Chooses at snack with symbols")}


def outcome_item(panel, kind: str, key: int):  # noqa: ANN001, ANN201
    from PySide6.QtWidgets import QTreeWidgetItemIterator

    from fairfields_desktop.ui.views.outcomes_panel import DATA_ROLE, KIND_ROLE

    found = QTreeWidgetItemIterator(panel.tree)
    while found.value() is not None:
        item = found.value()
        data = item.data(0, DATA_ROLE)
        if item.data(0, KIND_ROLE) == kind and (data.id if kind == "outcome" else data[0].id) == key:
            return item
        found += 1
    raise AssertionError(f"no {kind} {key}")


def senco_panel(qtbot, services, actor, key: str, upn: str | None = BEN):  # noqa: ANN001, ANN201
    window = open_window(qtbot, services, actor, "mokafor", "ehcp")
    panel = window.screens["ehcp"].panels[key]
    window.screens["ehcp"].tabs.setCurrentWidget(panel)
    if upn is not None:
        panel.show_pupil(upn)
    return window, panel


class TestOutcomes:
    def test_an_outcome(self, qtbot, sqlite_school, other, actor, monkeypatch, plan):
        window, panel = senco_panel(qtbot, sqlite_school, actor, "outcomes")
        panel.tree.setCurrentItem(outcome_item(panel, "outcome", plan["walks"]))
        senco = actor(other, "mokafor")
        forms = Forms(monkeypatch)
        forms.during = lambda dialog: quiet_then_raised(
            qtbot, window, banner_of(dialog),
            lambda: other.outcomes.edit_outcome(senco, plan["talks"], "communication_and_interaction",
                                                "Ben asks for help"),
            lambda: other.outcomes.edit_outcome(senco, plan["walks"], PHYSICAL, "Ben moves safely everywhere"))
        panel.on_edit()
        [text] = forms.seen
        assert says(text, "This outcome", "Michael Okafor"), text

    def test_a_target_and_the_outcome_it_is_under(self, qtbot, sqlite_school, other, actor, monkeypatch, plan):
        window, panel = senco_panel(qtbot, sqlite_school, actor, "outcomes")
        panel.tree.setCurrentItem(outcome_item(panel, "target", plan["walks_target"]))
        senco = actor(other, "mokafor")
        forms = Forms(monkeypatch)
        forms.during = lambda dialog: quiet_then_raised(
            qtbot, window, banner_of(dialog),
            lambda: other.outcomes.edit_target(senco, plan["talks_target"], "Chooses at snack and lunch"),
            lambda: other.outcomes.edit_target(senco, plan["walks_target"], "Walks to the hall alone"))
        panel.on_edit()
        panel.tree.setCurrentItem(outcome_item(panel, "target", plan["walks_target"]))
        forms.during = lambda dialog: quiet_then_raised(  # the outcome ended: its targets end with it
            qtbot, window, banner_of(dialog),
            lambda: other.outcomes.edit_target(senco, plan["talks_target"], "Chooses at snack, lunch and tea"),
            lambda: other.outcomes.end_outcome(senco, plan["walks"], "achieved"))
        panel.on_edit()
        first, second = forms.seen
        assert says(first, "This target", "Michael Okafor"), first
        assert says(second, "This target", "Michael Okafor"), second


class TestReviews:
    def scheduled(self, services, actor) -> tuple:  # noqa: ANN001
        senco = actor(services, "mokafor")
        ben = services.reviews.schedule(senco, BEN, date(2026, 12, 14))
        other_pupil = next(p.upn for p in services.pupils.list_pupils(senco) if p.has_ehcp and p.upn != BEN)
        another = services.reviews.schedule(senco, other_pupil, date(2026, 12, 15))
        return ben, another

    def test_moving_the_meeting(self, qtbot, sqlite_school, other, actor, monkeypatch):
        ben, another = self.scheduled(sqlite_school, actor)
        window, panel = senco_panel(qtbot, sqlite_school, actor, "reviews")
        senco = actor(other, "mokafor")
        forms = Forms(monkeypatch)
        forms.during = lambda dialog: quiet_then_raised(
            qtbot, window, banner_of(dialog),
            lambda: other.reviews.move(senco, another.id, date(2026, 12, 16)),
            lambda: other.reviews.move(senco, ben.id, date(2026, 12, 17)))
        panel.on_move()
        [text] = forms.seen
        assert says(text, "This review meeting", "Michael Okafor"), text

    def test_the_paperwork_being_typed(self, qtbot, sqlite_school, other, actor):
        ben, another = self.scheduled(sqlite_school, actor)
        window, panel = senco_panel(qtbot, sqlite_school, actor, "reviews")
        senco = actor(other, "mokafor")
        banner = panel.texts_watch.banner
        panel.texts["child_views"].setFocus()
        qtbot.keyClicks(panel.texts["child_views"], "Ben likes the pool")
        text = quiet_then_raised(
            qtbot, window, banner,
            lambda: other.reviews.save_paperwork(senco, another.id, child_views="Likes music"),
            lambda: other.reviews.save_paperwork(senco, ben.id, parent_views="Happy with progress"))
        assert says(text, f"The paperwork of {panel._name()}'s review", "Michael Okafor"), text
        assert panel.texts["child_views"].toPlainText() == "Ben likes the pool"  # what was typed stays
        panel.on_show_saved_text()  # the texts as saved now: the banner goes
        assert banner.isHidden() and panel.texts["parent_views"].toPlainText() == "Happy with progress"

    def test_not_typing_the_paperwork_just_follows(self, qtbot, sqlite_school, other, actor):
        ben, _another = self.scheduled(sqlite_school, actor)
        window, panel = senco_panel(qtbot, sqlite_school, actor, "reviews")
        senco = actor(other, "mokafor")
        other.reviews.save_paperwork(senco, ben.id, parent_views="Happy with progress")
        qtbot.waitUntil(lambda: panel.texts["parent_views"].toPlainText() == "Happy with progress",
                        timeout=BUDGET_MS)
        qtbot.wait(50)
        assert panel.texts_watch.banner.isHidden()


class TestRequestDraft:
    def test_a_request_being_edited(self, qtbot, sqlite_school, other, actor, monkeypatch):
        window = open_window(qtbot, sqlite_school, actor, "hcarter", "requests")
        screen = window.screens["requests"]
        head = actor(other, "hcarter")
        forms = Forms(monkeypatch, RequestDialog)
        forms.during = lambda dialog: quiet_then_raised(
            qtbot, window, banner_of(dialog),
            lambda: other.requests.decide(head, "r-003", "decline", reason="not this term"),
            lambda: other.requests.save_draft(head, {**other.requests.values(head, "r-001"), "end_time": "11:30"},
                                              "r-001"))
        screen._edit(sqlite_school.requests.get(actor(sqlite_school, "hcarter"), "r-001"))
        [text] = forms.seen
        assert says(text, "Request r-001", "Helen Carter"), text


class TestBookings:
    def blocks(self, qtbot, sqlite_school, actor):  # noqa: ANN001, ANN201
        from fairfields_desktop.services.bookings import BookingDraft

        sqlite_school.bookings.book(actor(sqlite_school, "sbrown"), BookingDraft(
            space="Meeting Room", start=datetime(2026, 12, 1, 14, 0), end=datetime(2026, 12, 1, 14, 30),
            professional="nhs-slt-1", title="parents' meeting"))
        window = open_window(qtbot, sqlite_school, actor, "sbrown", "spaces")
        screen = window.screens["spaces"]
        screen.set_day(date(2026, 12, 1))
        mine = next(b for b in screen.canvas.blocks() if b.booking_ref == "b-001")
        others = [b for b in screen.canvas.blocks() if b.booking_ref != "b-001" and b.status == "booked"]
        assert others
        screen.canvas.select_block(mine.occurrence_id)
        return window, screen, mine, others[0]

    @pytest.mark.parametrize("form", ["move", "cancel"])
    def test_a_booking_being_moved_or_cancelled(self, qtbot, sqlite_school, other, actor, monkeypatch, form):
        from fairfields_desktop.ui.views.booking_dialog import CancelDialog, MoveDialog

        window, screen, mine, theirs = self.blocks(qtbot, sqlite_school, actor)
        office = actor(other, "sbrown")
        forms = Forms(monkeypatch, MoveDialog if form == "move" else CancelDialog)
        forms.during = lambda dialog: quiet_then_raised(
            qtbot, window, banner_of(dialog),
            lambda: other.bookings.cancel(office, theirs.occurrence_id, "the professional is ill"),
            lambda: other.bookings.cancel(office, mine.occurrence_id, "the pupil is away"))
        (screen.on_move_clicked if form == "move" else screen.on_cancel_clicked)()
        [text] = forms.seen
        assert says(text, "Booking b-001", "Sarah Brown"), text


NOTICE_TAIL = " — reload to see it"


class TestFormsWhoseSaveIsNotRefused:
    """A decision and an assessment's stage are not refused over a change: the banner says so without the
    refusal (the service refuses what it must, a request already decided)."""

    def test_a_decision_being_made(self, qtbot, sqlite_school, other, actor, monkeypatch):
        window = open_window(qtbot, sqlite_school, actor, "hcarter", "requests")
        screen = window.screens["requests"]
        screen.select_request("r-001")
        assert screen.current is not None and screen.current.ref == "r-001"
        head = actor(other, "hcarter")
        forms = Forms(monkeypatch)
        forms.during = lambda dialog: quiet_then_raised(
            qtbot, window, banner_of(dialog),
            lambda: other.requests.decide(head, "r-003", "decline", reason="not this term"),
            lambda: other.requests.save_draft(head, {**other.requests.values(head, "r-001"), "end_time": "11:30"},
                                              "r-001"))
        screen.on_decision("decline")
        [text] = forms.seen
        assert re.fullmatch(r"Request r-001 was changed by Helen Carter at \d\d:\d\d" + re.escape(NOTICE_TAIL),
                            text), text

    @pytest.mark.parametrize("form", ["stage", "stop"])
    def test_an_assessments_stage_or_stop(self, qtbot, sqlite_school, other, actor, monkeypatch, form):
        window, panel = senco_panel(qtbot, sqlite_school, actor, "assessments", None)
        chosen = panel.selected()
        assert chosen is not None
        senco = actor(other, "mokafor")
        forms = Forms(monkeypatch, QDialog)
        forms.during = lambda dialog: quiet_then_raised(
            qtbot, window, banner_of(dialog),
            lambda: other.assessments.start(senco, BEN, date(2026, 11, 2)),
            lambda: other.assessments.record_stage(senco, chosen.id, "decision_to_issue_on", date(2026, 11, 23)))
        (panel.ask_stage if form == "stage" else panel.ask_stop)(chosen)
        [text] = forms.seen
        assert re.fullmatch(re.escape(f"{chosen.pupil_name}'s assessment was changed by Michael Okafor at ")
                            + r"\d\d:\d\d" + re.escape(NOTICE_TAIL), text), text
