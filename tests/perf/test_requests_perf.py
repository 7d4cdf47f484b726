"""Requests on the large synthetic school: evaluating all undecided requests (200) within 200 ms, and the
rule panel updating within 50 ms of a change in the form. Printed by pytest-benchmark, never asserted."""

from __future__ import annotations

import itertools

import pytest

pytestmark = pytest.mark.perf


@pytest.fixture(scope="module")
def with_requests(large):  # noqa: ANN001, ANN201
    from synthetic import add_requests

    add_requests(large)
    return large


def test_evaluate_all_undecided_requests(benchmark, with_requests):
    head = with_requests.auth.sign_in("hcarter", "demo-head-2026")
    views = benchmark.pedantic(lambda: with_requests.requests.check(head), rounds=5, iterations=1)
    assert len(views) == 220  # 200 submitted and 20 drafts


def test_rule_panel_after_a_change_in_the_form(benchmark, with_requests):
    senco = with_requests.auth.sign_in("mokafor", "demo-senco-2026")
    pupil = with_requests.pupils.list_pupils(senco)[5].upn
    spaces = itertools.cycle([s.name for s in with_requests.bookings.spaces(senco)])
    values = {"pupil": pupil, "professional": "pro-002", "setting": "in_school", "first_session": "2027-01-06",
              "last_session": "2027-03-24", "start_time": "13:30", "end_time": "14:15",
              "class_staff": "t05", "ehcp_approval_on": "2026-11-02", "ehcp_approval_reference": "X",
              "personal_budget_linked": True, "classroom_sessions_agreed": True}
    results = benchmark(lambda: with_requests.requests.evaluate_values(senco, {**values, "space": next(spaces)}))
    assert len(results) == 9
