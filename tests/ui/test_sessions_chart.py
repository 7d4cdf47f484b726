"""The chart of professionals' sessions delivered per week this term, beside the sessions planned."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCharts import QBarCategoryAxis, QLineSeries, QStackedBarSeries

from fairfields_desktop.services.context import Actor
from fairfields_desktop.ui.views.sessions_chart import TITLE, SessionsChart

WILLOW_TEACHER = Actor("lwhite", frozenset({"teacher"}), "lwhite", "Lucy White", "Willow")


def move_clock(services, monkeypatch, when: datetime) -> None:  # noqa: ANN001
    monkeypatch.setattr(services.clock, "today", lambda: when.date())
    monkeypatch.setattr(services.clock, "now", lambda: when)


def mark_the_first_sessions(services, who) -> None:  # noqa: ANN001
    """24 Nov (speech and language, statutory) and 25 Nov (music, commissioned) delivered; 1 Dec not."""
    for item in services.sessions.to_mark(who):
        delivered = item.start.date() < date(2026, 12, 1)
        services.sessions.mark(who, item.occurrence_id, delivered, reason=None if delivered else "pupil_absent")


def make_chart(qtbot, services, who) -> SessionsChart:  # noqa: ANN001
    chart = SessionsChart(services, who)
    qtbot.addWidget(chart)
    chart.resize(1200, 700)
    chart.show()
    qtbot.waitExposed(chart)
    return chart


def test_the_chart_shows_the_week_delivered_by_kind_beside_planned_and_says_the_totals(qtbot, sqlite_school, actor,
                                                                                      monkeypatch):
    move_clock(sqlite_school, monkeypatch, datetime(2026, 12, 2, 16, 0))
    mark_the_first_sessions(sqlite_school, actor(sqlite_school, "sbrown"))
    chart = make_chart(qtbot, sqlite_school, actor(sqlite_school, "mokafor"))

    assert chart.chart.title() == TITLE
    assert chart.figures[0].monday == date(2026, 8, 31) and chart.figures[-1].monday == date(2026, 11, 30)
    week = next(i for i, w in enumerate(chart.figures) if w.monday == date(2026, 11, 23))
    [axis] = [a for a in chart.chart.axes() if isinstance(a, QBarCategoryAxis)]
    assert axis.categories()[week] == "23 Nov"
    [bars] = [s for s in chart.chart.series() if isinstance(s, QStackedBarSeries)]
    delivered = {bar_set.label(): bar_set.at(week) for bar_set in bars.barSets()}
    assert delivered == {"Delivered: statutory": 1, "Delivered: school-commissioned": 1, "Delivered: independent": 0}
    assert sum(bar_set.at(week + 1) for bar_set in bars.barSets()) == 0  # 1 Dec: not delivered
    [planned] = [s for s in chart.chart.series() if isinstance(s, QLineSeries)]
    assert planned.name() == "Planned (all kinds)"
    assert (planned.at(week).y(), planned.at(week + 1).y()) == (2, 1)

    assert chart.summary.text() == (
        "Autumn 2026 so far (3 Sep 2026 to 2 Dec 2026): 3 sessions planned, 2 delivered. Delivered of planned by "
        "kind: statutory 1 of 2; school-commissioned 1 of 1.")
    assert chart.view.accessibleName() == "Chart: " + TITLE
    assert "Week of 23 Nov 2026: 2 planned, 2 delivered (statutory 1, school-commissioned 1)." in \
        chart.view.accessibleDescription()
    chart.reload()  # drawn afresh, not on top of the last drawing
    assert len(chart.chart.series()) == 2 and len(chart.chart.axes()) == 2


def test_a_teacher_sees_their_own_class_sessions_only(qtbot, sqlite_school, actor, monkeypatch):
    move_clock(sqlite_school, monkeypatch, datetime(2026, 12, 2, 16, 0))
    mark_the_first_sessions(sqlite_school, actor(sqlite_school, "sbrown"))
    chart = make_chart(qtbot, sqlite_school, WILLOW_TEACHER)  # Willow: Dev is in the music group only
    assert chart.summary.text().endswith(": 1 session planned, 1 delivered. Delivered of planned by kind: "
                                         "school-commissioned 1 of 1.")


def test_between_terms_the_chart_shows_the_term_just_ended(qtbot, sqlite_school, actor, monkeypatch):
    move_clock(sqlite_school, monkeypatch, datetime(2026, 12, 28, 10, 0))
    chart = make_chart(qtbot, sqlite_school, actor(sqlite_school, "hcarter"))
    assert (chart.term.name, chart.first, chart.last) == ("Autumn 2026", date(2026, 9, 3), date(2026, 12, 18))
    assert chart.summary.text() == ("Autumn 2026 (3 Sep 2026 to 18 Dec 2026): 5 sessions planned, 0 delivered. "
                                    "Delivered of planned by kind: statutory 0 of 4; school-commissioned 0 of 1.")


def test_an_administrator_is_told_the_figures_are_not_theirs(qtbot, sqlite_school, actor):
    chart = make_chart(qtbot, sqlite_school, actor(sqlite_school, "admin"))
    assert chart.figures == [] and "class teachers" in chart.summary.text()
