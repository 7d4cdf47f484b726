"""Settings → Backups: back up with a progress bar off the UI thread, restore after a check, then sign in again."""

from __future__ import annotations

from fairfields_desktop.ui.main_window import MainWindow
from fairfields_desktop.ui.views.backups_view import BackupsTab


def test_backing_up_and_restoring_from_the_window(qtbot, sqlite_school, actor, tmp_path, monkeypatch):
    admin = actor(sqlite_school, "admin")
    window = MainWindow(sqlite_school, admin)
    qtbot.addWidget(window)
    tab = window.screens["settings"].backups_tab
    target = tmp_path / "usb" / "friday.fdb"
    target.parent.mkdir()
    monkeypatch.setattr(tab, "ask_backup_file", lambda: target)
    tab.backup_button.click()
    qtbot.waitUntil(lambda: not tab.running, timeout=20_000)
    assert target.exists() and tab.message.text() == f"Backup written to {target}."

    garbage = tmp_path / "photo.fdb"
    garbage.write_bytes(b"no")
    monkeypatch.setattr(tab, "ask_restore_file", lambda: garbage)
    tab.restore_button.click()
    assert tab.message.text().startswith("Not restored:") and "not an encrypted Fairfields backup" in tab.message.text()

    monkeypatch.setattr(tab, "ask_restore_file", lambda: target)
    monkeypatch.setattr(tab, "confirm_restore", lambda path: True)
    with qtbot.waitSignal(window.signed_out, timeout=20_000):
        tab.restore_button.click()
    assert "kept as" in tab.message.text()


def test_only_administrators_see_the_backups(qtbot, sqlite_school, actor):
    window = MainWindow(sqlite_school, actor(sqlite_school, "hcarter"))
    qtbot.addWidget(window)
    assert not hasattr(window.screens["settings"], "backups_tab")
    tab = BackupsTab(sqlite_school, actor(sqlite_school, "admin"))
    qtbot.addWidget(tab)
    sqlite_school.backups.daily()
    tab.reload()
    assert tab.model.rowCount() == 2  # today's daily and this week's weekly


def test_a_second_folder_takes_a_checked_copy_and_the_dashboard_warns_when_it_fails(
        qtbot, sqlite_school, actor, tmp_path, monkeypatch):
    """The 3-2-1 habit from the window: choose a second folder, each automatic backup is copied there and
    checked; the administrator's dashboard warns while there is no second copy or the copy failed."""
    admin = actor(sqlite_school, "admin")
    sqlite_school.backups.daily()
    window = MainWindow(sqlite_school, admin)
    qtbot.addWidget(window)
    titles = {s.title: s for s in window.screens["dashboard"].dashboard.sections}
    assert [i.text for i in titles["Backups"].items] == [
        "Backups are kept on this PC's disk only: choose a second folder (a USB disk or the school's server) "
        "in Settings → Backups."]
    window.open_record("settings", "backups")
    tab = window.screens["settings"].backups_tab
    assert window.screens["settings"].tabs.currentWidget() is tab
    assert "none" in tab.second_label.text()

    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(tab, "ask_second_folder", lambda: str(usb))
    tab.second_button.click()
    qtbot.waitUntil(lambda: not tab.running, timeout=20_000)
    copies = list((usb / "fairfields-school").glob("daily-*.sqlite3"))
    assert len(copies) == 1 and tab.message.text() == f"Copied to {copies[0]} and checked."
    assert "the last one was made and checked" in tab.second_label.text()
    assert sqlite_school.backups.health().warnings(sqlite_school.clock.now()) == []

    usb.rename(tmp_path / "unplugged")  # the disk is taken away
    tab.copy_second_button.click()
    qtbot.waitUntil(lambda: not tab.running, timeout=20_000)
    assert tab.message.text().startswith("Not done:") and "plug the disk in" in tab.message.text()
    warnings = sqlite_school.backups.health().warnings(sqlite_school.clock.now())
    assert len(warnings) == 1 and warnings[0].startswith(f"The copy to the second backup folder {usb} failed")
    dashboard = sqlite_school.dashboard.for_actor(admin)
    backups = next(s for s in dashboard.sections if s.title == "Backups")
    assert backups.items[0].urgent and backups.items[0].screen == "settings"
