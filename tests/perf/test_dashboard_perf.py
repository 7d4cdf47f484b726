"""The dashboard on the large synthetic school: ready within 150 ms of sign-in (issue 6's budget).
Printed by pytest-benchmark, never asserted."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.perf


@pytest.fixture(scope="module")
def with_requests(large):  # noqa: ANN001, ANN201
    from synthetic import add_requests

    from fairfields_desktop.store.models import RequestRow

    with large.db.read_session() as session:
        if session.query(RequestRow).count() == 0:
            add_requests(large)
    return large


@pytest.mark.parametrize("username,password", [("hcarter", "demo-head-2026"), ("mokafor", "demo-senco-2026"),
                                               ("sbrown", "demo-office-2026")])
def test_dashboard_for_each_role(benchmark, with_requests, username, password):
    actor = with_requests.auth.sign_in(username, password)
    dashboard = benchmark(lambda: with_requests.dashboard.for_actor(actor))
    assert dashboard.sections
