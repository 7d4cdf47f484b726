"""EHCP outcomes, targets and the class team's strategies; progress notes from marked sessions."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from fairfields_desktop.domain.errors import InvalidInput, NotAllowed, Refused, StaleRecord
from fairfields_desktop.services.context import Clock

AMARA = "Z319700118114"  # Oak; weekly SLT sessions with Rachel Green from Tue 24 Nov
DEV = "X319700121005"  # Willow


def _outcome_with_target(services, senco):
    outcome = services.outcomes.add_outcome(senco, AMARA, "communication_and_interaction",
                                            "Amara makes choices across the day with her AAC device")
    target = services.outcomes.add_target(senco, outcome, "Requests a break using two symbols",
                                          professional="nhs-slt-1", programme="AAC core vocabulary, 3 × weekly",
                                          strategy="Model 'break please' on the device before each transition")
    return outcome, target


class TestOutcomes:
    def test_outcomes_are_grouped_by_area_with_their_targets(self, school, actor):
        senco = actor(school, "mokafor")
        _outcome_with_target(school, senco)
        school.outcomes.add_outcome(senco, AMARA, "sensory_and_physical", "Walks between rooms with a frame")
        outcomes = school.outcomes.for_pupil(senco, AMARA)
        assert [o.area_text for o in outcomes] == ["Communication and interaction", "Sensory and/or physical"]
        [target] = outcomes[0].targets
        assert (target.professional, target.strategy) == (
            "Rachel Green", "Model 'break please' on the device before each transition")

    def test_bad_input_names_the_field_and_saves_nothing(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        with pytest.raises(InvalidInput) as caught:
            sqlite_school.outcomes.add_outcome(senco, AMARA, "happiness", " ")
        assert {p.where for p in caught.value.problems} == {"area", "text"}
        outcome, _ = _outcome_with_target(sqlite_school, senco)
        with pytest.raises(InvalidInput, match="professional"):
            sqlite_school.outcomes.add_target(senco, outcome, "Signs 'more'", professional="nobody-1")
        assert len(sqlite_school.outcomes.for_pupil(senco, AMARA)[0].targets) == 1

    def test_ended_outcomes_are_kept_and_end_their_targets(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        outcome, target = _outcome_with_target(sqlite_school, senco)
        sqlite_school.outcomes.end_outcome(senco, outcome, "achieved")
        [kept] = sqlite_school.outcomes.for_pupil(senco, AMARA)
        assert (kept.status, kept.ended_on, kept.targets[0].status) == ("achieved", date(2026, 11, 23), "achieved")
        assert sqlite_school.outcomes.for_pupil(senco, AMARA, current_only=True) == []
        with pytest.raises(Refused, match="achieved"):
            sqlite_school.outcomes.edit_outcome(senco, outcome, "communication_and_interaction", "changed")

    def test_a_second_edit_from_an_old_copy_is_refused(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        outcome, _ = _outcome_with_target(sqlite_school, senco)
        [seen] = sqlite_school.outcomes.for_pupil(senco, AMARA)
        sqlite_school.outcomes.edit_outcome(senco, outcome, seen.area, "first edit", version=seen.version)
        with pytest.raises(StaleRecord):
            sqlite_school.outcomes.edit_outcome(senco, outcome, seen.area, "second edit", version=seen.version)

    def test_who_may_see_and_change_outcomes(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        _outcome_with_target(sqlite_school, senco)
        assert sqlite_school.outcomes.for_pupil(actor(sqlite_school, "ttaylor"), AMARA)  # Oak's teacher
        with pytest.raises(NotAllowed):
            sqlite_school.outcomes.for_pupil(actor(sqlite_school, "sbrown"), AMARA)  # the office sees no outcomes
        with pytest.raises(NotAllowed):
            sqlite_school.outcomes.add_outcome(actor(sqlite_school, "ttaylor"), AMARA, "cognition_and_learning", "x")
        with pytest.raises(NotAllowed):
            sqlite_school.outcomes.for_pupil(actor(sqlite_school, "ttaylor"), DEV)  # Willow


class TestStrategies:
    def test_the_class_team_sees_their_pupils_current_strategies_in_one_list(self, school, actor):
        senco = actor(school, "mokafor")
        _outcome_with_target(school, senco)
        dev = school.outcomes.add_outcome(senco, DEV, "cognition_and_learning", "Counts objects to 20")
        school.outcomes.add_target(senco, dev, "Counts to 10 with one-to-one correspondence",
                                   strategy="Use counting trays at snack time")
        school.outcomes.add_target(senco, dev, "No strategy here")  # nothing for the class team to carry
        [oak] = school.outcomes.class_strategies(actor(school, "ttaylor"))
        assert (oak.pupil, oak.class_name, oak.strategy, oak.professional) == (
            "Amara Osei", "Oak", "Model 'break please' on the device before each transition", "Rachel Green")
        assert len(school.outcomes.class_strategies(senco)) == 2
        assert [s.pupil for s in school.outcomes.class_strategies(senco, "Willow")] == ["Dev Sharma"]
        with pytest.raises(NotAllowed):
            school.outcomes.class_strategies(actor(school, "ttaylor"), "Willow")


class TestProgressNotes:
    def test_a_session_note_against_a_target_shows_under_it(self, sqlite_school, actor):
        senco = actor(sqlite_school, "mokafor")
        _, target = _outcome_with_target(sqlite_school, senco)
        clock = Clock(date(2026, 11, 24))
        clock.now = lambda: datetime(2026, 11, 24, 12, 0)  # type: ignore[method-assign]
        sqlite_school.sessions.clock = clock
        [session] = sqlite_school.sessions.to_mark(senco, since=date(2026, 11, 24))
        assert sqlite_school.outcomes.targets_for_session(senco, session.occurrence_id) == [
            (target, "Amara Osei: Requests a break using two symbols")]
        with pytest.raises(InvalidInput, match="target"):
            sqlite_school.sessions.mark(senco, session.occurrence_id, True, note="x", target_id=target + 99)
        sqlite_school.sessions.mark(senco, session.occurrence_id, True, note="Used two symbols twice unprompted",
                                    target_id=target)
        [progress] = sqlite_school.outcomes.for_pupil(senco, AMARA)[0].targets[0].progress
        assert (progress.on, progress.delivered, progress.note) == (
            date(2026, 11, 24), True, "Used two symbols twice unprompted")


class TestWeeklyFigures:
    def test_planned_and_delivered_by_kind_of_professional(self, sqlite_school, actor):
        office = actor(sqlite_school, "sbrown")
        clock = Clock(date(2026, 11, 26))
        clock.now = lambda: datetime(2026, 11, 26, 16, 0)  # type: ignore[method-assign]
        sqlite_school.sessions.clock = clock
        for item in sqlite_school.sessions.to_mark(office):
            sqlite_school.sessions.mark(office, item.occurrence_id, item.professional == "Rachel Green",
                                        reason=None if item.professional == "Rachel Green" else "pupil_absent")
        weeks = sqlite_school.sessions.weekly_figures(office, date(2026, 11, 23), date(2026, 12, 6))
        assert [w.monday for w in weeks] == [date(2026, 11, 23), date(2026, 11, 30)]
        first, second = weeks
        assert first.planned == {"statutory": 1, "commissioned": 1, "independent": 0}  # the swim has no professional
        assert first.delivered == {"statutory": 1, "commissioned": 0, "independent": 0}
        assert (second.planned_total, second.delivered_total) == (1, 0)
        willow = sqlite_school.sessions.weekly_figures(actor(sqlite_school, "ttaylor"), date(2026, 11, 23),
                                                       date(2026, 11, 29))
        assert willow[0].planned_total == 2  # Oak's teacher: Amara's SLT and Ben's music group
