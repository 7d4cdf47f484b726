"""Rows to and from the `fairfields-school/1` dataset format.

`write_dataset` inserts an already validated document into an empty database inside the caller's
transaction; `read_dataset` reads the whole database back in the same shape, in a stable order, so a
dump is identical from SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, selectinload

from ..domain.calendar import SchoolCalendar
from ..domain.dataset import (
    EXTRA_DEFAULTS,
    EXTRA_SETTINGS_DEFAULTS,
    FORMAT,
    LETTERHEAD_KEYS,
    ROW_EXTRAS,
    ROW_LATER_COLUMNS,
    ROW_TABLES,
    SECTION_WALK,
    SETTINGS_DEFAULTS,
    calendar_from_terms,
    later_default,
    record_ids,
    row_ids,
)
from ..domain.names import names_found
from .models import (
    AdviceRequestRow,
    AnnualReviewRow,
    AssessmentRow,
    AttendanceRow,
    Base,
    BookingOccurrenceRow,
    BookingPupilRow,
    BookingRow,
    BookingStaffRow,
    ClassRow,
    ClosureRow,
    ConsentRow,
    ContactRow,
    OutcomeRow,
    ProfessionalRow,
    PupilRow,
    RequestEventRow,
    RequestRow,
    ReviewCirculationRow,
    ReviewInviteeRow,
    SchoolSettingsRow,
    SpaceRow,
    StaffRow,
    TargetRow,
    TermRow,
    UserRow,
)

#: tables that hold a school: a database with none of these rows is empty
SCHOOL_TABLES = (UserRow, PupilRow, StaffRow, ProfessionalRow, SpaceRow, TermRow)


def is_empty(session: Session) -> bool:
    return all(session.scalar(select(func.count()).select_from(table)) == 0 for table in SCHOOL_TABLES)


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _t(value: str) -> time:
    return time.fromisoformat(value)


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _hm(value: time) -> str:
    return value.strftime("%H:%M")


def _t_or_none(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def _hm_or_none(value: time | None) -> str | None:
    return _hm(value) if value is not None else None


def _moment(value: datetime) -> str:
    """`YYYY-MM-DDTHH:MM`, with the seconds (and their fraction) only when there are any."""
    if value.second or value.microsecond:
        return value.isoformat()
    return value.strftime("%Y-%m-%dT%H:%M")


def _to_json(value: Any) -> Any:
    """A column's value as the dataset writes it."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return value


def _from_json(value: Any, spec: str) -> Any:
    """A (validated) dataset value as the column holds it."""
    if value is None:
        return None
    kind = spec.split(">")[0].rstrip("?")
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "time":
        return time.fromisoformat(value)
    if kind == "float":
        return float(value)
    return value


def _column_default(column: str, spec: str) -> Any:
    if column in EXTRA_DEFAULTS:
        return EXTRA_DEFAULTS[column]
    return False if spec.split(">")[0] == "bool" else None


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def settings_row_from(settings: dict[str, Any]) -> SchoolSettingsRow:
    merged = {**SETTINGS_DEFAULTS, **settings}
    return SchoolSettingsRow(
        id=1,
        school_name=merged["school_name"],
        attendance_threshold_percent=float(merged["attendance_threshold_percent"]),
        max_authorised_weeks=merged["max_authorised_weeks"],
        school_day_start=_t(merged["school_day"]["start"]),
        school_day_end=_t(merged["school_day"]["end"]),
        dbs_recheck_years=merged["dbs_recheck_years"],
        under_five_review_months=merged["under_five_review_months"],
        idle_lock_minutes=int(merged.get("idle_lock_minutes", EXTRA_SETTINGS_DEFAULTS["idle_lock_minutes"])),
        retention_years=int(merged.get("retention_years", EXTRA_SETTINGS_DEFAULTS["retention_years"])),
        address=_letterhead(merged.get("address")), telephone=_letterhead(merged.get("telephone")),
    )


def _letterhead(value: str | None) -> str | None:
    """An address or telephone as kept: trimmed lines, None when blank."""
    if value is None:
        return None
    lines = [line.strip() for line in value.replace("\r\n", "\n").split("\n")]
    kept = "\n".join(line for line in lines if line)
    return kept or None


def settings_dict(row: SchoolSettingsRow | None) -> dict[str, Any]:
    if row is None:
        return {**SETTINGS_DEFAULTS, "school_day": dict(SETTINGS_DEFAULTS["school_day"])}
    return {
        "school_name": row.school_name,
        "attendance_threshold_percent": float(row.attendance_threshold_percent),
        "max_authorised_weeks": row.max_authorised_weeks,
        "school_day": {"start": _hm(row.school_day_start), "end": _hm(row.school_day_end)},
        "dbs_recheck_years": row.dbs_recheck_years,
        "under_five_review_months": row.under_five_review_months,
        **{key: getattr(row, key) for key, default in EXTRA_SETTINGS_DEFAULTS.items()
           if getattr(row, key) is not None and getattr(row, key) != default},
        **{key: getattr(row, key) for key in LETTERHEAD_KEYS if getattr(row, key)},
    }


def term_row_from(term: dict[str, Any]) -> TermRow:
    return TermRow(
        name=term["name"], first_day=_d(term["first_day"]), last_day=_d(term["last_day"]),
        closures=[ClosureRow(starts_on=_d(c["from"]), ends_on=_d(c["to"]), why=c["why"])
                  for c in term.get("closures") or ()],
    )


def term_dict(row: TermRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "first_day": _iso(row.first_day),
        "last_day": _iso(row.last_day),
        "closures": [{"from": _iso(c.starts_on), "to": _iso(c.ends_on), "why": c.why} for c in row.closures],
    }


#: `row` columns written once every record is: a booking's request comes after it, and the ORM sets a
#: new row's version counter to 1 (and counts an update as a new version)
_LATER = {("bookings", "request_id")}


class _Ids:
    """The database id of each record of the sections (`record_ids`), and its `row` columns applied."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.ids = {id(record): (table, ident) for table, entries in record_ids(doc).items()
                    for _path, record, ident in entries}
        self.later: list[tuple[str, int, dict[str, Any]]] = []

    def own(self, record: dict[str, Any], row: Any) -> Any:
        table, row.id = self.ids[id(record)]
        later = {}
        for column, value in (record.get("row") or {}).items():
            if column == "id":
                continue
            value = _from_json(value, ROW_EXTRAS[table][column])
            if (table, column) in _LATER or column == "version":
                later[column] = value
            else:
                setattr(row, column, value)
        if later:
            self.later.append((table, row.id, later))
        return row

    def write_later(self, session: Session) -> None:
        """The columns kept for last, by plain UPDATEs (so version counters stay as given)."""
        session.flush()
        for table, ident, values in self.later:
            columns = Base.metadata.tables[table].c
            session.execute(Base.metadata.tables[table].update().where(columns.id == ident).values(**values))


def write_dataset(session: Session, doc: dict[str, Any], hash_password, now: datetime) -> dict[str, int]:
    """Insert a validated dataset; returns how many records of each kind were written.

    Every record keeps its database id (`row.id`, or the one after the previous record's), so the rows
    of `ROW_TABLES` (the audit trail, visits, session notes...) refer to the same records as before."""
    ids = _Ids(doc)
    settings = doc.get("settings") or {}
    session.add(settings_row_from(settings))
    if (settings.get("row") or {}).get("version") is not None:
        ids.later.append(("school_settings", 1, {"version": settings["row"]["version"]}))
    terms = doc.get("terms") or []
    for term in terms:
        row = ids.own(term, term_row_from(term))
        for closure, closure_row in zip(term.get("closures") or (), row.closures, strict=True):
            ids.own(closure, closure_row)
        session.add(row)
    calendar = calendar_from_terms(terms)

    spaces = {s["name"]: ids.own(s, SpaceRow(name=s["name"], kind=s["kind"], capacity=s["capacity"], bookable=True))
              for s in doc.get("spaces") or []}
    session.add_all(spaces.values())
    classes = {c["name"]: ids.own(c, ClassRow(name=c["name"], room=spaces.get(c.get("room"))))
               for c in doc.get("classes") or []}
    session.add_all(classes.values())
    staff = {s["id"]: ids.own(s, StaffRow(ext_id=s["id"], name=s["name"], role=s["role"],
                                          klass=classes.get(s.get("class"))))
             for s in doc.get("staff") or []}
    session.add_all(staff.values())
    for user in doc.get("users") or []:
        session.add(ids.own(user, UserRow(
            username=user["username"], staff=staff.get(user.get("staff")), roles=",".join(user["roles"]),
            password_hash=user.get("password_hash") or hash_password(user["password"]),
            active=user.get("active", True), must_change_password=user.get("must_change_password", False),
        )))
    professionals = {p["id"]: ids.own(p, _professional_row(p)) for p in doc.get("professionals") or []}
    session.add_all(professionals.values())

    # the attendance history: as the dump gives it, else one record of each pupil's figure, as of now
    history_given = bool(doc.get("attendance_records"))
    pupils: dict[str, PupilRow] = {}
    for pupil in doc.get("pupils") or []:
        row = ids.own(pupil, _pupil_row(pupil, classes, staff, professionals))
        for record, child in (*zip(pupil.get("contacts") or (), row.contacts, strict=True),
                              *zip(pupil.get("consent") or (), row.consents, strict=True)):
            ids.own(record, child)
        pupils[pupil["upn"]] = row
        session.add(row)
        attendance = pupil.get("attendance")
        if attendance and not history_given:
            session.add(AttendanceRow(pupil=row, percent=float(attendance["percent"]),
                                      as_of=_d(attendance["as_of"]), recorded_at=now))
    session.flush()

    # each date of a booking: as the dump gives them (moved or cancelled one by one), else from the calendar
    dates_given = bool(doc.get("booking_occurrences"))
    roll = [(p.first_name, p.last_name) for p in pupils.values()]
    for booking in doc.get("bookings") or []:
        row = ids.own(booking, _booking_row(booking, spaces, professionals, staff, pupils, calendar,
                                            with_dates=not dates_given))
        # a purpose (the title) that names a pupil is loaded as it is, flagged for an administrator to mend
        row.title_needs_review = bool(row.title_needs_review) or bool(names_found(row.purpose, roll))
        session.add(row)
    session.flush()

    requests: dict[str, RequestRow] = {}
    for request in doc.get("requests") or []:
        row = RequestRow(
            ext_id=request["id"], pupil=pupils[request["pupil"]],
            professional=professionals[request["professional"]], setting=request["setting"],
            first_session=_d(request["first_session"]), last_session=_d(request["last_session"]),
            weekday=request["weekday"], start_time=_t(request["start_time"]), end_time=_t(request["end_time"]),
            ehcp_approval_on=_d((request.get("ehcp_team_approval") or {}).get("on")),
            ehcp_approval_reference=(request.get("ehcp_team_approval") or {}).get("reference"),
            personal_budget_linked=bool(request.get("personal_budget_linked")),
            classroom_sessions_agreed=bool(request.get("classroom_sessions_agreed")),
            space=spaces.get(request.get("space")) if request.get("space") else None,
            class_staff=staff.get(request.get("class_staff")) if request.get("class_staff") else None,
            extension_reason=request.get("extension_reason"),
            outside_school_day=request.get("outside_school_day"),
            status=request["status"],
            history=[ids.own(h, RequestEventRow(at=_dt(h["at"]), by=h["by"], action=h["action"],
                                                reason=h.get("reason")))
                     for h in request.get("history") or []],
        )
        requests[request["id"]] = ids.own(request, row)
        session.add(row)
    for request in doc.get("requests") or []:
        if request.get("extends"):
            requests[request["id"]].extends = requests[request["extends"]]

    reviews: dict[tuple[str, date], AnnualReviewRow] = {}
    for review in doc.get("annual_reviews") or []:
        row = ids.own(review, _review_row(review, pupils, professionals, now))
        for record, child in (*zip(review.get("invitees") or (), row.invitees, strict=True),
                              *zip(review.get("circulations") or (), row.circulations, strict=True)):
            ids.own(record, child)
        session.add(row)
        key = (review["pupil"], row.meeting_on)
        # advice names its review by pupil and meeting date: prefer a meeting that was not cancelled
        if key not in reviews or (reviews[key].status == "cancelled" and row.status != "cancelled"):
            reviews[key] = row
    for outcome in doc.get("outcomes") or []:
        row = ids.own(outcome, _outcome_row(outcome, pupils, professionals))
        for record, child in zip(outcome.get("targets") or (), row.targets, strict=True):
            ids.own(record, child)
        session.add(row)
    session.flush()  # the reviews' ids, for the advice asked for them

    for advice in doc.get("advice_requests") or []:
        meeting_on = _d(advice.get("review_meeting_on"))
        session.add(ids.own(advice, AdviceRequestRow(
            pupil=pupils[advice["pupil"]], professional=professionals[advice["professional"]],
            kind=advice["kind"], requested_on=_d(advice["requested_on"]), due=_d(advice.get("due")),
            received_on=_d(advice.get("received_on")), purpose=advice.get("purpose"),
            review_id=reviews[(advice["pupil"], meeting_on)].id if meeting_on else None,
        )))
    for assessment in doc.get("assessments") or []:
        session.add(ids.own(assessment, AssessmentRow(
            pupil=pupils[assessment["pupil"]], requested_on=_d(assessment["requested_on"]),
            decision_to_assess_on=_d(assessment.get("decision_to_assess_on")),
            decision_to_issue_on=_d(assessment.get("decision_to_issue_on")),
            draft_issued_on=_d(assessment.get("draft_issued_on")),
            final_issued_on=_d(assessment.get("final_issued_on")),
            stopped_on=_d(assessment.get("stopped_on")), stopped_reason=assessment.get("stopped_reason"),
        )))
    session.flush()

    ids.write_later(session)

    # the database's own rows the sections do not hold, with their ids, parents before children
    written = {}
    for table in Base.metadata.sorted_tables:
        rows = doc.get(table.name) if table.name in ROW_TABLES else None
        if not rows:
            continue
        spec = ROW_TABLES[table.name]
        values = []
        for row, ident in zip(rows, row_ids(rows, "id" in spec), strict=True):
            later = ROW_LATER_COLUMNS.get(table.name, frozenset())
            value = {column: _from_json(row.get(column, later_default(table.name, column, column_spec)
                                                if column in later else _column_default(column, column_spec)),
                                        column_spec)
                     for column, column_spec in spec.items() if column != "id"}
            if ident is not None:
                value["id"] = ident
            values.append(value)
        for start in range(0, len(values), 1000):
            session.execute(insert(table), values[start:start + 1000])
        written[table.name] = len(values)
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        from .copy import _set_sequences

        _set_sequences(session, list(Base.metadata.sorted_tables))  # new records get new ids
    counts = {key: len(doc.get(key) or []) for key in (
        "terms", "staff", "users", "classes", "pupils", "professionals", "spaces", "bookings",
        "requests", "advice_requests", "assessments", "annual_reviews", "outcomes")}
    return {**counts, **{key: written[key] for key in ROW_TABLES if key in written}}


def _review_row(review: dict[str, Any], pupils: dict, professionals: dict, now: datetime) -> AnnualReviewRow:
    return AnnualReviewRow(
        pupil=pupils[review["pupil"]], meeting_on=_d(review["meeting_on"]),
        meeting_at=_t_or_none(review.get("meeting_at")), place=review.get("place"), status=review["status"],
        cancelled_reason=review.get("cancelled_reason"),
        invitations_sent_on=_d(review.get("invitations_sent_on")),
        child_views=review.get("child_views"), parent_views=review.get("parent_views"),
        budget_review=review.get("budget_review"), proposed_amendments=review.get("proposed_amendments"),
        report_sent_on=_d(review.get("report_sent_on")), la_decision_on=_d(review.get("la_decision_on")),
        amendment_notice_on=_d(review.get("amendment_notice_on")), final_plan_on=_d(review.get("final_plan_on")),
        created_by=review.get("created_by") or "system",
        created_at=_dt(review["created_at"]) if review.get("created_at") else now,
        invitees=[
            ReviewInviteeRow(role=i["role"], name=i["name"],
                             professional_id=professionals[i["professional"]].id if i.get("professional") else None,
                             removed_on=_d(i.get("removed_on")))
            for i in review.get("invitees") or []
        ],
        circulations=[
            ReviewCirculationRow(document=c["document"], sent_to=c["sent_to"], sent_on=_d(c["sent_on"]),
                                 recorded_by=c.get("recorded_by") or "system")
            for c in review.get("circulations") or []
        ],
    )


def _outcome_row(outcome: dict[str, Any], pupils: dict, professionals: dict) -> OutcomeRow:
    return OutcomeRow(
        pupil_id=pupils[outcome["pupil"]].id, area=outcome["area"], text=outcome["text"], set_on=_d(outcome["set_on"]),
        status=outcome["status"], ended_on=_d(outcome.get("ended_on")),
        targets=[
            TargetRow(text=t["text"],
                      professional=professionals[t["professional"]] if t.get("professional") else None,
                      programme=t.get("programme"), strategy=t.get("strategy"), set_on=_d(t["set_on"]),
                      status=t["status"], ended_on=_d(t.get("ended_on")))
            for t in outcome.get("targets") or []
        ],
    )


def _professional_row(p: dict[str, Any]) -> ProfessionalRow:
    checks = p.get("checks") or {}
    dbs = checks.get("dbs") or {}
    registration = checks.get("registration") or {}
    return ProfessionalRow(
        ext_id=p["id"], name=p["name"], discipline=p["discipline"], kind=p["kind"],
        organisation=p.get("organisation"), email=p.get("email"), phone=p.get("phone"),
        dbs_type=dbs.get("type"), dbs_date=_d(dbs.get("date")), dbs_given_by=dbs.get("given_by"),
        dbs_certificate=dbs.get("certificate"), dbs_barred_list=bool(dbs.get("barred_list")),
        dbs_update_service=bool(dbs.get("update_service")),
        registration_body=registration.get("body"), registration_number=registration.get("number"),
        registration_checked_on=_d(registration.get("checked_on")),
        insurance_expires=_d(checks.get("insurance_expires")),
        active=p.get("active", True),
    )


def _pupil_row(pupil: dict[str, Any], classes: dict, staff: dict, professionals: dict) -> PupilRow:
    ehcp = pupil.get("ehcp") or None
    budget = (ehcp or {}).get("personal_budget") or {}
    attendance = pupil.get("attendance") or {}
    looked_after = pupil.get("looked_after") or None
    key_worker = pupil.get("key_worker") or {}
    return PupilRow(
        upn=pupil["upn"], first_name=pupil["first_name"], last_name=pupil["last_name"],
        date_of_birth=_d(pupil["date_of_birth"]), year_group=pupil["year_group"], klass=classes[pupil["class"]],
        attendance_percent=float(attendance["percent"]) if attendance else None,
        attendance_as_of=_d(attendance.get("as_of")),
        has_ehcp=ehcp is not None,
        ehcp_issued=_d((ehcp or {}).get("issued")), ehcp_last_review=_d((ehcp or {}).get("last_review")),
        personal_budget_reference=budget.get("reference"),
        personal_budget_amount_gbp=float(budget["annual_amount_gbp"]) if budget else None,
        areas_of_need=list(pupil.get("areas_of_need") or []),
        looked_after=looked_after is not None,
        looked_after_authority=(looked_after or {}).get("local_authority"),
        social_worker=(looked_after or {}).get("social_worker"),
        key_worker_staff=staff.get(key_worker.get("staff")) if key_worker.get("staff") else None,
        key_worker_professional=professionals.get(key_worker.get("professional"))
        if key_worker.get("professional") else None,
        contacts=[ContactRow(name=c["name"], relationship_=c["relationship"],
                             parental_responsibility=bool(c.get("parental_responsibility")),
                             phone=c.get("phone"), email=c.get("email")) for c in pupil.get("contacts") or []],
        consents=[_consent_row(c, professionals) for c in pupil.get("consent") or []],
        left_on=_d(pupil.get("left_on")),
    )


def _consent_row(consent: dict[str, Any], professionals: dict) -> ConsentRow:
    """A consent as data (with `sections`: to a professional when `share_with` is one's id, else to the
    organisation named), or one recorded in words (no `sections`: to be reviewed, sharing nothing)."""
    sections = consent.get("sections")
    structured = sections is not None
    professional = professionals.get(consent["share_with"]) if structured else None
    return ConsentRow(
        share_with=consent["share_with"], what=consent["what"], given_by=consent["given_by"],
        given_on=_d(consent["on"]), withdrawn_on=_d(consent.get("withdrawn_on")),
        professional=professional,
        organisation=consent["share_with"] if structured and professional is None else None,
        sections=list(sections) if structured else None,
        given_by_kind=consent.get("given_by_kind"), until=_d(consent.get("until")),
        reviewed_on=_d(consent.get("reviewed_on")))


def _booking_row(booking: dict[str, Any], spaces: dict, professionals: dict, staff: dict, pupils: dict,
                 calendar: SchoolCalendar, *, with_dates: bool = True) -> BookingRow:
    start, end = _dt(booking["start"]), _dt(booking["end"])
    until = _d(booking.get("repeat_weekly_until"))
    space = spaces[booking["space"]]
    dates = calendar.weekly_dates(start.date(), until) if until else [start.date()]
    if not dates:  # a cancelled booking on a day that is no longer a school day keeps its one date
        dates = [start.date()]
    row = BookingRow(
        ext_id=booking["id"], space=space, starts_at=start, ends_at=end,
        professional=professionals.get(booking.get("professional")) if booking.get("professional") else None,
        purpose=booking.get("purpose"), notes=booking.get("notes"), direct_reason=booking.get("direct_reason"),
        repeat_weekly_until=until,
        status=booking["status"],
        staff_links=[BookingStaffRow(staff=staff[s], position=i) for i, s in enumerate(booking.get("staff") or [])],
        pupil_links=[BookingPupilRow(pupil=pupils[u], position=i) for i, u in enumerate(booking.get("pupils") or [])],
    )
    if not with_dates:
        return row
    row.occurrences = [
        BookingOccurrenceRow(space=space, starts_at=datetime.combine(day, start.time()),
                             ends_at=datetime.combine(day, end.time()), status=booking["status"])
        for day in dates
    ]
    return row


def read_dataset(session: Session) -> dict[str, Any]:
    """The whole database as one `fairfields-school/1` document."""
    doc: dict[str, Any] = {"format": FORMAT}
    settings_row = session.get(SchoolSettingsRow, 1)
    doc["settings"] = settings_dict(settings_row)
    if settings_row is not None and settings_row.version != EXTRA_DEFAULTS["version"]:
        doc["settings"]["row"] = {"version": settings_row.version}
    terms = session.scalars(
        select(TermRow).options(selectinload(TermRow.closures)).order_by(TermRow.first_day, TermRow.id)).all()
    doc["terms"] = _with_rows([term_dict(t) for t in terms], terms, "terms")
    for record, term in zip(doc["terms"], terms, strict=True):
        _with_rows(record["closures"], term.closures, "closures")
    staff = session.scalars(select(StaffRow).options(selectinload(StaffRow.klass)).order_by(StaffRow.id)).all()
    doc["staff"] = _with_rows([
        {"id": s.ext_id, "name": s.name, "role": s.role, "class": s.klass.name if s.klass else None}
        for s in staff
    ], staff, "staff")
    # state flags of ours (a deactivated user, a pupil who left, an inactive professional): written only
    # when they differ from the default, so a school without them dumps as it always did
    users = session.scalars(select(UserRow).options(selectinload(UserRow.staff)).order_by(UserRow.id)).all()
    doc["users"] = _with_rows([
        _optional(
            {"username": u.username, "staff": u.staff.ext_id if u.staff else None, "roles": u.roles.split(","),
             "password_hash": u.password_hash},
            active=_unless(u.active, True), must_change_password=_unless(u.must_change_password, False))
        for u in users
    ], users, "users")
    classes = session.scalars(select(ClassRow).options(selectinload(ClassRow.room)).order_by(ClassRow.id)).all()
    doc["classes"] = _with_rows([{"name": c.name, "room": c.room.name if c.room else None} for c in classes],
                                classes, "classes")
    pupils = session.scalars(select(PupilRow).options(
        selectinload(PupilRow.klass), selectinload(PupilRow.contacts),
        selectinload(PupilRow.consents).selectinload(ConsentRow.professional),
        selectinload(PupilRow.key_worker_staff), selectinload(PupilRow.key_worker_professional),
    ).order_by(PupilRow.id)).all()
    doc["pupils"] = _with_rows([_pupil_dict(p) for p in pupils], pupils, "pupils")
    for record, pupil in zip(doc["pupils"], pupils, strict=True):
        _with_rows(record["contacts"], pupil.contacts, "contacts")
        _with_rows(record["consent"], pupil.consents, "consents")
    professionals = session.scalars(select(ProfessionalRow).order_by(ProfessionalRow.id)).all()
    doc["professionals"] = _with_rows([_professional_dict(p) for p in professionals], professionals,
                                      "professionals")
    spaces = session.scalars(select(SpaceRow).order_by(SpaceRow.id)).all()
    doc["spaces"] = _with_rows([{"name": s.name, "kind": s.kind, "capacity": s.capacity} for s in spaces],
                               spaces, "spaces")
    bookings = session.scalars(select(BookingRow).options(
        selectinload(BookingRow.space), selectinload(BookingRow.professional),
        selectinload(BookingRow.staff_links).selectinload(BookingStaffRow.staff),
        selectinload(BookingRow.pupil_links).selectinload(BookingPupilRow.pupil),
    ).order_by(BookingRow.id)).all()
    doc["bookings"] = _with_rows([
        {"id": b.ext_id, "space": b.space.name, "start": _moment(b.starts_at), "end": _moment(b.ends_at),
         "professional": b.professional.ext_id if b.professional else None,
         "staff": [link.staff.ext_id for link in b.staff_links],
         "pupils": [link.pupil.upn for link in b.pupil_links],
         "purpose": b.purpose, "repeat_weekly_until": _iso(b.repeat_weekly_until), "status": b.status,
         **({"notes": b.notes} if b.notes is not None else {}),
         **({"direct_reason": b.direct_reason} if b.direct_reason is not None else {})}
        for b in bookings
    ], bookings, "bookings")
    requests = session.scalars(select(RequestRow).options(
        selectinload(RequestRow.pupil), selectinload(RequestRow.professional), selectinload(RequestRow.space),
        selectinload(RequestRow.class_staff), selectinload(RequestRow.extends), selectinload(RequestRow.history),
    ).order_by(RequestRow.id)).all()
    doc["requests"] = _with_rows([_request_dict(r) for r in requests], requests, "requests")
    for record, request in zip(doc["requests"], requests, strict=True):
        _with_rows(record["history"], request.history, "request_events")
    reviews = session.scalars(select(AnnualReviewRow).options(
        selectinload(AnnualReviewRow.pupil), selectinload(AnnualReviewRow.invitees),
        selectinload(AnnualReviewRow.circulations),
    ).order_by(AnnualReviewRow.id)).all()
    meeting_of = {r.id: r.meeting_on for r in reviews}
    # the review a load finds by pupil and meeting date (one not cancelled first), as `write_dataset` does
    found_review: dict[tuple[str, date], AnnualReviewRow] = {}
    for review in reviews:
        key = (review.pupil.upn, review.meeting_on)
        if key not in found_review or (found_review[key].status == "cancelled" and review.status != "cancelled"):
            found_review[key] = review
    advice = session.scalars(select(AdviceRequestRow).options(
        selectinload(AdviceRequestRow.pupil), selectinload(AdviceRequestRow.professional),
    ).order_by(AdviceRequestRow.id)).all()
    doc["advice_requests"] = _with_rows([
        _optional(
            {"pupil": a.pupil.upn, "professional": a.professional.ext_id, "kind": a.kind,
             "requested_on": _iso(a.requested_on), "due": _iso(a.due), "received_on": _iso(a.received_on),
             "purpose": a.purpose},
            review_meeting_on=_iso(meeting_of.get(a.review_id)) if a.review_id is not None else None)
        for a in advice
    ], advice, "advice_requests")
    for record, a in zip(doc["advice_requests"], advice, strict=True):
        meeting = found_review.get((a.pupil.upn, meeting_of.get(a.review_id))) if a.review_id is not None else None
        if meeting is not None and meeting.id == a.review_id:
            record["row"]["review_id"] = None  # the load finds it by its date
    assessments = session.scalars(select(AssessmentRow).options(selectinload(AssessmentRow.pupil))
                                  .order_by(AssessmentRow.id)).all()
    doc["assessments"] = _with_rows([
        _optional(
            {"pupil": a.pupil.upn, "requested_on": _iso(a.requested_on),
             "decision_to_assess_on": _iso(a.decision_to_assess_on), "draft_issued_on": _iso(a.draft_issued_on),
             "final_issued_on": _iso(a.final_issued_on)},
            decision_to_issue_on=_iso(a.decision_to_issue_on), stopped_on=_iso(a.stopped_on),
            stopped_reason=a.stopped_reason)
        for a in assessments
    ], assessments, "assessments")
    # the EHCP records added to the format later: written only when there are any, so the dump of a
    # school without them is as it was
    if reviews:
        professional_ids = dict(session.execute(select(ProfessionalRow.id, ProfessionalRow.ext_id)).all())
        doc["annual_reviews"] = _with_rows([_review_dict(r, professional_ids) for r in reviews], reviews,
                                           "annual_reviews")
        for record, review in zip(doc["annual_reviews"], reviews, strict=True):
            _with_rows(record["invitees"], review.invitees, "review_invitees")
            _with_rows(record["circulations"], review.circulations, "review_circulations")
    outcomes = session.scalars(select(OutcomeRow).options(
        selectinload(OutcomeRow.targets).selectinload(TargetRow.professional),
    ).order_by(OutcomeRow.id)).all()
    if outcomes:
        upns = dict(session.execute(select(PupilRow.id, PupilRow.upn)).all())
        doc["outcomes"] = _with_rows([_outcome_dict(o, upns) for o in outcomes], outcomes, "ehcp_outcomes")
        for record, outcome in zip(doc["outcomes"], outcomes, strict=True):
            _with_rows(record["targets"], outcome.targets, "targets")
    _trim_rows(doc)
    # the database's own rows the sections do not hold: each table with rows, row for row by id
    for name, spec in ROW_TABLES.items():
        table = Base.metadata.tables[name]
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).mappings().all()
        if rows:
            later = ROW_LATER_COLUMNS.get(name, frozenset())
            doc[name] = [{column: _to_json(row[column]) for column, column_spec in spec.items()
                          if not (column in later and row[column] == later_default(name, column, column_spec))}
                         for row in rows]
    return doc


def _with_rows(records: list[dict[str, Any]], rows: list, table: str) -> list[dict[str, Any]]:
    """``records`` each with a `row` of every `ROW_EXTRAS` column of its database row (`_trim_rows` keeps
    only what a load would not give by itself)."""
    for record, row in zip(records, rows, strict=True):
        record["row"] = {column: _to_json(getattr(row, column)) for column in ROW_EXTRAS[table]}
    return records


def _trim_rows(doc: dict[str, Any]) -> None:
    """Each record's `row`: its id only when it is not the one after the previous record's of its table
    (in the document's order, as `record_ids` reads it), the other columns only when not their default."""
    for _table, section, inner in SECTION_WALK:
        previous = 0
        for record in doc.get(section) or ():
            for item in [record] if inner is None else record.get(inner) or ():
                full = item.pop("row", None) or {}
                kept = {}
                for column, value in full.items():
                    if column == "id":
                        if value != previous + 1:
                            kept["id"] = value
                        previous = value
                    elif value != EXTRA_DEFAULTS.get(column):
                        kept[column] = value
                if kept:
                    item["row"] = kept


def _optional(record: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """``record`` with the keys of ``extra`` that have a value (optional keys added to the format later)."""
    record.update({key: value for key, value in extra.items() if value is not None})
    return record


def _unless(value: bool, default: bool) -> bool | None:
    """A flag for `_optional`: the value when it differs from the default, else None (left out)."""
    return None if bool(value) == default else bool(value)


def _review_dict(r: AnnualReviewRow, professional_ids: dict[int, str]) -> dict[str, Any]:
    return {
        "pupil": r.pupil.upn, "meeting_on": _iso(r.meeting_on), "meeting_at": _hm_or_none(r.meeting_at),
        "place": r.place, "status": r.status, "cancelled_reason": r.cancelled_reason,
        "invitations_sent_on": _iso(r.invitations_sent_on),
        "child_views": r.child_views, "parent_views": r.parent_views, "budget_review": r.budget_review,
        "proposed_amendments": r.proposed_amendments, "report_sent_on": _iso(r.report_sent_on),
        "la_decision_on": _iso(r.la_decision_on), "amendment_notice_on": _iso(r.amendment_notice_on),
        "final_plan_on": _iso(r.final_plan_on), "created_by": r.created_by, "created_at": _moment(r.created_at),
        "invitees": [
            {"role": i.role, "name": i.name,
             "professional": professional_ids.get(i.professional_id) if i.professional_id is not None else None,
             "removed_on": _iso(i.removed_on)}
            for i in r.invitees
        ],
        "circulations": [
            {"document": c.document, "sent_to": c.sent_to, "sent_on": _iso(c.sent_on), "recorded_by": c.recorded_by}
            for c in r.circulations
        ],
    }


def _outcome_dict(o: OutcomeRow, upns: dict[int, str]) -> dict[str, Any]:
    return {
        "pupil": upns[o.pupil_id], "area": o.area, "text": o.text, "set_on": _iso(o.set_on), "status": o.status,
        "ended_on": _iso(o.ended_on),
        "targets": [
            {"text": t.text, "professional": t.professional.ext_id if t.professional else None,
             "programme": t.programme, "strategy": t.strategy, "set_on": _iso(t.set_on), "status": t.status,
             "ended_on": _iso(t.ended_on)}
            for t in o.targets
        ],
    }


def _pupil_dict(p: PupilRow) -> dict[str, Any]:
    ehcp = None
    if p.has_ehcp:
        budget = None
        if p.personal_budget_reference is not None:
            budget = {"reference": p.personal_budget_reference,
                      "annual_amount_gbp": _number(p.personal_budget_amount_gbp)}
        ehcp = {"issued": _iso(p.ehcp_issued), "last_review": _iso(p.ehcp_last_review), "personal_budget": budget}
    key_worker = None
    if p.key_worker_staff is not None:
        key_worker = {"staff": p.key_worker_staff.ext_id}
    elif p.key_worker_professional is not None:
        key_worker = {"professional": p.key_worker_professional.ext_id}
    return _optional({
        "upn": p.upn, "first_name": p.first_name, "last_name": p.last_name,
        "date_of_birth": _iso(p.date_of_birth), "year_group": p.year_group, "class": p.klass.name,
        "attendance": ({"percent": float(p.attendance_percent), "as_of": _iso(p.attendance_as_of)}
                       if p.attendance_percent is not None else None),
        "ehcp": ehcp,
        "areas_of_need": list(p.areas_of_need or []),
        "contacts": [{"name": c.name, "relationship": c.relationship_,
                      "parental_responsibility": c.parental_responsibility, "phone": c.phone, "email": c.email}
                     for c in p.contacts],
        "looked_after": ({"local_authority": p.looked_after_authority, "social_worker": p.social_worker}
                         if p.looked_after else None),
        "key_worker": key_worker,
        "consent": [_optional(
            {"share_with": c.professional.ext_id if c.professional is not None else c.share_with, "what": c.what,
             "given_by": c.given_by, "on": _iso(c.given_on), "withdrawn_on": _iso(c.withdrawn_on)},
            sections=c.sections, given_by_kind=c.given_by_kind, until=_iso(c.until),
            reviewed_on=_iso(c.reviewed_on)) for c in p.consents],
    }, left_on=_iso(p.left_on))


def _professional_dict(p: ProfessionalRow) -> dict[str, Any]:
    dbs = None
    if p.dbs_type is not None:
        dbs = {"type": p.dbs_type, "date": _iso(p.dbs_date), "given_by": p.dbs_given_by,
               "certificate": p.dbs_certificate, "barred_list": p.dbs_barred_list,
               "update_service": p.dbs_update_service}
    registration = None
    if p.registration_body is not None:
        registration = {"body": p.registration_body, "number": p.registration_number,
                        "checked_on": _iso(p.registration_checked_on)}
    return _optional({
        "id": p.ext_id, "name": p.name, "discipline": p.discipline, "kind": p.kind,
        "organisation": p.organisation, "email": p.email, "phone": p.phone,
        "checks": {"dbs": dbs, "registration": registration, "insurance_expires": _iso(p.insurance_expires)},
    }, active=_unless(p.active, True))


def _request_dict(r: RequestRow) -> dict[str, Any]:
    approval = None
    if r.ehcp_approval_on is not None or r.ehcp_approval_reference is not None:
        approval = {"on": _iso(r.ehcp_approval_on), "reference": r.ehcp_approval_reference}
    first_instance = {"outside_school_day": r.outside_school_day} if r.outside_school_day else {}
    return {
        "id": r.ext_id, "pupil": r.pupil.upn, "professional": r.professional.ext_id, "setting": r.setting,
        "first_session": _iso(r.first_session), "last_session": _iso(r.last_session), "weekday": r.weekday,
        "start_time": _hm(r.start_time), "end_time": _hm(r.end_time), "ehcp_team_approval": approval,
        "personal_budget_linked": r.personal_budget_linked, "classroom_sessions_agreed": r.classroom_sessions_agreed,
        "space": r.space.name if r.space else None, "class_staff": r.class_staff.ext_id if r.class_staff else None,
        "extends": r.extends.ext_id if r.extends else None, "extension_reason": r.extension_reason,
        **first_instance, "status": r.status,
        "history": [{"at": _moment(h.at), "by": h.by, "action": h.action, "reason": h.reason} for h in r.history],
    }
