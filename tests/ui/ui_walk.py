"""Walk the main window: each screen, each tab of it and each tab within a tab, shown in turn.

Shared by the tests that check every state a person can reach (accessible names, keys, contrast)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

from fairfields_desktop.ui.main_window import SCREENS, MainWindow


def screens_and_tabs(window: MainWindow, prepare: Callable[[QWidget], object] | None = None) -> Iterator[str]:
    """Show every screen, tab and inner tab in turn and yield its name ("ehcp:Reviews:Advice (0)"), after
    ``prepare`` (if given) has been called on the page just shown."""

    def shown(page: QWidget) -> None:
        QApplication.processEvents()
        if prepare is not None:
            prepare(page)

    for info in SCREENS:
        window.show_screen(info.key)
        page = window.screens[info.key]
        shown(page)
        yield info.key
        for tabs in page.findChildren(QTabWidget):
            if not tabs.isVisible():
                continue
            for index in range(tabs.count()):
                if not tabs.isTabEnabled(index) or not tabs.isTabVisible(index):
                    continue
                tabs.setCurrentIndex(index)
                shown(tabs.widget(index))
                where = f"{info.key}:{tabs.tabText(index)}".replace("&", "")
                yield where
                for inner in tabs.widget(index).findChildren(QTabWidget):
                    if not inner.isVisible():
                        continue
                    for j in range(inner.count()):
                        if inner.isTabEnabled(j) and inner.isTabVisible(j):
                            inner.setCurrentIndex(j)
                            shown(inner.widget(j))
                            yield f"{where}:{inner.tabText(j)}".replace("&", "")
