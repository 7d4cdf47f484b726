"""Registers on the large synthetic school (400 pupils, 250 professionals): search, filter, detail pane.

Budgets (issue 3): filtering or searching the pupils table within 50 ms; opening a pupil's detail
pane within 100 ms. Figures are printed by pytest-benchmark (`make bench`), never asserted.
"""

from __future__ import annotations

from datetime import date

import pytest

from synthetic import large_school

pytestmark = pytest.mark.perf


@pytest.fixture(scope="module")
def big(tmp_path_factory):  # noqa: ANN001, ANN201
    from fairfields_desktop.app import open_services

    path = tmp_path_factory.mktemp("big") / "big.sqlite3"
    services = open_services(f"sqlite:///{path}", today=date(2026, 11, 23))
    services.dataset.load(large_school())
    yield services
    services.close()


@pytest.fixture
def screen(qtbot, big):  # noqa: ANN001, ANN201
    from fairfields_desktop.ui.views.pupils_view import PupilsScreen

    widget = PupilsScreen(big, big.auth.sign_in("mokafor", "demo-senco-2026"))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_search_pupils_by_name(benchmark, screen):
    terms = iter(["os", "ela", "zo", "x", "kh", "ni"] * 1000)
    benchmark(lambda: screen.on_search_changed(next(terms)))
    assert screen.model.rowCount() == 400


def test_filter_pupils_by_class_and_attendance(benchmark, screen):
    classes = iter([f"Class {i % 40 + 1:02d}" for i in range(10_000)])

    def run() -> None:
        screen.proxy.set_filters(class_name=next(classes), below_threshold_only=True)

    benchmark(run)


def test_open_a_pupils_detail_pane(benchmark, screen, big):
    ids = [p.id for p in big.pupils.list_pupils(screen.actor)]
    cycle = iter(ids * 50)
    benchmark(lambda: screen.show_detail(next(cycle)))
    assert "Team around the child" in screen.detail.toPlainText()


def test_load_the_pupil_register(benchmark, screen):
    benchmark(screen.reload)


def test_load_the_professionals_register_with_checks(benchmark, big):
    actor = big.auth.sign_in("sbrown", "demo-office-2026")
    result = benchmark(lambda: big.professionals.list_professionals(actor))
    assert len(result) == 250


def test_sort_the_pupil_register_by_a_column(benchmark, screen):
    """Sorting 400 pupils by a column, both ways, in Python (the proxy's lessThan: dates and tuples
    included, which Qt 6.11 left unsorted); the budget is the filter's, 50 ms."""
    from PySide6.QtCore import Qt

    columns = iter([(c, order) for c in range(screen.model.columnCount())
                    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder)] * 10)
    benchmark.pedantic(lambda: screen.proxy.sort(*next(columns)), rounds=90, warmup_rounds=1)
