"""The `fairfields` command: parses, calls services, prints, exits with the contract's codes.

Exit codes: 0 done, 1 bug, 2 usage, 3 refused by a rule or conflict, 4 invalid input, 5 not allowed.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from .. import __version__
from ..domain.dataset import VISIT_PURPOSES, VISITOR_KINDS
from ..domain.errors import FairfieldsError, InvalidInput, NotAllowed, Problem
from ..domain.lifecycle import DECISIONS

log = logging.getLogger(__name__)

EXIT_OK, EXIT_BUG, EXIT_USAGE, EXIT_REFUSED, EXIT_INVALID, EXIT_NOT_ALLOWED = 0, 1, 2, 3, 4, 5


def _out_file(out: Path, suffix: str, what: str) -> Path:
    """``--out`` checked before any work: it names a ``suffix`` file in a folder that exists."""
    if out.suffix.lower() != suffix:
        raise InvalidInput(Problem("--out", f"{out} does not end in {suffix}: name the {what} to write"))
    if not out.parent.is_dir():
        raise InvalidInput(Problem("--out", f"the folder {out.parent} does not exist"))
    return out


class UsageError(FairfieldsError):
    exit_code = EXIT_USAGE


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 on usage errors: keep that, with our wording
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"fairfields: {message}\n")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: write it as YYYY-MM-DD") from None


def _moment(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date-time: write it as YYYY-MM-DDTHH:MM") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fairfields", description="Fairfields Desktop: the window, or a command for scripts.")
    parser.add_argument("--version", action="version", version=f"fairfields {__version__}")
    parser.add_argument("--db", metavar="URL", help="database URL (default: $FAIRFIELDS_DB, the settings file, "
                        "or the SQLite file in your data folder)")
    parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                        help="the acting user (password from $FAIRFIELDS_PASSWORD or the terminal)")
    parser.add_argument("--today", type=_date, metavar="DATE",
                        help="the date to take as today (default: $FAIRFIELDS_TODAY or the system date)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    gui = sub.add_parser("gui", help="open the desktop window (the default)")
    gui.add_argument("--demo", action="store_true", help="fill an empty database with the demo school first")
    init = sub.add_parser("init", help="create the database or upgrade it to the current schema")
    init.add_argument("--demo", action="store_true", help="fill an empty database with the demo school")
    load = sub.add_parser("load", help="load a school dataset (JSON) into an empty database")
    load.add_argument("file", metavar="FILE.json")
    dump = sub.add_parser("dump", help="write the whole database as a school dataset (JSON)")
    dump.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")

    mis = sub.add_parser("import-mis", help="update the pupil roll and attendance from an MIS export (CSV)")
    mis.add_argument("file", metavar="FILE.csv")
    mis.add_argument("--as-of", type=_date, metavar="DATE", help="the date of the attendance figures (default: today)")

    book = sub.add_parser("book", help="book a space, once or weekly on school days")
    book.add_argument("space", metavar="SPACE")
    book.add_argument("start", type=_moment, metavar="START", help="YYYY-MM-DDTHH:MM")
    book.add_argument("end", metavar="END", help="YYYY-MM-DDTHH:MM (or HH:MM on the same day)")
    who = book.add_mutually_exclusive_group(required=True)
    who.add_argument("--for", dest="professional", metavar="PROFESSIONAL_ID", help="the professional it is for")
    who.add_argument("--staff", action="append", metavar="STAFF_ID", help="staff, for the school's own use")
    book.add_argument("--pupil", action="append", default=[], metavar="UPN")
    book.add_argument("--purpose", metavar="TEXT", help="the booking's title, seen by everyone who sees the "
                      "timetable: name no pupil in it (choose them with --pupil)")
    book.add_argument("--notes", metavar="TEXT", help="notes only the headteacher and the SENCo read")
    book.add_argument("--weekly-until", type=_date, metavar="DATE", help="repeat weekly on school days until DATE")
    book.add_argument("--skip", action="append", type=_date, default=[], metavar="DATE",
                      help="leave out a date of the series (repeatable)")
    book.add_argument("--reason", metavar="TEXT", help="the headteacher only: why an independent therapist is "
                      "booked with pupils in the school day without an approved request (kept on the booking)")
    book.add_argument("--json", action="store_true", help="print the result as JSON")

    calendar = sub.add_parser("calendar", help="bookings as an iCalendar (.ics) file, for Outlook")
    calendar_sub = calendar.add_subparsers(dest="calendar_command", metavar="ACTION", parser_class=_Parser,
                                           required=True)
    ics = calendar_sub.add_parser("export", help="a space's, a class's or a professional's bookings as .ics "
                                  "(pupils by initials unless --names; a teacher: their own class)")
    subject = ics.add_mutually_exclusive_group(required=True)
    subject.add_argument("--space", metavar="NAME")
    subject.add_argument("--class", dest="class_name", metavar="NAME")
    subject.add_argument("--professional", metavar="ID")
    ics.add_argument("--from", dest="first", type=_date, metavar="DATE", help="default: today")
    ics.add_argument("--to", dest="last", type=_date, metavar="DATE",
                     help="inclusive; default: the end of the term holding --from")
    ics.add_argument("--names", action="store_true",
                     help="pupils' full names, where you may see them (else initials, or \"a pupil\")")
    ics.add_argument("--out", metavar="FILE.ics", required=True, type=Path)

    requests = sub.add_parser("requests", help="requests for independent therapy in the school day")
    requests_sub = requests.add_subparsers(dest="requests_command", metavar="ACTION", parser_class=_Parser,
                                           required=True)
    check = requests_sub.add_parser("check", help="evaluate every rule for one request, or all undecided")
    check.add_argument("id", nargs="?", metavar="ID")
    check.add_argument("--json", action="store_true")
    decide = requests_sub.add_parser("decide", help="the headteacher's decision on a request")
    decide.add_argument("id", metavar="ID")
    decide.add_argument("action", metavar="ACTION",
                        choices=DECISIONS)
    decide.add_argument("--reason", metavar="TEXT")
    decide.add_argument("--override", action="append", default=[], metavar="RULE",
                        help="approve over this failed rule (the reason is --reason)")
    decide.add_argument("--until", type=_date, metavar="DATE", help="the new end date of an extension")
    decide.add_argument("--on", type=_date, metavar="DATE", help="the date of a suspension or review meeting")
    decide.add_argument("--attendees", metavar="TEXT",
                        help="who attended the review meeting, comma-separated, as the app knows them: at least one "
                             "of the pupil's parents or carers and at least one professional")
    decide.add_argument("--absent-reason", metavar="TEXT",
                        help="why no parent or carer, or no professional, could attend the review meeting")

    due = sub.add_parser("due", help="what needs attention as of today")
    due.add_argument("--within", type=int, metavar="DAYS", help="look this many days ahead (default: 30)",
                     default=30)
    due.add_argument("--json", action="store_true")

    report = sub.add_parser("report", help="print a report to a PDF file")
    report_sub = report.add_subparsers(dest="report_command", metavar="REPORT", parser_class=_Parser, required=True)
    pack = report_sub.add_parser("review-pack", help="the review pack for one pupil")
    pack.add_argument("upn", metavar="UPN")
    pack.add_argument("--for", dest="recipient", metavar="WHO",
                      help="someone other than the review's invitees (a professional's id or an organisation): "
                           "only what consent allows is included")
    week = report_sub.add_parser("timetable", help="every space's bookings for the school week holding DATE")
    week.add_argument("--week", type=_date, metavar="DATE", required=True)
    week.add_argument("--all-spaces", action="store_true",
                      help="print every space, also those with nothing booked that week (left out otherwise)")
    register = report_sub.add_parser("authorisations", help="the register of independent-therapy requests")
    register.add_argument("--from", dest="first", type=_date, metavar="DATE")
    register.add_argument("--to", dest="last", type=_date, metavar="DATE")
    letter = report_sub.add_parser("letter", help="the letter to the family about an event of a request (a "
                                   "decision, a review meeting, a session moved): kept with the event")
    letter.add_argument("id", metavar="ID")
    letter.add_argument("--event", dest="event_id", type=int, metavar="EVENT",
                        help="the id of the request's event to write about (default: the latest one "
                             "the family must hear of)")
    report_sub.add_parser("checks", help="the safeguarding checks register of professionals")
    visits = report_sub.add_parser("visits", help="the visits log, with pupils off site")
    visits.add_argument("--from", dest="first", type=_date, metavar="DATE")
    visits.add_argument("--to", dest="last", type=_date, metavar="DATE")
    fire = report_sub.add_parser("fire-list", help="everyone on site now (visitors of every kind, professionals) "
                                 "and the pupils off site, with where they are")
    for each in (pack, week, register, letter, visits, report_sub.choices["checks"], fire):
        each.add_argument("--out", metavar="FILE.pdf", required=True, type=Path)

    visitors = sub.add_parser("visitors", help="sign visitors of every kind in and out; who is on site now")
    visitors_sub = visitors.add_subparsers(dest="visitors_command", metavar="ACTION", parser_class=_Parser,
                                           required=True)
    sign_in = visitors_sub.add_parser("sign-in", help="sign a visitor in (a professional by their register id, "
                                      "checked as in the window)")
    sign_in.add_argument("--name", required=True, metavar="NAME")
    sign_in.add_argument("--kind", required=True, choices=VISITOR_KINDS)
    sign_in.add_argument("--visiting", required=True, metavar="WHO", help="whom they are visiting")
    sign_in.add_argument("--organisation", default="", metavar="ORG")
    sign_in.add_argument("--professional", metavar="ID", help="the professional's register id (--kind professional)")
    sign_in.add_argument("--id-checked", dest="id_checked", action="store_true", help="identity (photo ID) seen")
    sign_in.add_argument("--id-seen", dest="id_seen", default="", metavar="TEXT",
                         help="the identity seen (e.g. driving licence)")
    sign_in.add_argument("--badge", default="", metavar="NUMBER", help="the visitor badge given")
    sign_in.add_argument("--regulated", action="store_true", help="a contractor or supply staff in regulated "
                         "activity: needs --dbs-certificate and --dbs-date, or --escorted")
    sign_in.add_argument("--dbs-certificate", dest="dbs_certificate", default="", metavar="NUMBER")
    sign_in.add_argument("--dbs-date", dest="dbs_date", type=_date, metavar="DATE")
    sign_in.add_argument("--escorted", action="store_true", help="escorted all the time they are on site")
    sign_in.add_argument("--purpose", choices=VISIT_PURPOSES, default="therapy",
                         help="a professional's purpose (default: therapy)")
    sign_in.add_argument("--json", action="store_true")
    sign_out = visitors_sub.add_parser("sign-out", help="sign a visitor out")
    sign_out.add_argument("id", metavar="ID", type=int, help="the visit's id (from sign-in or list)")
    sign_out.add_argument("--json", action="store_true")
    listing = visitors_sub.add_parser("list", help="who is on site now, and the pupils off site")
    listing.add_argument("--json", action="store_true")

    backup = sub.add_parser("backup", help="a consistent copy of the whole database, taken while it is in use")
    backup.add_argument("file", metavar="FILE", type=Path)
    restore = sub.add_parser("restore", help="put a backup back after checking it (the replaced database is kept)")
    restore.add_argument("file", metavar="FILE", type=Path)

    export_pupil = sub.add_parser("export-pupil", help="subject access: everything held about one pupil, as "
                                  "subject-access-<id>.json and .pdf in a folder")
    export_pupil.add_argument("upn", metavar="UPN")
    export_pupil.add_argument("--out", metavar="DIR", required=True, type=Path, help="the folder to write into")

    db = sub.add_parser("db", help="the database connection")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", parser_class=_Parser, required=True)
    remember = db_sub.add_parser("remember", help="store a PostgreSQL password in the system keyring")
    remember.add_argument("url", metavar="URL")
    db_sub.add_parser("info", help="which database is in use and its schema version")
    db_sub.add_parser("new-key", help="print a new recovery key (to encrypt PostgreSQL backups with)")
    copy = db_sub.add_parser("copy", help="copy the whole database, row for row, into an empty one (a trial on "
                                          "one PC onto the school's PostgreSQL server)")
    copy.add_argument("--to", metavar="URL", required=True, help="the empty database to copy into")
    return parser


class Runner:
    """Runs one parsed command; every handler returns an exit code."""

    def __init__(self, args: argparse.Namespace, stdout=None, stderr=None) -> None:
        self.args = args
        self.window: Callable[..., int] | None = None  # the `gui` command's window, passed in by the entry point
        self.out = stdout or sys.stdout
        self.err = stderr or sys.stderr
        env_today = os.environ.get("FAIRFIELDS_TODAY")
        if args.today is None and env_today:
            try:
                args.today = date.fromisoformat(env_today)
            except ValueError:
                raise UsageError(f"FAIRFIELDS_TODAY={env_today!r} is not a date: write it as YYYY-MM-DD") from None
        self._services = None

    # --- helpers -------------------------------------------------------------------------------
    def say(self, message: str) -> None:
        print(message, file=self.err)

    def services(self):
        if self._services is None:
            from ..app import open_services

            self._services = open_services(self.args.db, today=self.args.today, ask_password=_ask_terminal)
            if self._services.new_recovery_key:
                self.say("The database is encrypted with a new key. Its RECOVERY KEY, shown only this once — print "
                         "it and keep it safe; it opens the database if this computer's keyring is lost "
                         f"(give it in FAIRFIELDS_DB_KEY or when asked):\n    {self._services.new_recovery_key}")
        return self._services

    def actor(self, required: bool = True):
        username = self.args.as_user
        if not username:
            if required:
                raise NotAllowed("this command needs the acting user: add --as USERNAME "
                                 "(the password comes from $FAIRFIELDS_PASSWORD or the terminal)")
            return None
        password = os.environ.get("FAIRFIELDS_PASSWORD")
        if password is None:
            password = _ask_terminal(f"Password for {username}: ")
        if password is None:
            raise NotAllowed("no password for --as: set $FAIRFIELDS_PASSWORD or run the command in a terminal")
        actor = self.services().auth.sign_in(username, password)
        if actor.must_change_password:
            raise NotAllowed(f"{username} must choose a new password before working: sign in to the window once "
                             "and change it (an administrator reset it)")
        return actor

    def close(self) -> None:
        if self._services is not None:
            self._services.close()

    # --- commands ------------------------------------------------------------------------------
    def cmd_init(self) -> int:
        services = self.services()  # opening upgrades to the current schema
        empty = services.dataset.is_empty()
        if not empty:
            actor = self.actor()
            if "admin" not in actor.roles:
                raise NotAllowed(f"{actor.username} may not run init on a database that holds a school: "
                                 "it needs the role Administrator")
        info = services.database_info()
        if services.kept_copy:
            self.say(f"kept a copy of the database before upgrading: {services.kept_copy}")
        if self.args.demo:
            if not empty:
                raise NotAllowed("--demo fills an empty database only: this one already holds a school")
            counts = services.dataset.load_demo()
            self.say(f"demo school loaded: {counts['pupils']} pupils, {counts['professionals']} professionals, "
                     f"{counts['spaces']} spaces, {counts['bookings']} bookings"
                     + (f", {counts['request_sessions_booked']} sessions of approved requests booked"
                        if counts.get("request_sessions_booked") else ""))
            self._say_problems(counts.problems)
        self.say(f"{info.description} is ready (schema {info.schema_revision})")
        return EXIT_OK

    def cmd_load(self) -> int:
        path = Path(self.args.file)
        doc = _read_json(path)
        services = self.services()
        # An empty database has no users to sign in as: --as is then only a name for the record.
        actor = self.actor(required=False) if self.args.as_user and not services.dataset.is_empty() else None
        counts = services.dataset.load(doc, actor)
        self.say(f"loaded {path.name}: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items()))
        self._say_problems(counts.problems)
        return EXIT_OK

    def _say_problems(self, problems: Sequence[str]) -> None:
        """What a load could not do (an approved request's session whose space is taken), each on a line."""
        if problems:
            self.say(f"{len(problems)} session(s) of approved requests could not be booked (left unbooked; "
                     "book them by hand or move what holds the space):")
            for problem in problems:
                self.say(f"  {problem}")

    def cmd_dump(self) -> int:
        actor = self.actor()
        doc = self.services().dataset.dump(actor)
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        if self.args.out:
            out = Path(self.args.out)
            tmp = out.with_name(out.name + ".part")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(out)
            self.say(f"wrote {out}")
        else:
            self.out.write(text)
        return EXIT_OK

    def cmd_import_mis(self) -> int:
        from ..domain.mis import describe_plan

        path = Path(self.args.file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise InvalidInput([], f"{path}: no such file: check the path") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput([], f"{path}: cannot be read as UTF-8 text ({exc}): export it as CSV UTF-8") from None
        actor = self.actor()
        services = self.services()
        plan = services.mis.preview(actor, text, self.args.as_of)
        if not plan.ok:
            raise InvalidInput(list(plan.refused), f"{path.name}: {len(plan.refused_lines)} row(s) refused; "
                               "nothing was imported: correct the export and import it again")
        for line in describe_plan(plan):
            self.say(line)
        result = services.mis.apply(actor, text, self.args.as_of)
        self.say(f"imported {path.name}: {result.added} added, {result.updated} updated, "
                 f"{result.unchanged} unchanged, 0 refused")
        return EXIT_OK

    def cmd_book(self) -> int:
        from ..domain.errors import Refused
        from ..services.bookings import BookingDraft, Clash

        args = self.args
        try:
            end = (datetime.strptime(args.end, "%H:%M").replace(year=args.start.year, month=args.start.month,
                                                                 day=args.start.day)
                   if len(args.end) == 5 else _moment(args.end))
        except (ValueError, argparse.ArgumentTypeError):
            raise UsageError(f"END {args.end!r} is not a date-time: write it as YYYY-MM-DDTHH:MM") from None
        actor = self.actor()
        draft = BookingDraft(space=args.space, start=args.start, end=end, professional=args.professional,
                             staff=tuple(args.staff or ()), pupils=tuple(args.pupil), title=args.purpose,
                             notes=args.notes, weekly_until=args.weekly_until, direct_reason=args.reason)
        try:
            blocks = self.services().bookings.book(actor, draft, skip=args.skip)
        except Refused as exc:
            clashes = [r for r in exc.reasons if isinstance(r, Clash)]
            if args.json:
                out = {"conflicts": [c.as_json() for c in clashes]}
                if not clashes:
                    out["refused"] = str(exc)
                    out["reasons"] = exc.reasons
                self.out.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
            self.say(f"fairfields: refused: {exc}")
            for clash in clashes:
                self.say(f"  {clash.start:%Y-%m-%d %H:%M}–{clash.end:%H:%M} {clash.space}: {clash.booking_ref} "
                         f"({clash.who})")
            return EXIT_REFUSED
        if args.json:
            self.out.write(json.dumps({"bookings": [
                {"id": b.booking_ref, "occurrence": b.occurrence_id, "space": b.space,
                 "start": b.start.strftime("%Y-%m-%dT%H:%M"), "end": b.end.strftime("%Y-%m-%dT%H:%M")}
                for b in blocks]}, indent=2, ensure_ascii=False) + "\n")
        self.say(f"booked {blocks[0].booking_ref}: {draft.space}, {len(blocks)} date(s) from "
                 f"{blocks[0].start:%Y-%m-%d %H:%M}")
        return EXIT_OK

    def cmd_calendar(self) -> int:
        args = self.args
        out = _out_file(args.out, ".ics", "calendar file")
        actor = self.actor()
        services = self.services()
        first = args.first or services.clock.today()
        last = args.last or services.bookings.default_until(first) or first + timedelta(weeks=12)
        if last < first:
            raise InvalidInput(Problem("--to", "the period ends before it starts: give a --to on or after --from"))
        data = services.bookings.export_ics(actor, first, last, space=args.space, professional=args.professional,
                                            class_name=args.class_name, full_names=args.names)
        partial = out.with_name(out.name + ".part")
        try:
            partial.write_bytes(data)
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
        self.say(f"{data.count(b'BEGIN:VEVENT')} booking(s) from {first.isoformat()} to {last.isoformat()}: "
                 f"written to {out}")
        return EXIT_OK

    def cmd_requests(self) -> int:
        actor = self.actor()
        service = self.services().requests
        if self.args.requests_command == "check":
            views = service.check(actor, self.args.id)
            if self.args.json:
                self.out.write(json.dumps([
                    {"request": v.ref, "pupil": v.pupil_upn, "professional": v.professional_id,
                     "eligible": v.eligible,
                     "rules": [{"rule": r.rule, "ok": r.ok, "detail": r.detail} for r in v.results]}
                    for v in views], indent=2, ensure_ascii=False) + "\n")
            else:
                for v in views:
                    verdict = "eligible" if v.eligible else "not eligible: " + ", ".join(v.failed)
                    self.out.write(f"{v.ref} {v.pupil} with {v.professional} ({v.setting.replace('_', ' ')}): "
                                   f"{verdict}\n")
                    for r in v.results:
                        self.out.write(f"  {'ok ' if r.ok else 'NO '} {r.rule}: {r.detail}\n")
            return EXIT_OK
        args = self.args
        overrides = {rule.upper(): args.reason or "" for rule in args.override}
        result = service.decide(actor, args.id, args.action, reason=args.reason, overrides=overrides,
                                until=args.until, on=args.on, attendees=args.attendees,
                                absent_reason=args.absent_reason)
        view = result.request
        self.say(f"{args.id}: {args.action} done; {view.ref} is now {view.status}"
                 + (f", {result.booked} session(s) booked" if result.booked else "")
                 + (f", {result.cancelled} session(s) cancelled" if result.cancelled else ""))
        for line in result.not_rebooked:
            self.say(f"  not re-booked: {line}")
        return EXIT_OK

    def cmd_due(self) -> int:
        actor = self.actor()
        services = self.services()
        items = services.due.due(actor, self.args.within)
        today = services.clock.today()
        if self.args.json:
            self.out.write(json.dumps({"today": today.isoformat(), "items": [i.as_json() for i in items]},
                                      indent=2, ensure_ascii=False) + "\n")
            return EXIT_OK
        if not items:
            self.out.write(f"nothing due within {self.args.within} days of {today.isoformat()}\n")
        for item in items:
            flag = "OVERDUE " if item.overdue else ""
            self.out.write(f"{item.due.isoformat()} {flag}{item.kind} {item.subject}: {item.detail}\n")
        return EXIT_OK

    def cmd_report(self) -> int:
        from ..reports.make import keep_letter, make

        actor = self.actor()
        args = self.args
        out = _out_file(args.out, ".pdf", "PDF file")
        partial = out.with_name(out.name + ".part")
        try:
            made = make(self.services(), actor, args.report_command, partial, upn=getattr(args, "upn", None),
                        recipient=getattr(args, "recipient", None), week=getattr(args, "week", None),
                        first=getattr(args, "first", None), last=getattr(args, "last", None),
                        ref=getattr(args, "id", None), event_id=getattr(args, "event_id", None),
                        all_spaces=getattr(args, "all_spaces", False))
            partial.replace(out)  # never a half-written PDF under the name asked for
        finally:
            partial.unlink(missing_ok=True)
        if made.key == "letter":  # saved to be sent: kept with its event
            keep_letter(self.services(), actor, made, out)
        self.say(f"{made.title}: written to {out}")
        return EXIT_OK

    def cmd_visitors(self) -> int:
        from ..domain.visitors import VisitorDraft

        args = self.args
        actor = self.actor()
        service = self.services().visitors
        if args.visitors_command == "sign-in":
            draft = VisitorDraft(kind=args.kind, name=args.name, visiting=args.visiting,
                                 organisation=args.organisation, identity_checked=args.id_checked,
                                 identity_note=args.id_seen, badge=args.badge, regulated=args.regulated,
                                 dbs_certificate=args.dbs_certificate, dbs_date=args.dbs_date,
                                 escorted=args.escorted, professional=args.professional, purpose=args.purpose)
            if args.kind == "professional" and not args.professional:
                raise InvalidInput(Problem("--professional", "a professional is signed in by their register id: "
                                                             "add --professional ID"))
            try:
                visit = service.sign_in(actor, draft)
            except FairfieldsError as exc:
                if args.json:
                    problems = exc.problems if isinstance(exc, InvalidInput) else []
                    self.out.write(json.dumps({"refused": str(exc), "problems": [
                        {"field": p.where, "message": p.message} for p in problems]}, ensure_ascii=False) + "\n")
                raise
            if args.json:
                self.out.write(json.dumps({"visit": visit.id}) + "\n")
            self.say(f"{visit.name} ({visit.kind_words}) signed in at {visit.signed_in_at:%H:%M}: visit {visit.id}")
            return EXIT_OK
        if args.visitors_command == "sign-out":
            visit = service.sign_out(actor, args.id)
            if args.json:
                self.out.write(json.dumps({"visit": visit.id, "signed_out": _stamp(visit.signed_out_at)}) + "\n")
            self.say(f"{visit.name} signed out at {visit.signed_out_at:%H:%M}")
            return EXIT_OK
        data = service.fire_list(actor)
        if args.json:
            self.out.write(json.dumps({
                "on_site": [{"visit": p.visit, "name": p.name, "kind": p.kind, "since": _stamp(p.since),
                             "organisation": p.organisation, "where": p.where, "badge": p.badge}
                            for p in data.on_site],
                "pupils_off_site": [{"pupil": p.upn, "since": _stamp(p.since), "name": p.name, "where": p.where}
                                    for p in data.pupils_off_site]}, indent=2, ensure_ascii=False) + "\n")
            return EXIT_OK
        if not data.on_site:
            self.out.write("no visitors on site\n")
        for p in data.on_site:
            self.out.write(f"{p.visit} {p.since:%H:%M} {p.name} ({p.kind_words}) {p.where}\n")
        for p in data.pupils_off_site:
            self.out.write(f"pupil {p.upn} {p.name} off site since {p.since:%H:%M}: {p.where}\n")
        return EXIT_OK

    def cmd_backup(self) -> int:
        actor = self.actor()
        services = self.services()
        target = services.backups.backup(actor, self.args.file)
        self.say(f"backup of {services.db.description} written to {target}")
        return EXIT_OK

    def cmd_restore(self) -> int:
        services = self.services()
        # a database with no school yet (a new PC, a new PostgreSQL database) has nobody to sign in as
        actor = self.actor(required=False) if not services.dataset.is_empty() else None
        kept = services.backups.restore(actor, self.args.file)
        self.say(f"restored {services.db.description} from {self.args.file}"
                 + (f"; the database it replaced is kept as {kept}" if kept else ""))
        return EXIT_OK

    def cmd_export_pupil(self) -> int:
        from ..reports.subject_access import save

        actor = self.actor()
        services = self.services()
        pupil_id = services.pupils.id_of(actor, self.args.upn)
        json_path, pdf_path = save(services, actor, pupil_id, self.args.out)
        self.say(f"subject access export of pupil {pupil_id}: written to {json_path} and {pdf_path}")
        return EXIT_OK

    def cmd_db(self) -> int:
        if self.args.db_command == "new-key":
            from ..domain.keys import new_key, recovery_key

            self.out.write(recovery_key(new_key()) + "\n")
            return EXIT_OK
        if self.args.db_command == "copy":
            return self._copy_database()
        if self.args.db_command == "remember":
            from ..app import remember_database_password

            password = os.environ.get("PGPASSWORD") or _ask_terminal(f"Password for {self.args.url}: ")
            if not password:
                raise NotAllowed("no password given (run in a terminal, or set PGPASSWORD): nothing was stored")
            remember_database_password(self.args.url, password)
            self.say("the password is stored in the system keyring")
            return EXIT_OK
        info = self.services().database_info()
        self.say(f"{info.description} ({info.backend}, schema {info.schema_revision})")
        return EXIT_OK

    def _copy_database(self) -> int:
        from ..app import open_services

        actor = self.actor()
        services = self.services()
        target = open_services(self.args.to, today=services.clock.today())
        try:
            if target.new_recovery_key:
                self.say("the new database's key is in the system keyring; its recovery key, to print and keep "
                         f"in the school safe:\n    {target.new_recovery_key}")
            counts = services.backups.copy_to(actor, target.db)
            described = target.db.description
        finally:
            target.close()
        self.say(f"copied {sum(counts.values())} rows in {len(counts)} tables from {services.db.description} "
                 f"to {described}")
        return EXIT_OK

    def cmd_gui(self) -> int:
        if self.window is None:
            raise UsageError("the window is started by `python -m fairfields_desktop gui` (the entry point)")
        return self.window(self.args.db, self.args.today, demo=getattr(self.args, "demo", False))


def _stamp(value: datetime | None) -> str | None:
    """A date-time as the contract writes it: ``2026-11-23T09:30``."""
    return value.strftime("%Y-%m-%dT%H:%M") if value else None


def _ask_terminal(prompt: str) -> str | None:
    if not sys.stdin or not sys.stdin.isatty():
        return None
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        return None


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput([], f"{path}: no such file: check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput([], f"{path}: cannot be read as UTF-8 text ({exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput([], f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except (ValueError, RecursionError) as exc:  # a number of thousands of digits; nesting beyond any dataset
        raise InvalidInput([], f"{path}: not a dataset Python can read ({type(exc).__name__}: "
                               f"{str(exc)[:120]}): check the file") from None


def run(argv: Sequence[str] | None = None, *, stdout=None, stderr=None,
        log_path: Callable[[], str] | None = None, window: Callable[..., int] | None = None) -> int:
    """Run the command line; returns the exit code (never raises for a known error). ``window`` starts
    the window for the `gui` command (the entry point passes ui/launch.py's: the command line never
    imports Qt)."""
    err = stderr or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "gui"
    runner: Runner | None = None
    try:
        runner = Runner(args, stdout=stdout, stderr=stderr)
        runner.window = window
        return getattr(runner, f"cmd_{command.replace('-', '_')}")()
    except InvalidInput as exc:
        summary = exc.args[0] if exc.args else "invalid input"
        print(f"fairfields: {summary}", file=err)
        if summary != "; ".join(str(p) for p in exc.problems):  # else the summary already said it all
            for problem in exc.problems:
                print(str(problem), file=err)
        return EXIT_INVALID
    except FairfieldsError as exc:
        print(f"fairfields: {exc}", file=err)
        return exc.exit_code
    except KeyboardInterrupt:
        print("fairfields: interrupted; nothing was changed", file=err)
        return EXIT_BUG
    except Exception:  # a bug: log it with its traceback, say where the log is
        log.exception("unexpected failure in %s", command)
        where = log_path() if log_path else "the log folder"
        print(f"fairfields: unexpected failure (a bug); nothing was changed. Details are in {where}", file=err)
        return EXIT_BUG
    finally:
        if runner is not None:
            runner.close()
