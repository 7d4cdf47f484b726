"""Every table a person can sort sorts by its value, both ways, and every table model passes Qt's model tester.

The tables are found by walking the main window on the demo school as each role: whatever table a screen
shows (its model behind the sort proxy) is sorted on each of its columns, ascending and descending, through
the proxy the screens use; the rows must come out in the order of the column's raw value."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import QAbstractItemModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QTableView
from ui_walk import screens_and_tabs

from fairfields_desktop.ui.main_window import MainWindow
from fairfields_desktop.ui.models.base import RAW_ROLE, FilterProxy, ListTableModel, sort_key

TODAY = date(2026, 11, 23)
#: a day or a time as the tables write it ("3 Dec 2026", "Tue 24 Nov", "09:15"): sorted as words, it goes wrong
DATE_TEXT = re.compile(r"^((Mon|Tue|Wed|Thu|Fri|Sat|Sun)\w* )?(\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b|"
                       r"\d{2}:\d{2}\b)")
USERS = ("hcarter", "mokafor", "sbrown", "ttaylor", "admin")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # noqa: ANN001, ANN201
    """The demo school (40 pupils), shared by the module: the tests only read it."""
    from fairfields_desktop.app import open_services

    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FAIRFIELDS_HOME", str(folder))
        patch.setenv("FAIRFIELDS_DB_KEY", "5f" * 32)  # the suite's test key (conftest.TEST_DB_KEY)
        services = open_services(f"sqlite:///{folder}/demo.db", today=TODAY)
        services.dataset.load_demo()
        yield services
        services.close()


def source_of(model: QAbstractItemModel) -> QAbstractItemModel:
    while isinstance(model, QSortFilterProxyModel):
        model = model.sourceModel()
    return model


def tables_of(window: MainWindow) -> dict[str, QTableView]:
    """Every table view the window shows, by its name and model."""
    found: dict[str, QTableView] = {}

    def collect(page) -> None:  # noqa: ANN001
        for view in page.findChildren(QTableView):
            if view.model() is not None:
                found.setdefault(f"{view.accessibleName() or view.objectName()}@{id(source_of(view.model()))}",
                                 view)

    for _ in screens_and_tabs(window, collect):
        pass
    # the tables that fill once a record is chosen: a review with its paperwork and advice, an assessment
    for key in ("review:C319700120237", "assessment:J31970012604T", "outcomes:C319700120237"):
        window.open_record("ehcp", key)
        collect(window.screens["ehcp"])
    window.open_record("requests", "r-009")
    collect(window.screens["requests"])
    return found


def raw_column(proxy: QSortFilterProxyModel, column: int) -> list[object]:
    source = proxy.sourceModel()
    return [source.index(proxy.mapToSource(proxy.index(row, column)).row(), column).data(RAW_ROLE)
            if not hasattr(source, "raw") else source.raw(proxy.mapToSource(proxy.index(row, column)).row(), column)
            for row in range(proxy.rowCount())]


def sort_every_column(proxy: QSortFilterProxyModel, where: str, wrong: list[str]) -> int:
    """Sort each column both ways through the screen's proxy; the raw values must come in order (else the
    column is added to ``wrong``). Returns how many columns had two different values or more (really tested)."""
    model = proxy.sourceModel()
    tested = 0
    for column in range(model.columnCount()):
        header = model.headerData(column, Qt.Orientation.Horizontal)
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            proxy.sort(column, order)
            keys = [sort_key(v) for v in raw_column(proxy, column)]
            wanted = sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder)
            if keys != wanted:
                wrong.append(f"{where.split('@')[0]}: {header} {order.name.removesuffix('Order').lower()}")
        tested += len(set(keys)) > 1
        shown = [model.index(row, column).data() for row in range(model.rowCount())]
        raws = [model.index(row, column).data(RAW_ROLE) for row in range(model.rowCount())]
        dated = [bool(DATE_TEXT.search(text)) for text in shown if text]
        if raws == shown and dated and sum(dated) * 2 >= len(dated):
            wrong.append(f"{where.split('@')[0]}: {header} sorts its dates as words")
    return tested


@pytest.mark.parametrize("username", USERS)
def test_every_table_sorts_by_its_value_both_ways(qtbot, qtmodeltester, demo, actor, username):
    window = MainWindow(demo, actor(demo, username))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    tables = tables_of(window)
    assert tables, "no sortable table found"
    tested = 0
    wrong: list[str] = []
    for where, view in tables.items():
        model = source_of(view.model())
        qtmodeltester.check(model)
        if not view.isSortingEnabled():  # kept in the service's order; its values still sort, should it be
            if isinstance(model, ListTableModel):
                proxy = FilterProxy()
                proxy.setSourceModel(model)
                tested += sort_every_column(proxy, where, wrong)
            continue
        proxy = view.model()
        assert isinstance(proxy, FilterProxy), f"{where}: sorts without the Python-comparing proxy"
        assert proxy.sortRole() == RAW_ROLE, f"{where}: the proxy does not sort on the raw value"
        tested += sort_every_column(proxy, where, wrong)

    assert wrong == []
    assert tested > 3


class TestColumnsThatQtCouldNotSort:
    """Dates, date-times and tuples: PySide6 6.11's proxy left these unsorted."""

    def test_requests_by_period_and_verdict(self, qtbot, demo, actor):
        from fairfields_desktop.ui.models.requests import RequestsModel

        head = actor(demo, "hcarter")
        model = RequestsModel()
        model.set_rows(demo.requests.list_requests(head))
        proxy = FilterProxy()
        proxy.setSourceModel(model)
        proxy.sort(RequestsModel.PERIOD, Qt.SortOrder.AscendingOrder)
        firsts = [proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 2).first_session for r in range(proxy.rowCount())]
        assert len(firsts) > 3 and firsts == sorted(firsts)
        proxy.sort(RequestsModel.VERDICT, Qt.SortOrder.DescendingOrder)
        verdicts = [proxy.index(r, RequestsModel.VERDICT).data() for r in range(proxy.rowCount())]
        met = [v == "all rules met" for v in verdicts]
        assert met == sorted(met, reverse=True) and any(met) and not all(met)

    def test_pupils_by_age_youngest_first(self, qtbot, demo, actor):
        from fairfields_desktop.ui.models.pupils import PupilsModel

        model = PupilsModel()
        model.set_pupils(demo.pupils.list_pupils(actor(demo, "mokafor")))
        proxy = FilterProxy()
        proxy.setSourceModel(model)
        proxy.sort(PupilsModel.AGE, Qt.SortOrder.AscendingOrder)
        births = [proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 2).date_of_birth for r in range(proxy.rowCount())]
        assert births == sorted(births, reverse=True)
        ages = [int(proxy.index(r, PupilsModel.AGE).data()) for r in range(proxy.rowCount())]
        assert ages == sorted(ages) and ages[0] < ages[-1]

    def test_none_sorts_before_every_value_and_mixed_tuples_compare(self):
        values = [(date(2026, 1, 2), "b"), None, (date(2026, 1, 2), None), (date(2025, 5, 1), "z")]
        assert sorted(values, key=sort_key) == [None, (date(2025, 5, 1), "z"), (date(2026, 1, 2), None),
                                                (date(2026, 1, 2), "b")]
