"""Advice requests: listed by when they are due, chased when late, marked received."""

from __future__ import annotations

from datetime import date

import pytest

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed, Refused


class TestAdvice:
    def test_outstanding_advice_is_listed_with_its_due_date(self, sqlite_school, actor):
        [advice] = sqlite_school.advice.list_advice(actor(sqlite_school, "mokafor"))
        assert (advice.pupil, advice.professional, advice.due) == ("Chloe Nowak", "Rachel Green", date(2026, 11, 16))

    def test_a_chase_is_recorded_and_received_advice_leaves_the_list(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        [advice] = sqlite_school.advice.list_advice(senco)
        sqlite_school.advice.chase(senco, advice.id, "phoned the SLT team")
        [chased] = sqlite_school.advice.list_advice(senco)
        assert chased.chases == ((date(2026, 11, 23), "phoned the SLT team", "mokafor"),)
        with pytest.raises(InvalidInput):
            sqlite_school.advice.mark_received(senco, advice.id, date(2026, 12, 1))  # not yet today
        sqlite_school.advice.mark_received(senco, advice.id, date(2026, 11, 23))
        assert sqlite_school.advice.list_advice(senco) == []
        with pytest.raises(Refused, match="received"):
            sqlite_school.advice.chase(senco, advice.id)

    def test_the_office_does_not_manage_advice(self, sqlite_school, actor):
        with pytest.raises(NotAllowed):
            sqlite_school.advice.list_advice(actor(sqlite_school, "sbrown"))
