"""A second PC for tests/services/test_aggregate_race.py: a process that edits records when told to.

    python tests/aggregate_worker.py

It reads one job a line (JSON) on stdin and answers one line (JSON) on stdout per step:

    {"url": URL, "user": USERNAME, "case": CASE, "args": {...}, "go": PATH}
        → {"ready": true, "version": N}     the record read (its version as the person opened it)
        → {"result": "saved"}               after the edit was saved, once PATH exists (the start line)
          {"result": "stale", "message": M} the edit was refused as stale (StaleRecord)
          {"result": "refused", "message": M} refused for another known reason (FairfieldsError)
          {"result": "error", "message": M} anything else (a bug: the test fails)

The services of a URL are opened once (`open_services`, as the app does) and kept for the next job.
The database key of an encrypted SQLite file comes from FAIRFIELDS_DB_KEY (the worker has no keyring).
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date, datetime, timedelta

TODAY = date(2026, 11, 23)
PASSWORDS = {"hcarter": "demo-head-2026", "mokafor": "demo-senco-2026", "sbrown": "demo-office-2026",
             "admin": "demo-admin-2026"}


# --- each case: read(services, actor, args) → (version, state); write(services, actor, state, args) ----------
def _pupil_read(services, actor, args):
    values = services.pupils.pupil_values(actor, args["pupil_id"])
    return values["version"], values


def _pupil_contacts(services, actor, values, args):
    values = {k: v for k, v in values.items() if k != "version"}
    values["contacts"] = [{"name": f"{args['tag']} contact {i}", "relationship": "Aunt",
                           "parental_responsibility": False, "phone": f"01632 96{i:04d}", "email": None}
                          for i in range(args["contacts"])]
    services.pupils.save_pupil(actor, values, args["pupil_id"], args["version"])


def _pupil_consent(services, actor, _state, args):
    parent = next(c.name for c in services.pupils.get_pupil(actor, args["pupil_id"]).contacts
                  if c.parental_responsibility)
    services.pupils.add_consent(actor, args["pupil_id"], organisation=f"{args['tag']} school nurse",
                                sections=["health"], given_by_kind="parent", given_by=parent, given_on=TODAY,
                                expected_version=args["version"])


def _professional_read(services, actor, args):
    values = services.professionals.values(actor, args["professional_id"])
    return values["version"], values


def _professional_checks(services, actor, values, args):
    values = {k: v for k, v in values.items() if k != "version"}
    checks = dict(values.get("checks") or {})
    checks["dbs"] = {**(checks.get("dbs") or {}), "certificate": f"{args['tag']}000000000"[:12]}
    values["checks"] = checks
    services.professionals.save(actor, values, args["professional_id"], args["version"])


def _outcome_read(services, actor, args):
    [outcome] = [o for o in services.outcomes.for_pupil(actor, args["upn"]) if o.id == args["outcome_id"]]
    return outcome.version, None


def _outcome_target(services, actor, _state, args):
    services.outcomes.add_target(actor, args["outcome_id"], f"{args['tag']} target", version=args["version"])


def _review_read(services, actor, args):
    return services.reviews.get(actor, args["review_id"]).version, None


def _review_invitee(services, actor, _state, args):
    services.reviews.add_invitee(actor, args["review_id"], "other", f"{args['tag']} guest", version=args["version"])


def _request_read(services, actor, args):
    return services.requests.values(actor, args["ref"])["version"], None


def _request_decision(services, actor, _state, args):
    services.requests.decide(actor, args["ref"], "decline", reason=f"{args['tag']} declines",
                             expected_version=args["version"])


def _booking_read(services, actor, args):
    day = date.fromisoformat(args["day"])
    [block] = [b for b in services.bookings.day_view(actor, day).blocks if b.occurrence_id == args["occurrence_id"]]
    return 0, [block.start.isoformat(), block.end.isoformat(), block.space]


def _booking_move(services, actor, seen, args):
    start = datetime.fromisoformat(args["start"])
    services.bookings.move(actor, args["occurrence_id"], start, start + timedelta(minutes=20),
                           expected=(datetime.fromisoformat(seen[0]), datetime.fromisoformat(seen[1]), seen[2]))


def _terms_read(services, _actor, _args):
    return 0, services.school.terms_values()


def _terms_closure(services, actor, seen, args):
    import copy

    mine = copy.deepcopy(seen)
    mine[0]["closures"].append({"from": args["day"], "to": args["day"], "why": f"{args['tag']} closure"})
    services.school.save_terms(actor, mine, seen)


def _settings_read(services, _actor, _args):
    values = services.school.settings_values(with_version=True)
    return values["version"], values


def _settings_save(services, actor, values, args):
    services.school.update_settings(actor, {**values, "school_name": f"Fairfields {args['tag']}"}, values["version"])


def _space_read(services, actor, args):
    [space] = [s for s in services.people.list_spaces(actor) if s.id == args["space_id"]]
    return space.version, None


def _space_closure(services, actor, _state, args):
    services.people.save_space(actor, {**args["values"], "features": f"{args['tag']} features"}, args["space_id"],
                               args["version"])


def _staff_read(services, actor, args):
    [member] = [s for s in services.people.list_staff(actor) if s.id == args["staff_id"]]
    return member.version, {"id": member.ext_id, "name": member.name, "role": member.role,
                            "class": member.class_name}


def _staff_save(services, actor, values, args):
    services.people.save_staff(actor, {**values, "role": f"{args['tag']} role"}, args["staff_id"], args["version"])


def _user_read(services, actor, args):
    [user] = [u for u in services.users.list_users(actor) if u.id == args["user_id"]]
    return user.version, None


def _user_roles(services, actor, _state, args):
    services.users.set_roles(actor, args["user_id"], args["roles"], args["version"])


def _class_read(services, actor, args):
    [klass] = [c for c in services.people.list_classes(actor) if c.id == args["class_id"]]
    return 0, klass


def _class_save(services, actor, opened, args):
    services.people.save_class(actor, f"Oak {args['tag']}", opened.room, opened.id, opened)


def _nothing_read(_services, _actor, _args):
    return 0, None


def _visit_sign_in(services, actor, _state, args):
    services.professionals.sign_in_visitor(actor, args["professional_id"], identity_checked=True, purpose="meeting",
                                           location=f"{args['tag']} office")


def _assessment_start(services, actor, _state, args):
    services.assessments.start(actor, args["upn"], TODAY)


CASES = {
    "class": (_class_read, _class_save),
    "visit_sign_in": (_nothing_read, _visit_sign_in),
    "assessment_start": (_nothing_read, _assessment_start),
    "pupil_contacts": (_pupil_read, _pupil_contacts),
    "pupil_consent": (_pupil_read, _pupil_consent),
    "professional_checks": (_professional_read, _professional_checks),
    "outcome_target": (_outcome_read, _outcome_target),
    "review_invitee": (_review_read, _review_invitee),
    "request_decision": (_request_read, _request_decision),
    "booking_move": (_booking_read, _booking_move),
    "terms_closure": (_terms_read, _terms_closure),
    "settings": (_settings_read, _settings_save),
    "space": (_space_read, _space_closure),
    "staff": (_staff_read, _staff_save),
    "user_roles": (_user_read, _user_roles),
}


def say(answer: dict) -> None:
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


def serve() -> None:
    from fairfields_desktop.app import open_services
    from fairfields_desktop.domain.errors import FairfieldsError, StaleRecord

    opened: dict[str, object] = {}
    actors: dict[tuple[str, str], object] = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            url = job["url"]
            if url not in opened:
                for old in opened.values():
                    old.close()
                opened.clear()
                actors.clear()
                opened[url] = open_services(url, today=TODAY)
            services = opened[url]
            key = (url, job["user"])
            if key not in actors:
                actors[key] = services.auth.sign_in(job["user"], PASSWORDS[job["user"]])
            actor = actors[key]
            read, write = CASES[job["case"]]
            version, state = read(services, actor, job["args"])
        except BaseException as exc:  # reported to the test
            say({"ready": False, "message": repr(exc)})
            continue
        say({"ready": True, "version": version})
        go = job["go"]
        while not os.path.exists(go):  # the start line: both PCs save at the same moment
            time.sleep(0.0005)
        try:
            write(services, actor, state, {**job["args"], "version": job["args"].get("version", version)})
        except StaleRecord as exc:
            say({"result": "stale", "message": str(exc)})
        except FairfieldsError as exc:
            say({"result": "refused", "message": str(exc)})
        except BaseException as exc:  # a bug: reported to the test
            say({"result": "error", "message": f"{type(exc).__name__}: {exc}"})
        else:
            say({"result": "saved"})
    for services in opened.values():
        services.close()


if __name__ == "__main__":
    serve()
