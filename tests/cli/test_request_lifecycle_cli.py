"""`fairfields requests decide` follows the request's life as the window does: exit 3 for an action its
status does not allow, exit 4 for a missing reason or a review meeting without a parent and a professional."""

from __future__ import annotations

import copy
import io
import json

import pytest

from fairfields_desktop.cli.main import run

#: which actions each stored status allows (the policy, written out here: not read from the code)
ALLOWED = {
    "draft": {"approve", "decline"},
    "submitted": {"approve", "decline"},
    "approved": {"extend", "suspend", "end"},
    "declined": set(),
    "suspended": {"extend", "review-meeting", "reinstate", "end"},
    "ended": {"extend"},
}
HEAD = "demo-head-2026"
#: the command line's options for each action on r-003, every field it needs given
OPTIONS = {
    "approve": [],
    "decline": ["--reason", "the family withdrew"],
    "extend": ["--until", "2027-05-14", "--reason", "rehabilitation after surgery"],
    "suspend": ["--reason", "missing phonics"],
    "review-meeting": ["--on", "2026-11-23", "--attendees", "Anjali Sharma, Peter Quinn", "--reason", "resume"],
    "reinstate": ["--reason", "agreed at the review"],
    "end": ["--reason", "therapy finished"],
}


def doc_with_status(example_doc: dict, status: str) -> dict:
    """The example school with r-003 in ``status`` (suspended on 20 Nov 2026 when suspended)."""
    doc = copy.deepcopy(example_doc)
    request = next(r for r in doc["requests"] if r["id"] == "r-003")
    request["status"] = status
    if status == "suspended":
        request["history"] = [{"at": "2026-11-16T09:00:00", "by": "hcarter", "action": "approved"},
                              {"at": "2026-11-20T09:00:00", "by": "hcarter", "action": "suspended",
                               "reason": "missing phonics"}]
    return doc


@pytest.fixture
def fairfields(monkeypatch):
    def invoke(*args: str, password: str = HEAD) -> tuple[int, str, str]:
        monkeypatch.setenv("FAIRFIELDS_PASSWORD", password)
        out, err = io.StringIO(), io.StringIO()
        code = run(list(args), stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()
    return invoke


@pytest.fixture
def school_in(fairfields, sqlite_url, example_doc, tmp_path):
    """A database holding the example school with r-003 in a status, loaded by the command line."""
    def make(status: str) -> str:
        path = tmp_path / f"{status}.json"
        path.write_text(json.dumps(doc_with_status(example_doc, status)), encoding="utf-8")
        code, _out, err = fairfields("--db", sqlite_url, "load", str(path))
        assert code == 0, err
        return sqlite_url
    return make


def decide(fairfields, db: str, action: str, *options: str, who: str = "hcarter") -> tuple[int, str, str]:
    password = HEAD if who == "hcarter" else "demo-senco-2026"
    return fairfields("--db", db, "--as", who, "--today", "2026-11-23", "requests", "decide", "r-003", action,
                      *options, password=password)


class TestEveryActionFromEveryStatus:
    @pytest.mark.parametrize("action", list(OPTIONS))
    @pytest.mark.parametrize("status", list(ALLOWED))
    def test_allowed_exit_0_and_the_others_exit_3(self, fairfields, school_in, status, action):
        db = school_in(status)
        if action == "reinstate" and status == "suspended":
            assert decide(fairfields, db, "review-meeting", *OPTIONS["review-meeting"])[0] == 0
        code, _out, err = decide(fairfields, db, action, *OPTIONS[action])
        if action in ALLOWED[status]:
            assert code == 0, err
        else:
            assert code == 3 and f"r-003 is {status}: it cannot be" in err


class TestRefusals:
    def test_teacher_only_is_not_a_review_meeting(self, fairfields, school_in):
        code, _out, err = decide(fairfields, school_in("suspended"), "review-meeting", "--on", "2026-11-23",
                                 "--attendees", "Teacher only", who="mokafor")
        assert code == 4
        assert "Teacher only: not known to the app" in err and "Anjali Sharma" in err

    def test_a_parent_and_a_class_teacher_are_not_enough(self, fairfields, school_in):
        db = school_in("suspended")
        code, _out, err = decide(fairfields, db, "review-meeting", "--attendees", "Anjali Sharma, Tom Taylor")
        assert code == 4 and "a professional" in err
        code, _out, err = decide(fairfields, db, "review-meeting", "--attendees", "Anjali Sharma, Tom Taylor",
                                 "--absent-reason", "the physiotherapist was ill; report sent")
        assert code == 0, err

    def test_a_parent_and_a_professional_exit_0(self, fairfields, school_in):
        code, _out, err = decide(fairfields, school_in("suspended"), "review-meeting", "--attendees",
                                 "Anjali Sharma, Peter Quinn", who="mokafor")
        assert code == 0, err

    @pytest.mark.parametrize("action, status", [("decline", "submitted"), ("suspend", "approved"),
                                                ("end", "approved")])
    def test_decline_suspend_and_end_without_a_reason_exit_4(self, fairfields, school_in, action, status):
        code, _out, err = decide(fairfields, school_in(status), action)
        assert code == 4 and "reason" in err

    def test_an_action_the_status_does_not_allow_exits_3(self, fairfields, school_in):
        code, _out, err = decide(fairfields, school_in("submitted"), "suspend", "--reason", "x")
        assert code == 3 and "r-003 is submitted: it cannot be suspended" in err
