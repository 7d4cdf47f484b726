"""The dashboard on the large synthetic school: ready within 150 ms of sign-in (issue 6's budget).
Printed by pytest-benchmark, never asserted."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.perf


@pytest.fixture(scope="module")
def with_requests(large):  # noqa: ANN001, ANN201
    from synthetic import add_requests

    add_requests(large)
    return large


@pytest.mark.parametrize("username,password", [("hcarter", "demo-head-2026"), ("mokafor", "demo-senco-2026"),
                                               ("sbrown", "demo-office-2026")])
def test_dashboard_for_each_role(benchmark, with_requests, username, password):
    actor = with_requests.auth.sign_in(username, password)
    dashboard = benchmark(lambda: with_requests.dashboard.for_actor(actor))
    assert dashboard.sections


@pytest.mark.parametrize("username,password", [("hcarter", "demo-head-2026"), ("mokafor", "demo-senco-2026"),
                                               ("sbrown", "demo-office-2026")])
def test_dashboard_screen_ready_after_sign_in(benchmark, qapp, with_requests, username, password):
    """From the signed-in user to the dashboard screen built and painted once: its sections (the chart
    follows just after the first paint and is measured below)."""
    from fairfields_desktop.ui.views.dashboard_view import DashboardScreen

    actor = with_requests.auth.sign_in(username, password)

    def build_and_paint():
        screen = DashboardScreen(with_requests, actor)
        screen.resize(1280, 800)
        screen.grab()
        screen.deleteLater()
        return screen

    benchmark(build_and_paint)


def test_the_sessions_chart_after_the_first_paint(benchmark, qapp, with_requests):
    """The weekly chart of sessions this term (planned and delivered by kind), built and painted."""
    from fairfields_desktop.ui.views.sessions_chart import SessionsChart

    actor = with_requests.auth.sign_in("sbrown", "demo-office-2026")

    def build_and_paint():
        chart = SessionsChart(with_requests, actor)
        chart.reload()
        chart.resize(1200, 320)
        chart.grab()
        chart.deleteLater()
        return chart

    benchmark(build_and_paint)
