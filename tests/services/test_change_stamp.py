"""Who last changed a record, as an open form asks it: one record, any record of a kind saved as a whole (the
terms), and a record with what it shows audited on its own (a target under its outcome)."""

from __future__ import annotations

import re

BEN = "X319700119023"


class TestStamp:
    def test_the_terms_as_a_whole(self, sqlite_school, actor):
        changes, admin = sqlite_school.changes, actor(sqlite_school, "admin")
        before, _who = changes.stamp("terms", None)
        terms = sqlite_school.school.terms_values()
        sqlite_school.school.save_terms(admin, [{**terms[0], "name": "Autumn term 2026"}, *terms[1:]], terms)
        after, who = changes.stamp("terms", None)
        assert after is not None and after != before
        assert re.fullmatch(r"admin at \d\d:\d\d", who)

    def test_a_target_with_its_outcome(self, sqlite_school, actor):
        changes, senco = sqlite_school.changes, actor(sqlite_school, "mokafor")
        outcomes = sqlite_school.outcomes
        outcome = outcomes.add_outcome(senco, BEN, "sensory_and_physical", "Ben moves safely")
        target = outcomes.add_target(senco, outcome, "Walks to the hall")
        alone, _ = changes.stamp("target", target)
        with_outcome, _ = changes.stamp("target", target, (("outcome", (outcome,)),))
        outcomes.end_outcome(senco, outcome, "achieved")  # audited under the outcome only
        assert changes.stamp("target", target)[0] == alone
        now, who = changes.stamp("target", target, (("outcome", (outcome,)),))
        assert now != with_outcome and who.startswith("Michael Okafor at ")

    def test_a_record_never_audited(self, sqlite_school):
        assert sqlite_school.changes.stamp("class", 999) == (None, "someone else")
