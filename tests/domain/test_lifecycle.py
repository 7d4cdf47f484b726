"""A request's life as pure functions: which action from which status, what each needs, who attended."""

from __future__ import annotations

from datetime import date

from fairfields_desktop.domain.lifecycle import (
    ACTIONS,
    KnownPeople,
    allowed_actions,
    check,
    classify,
    compare,
    derived_state,
    is_parent_or_carer,
    requirements,
    verdicts_from,
    verdicts_json,
)
from fairfields_desktop.domain.rules import RuleResult

KNOWN = KnownPeople(parents=("Abena Osei",), contacts=("Grace Osei",),
                    professionals=(("ind-ot-1", "Karen Walsh"),), staff=(("ttaylor", "Tom Taylor"),))


def test_allowed_actions_by_status():
    assert allowed_actions("submitted") == ("approve", "decline")
    assert allowed_actions("approved") == ("extend", "suspend", "end")
    assert allowed_actions("suspended") == ("extend", "review-meeting", "reinstate", "end")
    assert allowed_actions("ended") == ("extend",) and allowed_actions("declined") == ()


def test_what_each_action_does_to_sessions_and_needs():
    assert [ACTIONS[a].sessions for a in ("approve", "suspend", "reinstate", "end", "decline")] == [
        "books", "cancels future", "re-books", "cancels future", "none"]
    assert [f.key for f in requirements("review-meeting")] == ["on", "attendees", "absent_reason", "reason"]
    assert [f.key for f in requirements("end") if f.required] == ["on", "reason"]


def test_a_refused_status_comes_first_and_missing_fields_are_named():
    assert check("suspend", "submitted", {})[0].where == "status"
    assert [p.where for p in check("end", "approved", {"reason": " "})] == ["reason"]
    assert [p.where for p in check("extend", "approved", {"last_session": date(2027, 2, 23)})] == ["until", "reason"]
    assert check("approve", "submitted", {"failed": ["ATTENDANCE"]})[0].where == "override"


def test_attendees_are_matched_ignoring_case_and_spaces_staff_are_not_the_professional():
    found = classify(" abena OSEI , ind-ot-1, Tom  Taylor, Grace Osei, Teacher only", KNOWN)
    assert found.parents == ("Abena Osei",) and found.professionals == ("Karen Walsh",)
    assert found.others == ("Tom Taylor", "Grace Osei") and found.unknown == ("Teacher only",)
    meeting = {"known": KNOWN, "on": date(2026, 12, 2), "today": date(2026, 12, 2)}
    assert check("review-meeting", "suspended", meeting | {"attendees": "Abena Osei, Karen Walsh"}) == []
    [problem] = check("review-meeting", "suspended", meeting | {"attendees": "Abena Osei, Tom Taylor"})
    assert "a professional" in problem.message
    assert check("review-meeting", "suspended", meeting | {"attendees": "Abena Osei, Tom Taylor",
                                                            "absent_reason": "the OT was ill"}) == []


def test_parents_and_carers():
    assert is_parent_or_carer("foster carer", False) and is_parent_or_carer("Mother", False)
    assert not is_parent_or_carer("grandmother", False) and is_parent_or_carer("grandmother", True)


def test_verdicts_round_trip_and_today_beside_where_it_differs():
    then = [RuleResult("ATTENDANCE", True, "attendance 97.2%", 97.2), RuleResult("CHECKS", True, "clear", 0)]
    now = [RuleResult("ATTENDANCE", False, "attendance 88.1%", 88.1), RuleResult("CHECKS", True, "clear", 0)]
    stored = verdicts_from({"verdicts": verdicts_json(then)})
    lines = compare(stored, now, {"CHECKS": "x"})
    assert (lines[0].ok, lines[0].now_ok, lines[0].now_detail) == (True, False, "attendance 88.1%")
    assert lines[1].now_detail is None and lines[1].override == "x"
    assert verdicts_from({"on_behalf_of": None}) is None


def test_derived_states():
    assert derived_state("submitted", date(2026, 12, 1), date(2027, 2, 1), date(2026, 12, 2)) == "expired"
    assert derived_state("approved", date(2026, 12, 1), date(2027, 2, 1), date(2026, 12, 2)) == "active"
    assert derived_state("approved", date(2026, 12, 1), date(2027, 2, 1), date(2027, 2, 2)) == "completed"


def test_a_note_in_brackets_after_a_name_is_read_as_the_name():
    found = classify("Abena Osei (mother), Karen Walsh (OT), Someone (aunt)", KNOWN)
    assert found.parents == ("Abena Osei",) and found.professionals == ("Karen Walsh",)
    assert found.unknown == ("Someone (aunt)",)
