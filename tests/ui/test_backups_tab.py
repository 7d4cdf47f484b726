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


def test_a_second_folder_for_the_automatic_backups(qtbot, sqlite_school, actor, tmp_path, monkeypatch):
    tab = BackupsTab(sqlite_school, actor(sqlite_school, "admin"))
    qtbot.addWidget(tab)
    assert tab.second_label.text().startswith("Second copy: none") and not tab.second_off_button.isEnabled()
    assert "no verified backup newer than a day" in tab.health.text().lower()
    sqlite_school.backups.daily()
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(tab, "ask_second_folder", lambda: usb)
    tab.second_button.click()
    qtbot.waitUntil(lambda: not tab.running, timeout=20_000)
    assert tab.message.text() == f"The automatic backups are copied to {usb} as well."
    assert str(usb) in tab.second_label.text() and "last copied" in tab.second_label.text()
    assert len(list((usb / sqlite_school.backups.folder().name).iterdir())) == 2 and tab.health.text() == ""
    tab.second_off_button.click()
    qtbot.waitUntil(lambda: not tab.running, timeout=20_000)
    assert tab.second_label.text().startswith("Second copy: none")
